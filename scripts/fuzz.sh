#!/usr/bin/env bash
# Runs one fuzz target for SECONDS seconds and prints how many inputs it ran.
#
#   scripts/fuzz.sh sql_replay 600        # SQL split + replay (+ render, read back)
#   scripts/fuzz.sh prisma_roundtrip 600  # schema.prisma parse → render → parse
#
# Uses cargo-fuzz (`cargo install cargo-fuzz`) with libFuzzer; on a stable toolchain the
# nightly flags it needs are allowed by RUSTC_BOOTSTRAP=1. The working corpus
# (fuzz/corpus/TARGET, not committed) starts from fuzz/seeds/TARGET and the repository's own
# fixtures; the dictionary of nesting tokens is fuzz/dict/. A crash is saved under
# fuzz/artifacts/TARGET/ and the script exits non-zero: turn it into a regression test (a fixture
# under tests/fixtures/malformed/, see tests/malformed.rs). Extra arguments go to libFuzzer.
# FUZZ_SANITIZER (default: none; the code is safe Rust, so speed matters more) picks cargo-fuzz's
# sanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args…]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args…]}
shift 2

case $target in
  sql_replay) dict=fuzz/dict/sql.dict; pattern='*.sql' ;;
  prisma_roundtrip) dict=fuzz/dict/prisma.dict; pattern='*.prisma' ;;
  *) echo "scripts/fuzz.sh: unknown target $target (sql_replay, prisma_roundtrip)" >&2; exit 64 ;;
esac

command -v cargo-fuzz >/dev/null || {
  echo "scripts/fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 64
}

corpus=fuzz/corpus/$target
mkdir -p "$corpus" "fuzz/artifacts/$target"
cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
# The fixtures, by content hash so reruns do not duplicate them; up to libFuzzer's -max_len.
find tests/fixtures -name "$pattern" -size -16k -print0 |
  while IFS= read -r -d '' f; do
    cp -n "$f" "$corpus/fixture-$(sha1sum <"$f" | cut -c1-16)"
  done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e +o pipefail
RUSTC_BOOTSTRAP=1 cargo fuzz run --release --debug-assertions \
  --sanitizer "${FUZZ_SANITIZER:-none}" "$target" "$corpus" -- \
  -dict="$dict" -max_total_time="$seconds" -max_len=16384 -timeout=30 -rss_limit_mb=4096 \
  -print_final_stats=1 "$@" 2>&1 | tee "$log" | grep -a -E '^#[0-9]+.*(pulse|DONE)|ERROR|panicked|SUMMARY|artifact'
status=${PIPESTATUS[0]}
set -e -o pipefail
execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -a -o "[0-9]*$" | tail -1)
echo "$target: ${execs:-?} executions in ${seconds}s, exit $status"
exit "$status"
