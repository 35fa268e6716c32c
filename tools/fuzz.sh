#!/usr/bin/env bash
# Runs every libFuzzer target in tests/fuzz for a bounded time each, built with clang,
# libFuzzer and AddressSanitizer (bazel --config=fuzz, in an output base of its own so
# that the normal gcc build is untouched).
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default 30 s, every target
#
# Each target starts from its committed seeds (tests/fuzz/corpus/<name>/) and grows a
# working corpus under $CLINIC_FUZZ_WORK (default /tmp/clinic-fuzz); the seeds in the
# repository are never modified. A crash, leak, timeout or failed property stops that
# target, leaves the input as $CLINIC_FUZZ_WORK/<target>/crash-* and makes this script
# exit non-zero. Reproduce with the normal toolchain:
#   bazel run //tests/fuzz:<target>_fuzzer -- /tmp/clinic-fuzz/<target>/crash-...
# To keep inputs that found new coverage, copy a few small ones into the seed directory.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
all_targets=(rule_set config token export_verifier client_config segmented_aead)
[ $# -gt 0 ] && targets=("$@") || targets=("${all_targets[@]}")

tools/setup.sh || exit 1

# One output base per checkout, outside the repository.
workspace_hash=$(printf '%s' "$PWD" | sha256sum | cut -c1-12)
output_base="${CLINIC_FUZZ_OUTPUT_BASE:-$HOME/.cache/clinic-fuzz-bazel/$workspace_hash}"
work="${CLINIC_FUZZ_WORK:-/tmp/clinic-fuzz}"
extra=()
[ -n "${CI:-}" ] && extra+=(--config=ci)

build_targets=()
for t in "${targets[@]}"; do build_targets+=("//tests/fuzz:${t}_fuzzer"); done
start=$(date +%s)
bazel --output_base="$output_base" build --config=fuzz "${extra[@]}" "${build_targets[@]}" ||
  { echo "fuzz: build failed"; exit 1; }
bin=$(bazel --output_base="$output_base" info --config=fuzz bazel-bin 2>/dev/null)
echo "fuzz: built ${#targets[@]} targets in $(($(date +%s) - start)) s"

failed=0
summary=()
for t in "${targets[@]}"; do
  dir="$work/$t"
  mkdir -p "$dir/corpus"
  log="$dir/fuzz.log"
  # -timeout: one input running longer than 10 s is a hang; -rss_limit_mb: memory blowup.
  "$bin/tests/fuzz/${t}_fuzzer" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$dir/" \
    "$dir/corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  secs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -oE 'DONE[[:space:]]+cov: [0-9]+' "$log" | grep -oE '[0-9]+$')
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    summary+=("$t: FAILED (exit $status), see $log")
    grep -E 'ERROR|fuzz property failed|Test unit written' "$log" | head -5
  else
    summary+=("$t: ok, ${runs:-?} runs, ${secs:-?} exec/s, coverage ${cov:-?} edges")
  fi
done
# CI runs each clone once: free the memory of this output base's Bazel server.
[ -n "${CI:-}" ] && bazel --output_base="$output_base" shutdown >/dev/null 2>&1
printf 'fuzz: %s\n' "${summary[@]}"
echo "fuzz: ${#targets[@]} targets, $failed failed, $(($(date +%s) - start)) s in all"
[ "$failed" -eq 0 ]
