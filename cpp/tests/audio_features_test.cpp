// The native feature extractors' hand-checkable properties: mel filter shapes, where a pure
// tone's energy lands, normalisation, padding and truncation lengths, bounded work on long clips,
// and one-line errors for bad configurations and clips. Parity with transformers is
// tests/test_audio_feature_parity.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/feature_extractor.h"
#include "audio/fft.h"
#include "audio/mel_filters.h"

namespace {

using modelexport::audio::parse_feature_extractor;

constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double hz, std::size_t count, double rate = 16000.0, double gain = 0.5) {
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<float>(gain * std::sin(2.0 * kPi * hz * static_cast<double>(i) / rate));
  }
  return out;
}

std::string error_of(const std::string& config, const std::vector<float>& samples = {0.1F}) {
  try {
    parse_feature_extractor(config, "preprocessor_config.json")->extract(samples);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// The mel bin whose filter peaks closest to `hz` in a bank over `bins` FFT bins.
std::size_t peak_filter(const modelexport::audio::MelFilterBank& bank, double hz, double rate) {
  const std::vector<double> dense = bank.dense();
  const auto bin = static_cast<std::size_t>(
      std::lround(hz / (rate / 2) * static_cast<double>(bank.frequency_bins - 1)));
  std::size_t best = 0;
  for (std::size_t m = 0; m < bank.filters.size(); ++m) {
    if (dense[m * bank.frequency_bins + bin] > dense[best * bank.frequency_bins + bin]) best = m;
  }
  return best;
}

TEST(AudioFft, MatchesTheDefinitionForEvenAndOddSizes) {
  for (std::size_t n : {1U, 2U, 7U, 400U, 512U}) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = std::sin(0.37 * static_cast<double>(i * i)) + 0.1;
    modelexport::audio::RealFft fft(n);
    std::vector<std::complex<double>> out(fft.bins());
    fft.forward(x.data(), out.data());
    for (std::size_t k = 0; k < fft.bins(); ++k) {
      std::complex<double> expected = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        expected += x[i] * std::polar(1.0, -2.0 * kPi * static_cast<double>(k * i) /
                                               static_cast<double>(n));
      }
      EXPECT_NEAR(std::abs(out[k] - expected), 0.0, 1e-9) << "n " << n << " bin " << k;
    }
  }
}

TEST(AudioMelFilters, SlaneyBankHasUnitAreaPerHertzAndPeaksInOrder) {
  const auto bank = modelexport::audio::slaney_mel_filters(201, 80, 0.0, 8000.0, 16000.0);
  ASSERT_EQ(bank.filters.size(), 80U);
  // Slaney normalisation: each triangle's area in Hz is 1 (height 2 / width, base = width).
  const double bin_hz = 8000.0 / 200.0;
  for (std::size_t m = 50; m < 80; ++m) {  // wide enough (> 10 bins) for a sampled area
    const auto& w = bank.filters[m].weights;
    const double area = std::accumulate(w.begin(), w.end(), 0.0) * bin_hz;
    EXPECT_NEAR(area, 1.0, 0.1) << "filter " << m;
  }
  // Peaks move up with the mel index.
  std::size_t previous_peak = 0;
  for (std::size_t m = 1; m < 80; ++m) {
    const auto& f = bank.filters[m];
    const std::size_t peak =
        f.first + static_cast<std::size_t>(std::max_element(f.weights.begin(), f.weights.end()) -
                                           f.weights.begin());
    EXPECT_GE(peak, previous_peak);
    previous_peak = peak;
  }
  // The scale: 1 kHz is 15 mels, and the inverse is the inverse.
  EXPECT_DOUBLE_EQ(modelexport::audio::hz_to_slaney_mel(1000.0), 15.0);
  EXPECT_NEAR(modelexport::audio::slaney_mel_to_hz(modelexport::audio::hz_to_slaney_mel(3456.0)),
              3456.0, 1e-9);
}

TEST(AudioMelFilters, KaldiBankIsUnnormalisedTrianglesInMelSpace) {
  const auto bank = modelexport::audio::kaldi_mel_filters(257, 128, 20.0, 8000.0, 16000.0);
  ASSERT_EQ(bank.filters.size(), 128U);
  // The lowest triangles are narrower than the 31.25 Hz bin spacing and may catch no bin at all
  // (transformers warns about them too); every other one peaks in (0, 1].
  std::size_t empty = 0;
  for (const auto& filter : bank.filters) {
    if (filter.weights.empty()) {
      ++empty;
      continue;
    }
    const double peak = *std::max_element(filter.weights.begin(), filter.weights.end());
    EXPECT_GT(peak, 0.0);
    EXPECT_LE(peak, 1.0);
    // Nothing below 20 Hz: bin 0 (0 Hz) carries no weight.
    EXPECT_GT(filter.first, 0U);
  }
  EXPECT_LT(empty, 8U);
  EXPECT_FALSE(bank.filters.back().weights.empty());
  EXPECT_NEAR(modelexport::audio::hz_to_kaldi_mel(700.0), 1127.0 * std::log(2.0), 1e-12);
}

TEST(AudioWhisper, ToneEnergyLandsInItsMelBinAndShapeIsFixed) {
  const auto whisper =
      parse_feature_extractor(R"({"feature_extractor_type": "WhisperFeatureExtractor"})", "x");
  EXPECT_EQ(whisper->feature_name(), "input_features");
  EXPECT_EQ(whisper->time_axis(), 1U);
  EXPECT_EQ(whisper->fixed_time_length(), 3000U);
  const auto features = whisper->extract(tone(1000.0, 16000));
  ASSERT_EQ(features.values.shape, (std::vector<std::int64_t>{80, 3000}));
  EXPECT_EQ(features.valid_length, 100U);
  const auto bank = modelexport::audio::slaney_mel_filters(201, 80, 0.0, 8000.0, 16000.0);
  const std::size_t expected = peak_filter(bank, 1000.0, 16000.0);
  const std::size_t frame = 50;  // mid-clip
  std::size_t loudest = 0;
  for (std::size_t m = 0; m < 80; ++m) {
    if (features.values.data[m * 3000 + frame] > features.values.data[loudest * 3000 + frame]) {
      loudest = m;
    }
  }
  EXPECT_EQ(loudest, expected);
  // The padding (silence) sits at the floor: global max - 8, scaled.
  const float peak = *std::max_element(features.values.data.begin(), features.values.data.end());
  EXPECT_NEAR(features.values.data[2999], peak - 2.0F, 1e-6);
}

TEST(AudioWhisper, LongClipsCostOneChunkAndSilenceIsConstant) {
  const auto whisper = parse_feature_extractor(
      R"({"feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 128})", "x");
  const auto long_clip = whisper->extract(tone(440.0, 16000 * 45));
  EXPECT_EQ(long_clip.values.shape, (std::vector<std::int64_t>{128, 3000}));
  EXPECT_EQ(long_clip.valid_length, 3000U);
  const auto silence = whisper->extract(std::vector<float>(100, 0.0F));
  for (float v : silence.values.data) EXPECT_FLOAT_EQ(v, -1.5F);  // (log10(1e-10) + 4) / 4
  EXPECT_EQ(silence.valid_length, 1U);
}

TEST(AudioAst, PadsTruncatesAndNormalisesWithTwiceTheStd) {
  const auto ast = parse_feature_extractor(
      R"({"feature_extractor_type": "ASTFeatureExtractor", "max_length": 20})", "x");
  EXPECT_EQ(ast->fixed_time_length(), 20U);
  EXPECT_EQ(ast->time_axis(), 0U);
  // 1 + (1000 - 400) / 160 = 4 frames, then 16 frames of zeros, normalised.
  const auto short_clip = ast->extract(tone(1000.0, 1000));
  ASSERT_EQ(short_clip.values.shape, (std::vector<std::int64_t>{20, 128}));
  EXPECT_EQ(short_clip.valid_length, 4U);
  const float padded = (0.0F - static_cast<float>(-4.2677393)) / static_cast<float>(2 * 4.5689974);
  EXPECT_FLOAT_EQ(short_clip.values.data[19 * 128 + 5], padded);
  // A long clip stops at max_length frames.
  const auto long_clip = ast->extract(tone(1000.0, 16000 * 10));
  EXPECT_EQ(long_clip.valid_length, 20U);
  // Under 400 samples there is no whole frame: all padding.
  EXPECT_EQ(ast->extract(tone(1000.0, 300)).valid_length, 0U);
}

TEST(AudioAst, ToneEnergyLandsInItsKaldiMelBin) {
  const auto ast = parse_feature_extractor(
      R"({"feature_extractor_type": "ASTFeatureExtractor", "do_normalize": false})", "x");
  const auto features = ast->extract(tone(2000.0, 16000));
  const auto bank = modelexport::audio::kaldi_mel_filters(257, 128, 20.0, 8000.0, 16000.0);
  const std::size_t expected = peak_filter(bank, 2000.0, 16000.0);
  const float* row = features.values.data.data() + 10 * 128;
  EXPECT_EQ(static_cast<std::size_t>(std::max_element(row, row + 128) - row), expected);
}

TEST(AudioWav2Vec2, NormalisesToZeroMeanUnitVariance) {
  const auto w2v =
      parse_feature_extractor(R"({"feature_extractor_type": "Wav2Vec2FeatureExtractor"})", "x");
  EXPECT_EQ(w2v->feature_name(), "input_values");
  EXPECT_EQ(w2v->fixed_time_length(), 0U);
  std::vector<float> clip = tone(300.0, 5000, 16000.0, 0.3);
  for (float& s : clip) s += 0.2F;
  const auto features = w2v->extract(clip);
  ASSERT_EQ(features.values.shape, (std::vector<std::int64_t>{5000}));
  EXPECT_EQ(features.valid_length, 5000U);
  double mean = 0.0;
  for (float v : features.values.data) mean += v;
  mean /= 5000.0;
  double var = 0.0;
  for (float v : features.values.data) var += (v - mean) * (v - mean);
  var /= 5000.0;
  EXPECT_NEAR(mean, 0.0, 1e-6);
  EXPECT_NEAR(var, 1.0, 1e-4);
  const auto raw = parse_feature_extractor(
      R"({"feature_extractor_type": "Wav2Vec2FeatureExtractor", "do_normalize": false,
          "return_attention_mask": true, "padding_value": 0.5})",
      "x");
  EXPECT_EQ(raw->extract(clip).values.data, clip);
  EXPECT_FLOAT_EQ(raw->padding_value(), 0.5F);
}

TEST(AudioFeatureErrors, NameTheOriginAndKey) {
  const std::string whisper = R"("feature_extractor_type": "WhisperFeatureExtractor")";
  EXPECT_EQ(error_of(R"({"feature_extractor_type": "SpeechT5FeatureExtractor"})"),
            "preprocessor_config.json: feature_extractor_type: unsupported class "
            "'SpeechT5FeatureExtractor' (supported: Wav2Vec2FeatureExtractor, "
            "ASTFeatureExtractor, WhisperFeatureExtractor)");
  EXPECT_NE(error_of("{}").find("feature_extractor_type: missing"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "n_fft": 0})").find("n_fft: must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "feature_size": -80})").find("feature_size"),
            std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "hop_length": 1.5})").find("hop_length"),
            std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "dither": 0.001})").find("dither"), std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "return_attention_mask": "yes"})")
                .find("return_attention_mask: must be true or false"),
            std::string::npos);
  EXPECT_NE(error_of("{" + whisper + R"(, "chunk_length": 100000})").find("chunk_length"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"feature_extractor_type": "ASTFeatureExtractor", "max_length": -1})")
                .find("max_length"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"feature_extractor_type": "ASTFeatureExtractor", "std": 0})")
                .find("std: must not be 0"),
            std::string::npos);
  // Unknown keys are ignored.
  EXPECT_EQ(error_of("{" + whisper + R"(, "processor_class": "WhisperProcessor"})"), "");
}

TEST(AudioFeatureErrors, RejectEmptyAndNonFiniteClips) {
  for (const char* type :
       {"Wav2Vec2FeatureExtractor", "ASTFeatureExtractor", "WhisperFeatureExtractor"}) {
    const std::string config = std::string(R"({"feature_extractor_type": ")") + type + "\"}";
    EXPECT_EQ(error_of(config, {}), std::string(type) + ": the audio clip is empty");
    EXPECT_EQ(error_of(config, {0.1F, std::numeric_limits<float>::quiet_NaN()}),
              std::string(type) + ": sample 1 is not finite (NaN or infinity)");
    EXPECT_NE(error_of(config, {std::numeric_limits<float>::infinity()}).find("sample 0"),
              std::string::npos);
  }
}

}  // namespace
