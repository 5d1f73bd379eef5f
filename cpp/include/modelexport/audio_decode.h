// Audio decoding (libsndfile: WAV/AIFF PCM 8-32 bit and float, FLAC, OGG/Vorbis, Opus, MP3),
// mixing down to mono and resampling (libsoxr, "high quality" as python-soxr and librosa
// default to). Decoding streams the input in blocks: with a target rate, memory holds only the
// mono result at that rate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "modelexport/audio.h"
#include "modelexport/limits.h"

namespace modelexport {

struct AudioDecodeOptions {
  // Inputs longer than this are refused (before decoding when the file says its length).
  double max_seconds = limits::kMaxDecodedAudioSeconds;
  // When > 0: mix down to mono (channels averaged, as transformers and ffmpeg's -ac 1 do) and
  // resample to this rate while decoding. 0: the file's channels and rate, as stored.
  double target_rate = 0.0;
};

// Decodes an encoded audio file, its format sniffed from its contents (never from a name).
// Throws std::invalid_argument, one line, for empty, truncated or corrupt data, an unsupported
// format, zero-length audio, a rate outside [limits::kMinSamplingRate, kMaxSamplingRate], too
// many channels or a clip above options.max_seconds; callers prepend the input's name.
Audio decode_audio(const std::uint8_t* data, std::size_t size,
                   const AudioDecodeOptions& options = {});
// decode_audio streaming from a file; errors are prefixed with the path. A file that cannot be
// opened is a std::runtime_error.
Audio load_audio_file(const std::string& path, const AudioDecodeOptions& options = {});

// The channels averaged per frame (transformers' _to_mono, ffmpeg's stereo-to-mono downmix).
std::vector<float> mix_to_mono(const Audio& audio);

// Mono samples resampled from `from_rate` to `to_rate` Hz with libsoxr (SOXR_HQ: what
// python-soxr's default and librosa's "soxr_hq" use). Equal rates return the input. Throws
// std::invalid_argument for a rate outside the limits.
std::vector<float> resample_audio(const std::vector<float>& mono, double from_rate, double to_rate);

// Throws std::invalid_argument unless limits::kMinSamplingRate <= rate <= kMaxSamplingRate.
void check_sampling_rate(double rate);

}  // namespace modelexport
