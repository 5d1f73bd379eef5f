// _native.extract_audio_features: the native feature extractors over numpy samples, for parity
// tests against transformers' feature extractors.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

void bind_audio_features(nb::module_& /*m*/) {}
