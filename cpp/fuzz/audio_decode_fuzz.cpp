// libFuzzer target: bytes -> decode_audio (every libsndfile format by its contents), as stored
// and, for inputs whose first byte is odd, mixed down and resampled to 16 kHz while decoding.
// A length limit low enough that the fuzzer explores headers rather than decoding long clips.
// Bad data must be a std::invalid_argument; anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "modelexport/audio_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  modelexport::AudioDecodeOptions options;
  options.max_seconds = 20.0;
  if (size > 0 && (data[0] & 1) != 0) options.target_rate = 16000.0;
  modelexport::Audio audio;
  try {
    audio = modelexport::decode_audio(data, size, options);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (audio.channels == 0 || audio.samples.size() % audio.channels != 0) std::abort();
  if (options.target_rate > 0 && (audio.channels != 1 || audio.sampling_rate != 16000.0)) {
    std::abort();
  }
  for (float sample : audio.samples) {
    if (!std::isfinite(sample)) std::abort();
  }
  return 0;
}
