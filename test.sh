#!/usr/bin/env bash
# The README's test command, on a fresh Debian or Ubuntu machine with Go:
# installs the system packages the tests run when they are missing, builds
# the tools the tests use (visibly, before them), then runs go test.
#
#   ./test.sh                 everything: go test ./...
#   ./test.sh ./internal/...  the same preparation, then go test of these
#
# A script rather than a hybridlink subcommand: it prints from its first
# second, while `go run ./cmd/hybridlink` would first compile about 950
# packages without a word.
set -euo pipefail
cd "$(dirname "$0")"

# ---- Prerequisites: one entry each, in the order they are needed. ----------

# Debian packages the tests need (installed with apt-get when missing).
packages=(
  frr                          # vtysh --dryrun checks the rendered frr.conf (internal/onprem)
  strongswan-swanctl           # swanctl, for the failover lab
  strongswan-charon            # charon, the IKE daemon, for the failover lab
  libcharon-extra-plugins      # charon plugins the lab's configuration loads
  libstrongswan-extra-plugins  # crypto plugins the lab's proposals need
  nftables                     # nft, the lab's link faults
  iproute2                     # ip, the lab's network namespaces
  python3                      # byte-compiles the generated Python SDK (internal/sdkgen)
  git                          # hybridlink review checks out the base (tests/review_test.go)
  shellcheck                   # actionlint checks the workflow's run: scripts with it
  gh                           # the workflow's review comment, run against a stand-in API (tests/workflow_test.go)
)

# Steps run in order before the tests; each prints its own progress.
steps=(
  "require_node 20"                                   # the TypeScript test runs on Node.js 20 or later
  "npm_ci tests/nodejs"                               # and its npm packages (package-lock.json), once
  "build_go .cache/bin/hybridlink ./cmd/hybridlink"   # the operator CLI
  ".cache/bin/hybridlink tools"                       # the pinned Pulumi CLI and the policy pack
  # The multi-language tests build these themselves; built here first, with
  # progress, so that the tests find them in Go's cache and only link.
  "build_go .cache/bin/pulumi-resource-hybridlink ./cmd/pulumi-resource-hybridlink"
  "build_go .cache/bin/pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
  # The S3-compatible server the shared-backend tests start (internal/s3test):
  # another module, built with its own go.mod so that it changes none of ours.
  "install_go .cache/bin/versitygw github.com/versity/versitygw v1.8.0 cmd/versitygw"
  # The workflow's linter, likewise (tests/workflow_test.go runs it).
  "install_go .cache/bin/actionlint github.com/rhysd/actionlint v1.7.12 cmd/actionlint"
)

# go test's own limit: the end-to-end tests run the real engine for minutes
# on a loaded 2-core machine, beyond go test's default of 10 minutes.
test_timeout=60m

# ---- Helpers ----------------------------------------------------------------

start=$SECONDS
elapsed() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
say() { printf '== %s  [%s]\n' "$*" "$(elapsed $((SECONDS - start)))"; }

# ticking WHAT PROGRESS CMD... runs CMD and, every 15 s until it ends, prints
# how long it has run and what the function PROGRESS prints (":" for
# nothing); go says nothing while it downloads or compiles.
ticker_pid=""
trap '[ -z "$ticker_pid" ] || kill "$ticker_pid" 2>/dev/null' EXIT
ticking() {
  local what=$1 progress=$2 rc=0
  shift 2
  ( t0=$SECONDS; while sleep 15; do printf '   %s: %s%s\n' "$what" "$(elapsed $((SECONDS - t0)))" "$($progress)"; done ) &
  ticker_pid=$!
  "$@" || rc=$?
  kill "$ticker_pid" 2>/dev/null || true
  ticker_pid=""
  return "$rc"
}

# install_packages installs the missing entries of $packages with apt-get.
install_packages() {
  local missing=() p sudo=""
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: installed (${packages[*]})"
    return
  fi
  say "system packages: installing ${missing[*]}"
  if ! command -v apt-get >/dev/null; then
    echo "test.sh: the tests need the Debian packages ${missing[*]}; without apt-get, install their equivalents" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "test.sh: installing ${missing[*]} needs root: run this as root, or first: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build_go OUT PKG builds a Go command into OUT, counting the packages go
# compiles (-v lists them). Go links in .cache/tmp and renames the result
# over OUT, so an interrupted build leaves no half-written OUT; an unchanged
# OUT is not relinked.
build_log="" build_total=0
build_go() {
  local out=$1 pkg=$2 rc=0
  mkdir -p .cache/tmp
  build_log=$(mktemp)
  build_total=$(go list -deps "$pkg" | wc -l)
  ticking "$pkg" compiled env GOTMPDIR="$PWD/.cache/tmp" go build -v -o "$out" "$pkg" 2>"$build_log" || rc=$?
  [ "$rc" -eq 0 ] || grep '[ :]' "$build_log" >&2 || cat "$build_log" >&2
  rm -f "$build_log"
  return "$rc"
}
# install_go OUT MODULE VERSION DIR builds the command DIR of MODULE at
# VERSION, fetched by exact version from the module proxy and checked
# against go.sum's checksum database, into OUT (go install, with the
# module's own go.mod); an OUT built from that version is kept.
install_go() {
  local out=$1 mod=$2 version=$3 dir=$4 rc=0 src
  if [ -x "$out" ] && go version -m "$out" 2>/dev/null | grep -qP "^\tmod\t\Q$mod\E\t\Q$version\E\t"; then
    echo "   $out: $mod $version, built"
    return
  fi
  [ "$(basename "$out")" = "$(basename "$dir")" ] || { echo "test.sh: go install names the binary $(basename "$dir"), not $(basename "$out")" >&2; return 1; }
  mkdir -p "$(dirname "$out")" .cache/tmp
  src=$(cd / && go mod download -json "$mod@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  build_log=$(mktemp)
  build_total=$(cd "$src" && go list -deps "./$dir" | wc -l)
  ticking "$mod/$dir@$version" compiled env GOBIN="$PWD/$(dirname "$out")" GOTMPDIR="$PWD/.cache/tmp" \
    go install -v "$mod/$dir@$version" 2>"$build_log" || rc=$?
  [ "$rc" -eq 0 ] || grep '[ :]' "$build_log" >&2 || cat "$build_log" >&2
  rm -f "$build_log"
  return "$rc"
}
# require_node MAJOR fails unless node and npm are installed and node is at
# least MAJOR: Debian's own nodejs is older, so it is not in $packages.
require_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt "$1" ] || ! command -v npm >/dev/null; then
    echo "test.sh: the TypeScript test needs Node.js $1 or later and npm (found: $(node --version 2>/dev/null || echo no node)); install them, e.g. from https://nodejs.org or NodeSource's Debian packages" >&2
    exit 1
  fi
  echo "   node $(node --version), npm $(npm --version)"
}

# npm_ci DIR installs DIR's npm packages from its package-lock.json when it
# has none yet; the TypeScript test reinstalls them when the SDK changed.
npm_ci() {
  if [ -d "$1/node_modules" ]; then
    echo "   $1/node_modules: installed"
  else
    npm ci --prefix "$1" --no-audit --no-fund
  fi
}

compiled() { printf ', %d of at most %d packages compiled' "$(grep -cv '[ :]' "$build_log")" "$build_total"; }

# ---- Run --------------------------------------------------------------------

say "$(go version)"
install_packages
say "go modules: downloading what is missing"
ticking "go mod download" : go mod download
for s in "${steps[@]}"; do
  say "$s"
  eval "$s"
done
[ $# -gt 0 ] || set -- ./...
say "go test -timeout $test_timeout $*"
go test -timeout "$test_timeout" "$@"
say "ok"
