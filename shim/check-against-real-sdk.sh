#!/usr/bin/env bash
# Checks the generated subset against a checkout of the real SDK, wherever
# one can be had (the module proxy this project builds with refuses it):
#   shim/check-against-real-sdk.sh <pulumi-alicloud checkout at tag sdk/v3.105.0>/sdk
# 1. apidiff: every exported name and type of the subset exists, identical,
#    in the real SDK (an "incompatible" change from subset to real SDK fails);
# 2. the components and the program compile against the real SDK.
set -euo pipefail
real=$(cd "${1:?usage: $0 <real-sdk-module-dir (contains go.mod and go/alicloud)>}" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

GOBIN="$work/bin" go install golang.org/x/exp/cmd/apidiff@latest
for pkg in "" /vpc /vpn /cen /cms /expressconnect /config; do
  path="github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud$pkg"
  (cd "$repo" && "$work/bin/apidiff" -w "$work/shim.api" "$path")
  (cd "$real" && GOFLAGS=-mod=mod "$work/bin/apidiff" -w "$work/real.api" "$path")
  out=$("$work/bin/apidiff" -incompatible "$work/shim.api" "$work/real.api")
  if [ -n "$out" ]; then
    echo "$path differs from the real SDK:"; echo "$out"; exit 1
  fi
  echo "ok  $path"
done

mkdir -p "$work/repo"
git -C "$repo" archive HEAD | tar -x -C "$work/repo"
cd "$work/repo"
go mod edit -replace="github.com/pulumi/pulumi-alicloud/sdk/v3=$real"
GOFLAGS=-mod=mod go build ./components/ ./stacks/ .
echo "ok  components, stacks and the program compile against $real"
