#!/usr/bin/env bash
# Runs a read replica of the Listings AppHost's local PostgreSQL server in the foreground, as an Aspire executable
# resource: a streaming standby of the primary, from the same binaries.
#
# Why a wrapper and not 'postgres' itself:
#  - the standby's cluster is a base backup of the primary's (pg_basebackup -R writes standby.signal and
#    primary_conninfo): take one on first run, and again when the folder holds no standby of this primary (a new
#    primary after a reset) or one too far behind to catch up (the WAL it needs is gone from the primary);
#  - when the AppHost runs as root, PostgreSQL refuses to: run it as the 'postgres' system user;
#  - the orchestrator stops executables with SIGTERM, a *smart* shutdown to PostgreSQL that waits for every client to
#    leave: turn it into a fast shutdown (SIGINT), as run-postgres.sh does for the primary.
#
# Environment, set by the AppHost: PG_BIN, PGDATA (the standby's folder), PGPORT (its port), PRIMARY_PGDATA,
# PRIMARY_PORT, LISTINGS_PG_PASSWORD (the primary's superuser password), LISTINGS_PG_MAX_CONNECTIONS.
set -euo pipefail

: "${PG_BIN:?PG_BIN must name the folder with pg_basebackup and postgres}"
: "${PGDATA:?PGDATA must name the standby data directory}"
: "${PGPORT:?PGPORT must name the port to listen on}"
: "${PRIMARY_PGDATA:?PRIMARY_PGDATA must name the primary data directory}"
: "${PRIMARY_PORT:?PRIMARY_PORT must name the primary port}"
: "${LISTINGS_PG_PASSWORD:?LISTINGS_PG_PASSWORD must hold the superuser password}"

# shellcheck source=postgres-foreground.sh
source "$(dirname "${BASH_SOURCE[0]}")/postgres-foreground.sh"
init_as_postgres

control_field() {
  ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/pg_controldata" -D "$1" 2>/dev/null | sed -n "s/^$2: *//p"
}

# The name of the WAL segment file that holds LSN $1 ("X/Y") on timeline $2, with segments of $3 bytes.
wal_file_of() {
  local high=$((16#${1%/*})) low=$((16#${1#*/}))
  local segment=$(( (high * 4294967296 + low) / $3 )) per_id=$(( 4294967296 / $3 ))
  printf '%08X%08X%08X' "$2" $((segment / per_id)) $((segment % per_id))
}

# Says why the folder cannot follow the primary, or nothing when it can: a standby of this primary (same system
# identifier, still in recovery) whose WAL the primary still keeps from where the standby must replay to at least
# (its minimum recovery point, else its restart point); it streams from there or later. The primary removes old
# segments oldest first, so it then keeps every later one too.
why_not_following() {
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "it holds no cluster"
    return
  fi
  if [ ! -e "$PGDATA/standby.signal" ]; then
    echo "its cluster is no standby (promoted, or an unfinished clone)"
    return
  fi
  local standby_id primary_id needed minimum
  standby_id=$(control_field "$PGDATA" "Database system identifier")
  primary_id=$(control_field "$PRIMARY_PGDATA" "Database system identifier")
  if [ -z "$standby_id" ] || [ "$standby_id" != "$primary_id" ]; then
    echo "its cluster is a copy of another primary"
    return
  fi
  minimum=$(control_field "$PGDATA" "Minimum recovery ending location")
  if [ -n "$minimum" ] && [ "$minimum" != "0/0" ]; then
    needed=$(wal_file_of "$minimum" "$(control_field "$PGDATA" "Min recovery ending loc's timeline")" \
      "$(control_field "$PGDATA" "Bytes per WAL segment")")
  else
    needed=$(control_field "$PGDATA" "Latest checkpoint's REDO WAL file")
  fi
  if [ -z "$needed" ] || [ ! -e "$PRIMARY_PGDATA/pg_wal/$needed" ]; then
    echo "the primary no longer keeps the WAL it needs (${needed:-unknown})"
  fi
}

# A standby left behind by an AppHost that was killed outright still holds the data directory: stop it first.
if [ -s "$PGDATA/postmaster.pid" ] && ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/pg_ctl" status --pgdata="$PGDATA" >/dev/null 2>&1; then
  echo "Stopping a PostgreSQL standby left running in $PGDATA"
  ${as_postgres[@]+"${as_postgres[@]}"} "$PG_BIN/pg_ctl" stop --pgdata="$PGDATA" --mode=fast --wait
fi

reason=$(why_not_following)
if [ -n "$reason" ]; then
  if [ -e "$PGDATA" ]; then
    echo "$PGDATA cannot follow the primary, $reason: cloning it again"
    rm -rf -- "$PGDATA"
  fi
  echo "Cloning the primary on port $PRIMARY_PORT into $PGDATA (pg_basebackup)"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PGDATA"
  fi
  # The password goes by environment only, never on a command line. -R writes standby.signal, and a primary_conninfo
  # (with the password, inside the folder only its owner may enter) that the server's command line below overrides.
  status=0
  PGPASSWORD="$LISTINGS_PG_PASSWORD" as_postgres_until_exit TERM "$PG_BIN/pg_basebackup" \
    --host=127.0.0.1 --port="$PRIMARY_PORT" --username=postgres --no-password \
    --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast || status=$?
  trap - TERM INT QUIT HUP
  if [ "$status" -ne 0 ]; then
    echo "pg_basebackup failed (exit code $status)" >&2
    rm -rf -- "$PGDATA"
    exit "$status"
  fi
fi
# The primary's port changes from run to run: name this run's in primary_conninfo, and the password in a passfile
# beside the cluster (readable by its owner only), so it never shows on the server's command line.
passfile="$PGDATA/primary.pgpass"
(umask 077 && printf '127.0.0.1:%s:*:postgres:%s\n' "$PRIMARY_PORT" "$LISTINGS_PG_PASSWORD" > "$passfile")
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$passfile"
fi
unset LISTINGS_PG_PASSWORD

# TCP on loopback only, no Unix socket, as the primary; max_connections must be at least the primary's for a standby
# to start, so it is the same. The orchestrator's SIGTERM would be a smart shutdown: the server gets SIGINT, a fast one.
status=0
as_postgres_until_exit INT "$PG_BIN/postgres" -D "$PGDATA" -p "$PGPORT" \
  -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= \
  -c max_connections="${LISTINGS_PG_MAX_CONNECTIONS:-60}" \
  -c hot_standby=on \
  -c primary_conninfo="host=127.0.0.1 port=$PRIMARY_PORT user=postgres passfile=$passfile" || status=$?
exit "$status"
