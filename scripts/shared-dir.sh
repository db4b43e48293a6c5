#!/usr/bin/env bash
# Prints the shared reference folder the tests read from outside the repository (the migration
# corpus, the Supabase prelude, the extension stand-ins), or exits 1 when there is none:
# $SCHEMAGEN_SHARED when set, else the first `shared/` holding supabase/prelude.sql or corpus/ in
# an ancestor of the repository (`../shared` beside a checkout). The same rule as
# tests/common/shared.rs.
set -euo pipefail
if [[ -n ${SCHEMAGEN_SHARED:-} ]]; then
  echo "$SCHEMAGEN_SHARED"
  exit 0
fi
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
while [[ $dir != / ]]; do
  dir=$(dirname "$dir")
  shared=${dir%/}/shared
  if [[ -f $shared/supabase/prelude.sql || -d $shared/corpus ]]; then
    echo "$shared"
    exit 0
  fi
done
exit 1
