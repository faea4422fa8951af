#!/usr/bin/env bash
# Fails when the committed generated contracts differ from what buf makes of proto/ now.
#
# It generates into a temporary folder and compares with the work tree (in CI's fresh clone, the
# committed files) rather than regenerating in place and asking `git status`: that way it can
# run beside `build` and `typecheck`, which read src/gen, without racing them, and a developer
# who has run `pnpm generate` but not yet committed is not told about drift that is not there.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT

buf generate --output "$fresh"
buf build --as-file-descriptor-set -o "$fresh/fibchat.binpb"

status=0
diff -r packages/contracts/src/gen "$fresh/packages/contracts/src/gen" >&2 || status=1
cmp packages/contracts/descriptors/fibchat.binpb "$fresh/fibchat.binpb" >&2 || status=1

if [ "$status" -ne 0 ]; then
  echo "drift: the committed generated contracts do not match proto/." >&2
  echo "Fix: run 'pnpm generate' and commit the result; generated code is never edited by hand." >&2
  exit 1
fi
echo "drift: generated contracts match proto/"
