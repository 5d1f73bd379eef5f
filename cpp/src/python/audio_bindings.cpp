// _native.load_audio: the native decoder and resampler over files and bytes.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

void bind_audio(nb::module_& /*m*/) {}
