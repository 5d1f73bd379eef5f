// Limits on what a package may ask of the runtime. A package is data from strangers: every size
// it controls (nesting, decoded metadata, padding, fixed dimensions, threads) is checked once,
// where the package is read, and exceeding a limit is a one-line std::invalid_argument naming
// the file, the key and the limit. The values are far above what real models use (see each)
// and low enough that opening a package costs at most a small multiple of its size on disk.
#pragma once

#include <cstddef>
#include <cstdint>

namespace modelexport::limits {

// JSON nesting (tokenizer.json, config.json, metadata values): serde_json's recursion limit,
// which `tokenizers` and therefore transformers already enforce; real configs nest < 10 deep.
inline constexpr int kMaxJsonDepth = 127;

// A `gz:` metadata value may expand to at most kMaxMetadataExpansion times its stored size plus
// 1 MiB, and never past kMaxDecodedMetadataBytes. JSON compresses 5-20x; a gzip bomb ~1000x.
inline constexpr std::size_t kMaxMetadataExpansion = 64;
inline constexpr std::size_t kMaxDecodedMetadataBytes = std::size_t{256} << 20;

// Single-file packages (hf_embedded_files). The file itself is one protobuf message, which
// protobuf caps at 2 GB (2^31 - 1 bytes): pack refuses a result above it. An embedded file may
// decode to at most kMaxMetadataExpansion times its stored size plus 1 MiB (as gz: values) and
// kMaxEmbeddedFileBytes; all of them together to kMaxEmbeddedTotalBytes, and there are at most
// kMaxEmbeddedFiles. Real packages embed 5-20 files of a few MB (a large tokenizer.json: 35 MB).
inline constexpr std::uint64_t kMaxSingleFileBytes = (std::uint64_t{1} << 31) - 1;
inline constexpr std::size_t kMaxEmbeddedFileBytes = std::size_t{256} << 20;
inline constexpr std::size_t kMaxEmbeddedTotalBytes = std::size_t{1} << 30;
inline constexpr std::size_t kMaxEmbeddedFiles = 4096;
// A name: at most this many bytes (Linux's PATH_MAX) and components of at most 255 (NAME_MAX).
inline constexpr std::size_t kMaxEmbeddedNameBytes = 4096;

// tokenizer.json padding: pad_to_multiple_of (real values: 8 to 128) and a Fixed length.
inline constexpr std::uint64_t kMaxPadToMultipleOf = 65536;
inline constexpr std::uint64_t kMaxPaddingLength = std::uint64_t{1} << 20;

// Fixed graph input dimensions: a sequence (or any non-batch) dimension, the batch, and the
// elements of one input tensor (2^24 int64 = 128 MiB).
inline constexpr std::int64_t kMaxFixedDimension = std::int64_t{1} << 20;
inline constexpr std::int64_t kMaxFixedBatch = 4096;
// Shape buckets a package may list (hf_processor_config shapes.sequence_buckets).
inline constexpr std::size_t kMaxShapeBuckets = 32;
inline constexpr std::int64_t kMaxInputElements = std::int64_t{1} << 24;

// Images: a side of at most 2^16 pixels (Pillow's own decoders allow about 2^16 too) and at
// most 2^28 pixels in all (1 GiB of RGBA).
inline constexpr std::size_t kMaxImageSide = std::size_t{1} << 16;
inline constexpr std::size_t kMaxImagePixels = std::size_t{1} << 28;

// Decoded images: at most Pillow's refusal threshold (it raises DecompressionBombError above
// 2 x Image.MAX_IMAGE_PIXELS = 2 x 89,478,485 pixels, about 179 MP), so that whatever
// transformers' load_image opens, decode_image opens too. ImageDecodeOptions::max_pixels.
inline constexpr std::size_t kMaxDecodedImagePixels = std::size_t{2} * 89478485;

// Audio: sampling rates from 1 kHz (below any speech codec) to 768 kHz (the highest PCM rate
// audio interfaces offer), and at most kMaxDecodedAudioSeconds of it per input (one hour: 230 MB
// of float32 at 16 kHz once resampled; AudioDecodeOptions::max_seconds).
inline constexpr double kMinSamplingRate = 1000.0;
inline constexpr double kMaxSamplingRate = 768000.0;
inline constexpr double kMaxDecodedAudioSeconds = 3600.0;
inline constexpr std::size_t kMaxAudioChannels = 64;

// Intra/inter-op threads: at most max(16, 4 x hardware threads); more only thrash.
int max_threads();

}  // namespace modelexport::limits
