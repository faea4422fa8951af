#!/usr/bin/env bash
# The README's test command under another Node line, installed from the npm registry into a
# temporary folder (nothing is written outside it and this clone):
#
#   pnpm test:node 24        (or: bash scripts/test-node.sh 24)
#
# Every task runs again for that Node: the root `test` script puts the Node version into turbo's
# task hash, so no pass replays another line's cached results. Set FIBCHAT_NODE_DIR to keep the
# Node somewhere other than $TMPDIR/fibchat-node-MAJOR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
major="${1:?usage: test-node.sh MAJOR (20, 22, 24 or 26)}"
dir="${FIBCHAT_NODE_DIR:-${TMPDIR:-/tmp}/fibchat-node-$major}"

# npm reads its global npmrc (a registry, a cafile) from beside the running node: keep the one
# of the machine's Node, or npm under the installed Node loses that configuration.
globalconfig=$(npm config get globalconfig)
[ ! -f "$globalconfig" ] || export npm_config_globalconfig="$globalconfig"
home=$(bash scripts/install-node.sh "$major" "$dir")
export PATH="$home/bin:$PATH"
# A native build (node-gyp) then uses these headers instead of downloading them.
export npm_config_nodedir="$home"
echo "test-node: node $(node --version) from $home"
exec bash scripts/test-pass.sh
