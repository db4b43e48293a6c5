#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for running the oracle by hand.
#
#   oracle/pg.sh start            -> prints "DIR PORT" (cluster in DIR, listening on 127.0.0.1:PORT)
#   oracle/pg.sh stop DIR         -> stops it and removes DIR
#   oracle/pg.sh newdb DIR NAME   -> creates database NAME and loads the Supabase prelude into it
#                                    (from ../shared or $SCHEMAGEN_SHARED; PRELUDE=FILE overrides)
#   oracle/pg.sh apply DIR NAME SETDIR
#                                 -> applies SETDIR/migrations/*.sql (filename order, one psql
#                                    session per file, ON_ERROR_STOP) to database NAME; files the
#                                    Supabase CLI would skip (not ^[0-9]+_.*\.sql$) are skipped.
#                                    With STRIP_EXTENSIONS=1, line-leading CREATE/ALTER/COMMENT ON
#                                    EXTENSION statements for the extensions a stock PostgreSQL lacks
#                                    (pg_graphql, pgjwt, pgsodium, supabase_vault, pg_net, pg_cron,
#                                    http, pg_jsonschema, wrappers, vector, pgmq, pg_tle, hypopg,
#                                    index_advisor, plpgsql_check) are commented out, unless the
#                                    server offers them (the stand-ins scripts/test.sh installs).
#
# initdb refuses to run as root, so as root everything runs as the `postgres` system user.
# Trust auth, loopback only, fsync off: for tests only. Override the binaries with PG_BIN.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The prelude comes from the shared reference folder: $SCHEMAGEN_SHARED, else ../shared beside
# the repository (scripts/shared-dir.sh); PRELUDE=FILE overrides it.
SHARED=$("$HERE/../scripts/shared-dir.sh") || SHARED=""
PRELUDE=${PRELUDE:-${SHARED:+$SHARED/supabase/prelude.sql}}

as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_of() { sed -n 's/^port=//p' "$1/port"; }

psql_() { # DIR DB args...
  local dir=$1 db=$2; shift 2
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port_of "$dir")" -U postgres -d "$db" "$@"
}

case ${1:-} in
  start)
    dir=$(mktemp -d /tmp/oracle-pg-XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for _ in 1 2 3 4 5; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
        echo "port=$port" >"$dir/port"
        echo "$dir $port"
        exit 0
      fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    dir=${2:?usage: pg.sh stop DIR}
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  newdb)
    dir=${2:?}; db=${3:?}
    [[ -n $PRELUDE && -f $PRELUDE ]] || {
      echo "pg.sh newdb: needs the Supabase prelude (shared/supabase/prelude.sql), not found${PRELUDE:+ at $PRELUDE}; set SCHEMAGEN_SHARED=/path/to/shared (or PRELUDE=FILE)" >&2
      exit 1
    }
    psql_ "$dir" postgres -c "CREATE DATABASE \"$db\""
    psql_ "$dir" "$db" -f "$PRELUDE" >/dev/null 2>"$dir/prelude-$db.log" \
      || { cat "$dir/prelude-$db.log" >&2; exit 1; }
    ;;
  apply)
    dir=${2:?}; db=${3:?}; set=${4:?}
    avail=" $(psql_ "$dir" "$db" -Atc "select string_agg(name, ' ') from pg_available_extensions") "
    missing=()
    for e in pg_graphql pgjwt pgsodium supabase_vault pg_net pg_cron http pg_jsonschema wrappers \
        vector pgmq pg_tle hypopg index_advisor plpgsql_check; do
      [[ $avail == *" $e "* ]] || missing+=("$e")
    done
    ext="\"?($(IFS='|'; echo "${missing[*]}"))\"?"
    for f in "$set"/migrations/*.sql; do
      base=$(basename "$f")
      [[ $base =~ ^[0-9]+_.*\.sql$ ]] || { echo "skip $base (the Supabase CLI would skip it)" >&2; continue; }
      if [[ ${STRIP_EXTENSIONS:-0} == 1 && ${#missing[@]} -gt 0 ]]; then
        mkdir -p "$dir/stripped"
        sed -E "s/^([[:space:]]*(CREATE|ALTER) EXTENSION (IF NOT EXISTS )?$ext([[:space:];]|$))/-- \1/I;
                s/^([[:space:]]*COMMENT ON EXTENSION $ext([[:space:]]|$))/-- \1/I" "$f" >"$dir/stripped/$base"
        f=$dir/stripped/$base
      fi
      psql_ "$dir" "$db" -f "$f" >/dev/null 2>>"$dir/apply-$db.log" \
        || { echo "failed in $base:" >&2; tail -5 "$dir/apply-$db.log" >&2; exit 1; }
    done
    ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac
