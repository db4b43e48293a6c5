#!/usr/bin/env bash
# The test suite, as CI runs it. The tests start their own throwaway PostgreSQL 15 cluster and
# drive Prisma's real engine (oracle/, Node.js), so this installs what they need when missing:
# Debian's postgresql-15 and the oracle's pinned npm packages (from its lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin="${SCHEMAGEN_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$pg_bin/initdb" ] || ! command -v psql >/dev/null; then
  echo "scripts/test.sh: installing postgresql-15" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi

if [ ! -d oracle/node_modules/@prisma/schema-engine-wasm ] || [ ! -d oracle/node_modules/schema-engine-wasm-6 ]; then
  npm ci --prefix oracle --no-audit --no-fund --loglevel=error
fi

cargo test --locked "$@"
