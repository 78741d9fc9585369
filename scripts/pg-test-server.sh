#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the HQ tests.
#   scripts/pg-test-server.sh start   → prints the database URL on stdout (nothing else)
#   scripts/pg-test-server.sh stop    → stops the server and removes its files
# The cluster lives in a temp dir, listens only on a unix socket inside it (no TCP port to
# collide with), and runs as the `postgres` user when we are root (initdb refuses root).
# State (data dir, owner) is kept in $LABDESK_PG_STATE (default /tmp/labdesk-pg-test.state).
set -euo pipefail
state="${LABDESK_PG_STATE:-/tmp/labdesk-pg-test.state}"

log() { echo "pg-test-server: $*" >&2; }

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/bin /usr/local/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

as_owner() {  # run a command as the cluster owner
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$owner" -- "$@"
    else
      su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

start() {
  if [ -f "$state" ]; then
    # shellcheck disable=SC1090
    source "$state"
    if [ -n "${dir:-}" ] && [ -f "$dir/data/postmaster.pid" ] &&
      as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      log "already running (state in $state); stop it first"
      exit 1
    fi
    # A server that died with its machine or session left its state behind: clear it.
    log "removing stale state $state"
    rm -rf -- "${dir:-/nonexistent}"
    rm -f -- "$state"
  fi
  bin="$(find_bin)" || { log "PostgreSQL server binaries not found (initdb, pg_ctl)"; exit 1; }
  owner="$(id -un)"
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id postgres >/dev/null 2>&1 || { log "user postgres is missing"; exit 1; }
  fi
  dir="$(mktemp -d /tmp/labdesk-pg.XXXXXX)"
  chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown "$owner" "$dir"
  printf 'dir=%q\nowner=%q\nbin=%q\n' "$dir" "$owner" "$bin" >"$state"
  as_owner "$bin/initdb" -D "$dir/data" -U "$owner" -A trust -E UTF8 --locale=C.UTF-8 >&2 \
    || as_owner "$bin/initdb" -D "$dir/data" -U "$owner" -A trust -E UTF8 --locale=C >&2
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c full_page_writes=off" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h "$dir" -U "$owner" labdesk_test >&2
  # Any user may connect through the socket (trust auth); the socket dir must be reachable.
  chmod 755 "$dir"
  echo "postgresql://$owner@/labdesk_test?host=$dir"
}

stop() {
  if [ ! -f "$state" ]; then
    log "not running"
    return 0
  fi
  # shellcheck disable=SC1090
  source "$state"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf -- "$dir"
  rm -f -- "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
