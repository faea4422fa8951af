#!/usr/bin/env bash
# `buf breaking` (rules: FILE) of proto/ against an earlier version in git history.
#
#   check-breaking.sh [REF]     compare against REF (any git ref: main, v1.2.0, HEAD~3, a sha)
#
# Without REF (or BUF_BREAKING_AGAINST): uncommitted changes under proto/ are compared with
# HEAD; otherwise the newest commit that changed proto/ is compared with its parent. A ref
# with no proto/ (the first version of the API) has nothing to break and passes.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"

ref="${1:-${BUF_BREAKING_AGAINST:-}}"
if [ -z "$ref" ] && ! git rev-parse -q --verify HEAD >/dev/null; then
  echo "buf breaking: no commits yet; nothing to compare against"
  exit 0
fi
if [ -z "$ref" ]; then
  if [ -n "$(git status --porcelain -- proto)" ]; then
    ref=HEAD
  else
    last=$(git log -1 --format=%H -- proto)
    if [ -z "$last" ] || ! git rev-parse -q --verify "$last^{commit}" >/dev/null; then
      echo "buf breaking: proto/ has no committed history yet; nothing to compare against"
      exit 0
    fi
    if ! git rev-parse -q --verify "$last^" >/dev/null; then
      echo "buf breaking: ${last:0:12} is the first commit; nothing to compare against"
      exit 0
    fi
    ref="$last^"
  fi
fi

sha=$(git rev-parse --verify "$ref^{commit}" 2>/dev/null) || {
  echo "buf breaking: '$ref' is not a commit in this repository" >&2
  exit 2
}
if ! git cat-file -e "$sha:proto" 2>/dev/null; then
  echo "buf breaking: $ref (${sha:0:12}) has no proto/; this is the first version, nothing to compare against"
  exit 0
fi

echo "buf breaking: proto/ against $ref (${sha:0:12})"
# Compare against a plain export of that tree: no network, no clone depth to guess.
against=$(mktemp -d)
trap 'rm -rf "$against"' EXIT
git archive "$sha" proto | tar -x -C "$against"
buf breaking proto --against "$against/proto"
echo "buf breaking: no breaking change"
