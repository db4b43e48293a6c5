#!/usr/bin/env bash
# Runs the README's test command on a clone with nothing beside it, as a new user would.
#
#   scripts/fresh-clone-test.sh
#
# `git clone`s the current commit into a new temp dir (none of whose ancestors holds a `shared/`
# folder, so the tests cannot find the shared reference material), then runs `scripts/test.sh`
# there with SCHEMAGEN_SHARED and SCHEMAGEN_REQUIRE_SHARED unset. Fails unless the run passes AND
# the tests that need the shared folder said so, one `SKIPPED <test>: needs …; set
# SCHEMAGEN_SHARED=…` line each. Uncommitted changes are not part of the clone.
#
# The clone builds into $CARGO_TARGET_DIR (default: this repository's target/), so the
# dependencies are not built again; its own crate is (another path, other artifacts).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-clone-test: uncommitted changes are not tested (cloning $commit)" >&2
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/schemagen-fresh-XXXXXX")
trap 'rm -rf "$base"' EXIT
dir=$base
while :; do
  if [ -e "$dir/shared" ]; then
    echo "fresh-clone-test: $dir/shared exists, so the clone would find a shared folder; set TMPDIR to a folder none of whose ancestors holds shared/" >&2
    exit 1
  fi
  [ "$dir" = / ] && break
  dir=$(dirname "$dir")
done

clone=$base/schemagen
git clone --quiet --no-hardlinks "$repo" "$clone"
git -C "$clone" -c advice.detachedHead=false checkout --quiet "$commit"

log=$base/test.log
echo "fresh-clone-test: running scripts/test.sh in $clone ($commit)" >&2
status=0
(
  cd "$clone"
  unset SCHEMAGEN_SHARED SCHEMAGEN_REQUIRE_SHARED
  CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target} scripts/test.sh
) >"$log" 2>&1 || status=$?

skipped=$(grep -c '^SKIPPED ' "$log" || true)
malformed=$(grep '^SKIPPED ' "$log" | grep -vc 'needs .*set SCHEMAGEN_SHARED=' || true)
passed=$(awk '/^test result: ok\./ { n += $4 } END { print n + 0 }' "$log")
grep '^SKIPPED ' "$log" >&2 || true
if [ "$status" -ne 0 ]; then
  tail -n 80 "$log" >&2
  echo "fresh-clone-test: FAILED: scripts/test.sh exited with $status on a fresh clone" >&2
  exit 1
fi
if [ "$skipped" -eq 0 ] || [ "$malformed" -ne 0 ]; then
  echo "fresh-clone-test: FAILED: expected one 'SKIPPED <test>: needs …; set SCHEMAGEN_SHARED=…' line per test needing the shared folder ($skipped found, $malformed malformed)" >&2
  exit 1
fi
echo "fresh-clone-test: ok: ${passed:-0} tests passed on a fresh clone, $skipped of them skipped for want of the shared folder" >&2
