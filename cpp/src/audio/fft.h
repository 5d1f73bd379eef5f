// The real FFT the feature extractors share: KissFFT (Debian's libkissfft-dev), never a
// hand-written transform. Double precision through KissFFT's C++ template header (kissfft.hh,
// the same library as kiss_fftr.h, whose compiled C library Debian ships for float only):
// transformers' numpy paths transform in float64, and a float transform's rounding error is
// relative to the whole frame's energy, which is visible in the log of quiet mel bins (AST has
// no relative floor). See feature_extractor.h for the paths matched.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

namespace modelexport::audio {

class RealFft {
 public:
  // A transform of `size` real samples (size >= 1).
  explicit RealFft(std::size_t size);
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  ~RealFft();

  std::size_t size() const { return size_; }
  // size / 2 + 1: the one-sided spectrum's bins.
  std::size_t bins() const { return size_ / 2 + 1; }

  // The one-sided spectrum of `input` (size() samples) into `output` (bins() values). Not
  // thread-safe on one object (it owns its scratch buffers): one RealFft per thread.
  void forward(const double* input, std::complex<double>* output);

 private:
  struct Impl;
  std::size_t size_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelexport::audio
