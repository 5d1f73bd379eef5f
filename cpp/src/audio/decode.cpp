// Audio decoding with libsndfile (see audio_decode.h): a virtual file over memory or the file
// itself, read in blocks, mixed down and resampled block by block when a target rate is given.
#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "audio/stream_resampler.h"
#include "modelexport/audio_decode.h"

namespace modelexport {
namespace {

constexpr sf_count_t kBlockFrames = 1 << 16;

struct MemoryFile {
  const std::uint8_t* data;
  sf_count_t size;
  sf_count_t position = 0;
};

sf_count_t memory_length(void* user) { return static_cast<MemoryFile*>(user)->size; }

sf_count_t memory_seek(sf_count_t offset, int whence, void* user) {
  auto* file = static_cast<MemoryFile*>(user);
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = file->position;
  if (whence == SEEK_END) base = file->size;
  const sf_count_t target = base + offset;
  if (target < 0 || target > file->size) return -1;
  file->position = target;
  return file->position;
}

sf_count_t memory_read(void* out, sf_count_t count, void* user) {
  auto* file = static_cast<MemoryFile*>(user);
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, file->size - file->position));
  if (n > 0) std::memcpy(out, file->data + file->position, static_cast<std::size_t>(n));
  file->position += n;
  return n;
}

sf_count_t memory_write(const void*, sf_count_t, void*) { return 0; }

sf_count_t memory_tell(void* user) { return static_cast<MemoryFile*>(user)->position; }

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

std::string seconds_text(double seconds) {
  return std::to_string(static_cast<long long>(std::ceil(seconds))) + " s";
}

// Reads an opened file block by block into `Audio`.
Audio read_all(SNDFILE* file, const SF_INFO& info, const AudioDecodeOptions& options) {
  if (info.channels <= 0 || static_cast<std::size_t>(info.channels) > limits::kMaxAudioChannels) {
    throw std::invalid_argument("audio with " + std::to_string(info.channels) +
                                " channels (at most " + std::to_string(limits::kMaxAudioChannels) +
                                ")");
  }
  check_sampling_rate(static_cast<double>(info.samplerate));
  const double rate = info.samplerate;
  const auto channels = static_cast<std::size_t>(info.channels);
  const double max_frames = options.max_seconds * rate;
  // Containers that state their length are refused before anything is decoded (an unknown
  // length reads as SF_COUNT_MAX or 0 in some formats: those are checked while reading).
  if (info.frames > 0 && info.frames != SF_COUNT_MAX &&
      static_cast<double>(info.frames) > max_frames) {
    throw std::invalid_argument("audio of " +
                                seconds_text(static_cast<double>(info.frames) / rate) +
                                " exceeds the limit of " + seconds_text(options.max_seconds));
  }
  const bool convert = options.target_rate > 0.0;
  std::optional<audio::StreamResampler> resampler;
  if (convert && options.target_rate != rate) resampler.emplace(rate, options.target_rate);

  Audio out;
  out.channels = convert ? 1 : channels;
  out.sampling_rate = convert ? options.target_rate : rate;
  if (info.frames > 0 && info.frames != SF_COUNT_MAX) {
    // What the header claims is a hint, not a promise: reserve at most 2^24 samples (64 MiB)
    // ahead, and let a longer clip grow as it is actually decoded.
    const double kept = static_cast<double>(info.frames) *
                        (convert ? out.sampling_rate / rate : static_cast<double>(channels));
    out.samples.reserve(static_cast<std::size_t>(std::min(kept, 16777216.0)) + 16);
  }
  std::vector<float> block(static_cast<std::size_t>(kBlockFrames) * channels);
  std::vector<float> mono;
  double frames_read = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(file, block.data(), kBlockFrames);
    if (got <= 0) break;
    frames_read += static_cast<double>(got);
    if (frames_read > max_frames) {
      throw std::invalid_argument("audio exceeds the limit of " +
                                  seconds_text(options.max_seconds));
    }
    const auto count = static_cast<std::size_t>(got) * channels;
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isfinite(block[i]))
        throw std::invalid_argument("audio samples are NaN or infinite");
    }
    if (!convert) {
      out.samples.insert(out.samples.end(), block.begin(),
                         block.begin() + static_cast<std::ptrdiff_t>(count));
      continue;
    }
    Audio piece;
    piece.channels = channels;
    piece.samples.assign(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(count));
    mono = mix_to_mono(piece);
    if (resampler) {
      resampler->feed(mono.data(), mono.size(), out.samples);
    } else {
      out.samples.insert(out.samples.end(), mono.begin(), mono.end());
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR) {
    throw std::invalid_argument(std::string("corrupt audio: ") + sf_strerror(file));
  }
  if (frames_read == 0) throw std::invalid_argument("the audio is empty (no samples)");
  if (resampler) resampler->finish(out.samples);
  return out;
}

std::string open_error(SNDFILE* file) {
  std::string reason = sf_strerror(file);
  if (!reason.empty() && reason.back() == '.') reason.pop_back();
  return "not a supported audio file (" + reason + ")";
}

}  // namespace

Audio decode_audio(const std::uint8_t* data, std::size_t size, const AudioDecodeOptions& options) {
  if (size == 0) throw std::invalid_argument("the audio data is empty");
  MemoryFile memory{data, static_cast<sf_count_t>(size)};
  SF_VIRTUAL_IO io{memory_length, memory_seek, memory_read, memory_write, memory_tell};
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!file) throw std::invalid_argument(open_error(nullptr));
  return read_all(file.get(), info, options);
}

Audio load_audio_file(const std::string& path, const AudioDecodeOptions& options) {
  if (FILE* probe = std::fopen(path.c_str(), "rb")) {
    std::fclose(probe);
  } else {
    throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
  }
  SF_INFO info{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
  try {
    if (!file) throw std::invalid_argument(open_error(nullptr));
    return read_all(file.get(), info, options);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(path + ": " + error.what());
  }
}

}  // namespace modelexport
