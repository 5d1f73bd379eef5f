// _native.extract_audio_features: the native feature extractors over numpy samples, for parity
// tests against transformers' feature extractors (tests/test_audio_feature_parity.py) and the
// benchmark (bench/bench_audio_features.py). std::invalid_argument becomes ValueError.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "audio/feature_extractor.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using Samples = nb::ndarray<const float, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Features = nb::ndarray<nb::numpy, float>;

std::tuple<Features, std::size_t> extract_audio_features(const std::string& config_json,
                                                         const Samples& samples) {
  std::vector<float> clip(samples.data(), samples.data() + samples.shape(0));
  modelexport::audio::AudioFeatures features;
  {
    nb::gil_scoped_release release;
    const auto extractor =
        modelexport::audio::parse_feature_extractor(config_json, "preprocessor_config");
    features = extractor->extract(clip);
  }
  auto* owned = new std::vector<float>(std::move(features.values.data));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<float>*>(p); });
  std::vector<std::size_t> shape(features.values.shape.begin(), features.values.shape.end());
  return {Features(owned->data(), shape.size(), shape.data(), owner), features.valid_length};
}

}  // namespace

void bind_audio_features(nb::module_& m) {
  m.def("extract_audio_features", &extract_audio_features, "preprocessor_config_json"_a,
        "samples"_a,
        "The features of one mono float32 clip (at the extractor's sampling rate) as the "
        "feature extractor preprocessor_config.json describes computes them "
        "(Wav2Vec2FeatureExtractor: [samples]; ASTFeatureExtractor: [max_length, num_mel_bins]; "
        "WhisperFeatureExtractor: [feature_size, frames]), and how many steps of the time axis "
        "hold the clip. ValueError for an unsupported or malformed configuration, an empty clip "
        "or non-finite samples.");
}
