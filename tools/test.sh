#!/usr/bin/env bash
# The one command that runs the whole test suite from a fresh clone: installs what is
# missing, builds, runs every test, and ends with a line "N passed, N failed" counting test
# cases (a test binary that fails without reporting its cases counts as one failure).
# Exits non-zero if anything failed. Extra arguments go to `bazel test`.
set -uo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
extra=()
[ -n "${CI:-}" ] && extra+=(--config=ci)
bazel test "${extra[@]}" "$@" //... 2>&1 | tee "$log"
bazel_status=${PIPESTATUS[0]}

testlogs=$(bazel info bazel-testlogs 2>/dev/null)
passed=0
failed=0
skipped=0
# Target lines look like: //storage:database_test   (cached) PASSED in 0.7s
while read -r target verdict; do
  xml="$testlogs/${target#//}"
  xml="${xml/://}/test.xml"
  counts=$(awk '
    /<testcase / { if ($0 !~ /status="notrun"/) { total++; open = 1; bad = 0 }
                   if ($0 ~ /\/>[[:space:]]*$/) open = 0 }
    /<(failure|error)[ >]/ { if (open && !bad) { failures++; bad = 1 } }
    /<skipped/ { if (open && !bad) { skips++; bad = 1 } }
    /<\/testcase>/ { open = 0 }
    END { printf "%d %d %d\n", total - failures - skips, failures, skips }' "$xml" 2>/dev/null || echo "0 0 0")
  read -r p f k <<<"$counts"
  skipped=$((skipped + k))
  if [ "$verdict" != "PASSED" ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
done < <(grep -E '^//[^ ]+ +(\(cached\) )?(PASSED|FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE)' "$log" |
         sed -E 's/^(\/\/[^ ]+) +(\(cached\) )?([A-Z ]+[A-Z]).*/\1 \3/' | sed -E 's/ in$//')

# Failures found before this script ran (.ci/run's fuzzing) count too.
if [ "${CLINIC_EXTRA_FAILURES:-0}" -gt 0 ]; then
  echo "${CLINIC_EXTRA_FAILURES} failure(s) reported before the tests (see above)"
  failed=$((failed + CLINIC_EXTRA_FAILURES))
fi
if [ "$bazel_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build itself failed, or a test did not run: never report a clean run.
  failed=1
fi
# Tests that could not run here (e.g. one that needs root to mount a tmpfs)
# are neither passed nor failed: say so.
[ "$skipped" -gt 0 ] && echo "$skipped skipped (see the log for why)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
