// Resampling with libsoxr (see stream_resampler.h and audio_decode.h).
#include <soxr.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/stream_resampler.h"
#include "modelexport/audio_decode.h"

namespace modelexport {

void check_sampling_rate(double rate) {
  if (!std::isfinite(rate) || rate < limits::kMinSamplingRate || rate > limits::kMaxSamplingRate) {
    throw std::invalid_argument("sampling rate " + std::to_string(rate) + " Hz is outside " +
                                std::to_string(static_cast<int>(limits::kMinSamplingRate)) + ".." +
                                std::to_string(static_cast<int>(limits::kMaxSamplingRate)) + " Hz");
  }
}

namespace audio {

StreamResampler::StreamResampler(double from_rate, double to_rate) : ratio_(to_rate / from_rate) {
  check_sampling_rate(from_rate);
  check_sampling_rate(to_rate);
  soxr_error_t error = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_ = soxr_create(from_rate, to_rate, 1, &error, &io, &quality, &runtime);
  if (error != nullptr || soxr_ == nullptr) {
    throw std::invalid_argument(std::string("cannot resample: ") + (error ? error : "libsoxr"));
  }
}

StreamResampler::~StreamResampler() { soxr_delete(static_cast<soxr_t>(soxr_)); }

void StreamResampler::process(const float* samples, std::size_t count, std::vector<float>& out) {
  // Room for this block's output plus the filter's pending samples; soxr says how much it wrote.
  const std::size_t room =
      static_cast<std::size_t>(std::ceil(static_cast<double>(count) * ratio_)) + 4096;
  std::size_t consumed_total = 0;
  for (;;) {
    const std::size_t start = out.size();
    out.resize(start + room);
    std::size_t consumed = 0;
    std::size_t written = 0;
    const soxr_error_t error = soxr_process(
        static_cast<soxr_t>(soxr_), samples ? samples + consumed_total : nullptr,
        samples ? count - consumed_total : 0, &consumed, out.data() + start, room, &written);
    out.resize(start + written);
    if (error != nullptr) throw std::invalid_argument(std::string("cannot resample: ") + error);
    consumed_total += consumed;
    // Input fully taken and the output buffer not filled: nothing more is pending for now.
    if ((samples == nullptr || consumed_total >= count) && written < room) return;
  }
}

void StreamResampler::feed(const float* samples, std::size_t count, std::vector<float>& out) {
  if (count > 0) process(samples, count, out);
}

void StreamResampler::finish(std::vector<float>& out) { process(nullptr, 0, out); }

}  // namespace audio

std::vector<float> resample_audio(const std::vector<float>& mono, double from_rate,
                                  double to_rate) {
  check_sampling_rate(from_rate);
  check_sampling_rate(to_rate);
  if (from_rate == to_rate) return mono;
  audio::StreamResampler resampler(from_rate, to_rate);
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(static_cast<double>(mono.size()) * to_rate / from_rate) +
              16);
  resampler.feed(mono.data(), mono.size(), out);
  resampler.finish(out);
  return out;
}

std::vector<float> mix_to_mono(const Audio& audio) {
  if (audio.channels <= 1) return audio.samples;
  const std::size_t frames = audio.frames();
  std::vector<float> mono(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    // Summed in double, divided, rounded once: for two channels this is numpy's float32 mean
    // over the channel axis bit for bit (halving is exact).
    double sum = 0.0;
    for (std::size_t c = 0; c < audio.channels; ++c) sum += audio.samples[f * audio.channels + c];
    mono[f] = static_cast<float>(sum / static_cast<double>(audio.channels));
  }
  return mono;
}

}  // namespace modelexport
