#!/usr/bin/env bash
# Replays corpus sets into a throwaway PostgreSQL 15 and checks that the oracle reproduces their
# expected.prisma / expected.warnings.txt byte for byte.
#
#   oracle/check-corpus.sh [SET...]
#
# Default sets: the six that apply as-is on the prelude, and the three that apply once their
# CREATE EXTENSION lines for unavailable extensions are commented out (AgentOps-AI__agentops,
# YoseptF__Billboards, classroomio__classroomio). The other three sets with an expected.prisma need
# pgvector. For each set: a fresh database with the Supabase prelude, the set's migrations applied
# in filename order (pg.sh apply with STRIP_EXTENSIONS=1, see pg.sh), then introspect.mjs with the set's expected.input.prisma. Prints MATCH / DIFFER /
# APPLY-FAILED per set, keeps the outputs under $KEEP (default: a temp dir, removed at the end unless
# KEEP is set). Exit status 1 if any set does not match. The cluster is always stopped.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARED=$("$HERE/../scripts/shared-dir.sh") || SHARED=""
CORPUS=$SHARED/corpus
if [[ -z $SHARED || ! -d $CORPUS ]]; then
  echo "check-corpus.sh: needs the corpus of migration histories (shared/corpus), not found; set SCHEMAGEN_SHARED=/path/to/shared" >&2
  exit 2
fi

sets=("$@")
if ((${#sets[@]} == 0)); then
  sets=(vercel__nextjs-subscription-payments Razikus__supabase-nextjs-template YoseptF__visa-bot
        abramreyes__bank-api psteinroe__supabase-cache-helpers usebasejump__basejump
        AgentOps-AI__agentops YoseptF__Billboards classroomio__classroomio)
fi
export STRIP_EXTENSIONS=1

read -r PGDIR PORT < <("$HERE/pg.sh" start) || { echo "cannot start PostgreSQL" >&2; exit 1; }
OUT=${KEEP:-$(mktemp -d /tmp/oracle-check-XXXXXX)}
mkdir -p "$OUT"
cleanup() {
  "$HERE/pg.sh" stop "$PGDIR"
  [[ -z ${KEEP:-} ]] && rm -rf "$OUT"
}
trap cleanup EXIT

status=0
for set in "${sets[@]}"; do
  dir=$CORPUS/$set
  db=$(echo "$set" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
  if ! "$HERE/pg.sh" newdb "$PGDIR" "$db" || ! "$HERE/pg.sh" apply "$PGDIR" "$db" "$dir"; then
    echo "APPLY-FAILED $set"
    status=1
    continue
  fi
  if ! node "$HERE/introspect.mjs" --url "postgresql://postgres@127.0.0.1:$PORT/$db" \
      --schema "$dir/expected.input.prisma" --out "$OUT/$set.prisma" --warnings "$OUT/$set.warnings.txt"; then
    echo "ENGINE-FAILED $set"
    status=1
    continue
  fi
  s=same; w=same
  cmp -s "$OUT/$set.prisma" "$dir/expected.prisma" || s=differs
  cmp -s "$OUT/$set.warnings.txt" "$dir/expected.warnings.txt" || w=differs
  if [[ $s == same && $w == same ]]; then
    echo "MATCH $set"
  else
    echo "DIFFER $set (schema $s, warnings $w)"
    [[ $s == differs ]] && diff -u "$dir/expected.prisma" "$OUT/$set.prisma" | head -40
    [[ $w == differs ]] && diff -u "$dir/expected.warnings.txt" "$OUT/$set.warnings.txt" | head -40
    status=1
  fi
done
exit $status
