#!/usr/bin/env bash
# The whole test suite: lint, GoogleTest (also under ASan/UBSan), fixture models, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== lint"
.venv/bin/ruff check python tests scripts bench
.venv/bin/ruff format --check python tests scripts bench
clang-format --dry-run -Werror cpp/include/modelexport/*.h cpp/include/modelexport/*/*.h cpp/src/*/*.cpp cpp/src/*/*.h \
  cpp/src/*/*/*.cpp cpp/src/*/*/*.h \
  cpp/tools/*.cpp cpp/tests/*.cpp cpp/tests/*.h cpp/fuzz/*.cpp tests/cpp_consumer/*.cpp

echo "== GoogleTest"
ctest --test-dir build --output-on-failure

echo "== GoogleTest under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DMODELEXPORT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DPython3_EXECUTABLE="$PWD/.venv/bin/python" >/dev/null
cmake --build build-asan --target modelexport_tests modelexport-inspect
# ORT's own allocations are not ours to check for leaks; everything else is.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 build-asan/modelexport_tests --gtest_brief=1

echo "== fixture models"
.venv/bin/python scripts/make_fixtures.py
.venv/bin/python scripts/make_tokenizer_fixtures.py

echo "== fuzzing the tokenizer (libFuzzer + ASan/UBSan, about a minute)"
scripts/fuzz.sh

echo "== pytest"
# Two workers (the cores of the CI machine); a file's tests stay on one worker, exports are shared
# between them (tests/conftest.py).
.venv/bin/pytest -q -n 2 --dist loadfile "$@"
