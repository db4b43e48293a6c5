#!/usr/bin/env bash
# The test suite, as CI runs it. The tests start their own throwaway PostgreSQL 15 cluster and
# drive Prisma's real engine (oracle/, Node.js), so this installs what they need when missing:
# Debian's postgresql-15 (apt-get, with sudo when not root), the oracle's pinned npm packages
# (`npm ci` from its lockfile) and the Supabase CLI (oracle/supabase-cli, same way). When the shared reference folder is there (../shared beside the
# repository, or $SCHEMAGEN_SHARED), it also installs its extension stand-ins
# (shared/supabase/extensions: pg_net, pg_cron, pgmq, … that do nothing) into PostgreSQL's
# extension directory, so more corpus histories apply; never over a real extension.
#
# Tests that need the shared folder print one `SKIPPED …` line each without it;
# SCHEMAGEN_REQUIRE_SHARED=1 (set by .ci/run) makes that a failure. Arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

pg_bin="${SCHEMAGEN_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$pg_bin/initdb" ] || ! command -v psql >/dev/null; then
  echo "scripts/test.sh: installing postgresql-15" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi

# The TLS test (tests/db_tls.rs) makes its certificates with the openssl command.
if ! command -v openssl >/dev/null; then
  echo "scripts/test.sh: installing openssl" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >/dev/null
fi

# Copies the stand-ins of $1/supabase/extensions into the server's extension directory, file by
# file when missing or changed (idempotent); skips any extension installed for real.
install_stand_ins() {
  local src=$1/supabase/extensions pg_config extdir name control file
  [ -d "$src" ] || return 0
  pg_config="$pg_bin/pg_config"
  [ -x "$pg_config" ] || pg_config=pg_config
  extdir="$("$pg_config" --sharedir)/extension"
  local todo=()
  for control in "$src"/*.control; do
    name=$(basename "$control" .control)
    if [ -e "$extdir/$name.control" ] && ! grep -q '^# stand-in' "$extdir/$name.control"; then
      echo "scripts/test.sh: $name is installed for real; its stand-in is left out" >&2
      continue
    fi
    for file in "$control" "$src/$name--0.0.0.sql"; do
      cmp -s "$file" "$extdir/$(basename "$file")" || todo+=("$file")
    done
  done
  if [ ${#todo[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${#todo[@]} extension stand-in files into $extdir" >&2
    $sudo install -m 644 "${todo[@]}" "$extdir/"
  fi
}

if shared=$(scripts/shared-dir.sh); then
  echo "scripts/test.sh: shared folder: $shared" >&2
  install_stand_ins "$shared"
elif [ "${SCHEMAGEN_REQUIRE_SHARED:-}" = 1 ]; then
  echo "scripts/test.sh: SCHEMAGEN_REQUIRE_SHARED=1 but there is no shared folder (../shared beside the repository, or set SCHEMAGEN_SHARED=/path/to/shared)" >&2
  exit 1
else
  echo "scripts/test.sh: no shared folder (../shared beside the repository, or SCHEMAGEN_SHARED): the tests that need it are skipped, one SKIPPED line each" >&2
fi

if [ ! -d oracle/node_modules/@prisma/schema-engine-wasm ] || [ ! -d oracle/node_modules/schema-engine-wasm-6 ]; then
  command -v npm >/dev/null || {
    echo "scripts/test.sh: the Prisma oracle needs Node.js >= 20 and npm; install them first" >&2
    exit 1
  }
  npm ci --prefix oracle --no-audit --no-fund --loglevel=error
fi

# The real Supabase CLI (a Go binary shipped in an npm package), for the test that compares
# the history rows schemagen writes with the CLI's own.
if [ ! -x oracle/supabase-cli/node_modules/.bin/supabase ]; then
  npm ci --prefix oracle/supabase-cli --no-audit --no-fund --loglevel=error
fi

cargo test --locked "$@"
