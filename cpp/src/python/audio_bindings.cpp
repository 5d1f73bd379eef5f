// modelexport._native.load_audio and resample_audio: the native decoder and resampler
// (audio_decode.h) to numpy float32 arrays, for tests and tools.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "modelexport/audio_decode.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using SampleArray = nb::ndarray<nb::numpy, float>;
using MonoArray = nb::ndarray<const float, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

// (channels, frames) for more than one channel (transformers' layout), else (frames,).
SampleArray to_array(modelexport::Audio&& audio) {
  auto* samples = new std::vector<float>();
  nb::capsule owner(samples, [](void* p) noexcept { delete static_cast<std::vector<float>*>(p); });
  const std::size_t frames = audio.frames();
  if (audio.channels <= 1) {
    *samples = std::move(audio.samples);
    return SampleArray(samples->data(), {frames}, owner);
  }
  samples->resize(audio.samples.size());
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t c = 0; c < audio.channels; ++c) {
      (*samples)[c * frames + f] = audio.samples[f * audio.channels + c];
    }
  }
  return SampleArray(samples->data(), {audio.channels, frames}, owner);
}

std::pair<SampleArray, double> load_audio(const std::variant<nb::bytes, std::string>& source,
                                          std::optional<double> sampling_rate,
                                          std::optional<double> max_seconds) {
  modelexport::AudioDecodeOptions options;
  if (sampling_rate) options.target_rate = *sampling_rate;
  if (max_seconds) options.max_seconds = *max_seconds;
  modelexport::Audio audio;
  {
    nb::gil_scoped_release release;
    if (const auto* bytes = std::get_if<nb::bytes>(&source)) {
      audio = modelexport::decode_audio(static_cast<const std::uint8_t*>(bytes->data()),
                                        bytes->size(), options);
    } else {
      audio = modelexport::load_audio_file(std::get<std::string>(source), options);
    }
  }
  const double rate = audio.sampling_rate;
  return {to_array(std::move(audio)), rate};
}

SampleArray resample(const MonoArray& samples, double from_rate, double to_rate) {
  std::vector<float> mono(samples.data(), samples.data() + samples.shape(0));
  modelexport::Audio audio;
  {
    nb::gil_scoped_release release;
    audio.samples = modelexport::resample_audio(mono, from_rate, to_rate);
  }
  return to_array(std::move(audio));
}

}  // namespace

void bind_audio(nb::module_& m) {
  m.def("load_audio", &load_audio, "source"_a, "sampling_rate"_a = nb::none(),
        "max_seconds"_a = nb::none(),
        "Decodes an audio file (path) or its bytes with libsndfile to float32 samples and their "
        "rate: (channels, frames) for multi-channel audio, (frames,) for mono. With "
        "sampling_rate, mixed down to mono and resampled to it (libsoxr HQ) while decoding. "
        "Raises ValueError for bad data.");
  m.def("resample_audio", &resample, "samples"_a, "from_rate"_a, "to_rate"_a,
        "Mono float32 samples resampled with libsoxr (HQ), as the pipelines resample.");
}
