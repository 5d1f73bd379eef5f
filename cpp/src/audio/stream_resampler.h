// A libsoxr resampler fed block by block (RAII over soxr_t), so a long file is resampled while it
// is decoded and never held at its own rate.
#pragma once

#include <cstddef>
#include <vector>

namespace modelexport::audio {

class StreamResampler {
 public:
  // Mono float32 from `from_rate` to `to_rate` Hz, SOXR_HQ. Throws std::invalid_argument when
  // libsoxr refuses the rates.
  StreamResampler(double from_rate, double to_rate);
  ~StreamResampler();
  StreamResampler(const StreamResampler&) = delete;
  StreamResampler& operator=(const StreamResampler&) = delete;

  // Resamples `count` samples, appending what is ready to `out`.
  void feed(const float* samples, std::size_t count, std::vector<float>& out);
  // Flushes the filter's delay line into `out`; call once after the last block.
  void finish(std::vector<float>& out);

 private:
  void process(const float* samples, std::size_t count, std::vector<float>& out);

  void* soxr_ = nullptr;  // soxr_t
  double ratio_ = 1.0;
};

}  // namespace modelexport::audio
