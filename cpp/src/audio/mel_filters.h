// Triangular mel filter banks, computed the way transformers' audio_utils.mel_filter_bank does
// (in double): Slaney mel scale with Slaney area normalisation (Whisper), and Kaldi's mel scale
// with the triangles drawn in mel space and no normalisation (AST's numpy path).
#pragma once

#include <cstddef>
#include <vector>

namespace modelexport::audio {

// One filter: its weights over the FFT bins [first, first + weights.size()) (the rest are 0).
struct MelFilter {
  std::size_t first = 0;
  std::vector<double> weights;
};

struct MelFilterBank {
  std::size_t frequency_bins = 0;  // FFT bins the filters span (fft_length / 2 + 1)
  std::vector<MelFilter> filters;  // one per mel bin, lowest first

  // The filters as a dense [mel][frequency_bin] matrix (tests, inspection).
  std::vector<double> dense() const;
  // sum_k weights[k] * power[first + k] for each filter, into out (filters.size() values).
  void apply(const double* power, double* out) const;
};

// Whisper: Slaney mel scale (linear below 1 kHz, logarithmic above), FFT bin k at
// k * (sampling_rate / 2, integer-divided) / (frequency_bins - 1) Hz, each filter scaled by
// 2 / (its upper edge - its lower edge) in Hz.
MelFilterBank slaney_mel_filters(std::size_t frequency_bins, std::size_t mel_bins, double min_hz,
                                 double max_hz, double sampling_rate);

// AST: Kaldi mel scale (1127 ln(1 + f / 700)), triangles in mel space over the FFT bins'
// mel values, FFT bin k at k * sampling_rate / (2 (frequency_bins - 1)) Hz, unnormalised.
MelFilterBank kaldi_mel_filters(std::size_t frequency_bins, std::size_t mel_bins, double min_hz,
                                double max_hz, double sampling_rate);

// The scales themselves.
double hz_to_slaney_mel(double hz);
double slaney_mel_to_hz(double mel);
double hz_to_kaldi_mel(double hz);

}  // namespace modelexport::audio
