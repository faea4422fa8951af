#!/usr/bin/env bash
# Reproduces the driver comparison in ../sqlite-drivers.md: each driver in a scratch folder of
# its own (better-sqlite3 compiles for the Node that installs it), under each Node line.
#   bash bench/results/sqlite-drivers/run.sh > results.jsonl
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node_home() { bash "$root/scripts/install-node.sh" "$1" "$work/node-$1"; }
run() { # driver package node-major
  local dir="$work/$1-$3"
  mkdir -p "$dir" && cp "$here"/{drivers,worker,eval}.mjs "$dir/"
  local home; home=$(node_home "$3")
  (cd "$dir" && echo '{"type":"module"}' >package.json &&
    if [ -n "$2" ]; then PATH="$home/bin:$PATH" npm_config_nodedir="$home" npm install --no-audit --no-fund --loglevel=error "$2" >&2; fi &&
    PATH="$home/bin:$PATH" node eval.mjs "$1")
}
run better-sqlite3 better-sqlite3@12 20
run better-sqlite3 better-sqlite3@12 24
for major in 22 24 26; do run better-sqlite3 better-sqlite3@13 "$major"; done
for major in 20 22 24 26; do run libsql libsql@0.5.29 "$major"; done
for major in 22 24 26; do run node:sqlite "" "$major"; done
