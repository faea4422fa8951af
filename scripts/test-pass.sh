#!/usr/bin/env bash
# One pass of `pnpm test` under the Node first on PATH, then one summary line for it:
#   node 24.21.0: 28/28 tasks passed
# The line is also appended to $FIBCHAT_TEST_SUMMARY when that names a file, and what each failed
# task printed about its failure to $FIBCHAT_TEST_SUMMARY.failures, so that a run whose log is
# read from its end still says which test failed and why. Exits as the pass did.
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

# turbo names each failed task after its summary ("Failed:    @fibchat/chat-server#test"); its lines
# in the log carry the prefix "@fibchat/chat-server:test: ". A test task's failures are vitest's
# "FAIL" blocks; any other task's are its last lines (each cut at 400 characters).
if [ "$code" -ne 0 ] && [ -n "${FIBCHAT_TEST_SUMMARY:-}" ]; then
  plain=$(mktemp)
  sed 's/\x1b\[[0-9;]*m//g' "$log" >"$plain"
  {
    for task in $(grep -E '^ *Failed: ' "$plain" | tr ', ' '\n\n' | grep '#' | sort -u); do
      prefix="${task%#*}:${task##*#}: "
      echo "node $version, $task:"
      own=$(grep -F "$prefix" "$plain" | cut -c $((${#prefix} + 1))-)
      if echo "$own" | grep -q ' FAIL '; then
        echo "$own" | grep -A 12 ' FAIL ' | head -n 80 | cut -c 1-400
      else
        echo "$own" | tail -n 30 | cut -c 1-400
      fi
      echo
    done
  } >>"$FIBCHAT_TEST_SUMMARY.failures"
  rm -f "$plain"
fi
exit "$code"
