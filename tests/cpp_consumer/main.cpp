// Consumer of the installed C++ library (tests/test_install.py): prints the library version,
// then the sentence embedding of TEXT by the package at PACKAGE_DIR, one number a line, through
// the one factory every front end uses.
#include <cstdio>
#include <exception>

#include "modelexport/pipeline.h"
#include "modelexport/version.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: embed PACKAGE_DIR TEXT\n");
    return 2;
  }
  try {
    const auto pipeline = modelexport::create_pipeline(argv[1]);
    const modelexport::Value embedding =
        (*pipeline)(argv[2], modelexport::Value::object({{"sentence_embedding", true}}));
    std::printf("%s\n", modelexport::kVersion);
    for (const auto& value : embedding.as_array()) std::printf("%.9g\n", value.as_number());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "embed: %s\n", error.what());
    return 1;
  }
  return 0;
}
