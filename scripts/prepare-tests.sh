#!/usr/bin/env bash
# Makes a machine with only Node (>= 20.19) and npm ready for `pnpm test`: installs the pinned
# pnpm, the Debian packages the tests drive (redis-server for the Redis store's tests, tmux for the
# CLI's terminal tests, prometheus for the metrics test that scrapes both servers) when they are
# missing, and the workspace's dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  if (a < 20 || (a === 20 && b < 19)) { console.error(`Node ${process.version} is too old: fibchat needs >= 20.19`); process.exit(1); }'

# pnpm, pinned by package.json's packageManager; corepack's download fails on these machines.
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  npm install --global --no-audit --no-fund "pnpm@${pnpm_version}"
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

pnpm install --frozen-lockfile
