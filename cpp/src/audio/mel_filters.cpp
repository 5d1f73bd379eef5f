// Mel filter banks (see mel_filters.h). Every value is a function of the configuration only, so
// the extractors build their bank once, when they are constructed.
#include "audio/mel_filters.h"

#include <algorithm>
#include <cmath>

namespace modelexport::audio {
namespace {

// Slaney's scale: 3 mels per 200 Hz up to 1 kHz (15 mels), then 27 mels per factor 6.4.
constexpr double kSlaneyBreakHz = 1000.0;
constexpr double kSlaneyBreakMel = 15.0;
const double kSlaneyLogStep = std::log(6.4) / 27.0;

// `count` points from `start` to `stop` inclusive, as numpy.linspace spaces them.
std::vector<double> linspace(double start, double stop, std::size_t count) {
  std::vector<double> points(count);
  const double step = count > 1 ? (stop - start) / static_cast<double>(count - 1) : 0.0;
  for (std::size_t i = 0; i < count; ++i) points[i] = start + static_cast<double>(i) * step;
  if (count > 1) points.back() = stop;
  return points;
}

// Filter m rises from edges[m] to edges[m + 1] and falls to edges[m + 2], evaluated at each
// bin's position (Hz or mel, the same unit as the edges).
MelFilterBank triangles(const std::vector<double>& bin_positions, const std::vector<double>& edges,
                        std::size_t mel_bins) {
  MelFilterBank bank;
  bank.frequency_bins = bin_positions.size();
  for (std::size_t m = 0; m < mel_bins; ++m) {
    const double lower = edges[m];
    const double centre = edges[m + 1];
    const double upper = edges[m + 2];
    std::vector<double> row(bin_positions.size());
    for (std::size_t k = 0; k < bin_positions.size(); ++k) {
      const double rise = (bin_positions[k] - lower) / (centre - lower);
      const double fall = (upper - bin_positions[k]) / (upper - centre);
      row[k] = std::max(0.0, std::min(rise, fall));
    }
    MelFilter filter;
    const auto nonzero = [](double w) { return w != 0.0; };
    const auto begin = std::find_if(row.begin(), row.end(), nonzero);
    if (begin != row.end()) {
      const auto end = std::find_if(row.rbegin(), row.rend(), nonzero).base();
      filter.first = static_cast<std::size_t>(begin - row.begin());
      filter.weights.assign(begin, end);
    }
    bank.filters.push_back(std::move(filter));
  }
  return bank;
}

}  // namespace

double hz_to_slaney_mel(double hz) {
  if (hz < kSlaneyBreakHz) return 3.0 * hz / 200.0;
  return kSlaneyBreakMel + std::log(hz / kSlaneyBreakHz) / kSlaneyLogStep;
}

double slaney_mel_to_hz(double mel) {
  if (mel < kSlaneyBreakMel) return 200.0 * mel / 3.0;
  return kSlaneyBreakHz * std::exp(kSlaneyLogStep * (mel - kSlaneyBreakMel));
}

double hz_to_kaldi_mel(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

std::vector<double> MelFilterBank::dense() const {
  std::vector<double> matrix(filters.size() * frequency_bins, 0.0);
  for (std::size_t m = 0; m < filters.size(); ++m) {
    const MelFilter& filter = filters[m];
    std::copy(filter.weights.begin(), filter.weights.end(),
              matrix.begin() + static_cast<std::ptrdiff_t>(m * frequency_bins + filter.first));
  }
  return matrix;
}

void MelFilterBank::apply(const double* power, double* out) const {
  for (std::size_t m = 0; m < filters.size(); ++m) {
    const MelFilter& filter = filters[m];
    double sum = 0.0;
    for (std::size_t k = 0; k < filter.weights.size(); ++k) {
      sum += filter.weights[k] * power[filter.first + k];
    }
    out[m] = sum;
  }
}

MelFilterBank slaney_mel_filters(std::size_t frequency_bins, std::size_t mel_bins, double min_hz,
                                 double max_hz, double sampling_rate) {
  const std::vector<double> mels =
      linspace(hz_to_slaney_mel(min_hz), hz_to_slaney_mel(max_hz), mel_bins + 2);
  std::vector<double> edges(mels.size());
  std::transform(mels.begin(), mels.end(), edges.begin(), slaney_mel_to_hz);
  // transformers spaces the bins up to sampling_rate // 2 (an integer division).
  const std::vector<double> bins = linspace(0.0, std::floor(sampling_rate / 2.0), frequency_bins);
  MelFilterBank bank = triangles(bins, edges, mel_bins);
  for (std::size_t m = 0; m < mel_bins; ++m) {
    const double scale = 2.0 / (edges[m + 2] - edges[m]);
    for (double& w : bank.filters[m].weights) w *= scale;
  }
  return bank;
}

MelFilterBank kaldi_mel_filters(std::size_t frequency_bins, std::size_t mel_bins, double min_hz,
                                double max_hz, double sampling_rate) {
  const std::vector<double> edges =
      linspace(hz_to_kaldi_mel(min_hz), hz_to_kaldi_mel(max_hz), mel_bins + 2);
  const double bin_hz = sampling_rate / (2.0 * static_cast<double>(frequency_bins - 1));
  std::vector<double> bins(frequency_bins);
  for (std::size_t k = 0; k < frequency_bins; ++k) {
    bins[k] = hz_to_kaldi_mel(bin_hz * static_cast<double>(k));
  }
  return triangles(bins, edges, mel_bins);
}

}  // namespace modelexport::audio
