#!/usr/bin/env bash
# Compares what two schemagen binaries print, byte for byte, on every corpus set and fixture.
#
#   scripts/compare-outputs.sh BASELINE_BIN NEW_BIN
#
# For each corpus set in $SCHEMAGEN_SHARED/corpus (default ../shared/corpus) and each fixture
# under tests/fixtures/replay (a migrations folder) and tests/fixtures/prisma (a migration.sql
# and an input.prisma), runs with both binaries:
#   inspect --format json, inspect --format text, inspect --format json --keep-going --stats,
#   prisma-from-sql --stdout --keep-going (naming prisma and pascal), --stdout, --check
#   --keep-going (the set's expected.input.prisma or the fixture's input.prisma as the schema,
#   none otherwise), --stdout with a schema that does not parse, and writing the schema file,
# and compares stdout (or the file written), stderr and the exit status. Prints one line per difference and a summary;
# exits 1 when stdout differs anywhere (stderr and status differences are reported too).
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 BASELINE_BIN NEW_BIN" >&2
  exit 2
fi
base=$(realpath "$1")
new=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SCHEMAGEN_SHARED:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf 'model A {\n  id Int @id @default(\n}\n\nnonsense here\n' >"$work/broken.prisma"

runs=0
stdout_diffs=0
other_diffs=0

# compare NAME DIR ARGS...: runs both binaries in DIR with ARGS and compares.
compare() {
  local name=$1 dir=$2
  shift 2
  local b="$work/base" n="$work/new"
  (cd "$dir" && "$base" "$@" >"$b.out" 2>"$b.err"; echo $? >"$b.rc")
  (cd "$dir" && "$new" "$@" >"$n.out" 2>"$n.err"; echo $? >"$n.rc")
  runs=$((runs + 1))
  if ! cmp -s "$b.out" "$n.out"; then
    stdout_diffs=$((stdout_diffs + 1))
    echo "STDOUT DIFFERS: $name: $*"
    diff "$b.out" "$n.out" | head -20
  fi
  if ! cmp -s "$b.err" "$n.err"; then
    other_diffs=$((other_diffs + 1))
    echo "stderr differs: $name: $*"
    diff "$b.err" "$n.err" | head -10
  fi
  if ! cmp -s "$b.rc" "$n.rc"; then
    other_diffs=$((other_diffs + 1))
    echo "exit status differs: $name: $* ($(cat "$b.rc") vs $(cat "$n.rc"))"
  fi
}

# compare_write NAME MIGRATIONS_DIR SCHEMA_OR_EMPTY: prisma-from-sql writing the schema file
# (twice: the second run finds it up to date); compares the file written and what is printed.
compare_write() {
  local name=$1 migrations=$2 schema=$3 bin which
  for which in base new; do
    bin=$base
    [ "$which" = new ] && bin=$new
    rm -rf "$work/write-$which"
    mkdir -p "$work/write-$which/prisma"
    [ -n "$schema" ] && cp "$schema" "$work/write-$which/prisma/schema.prisma"
    (cd "$work/write-$which" && for i in 1 2; do
      "$bin" prisma-from-sql --keep-going --migrations "$migrations"
      echo "status $?"
    done >"../$which.write.out" 2>&1)
    sed -i "s#write-$which#write-X#g" "$work/$which.write.out"
  done
  runs=$((runs + 1))
  if ! cmp -s "$work/base.write.out" "$work/new.write.out"; then
    other_diffs=$((other_diffs + 1))
    echo "stderr differs: $name: prisma-from-sql (writing)"
    diff "$work/base.write.out" "$work/new.write.out" | head -10
  fi
  if ! cmp -s "$work/write-base/prisma/schema.prisma" "$work/write-new/prisma/schema.prisma"; then
    stdout_diffs=$((stdout_diffs + 1))
    echo "WRITTEN FILE DIFFERS: $name: prisma-from-sql"
  fi
}

# check_set NAME MIGRATIONS_DIR SCHEMA_OR_EMPTY [pascal]
check_set() {
  local name=$1 migrations=$2 schema=$3 only_naming=${4:-}
  compare "$name" "$work" inspect --format json --migrations "$migrations"
  compare "$name" "$work" inspect --format text --migrations "$migrations"
  compare "$name" "$work" inspect --format json --keep-going --stats --migrations "$migrations"
  local schema_arg="$work/none/schema.prisma"
  if [ -n "$schema" ]; then
    cp "$schema" "$work/schema.prisma"
    schema_arg="$work/schema.prisma"
  fi
  compare "$name" "$work" prisma-from-sql --stdout --migrations "$migrations" --schema "$schema_arg"
  compare "$name" "$work" prisma-from-sql --check --keep-going --migrations "$migrations" \
    --schema "$schema_arg"
  compare "$name" "$work" prisma-from-sql --stdout --keep-going --migrations "$migrations" \
    --schema "$work/broken.prisma"
  compare_write "$name" "$migrations" "$schema"
  for naming in prisma pascal; do
    if [ -n "$only_naming" ] && [ "$naming" != "$only_naming" ]; then
      continue
    fi
    compare "$name" "$work" prisma-from-sql --stdout --keep-going --naming "$naming" \
      --migrations "$migrations" --schema "$schema_arg"
  done
}

if ! ls -d "$shared"/corpus/*/migrations >/dev/null 2>&1; then
  echo "no corpus sets in $shared/corpus (set SCHEMAGEN_SHARED)" >&2
  exit 2
fi
for set in "$shared"/corpus/*/; do
  [ -d "$set/migrations" ] || continue
  schema=""
  [ -f "$set/expected.input.prisma" ] && schema="$set/expected.input.prisma"
  check_set "corpus/$(basename "$set")" "$set/migrations" "$schema"
done

for case in "$root"/tests/fixtures/replay/*/; do
  check_set "replay/$(basename "$case")" "$case" ""
done

for case in "$root"/tests/fixtures/prisma/*/; do
  [ -f "$case/migration.sql" ] || continue
  dir="$work/fixture-migrations"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$case/migration.sql" "$dir/20000101000000_migration.sql"
  schema=""
  [ -f "$case/input.prisma" ] && schema="$case/input.prisma"
  check_set "prisma/$(basename "$case")" "$dir" "$schema"
done

echo "$runs runs: $stdout_diffs with a different stdout, $other_diffs other differences (stderr, exit status)"
[ "$stdout_diffs" -eq 0 ]
