// Normalizer registry: "type" -> from_json factory.
#include <map>
#include <string>

#include "text/normalizers/bert_normalizer.h"
#include "text/normalizers/lowercase.h"
#include "text/normalizers/nfc.h"
#include "text/normalizers/nfd.h"
#include "text/normalizers/nfkc.h"
#include "text/normalizers/nfkd.h"
#include "text/normalizers/nmt.h"
#include "text/normalizers/normalizer.h"
#include "text/normalizers/precompiled.h"
#include "text/normalizers/prepend.h"
#include "text/normalizers/replace.h"
#include "text/normalizers/sequence.h"
#include "text/normalizers/strip.h"
#include "text/normalizers/strip_accents.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> normalizer_from_json(const JsonRef& json) {
  using Factory = std::unique_ptr<Normalizer> (*)(const JsonRef&);
  static const std::map<std::string, Factory, std::less<>> kRegistry = {
      {"BertNormalizer", &BertNormalizer::from_json},
      {"Lowercase", &Lowercase::from_json},
      {"NFC", &Nfc::from_json},
      {"NFD", &Nfd::from_json},
      {"Prepend", &Prepend::from_json},
      {"Replace", &Replace::from_json},
      {"NFKC", &Nfkc::from_json},
      {"NFKD", &Nfkd::from_json},
      {"Nmt", &Nmt::from_json},
      {"Precompiled", &Precompiled::from_json},
      {"Sequence", &NormalizerSequence::from_json},
      {"Strip", &Strip::from_json},
      {"StripAccents", &StripAccents::from_json},
  };
  const std::string type = json.type_tag();
  auto it = kRegistry.find(type);
  if (it == kRegistry.end()) json.at("type").fail("unknown normalizer '" + type + "'");
  return it->second(json);
}

}  // namespace modelexport::text
