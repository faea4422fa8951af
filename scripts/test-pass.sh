#!/usr/bin/env bash
# One pass of `pnpm test` under the Node first on PATH, then one summary line for it:
#   node 24.21.0: 28/28 tasks passed
# The line is also appended to $FIBCHAT_TEST_SUMMARY when that names a file. Exits as the pass did.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=$(node -p 'process.versions.node')
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pnpm test 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

# turbo closes with "Tasks:    27 successful, 28 total".
tasks=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo 'Tasks: +[0-9]+ successful, [0-9]+ total' | tail -n 1)
if [ -n "$tasks" ]; then
  read -r passed total < <(echo "$tasks" | grep -Eo '[0-9]+' | tr '\n' ' ')
  line="node $version: $passed/$total tasks passed"
else
  line="node $version: pnpm test ended (exit $code) before turbo's summary"
fi
[ "$code" -eq 0 ] || line="$line (exit $code)"
echo "$line"
[ -z "${FIBCHAT_TEST_SUMMARY:-}" ] || echo "$line" >>"$FIBCHAT_TEST_SUMMARY"
exit "$code"
