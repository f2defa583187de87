#!/usr/bin/env bash
# Installs n8n at the version the webhook benchmark (docs/performance.md, workload 3) compares Weft with,
# from the npm registry, outside the repository, and prints where its launcher is (`n8n=path`).
# Idempotent: an install of the pinned version is reused without any download. A tool for the benchmark
# only, never a dependency of the build.
#
#   bench/n8n/install.sh
#
# Layout (WEFT_CACHE_DIR defaults to ~/.cache/weft):
#   $WEFT_CACHE_DIR/n8n-2.8.4/package.json                  the pin (and the override below)
#   $WEFT_CACHE_DIR/n8n-2.8.4/node_modules/n8n/bin/n8n      the launcher WebhookBench starts
#
# Needs Node.js >= 20.19 (n8n 2.8's engines field: >=20.19 <=24.x) and npm on the PATH. One override:
# n8n-nodes-base depends on xlsx by a URL outside the npm registry (cdn.sheetjs.com), which cannot be
# fetched here; the npm registry's last xlsx (0.18.5) stands in for it. Only the spreadsheet nodes use it,
# none of the benchmark's workflows.
set -euo pipefail

VERSION=2.8.4
DIR="${WEFT_CACHE_DIR:-$HOME/.cache/weft}/n8n-$VERSION"
LAUNCHER="$DIR/node_modules/n8n/bin/n8n"

die() { echo "install.sh: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "'node' is not on the PATH: n8n $VERSION needs Node.js >= 20.19"
command -v npm >/dev/null 2>&1 || die "'npm' is not on the PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 && a <= 24 || a === 20 && b >= 19 ? 0 : 1)' \
  || die "n8n $VERSION needs Node.js >=20.19 <=24.x, this is $(node --version)"

installed() {
  [ -x "$LAUNCHER" ] && [ "$(node -p "require('$DIR/node_modules/n8n/package.json').version" 2>/dev/null)" = "$VERSION" ]
}

if ! installed; then
  mkdir -p "$DIR"
  cat > "$DIR/package.json" <<JSON
{"name": "weft-bench-n8n", "private": true, "overrides": {"xlsx": "0.18.5"}}
JSON
  echo "install.sh: npm install n8n@$VERSION into $DIR (a few minutes)" >&2
  # npm runs the packages' install scripts (sqlite3's native module among them); scarf's would phone home.
  (cd "$DIR" && SCARF_ANALYTICS=false npm install --no-audit --no-fund --omit=dev --save-exact "n8n@$VERSION" >&2)
  installed || die "npm finished but $LAUNCHER is not n8n $VERSION"
fi
echo "n8n=$LAUNCHER"
