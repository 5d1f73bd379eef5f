#!/usr/bin/env bash
# Installs what a fresh machine lacks and builds the project; idempotent and quick when nothing
# changed. Debian -dev packages, ONNX Runtime headers (Debian trixie's libonnxruntime-dev,
# unpacked, never installed) linked against the onnxruntime wheel's own library, the main
# virtual environment (.venv), the Optimum environment (.venv-optimum) and the build (build/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ORT_HEADERS_VERSION=1.21.0+dfsg-1
log() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages ----------------------------------------------------------------------------
DEBS=(cmake ninja-build g++ libprotobuf-dev protobuf-compiler nlohmann-json3-dev libgtest-dev
      zlib1g-dev clang-format python3-venv libonig-dev clang libcli11-dev pkg-config
      libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev libexif-dev libstb-dev
      libsndfile1-dev libsoxr-dev libkissfft-dev asterisk-core-sounds-en-wav alsa-utils
      libtesseract-dev tesseract-ocr tesseract-ocr-eng)
missing=()
for deb in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Python environments --------------------------------------------------------------------------
sync_venv() {  # sync_venv DIR REQUIREMENTS CONSTRAINTS
  local dir=$1 req=$2 con=$3 stamp
  stamp=$(cat "$req" "$con" | sha256sum | cut -d' ' -f1)
  [[ -x $dir/bin/python ]] || { log "creating $dir"; python3 -m venv "$dir"; }
  if [[ "$(cat "$dir/.modelexport-stamp" 2>/dev/null)" != "$stamp" ]]; then
    log "installing $req into $dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req" -c "$con"
    echo "$stamp" > "$dir/.modelexport-stamp"
  fi
}
sync_venv .venv requirements.txt constraints.txt
sync_venv .venv-optimum requirements-optimum.txt constraints-optimum.txt

# --- ONNX Runtime for C++ -------------------------------------------------------------------------
ORT_DIR=$ROOT/.deps/onnxruntime
if [[ ! -f $ORT_DIR/include/onnxruntime_cxx_api.h || "$(cat "$ORT_DIR/HEADERS_VERSION" 2>/dev/null)" != "$ORT_HEADERS_VERSION" ]]; then
  log "fetching ONNX Runtime headers (Debian trixie libonnxruntime-dev $ORT_HEADERS_VERSION)"
  apt_dir=$(mktemp -d)
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
            -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
            -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" download -qq "libonnxruntime-dev=$ORT_HEADERS_VERSION")
  dpkg -x "$apt_dir"/libonnxruntime-dev_*.deb "$apt_dir/x"
  rm -rf "$ORT_DIR/include" && mkdir -p "$ORT_DIR"
  cp -r "$apt_dir/x/usr/include/onnxruntime" "$ORT_DIR/include"
  echo "$ORT_HEADERS_VERSION" > "$ORT_DIR/HEADERS_VERSION"
fi
ort_lib=$(ls "$ROOT"/.venv/lib/python3.*/site-packages/onnxruntime/capi/libonnxruntime.so.1.* | head -n 1)
mkdir -p "$ORT_DIR/lib"
ln -sfn "$ort_lib" "$ORT_DIR/lib/libonnxruntime.so.1"
basename "$ort_lib" > "$ORT_DIR/LIBRARY_VERSION"

# --- Build: the C++ core, native CLI, tests and the Python extension (one CMake build) -----------
log "building (build/)"
.venv/bin/pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e . \
  -Ccmake.define.MODELEXPORT_BUILD_TESTS=ON \
  -Cbuild.verbose=false
