#!/usr/bin/env bash
# Fuzzes the native tokenizer for a short time: builds the libFuzzer targets of cpp/fuzz with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer (-DMODELEXPORT_FUZZ=ON, in build-fuzz)
# and runs each for FUZZ_SECONDS (default 30):
#   tokenizer_json_fuzz    bytes -> Tokenizer::from_json_string (seeds: the fixture tokenizers,
#                          their vocabularies cut down)
#   tokenizer_encode_fuzz  bytes -> encode/decode with the fixture tokenizers, truncation,
#                          stride and padding (seeds: corpus lines)
#   package_open_fuzz      bytes -> a package's model.onnx -> Package::open, its accessors and
#                          the inspect description (seeds: its regression inputs, small packages)
#   embedded_files_fuzz    bytes -> a single-file package's hf_embedded_files value ->
#                          decode_embedded_files, re-encoded and decoded again (seeds: its
#                          regression inputs)
#   image_decode_fuzz      bytes -> decode_image (JPEG, PNG, GIF, WebP, BMP), decoded images
#                          re-encoded by encode_png (seeds: scripts/make_image_fuzz_seeds.py)
#   document_inputs_fuzz   bytes -> document-QA word_boxes (JSON, as --input-file lines) or a
#                          tesseract_config string (seeds: its regression inputs)
#   audio_decode_fuzz      bytes -> decode_audio (libsndfile's formats), as stored and mixed
#                          down and resampled (seeds: scripts/make_audio_fuzz_seeds.py)
# Before fuzzing, each target replays cpp/fuzz/regressions/<target>/ (inputs of past findings,
# named after the bug; they also seed the fuzzing). Fails on any crash, sanitizer report,
# uncaught exception or timeout; the reproducer is left in build-fuzz/findings/ (re-run:
# build-fuzz/modelexport_<target> <file>; add it to the regressions once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
build=build-fuzz
fixtures="${MODELEXPORT_TOKENIZER_FIXTURES:-$PWD/.cache/tokenizers}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMODELEXPORT_FUZZ=ON -DMODELEXPORT_BUILD_TESTS=OFF \
  -DPython3_EXECUTABLE="$PWD/.venv/bin/python" >/dev/null
cmake --build "$build" --target modelexport_tokenizer_json_fuzz modelexport_tokenizer_encode_fuzz \
  modelexport_package_open_fuzz modelexport_embedded_files_fuzz modelexport_image_decode_fuzz \
  modelexport_audio_decode_fuzz modelexport_document_inputs_fuzz

.venv/bin/python scripts/make_tokenizer_fixtures.py --out "$fixtures" --fuzz-seeds "$build/seeds"
.venv/bin/python scripts/make_image_fuzz_seeds.py "$build/seeds/images"
.venv/bin/python scripts/make_audio_fuzz_seeds.py "$build/seeds/audio"
MODELEXPORT_FUZZ_TOKENIZERS="$(printf '%s:' "$fixtures"/*/tokenizer.json)"
export MODELEXPORT_FUZZ_TOKENIZERS
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
# Leaks inside the audio codec libraries on corrupt input are upstream bugs (see the file).
export LSAN_OPTIONS="suppressions=$PWD/cpp/fuzz/lsan_suppressions.txt:${LSAN_OPTIONS:-}"

failed=0
fuzz() {  # fuzz TARGET SEED_DIR
  local target=$1 seeds=$2 log="$build/findings/$1.log"
  local regressions="cpp/fuzz/regressions/$target"
  mkdir -p "$build/corpus/$target" "$build/findings"
  if compgen -G "$regressions/*" >/dev/null &&
    ! "$build/modelexport_$target" "$regressions"/* >"$build/findings/$target-regressions.log" 2>&1; then
    echo "FAILED: $target on a regression input (log: $build/findings/$target-regressions.log)"
    grep -E "what\(\)|ERROR|runtime error|Running: " "$build/findings/$target-regressions.log" | head -20
    failed=1
    return
  fi
  echo "-- $target: ${seconds}s"
  # The first directory receives the inputs that add coverage; the seeds are only read.
  if "$build/modelexport_$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
    "$build/corpus/$target" "$seeds" $(compgen -G "$regressions" || true) >"$log" 2>&1 &&
    ! grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log"; then
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$log" | tr '\n' ' '
    echo
  else
    echo "FAILED: $target (log: $log)"
    grep -E "what\(\)|ERROR|runtime error|#[0-9]+ 0x.* in modelexport|Test unit written|_fuzz:" \
      "$log" | head -30
    failed=1
  fi
}
fuzz tokenizer_json_fuzz "$build/seeds/json"
fuzz tokenizer_encode_fuzz "$build/seeds/text"
fuzz package_open_fuzz "cpp/fuzz/regressions/package_open_fuzz"
fuzz embedded_files_fuzz "cpp/fuzz/regressions/embedded_files_fuzz"
fuzz image_decode_fuzz "$build/seeds/images"
fuzz audio_decode_fuzz "$build/seeds/audio"
fuzz document_inputs_fuzz "cpp/fuzz/regressions/document_inputs_fuzz"
exit "$failed"
