// RealFft over KissFFT's C++ template (kissfft.hh): an even size uses its real transform
// (a half-size complex FFT and one post-processing pass), an odd size the full complex FFT.
#include "audio/fft.h"

#include <stdexcept>

// kissfft.hh converts sizes to the scalar type implicitly; it is not our code to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#include <kissfft.hh>
#pragma GCC diagnostic pop

namespace modelexport::audio {

struct RealFft::Impl {
  explicit Impl(std::size_t size)
      : even(size % 2 == 0), fft(even ? size / 2 : size, false), packed(even ? size / 2 : size) {
    if (!even) real_as_complex.resize(size);
  }
  bool even;
  kissfft<double> fft;
  std::vector<std::complex<double>> packed;
  std::vector<std::complex<double>> real_as_complex;
};

RealFft::RealFft(std::size_t size) : size_(size) {
  if (size == 0) throw std::invalid_argument("RealFft: size must be at least 1");
  impl_ = std::make_unique<Impl>(size);
}

RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;
RealFft::~RealFft() = default;

void RealFft::forward(const double* input, std::complex<double>* output) {
  Impl& impl = *impl_;
  if (impl.even) {
    // transform_real packs the Nyquist bin's (real) value into bin 0's imaginary part.
    impl.fft.transform_real(input, impl.packed.data());
    const std::size_t half = size_ / 2;
    output[0] = {impl.packed[0].real(), 0.0};
    output[half] = {impl.packed[0].imag(), 0.0};
    for (std::size_t k = 1; k < half; ++k) output[k] = impl.packed[k];
    return;
  }
  for (std::size_t i = 0; i < size_; ++i) impl.real_as_complex[i] = {input[i], 0.0};
  impl.fft.transform(impl.real_as_complex.data(), impl.packed.data());
  for (std::size_t k = 0; k < bins(); ++k) output[k] = impl.packed[k];
}

}  // namespace modelexport::audio
