// Consumer of the installed C++ library (tests/test_install.py): prints the library version,
// then the sentence embedding of TEXT by the package at PACKAGE_DIR, one number a line.
#include <cstdio>
#include <exception>
#include <string>

#include "modelexport/pipeline.h"
#include "modelexport/version.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: embed PACKAGE_DIR TEXT\n");
    return 2;
  }
  try {
    const modelexport::FeatureExtractionPipeline pipeline(argv[1]);
    const auto embeddings = pipeline.sentence_embeddings({{argv[2], std::nullopt}});
    std::printf("%s\n", modelexport::kVersion);
    for (const float value : embeddings.at(0)) {
      std::printf("%.9g\n", static_cast<double>(value));
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "embed: %s\n", error.what());
    return 1;
  }
  return 0;
}
