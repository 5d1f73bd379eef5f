// ASTFeatureExtractor: Kaldi-style log mel filter bank energies, padded with zero frames or
// truncated to max_length frames, then (x - mean) / (2 std).
//
// This is the numpy path transformers takes when torchaudio is not installed (our environment):
// audio_utils.spectrogram over 400-sample frames every 160 samples (no centring), each frame's
// mean removed, pre-emphasis 0.97, a symmetric Hann window, a 512-point FFT whose spectrum
// numpy stores as complex64, the power through Kaldi-scale mel triangles (20 Hz to the Nyquist
// frequency, drawn in mel space), floored at float32's epsilon, natural log, float32. The
// torchaudio path (ta_kaldi.fbank, window_type "hanning") is the same recipe computed in float32.
#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "audio/feature_config.h"
#include "audio/fft.h"
#include "audio/mel_filters.h"
#include "modelexport/limits.h"

namespace modelexport::audio {
namespace {

constexpr std::size_t kFrameLength = 400;
constexpr std::size_t kHop = 160;
constexpr std::size_t kFftLength = 512;
constexpr double kPreemphasis = 0.97;
constexpr double kMelFloor = 1.192092955078125e-07;  // float32 epsilon
constexpr double kMinHz = 20.0;
constexpr double kPi = 3.14159265358979323846;

class KaldiFbank final : public FeatureExtractor {
 public:
  explicit KaldiFbank(const FeatureConfig& config)
      : sampling_rate_(config.integer("sampling_rate", 16000, 1, std::int64_t{1} << 24)),
        mel_bins_(static_cast<std::size_t>(config.integer("num_mel_bins", 128, 1, 1024))),
        max_length_(static_cast<std::size_t>(
            config.integer("max_length", 1024, 1, limits::kMaxFixedDimension))),
        padding_value_(static_cast<float>(config.number("padding_value", 0.0))),
        normalize_(config.flag("do_normalize", true)),
        mean_(config.number("mean", -4.2677393)),
        std_(config.number("std", 4.5689974)),
        window_(kFrameLength),
        mel_(kaldi_mel_filters(kFftLength / 2 + 1, mel_bins_, kMinHz,
                               static_cast<double>(sampling_rate_ / 2),
                               static_cast<double>(sampling_rate_))) {
    if (normalize_ && std_ == 0.0) config.fail("std", "must not be 0");
    if (max_length_ * mel_bins_ > static_cast<std::size_t>(limits::kMaxInputElements)) {
      config.fail("max_length", "max_length x num_mel_bins exceeds " +
                                    std::to_string(limits::kMaxInputElements) + " values");
    }
    // np.hanning: symmetric.
    for (std::size_t i = 0; i < kFrameLength; ++i) {
      window_[i] = 0.5 - 0.5 * std::cos(2.0 * kPi * static_cast<double>(i) /
                                        static_cast<double>(kFrameLength - 1));
    }
  }

  const std::string& class_name() const override { return kName; }
  double sampling_rate() const override { return static_cast<double>(sampling_rate_); }
  const std::string& feature_name() const override { return kInput; }
  std::size_t time_axis() const override { return 0; }
  std::size_t fixed_time_length() const override { return max_length_; }
  float padding_value() const override { return padding_value_; }

  AudioFeatures extract(const std::vector<float>& samples) const override {
    check_samples(samples, kName);
    // Only the frames that fit in max_length are computed: a long clip costs max_length frames.
    const std::size_t available =
        samples.size() >= kFrameLength ? 1 + (samples.size() - kFrameLength) / kHop : 0;
    const std::size_t frames = std::min(available, max_length_);
    AudioFeatures features;
    features.values.shape = {static_cast<std::int64_t>(max_length_),
                             static_cast<std::int64_t>(mel_bins_)};
    features.values.data.assign(max_length_ * mel_bins_, 0.0F);
    features.valid_length = frames;

    RealFft fft(kFftLength);
    std::vector<double> frame(kFftLength, 0.0);
    std::vector<std::complex<double>> spectrum(fft.bins());
    std::vector<double> power(fft.bins());
    std::vector<double> mel(mel_bins_);
    for (std::size_t t = 0; t < frames; ++t) {
      const float* start = samples.data() + t * kHop;
      double sum = 0.0;
      for (std::size_t i = 0; i < kFrameLength; ++i) {
        frame[i] = start[i];
        sum += frame[i];
      }
      const double mean = sum / static_cast<double>(kFrameLength);
      for (std::size_t i = 0; i < kFrameLength; ++i) frame[i] -= mean;
      for (std::size_t i = kFrameLength - 1; i > 0; --i) frame[i] -= kPreemphasis * frame[i - 1];
      frame[0] *= 1.0 - kPreemphasis;
      for (std::size_t i = 0; i < kFrameLength; ++i) frame[i] *= window_[i];
      fft.forward(frame.data(), spectrum.data());
      for (std::size_t k = 0; k < spectrum.size(); ++k) {
        // numpy keeps the spectrum as complex64: round it the same way before squaring.
        const double re = static_cast<float>(spectrum[k].real());
        const double im = static_cast<float>(spectrum[k].imag());
        power[k] = re * re + im * im;
      }
      mel_.apply(power.data(), mel.data());
      float* row = features.values.data.data() + t * mel_bins_;
      for (std::size_t m = 0; m < mel_bins_; ++m) {
        row[m] = static_cast<float>(std::log(std::max(kMelFloor, mel[m])));
      }
    }
    if (normalize_) {
      // numpy computes (x - mean) / (std * 2) in float32, the Python floats rounded to float32.
      const float mean = static_cast<float>(mean_);
      const float scale = static_cast<float>(std_ * 2.0);
      for (float& x : features.values.data) x = (x - mean) / scale;
    }
    return features;
  }

 private:
  static inline const std::string kName = "ASTFeatureExtractor";
  static inline const std::string kInput = "input_values";
  std::int64_t sampling_rate_;
  std::size_t mel_bins_;
  std::size_t max_length_;
  float padding_value_;
  bool normalize_;
  double mean_;
  double std_;
  std::vector<double> window_;
  MelFilterBank mel_;
};

}  // namespace

std::unique_ptr<FeatureExtractor> make_kaldi_fbank(const FeatureConfig& config) {
  return std::make_unique<KaldiFbank>(config);
}

}  // namespace modelexport::audio
