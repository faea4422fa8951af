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
# "FAIL" blocks; any other task's are its last lines; a pass that ended before turbo's summary
# leaves the log's last lines. Lines are cut at 400 bytes, at most 40 lines per task.
if [ "$code" -ne 0 ] && [ -n "${FIBCHAT_TEST_SUMMARY:-}" ]; then
  plain=$(mktemp)
  trap 'rm -f "$log" "$plain"' EXIT
  sed 's/\x1b\[[0-9;]*m//g' "$log" >"$plain"
  digest() { head -n 40 | cut -c 1-400; }
  {
    failed=$(grep -E '^ *Failed: ' "$plain" | tr ', ' '\n\n' | grep '#' | sort -u)
    if [ -z "$failed" ]; then
      echo "node $version, no task named as failed; the log ends:"
      tail -n 40 "$plain" | digest
    fi
    while read -r task; do
      [ -n "$task" ] || continue
      prefix="${task%#*}:${task##*#}: "
      echo "node $version, $task:"
      own=$(awk -v p="$prefix" 'index($0, p) == 1 { print substr($0, length(p) + 1) }' "$plain")
      if grep -q ' FAIL ' <<<"$own"; then
        grep -A 12 ' FAIL ' <<<"$own" | digest
      else
        tail -n 30 <<<"$own" | digest
      fi
      echo
    done <<<"$failed"
  } >>"$FIBCHAT_TEST_SUMMARY.failures"
fi
exit "$code"
