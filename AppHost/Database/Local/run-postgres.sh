#!/usr/bin/env bash
# Runs the local PostgreSQL server of the Listings AppHost in the foreground, as an Aspire executable resource.
#
# Why a wrapper and not 'postgres' itself:
#  - initdb on first run, with the generated superuser password, so the cluster never accepts a blank one;
#  - when the AppHost runs as root, initdb and postgres refuse to: run them as the 'postgres' system user;
#  - the orchestrator stops executables with SIGTERM, which PostgreSQL treats as a *smart* shutdown that waits
#    for every client to leave. Turn it into a fast shutdown (SIGINT) so the server is gone when the AppHost is.
#
# Environment, set by the AppHost: PG_BIN, PGDATA, PGPORT, LISTINGS_PG_PASSWORD, LISTINGS_PG_MAX_CONNECTIONS.
set -euo pipefail

: "${PG_BIN:?PG_BIN must name the folder with initdb and postgres}"
: "${PGDATA:?PGDATA must name the data directory}"
: "${PGPORT:?PGPORT must name the port to listen on}"
: "${LISTINGS_PG_PASSWORD:?LISTINGS_PG_PASSWORD must hold the superuser password}"

# shellcheck source=postgres-foreground.sh
source "$(dirname "${BASH_SOURCE[0]}")/postgres-foreground.sh"
init_as_postgres

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "Creating a new PostgreSQL cluster in $PGDATA"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$LISTINGS_PG_PASSWORD" > "$pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PGDATA" "$pwfile"
  fi
  ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/initdb" --pgdata="$PGDATA" --username=postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale
  rm -f "$pwfile"
  trap - EXIT
fi

# A server left behind by an AppHost that was killed outright still holds the data directory: stop it first.
if ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/pg_ctl" status --pgdata="$PGDATA" >/dev/null 2>&1; then
  echo "Stopping a PostgreSQL server left running in $PGDATA"
  ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/pg_ctl" stop --pgdata="$PGDATA" --mode=fast --wait
fi

# TCP on loopback only, no Unix socket (its default folder may not exist or be writable here). The orchestrator's
# SIGTERM would be a smart shutdown: the server gets SIGINT, a fast one.
status=0
as_postgres_until_exit INT "$PG_BIN/postgres" -D "$PGDATA" -p "$PGPORT" \
  -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= \
  -c max_connections="${LISTINGS_PG_MAX_CONNECTIONS:-60}" || status=$?
exit "$status"
