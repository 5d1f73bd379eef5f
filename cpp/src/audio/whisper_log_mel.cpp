// WhisperFeatureExtractor: the log10 mel spectrogram of the clip padded (with padding_value) or
// truncated to chunk_length seconds, as transformers computes it when torch is installed (our
// environment: _torch_extract_fbank_features):
//   torch.stft(n_fft, hop_length, periodic Hann window, center=True with reflect padding),
//   |X|^2 without the last frame, Slaney mel filters (0 to 8 kHz, Slaney-normalised),
//   log10(max(mel, 1e-10)), max(x, global max - 8), (x + 4) / 4  ->  [feature_size, frames].
// torch computes in float32; we compute in double (the numpy path's precision, which transformers
// takes without torch), so the result is within float32 rounding of either path.
// do_normalize (zero mean, unit variance over the clip's samples before padding) is the call-time
// option of transformers' __call__, read here from the configuration (default false).
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <string>

#include "audio/feature_config.h"
#include "audio/fft.h"
#include "audio/mel_filters.h"
#include "modelexport/limits.h"

namespace modelexport::audio {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxHz = 8000.0;  // transformers fixes the top filter edge at 8 kHz
constexpr double kLogFloor = 1e-10;
constexpr double kDynamicRange = 8.0;
// One chunk of samples is held in memory: 2^27 is 2.3 hours at 16 kHz (Whisper's is 30 s).
constexpr std::size_t kMaxChunkSamples = std::size_t{1} << 27;

class WhisperLogMel final : public FeatureExtractor {
 public:
  explicit WhisperLogMel(const FeatureConfig& config)
      : sampling_rate_(config.integer("sampling_rate", 16000, 1, std::int64_t{1} << 24)),
        mel_bins_(static_cast<std::size_t>(config.integer("feature_size", 80, 1, 1024))),
        n_fft_(static_cast<std::size_t>(config.integer("n_fft", 400, 2, 1 << 16))),
        hop_(static_cast<std::size_t>(config.integer("hop_length", 160, 1, 1 << 16))),
        padding_value_(static_cast<float>(config.number("padding_value", 0.0))),
        normalize_(config.flag("do_normalize", false)),
        window_(n_fft_),
        mel_(slaney_mel_filters(n_fft_ / 2 + 1, mel_bins_, 0.0, kMaxHz,
                                static_cast<double>(sampling_rate_))) {
    const std::int64_t chunk = config.integer("chunk_length", 30, 1, 3600);
    n_samples_ = static_cast<std::size_t>(chunk * sampling_rate_);
    if (n_samples_ > kMaxChunkSamples) {
      config.fail("chunk_length", "chunk_length x sampling_rate exceeds " +
                                      std::to_string(kMaxChunkSamples) + " samples");
    }
    frames_ = n_samples_ / hop_;
    if (config.number("dither", 0.0) != 0.0) {
      config.fail("dither", "only 0 is supported (transformers adds random noise)");
    }
    if (n_samples_ <= n_fft_ / 2) {
      config.fail("n_fft", "reflect padding needs chunk_length x sampling_rate (" +
                               std::to_string(n_samples_) + ") above n_fft / 2");
    }
    if (frames_ * mel_bins_ > static_cast<std::size_t>(limits::kMaxInputElements)) {
      config.fail("chunk_length",
                  "the features (feature_size x chunk_length x sampling_rate / "
                  "hop_length) exceed " +
                      std::to_string(limits::kMaxInputElements) + " values");
    }
    // torch.hann_window: periodic.
    for (std::size_t i = 0; i < n_fft_; ++i) {
      window_[i] =
          0.5 - 0.5 * std::cos(2.0 * kPi * static_cast<double>(i) / static_cast<double>(n_fft_));
    }
  }

  const std::string& class_name() const override { return kName; }
  double sampling_rate() const override { return static_cast<double>(sampling_rate_); }
  const std::string& feature_name() const override { return kInput; }
  std::size_t time_axis() const override { return 1; }
  std::size_t fixed_time_length() const override { return frames_; }
  float padding_value() const override { return padding_value_; }

  AudioFeatures extract(const std::vector<float>& samples) const override {
    check_samples(samples, kName);
    // Only the first n_samples are read: a long clip costs one chunk.
    const std::size_t kept = std::min(samples.size(), n_samples_);
    std::vector<float> chunk(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(kept));
    if (normalize_) normalize_in_place(chunk);
    chunk.resize(n_samples_, padding_value_);

    // Frame t covers padded positions [t hop, t hop + n_fft) of the signal reflected by n_fft / 2
    // at both ends; transformers drops the last of the 1 + n_samples / hop frames.
    const auto n = static_cast<std::ptrdiff_t>(n_samples_);
    const auto half = static_cast<std::ptrdiff_t>(n_fft_ / 2);
    const auto reflected = [&](std::ptrdiff_t j) {
      if (j < 0) j = -j;
      if (j >= n) j = 2 * (n - 1) - j;
      return static_cast<double>(chunk[static_cast<std::size_t>(j)]);
    };
    RealFft fft(n_fft_);
    std::vector<double> frame(n_fft_);
    std::vector<std::complex<double>> spectrum(fft.bins());
    std::vector<double> power(fft.bins());
    std::vector<double> mel(mel_bins_);
    std::vector<double> log_mel(mel_bins_ * frames_);  // [mel][frame]
    double peak = -std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < frames_; ++t) {
      const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * hop_) - half;
      for (std::size_t i = 0; i < n_fft_; ++i) {
        frame[i] = reflected(start + static_cast<std::ptrdiff_t>(i)) * window_[i];
      }
      fft.forward(frame.data(), spectrum.data());
      for (std::size_t k = 0; k < spectrum.size(); ++k) power[k] = std::norm(spectrum[k]);
      mel_.apply(power.data(), mel.data());
      for (std::size_t m = 0; m < mel_bins_; ++m) {
        const double value = std::log10(std::max(kLogFloor, mel[m]));
        log_mel[m * frames_ + t] = value;
        peak = std::max(peak, value);
      }
    }
    AudioFeatures features;
    features.values.shape = {static_cast<std::int64_t>(mel_bins_),
                             static_cast<std::int64_t>(frames_)};
    features.values.data.resize(log_mel.size());
    for (std::size_t i = 0; i < log_mel.size(); ++i) {
      features.values.data[i] =
          static_cast<float>((std::max(log_mel[i], peak - kDynamicRange) + 4.0) / 4.0);
    }
    features.valid_length = std::min((kept + hop_ - 1) / hop_, frames_);
    return features;
  }

 private:
  static inline const std::string kName = "WhisperFeatureExtractor";
  static inline const std::string kInput = "input_features";
  std::int64_t sampling_rate_;
  std::size_t mel_bins_;
  std::size_t n_fft_;
  std::size_t hop_;
  float padding_value_;
  bool normalize_;
  std::vector<double> window_;
  MelFilterBank mel_;
  std::size_t n_samples_ = 0;
  std::size_t frames_ = 0;
};

}  // namespace

std::unique_ptr<FeatureExtractor> make_whisper_log_mel(const FeatureConfig& config) {
  return std::make_unique<WhisperLogMel>(config);
}

}  // namespace modelexport::audio
