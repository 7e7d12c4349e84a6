#!/usr/bin/env bash
# Runs the local PgBouncer of the Listings AppHost in the foreground, as an Aspire executable resource.
#
# Why a wrapper and not 'pgbouncer' itself: its configuration is a file, and the port is known only once the
# orchestrator allocates it; and PgBouncer, like PostgreSQL, refuses to run as root.
#
# Environment, set by the AppHost: PGBOUNCER, PGBOUNCER_DIR, PGBOUNCER_PORT, PG_PORT, PG_DATABASE, PG_USER, PG_PASSWORD.
set -euo pipefail

: "${PGBOUNCER:?PGBOUNCER must name the pgbouncer program}"
: "${PGBOUNCER_DIR:?PGBOUNCER_DIR must name the folder for its configuration}"
: "${PGBOUNCER_PORT:?PGBOUNCER_PORT must name the port to listen on}"
: "${PG_PORT:?PG_PORT must name the PostgreSQL server port}"
: "${PG_DATABASE:?PG_DATABASE must name the database}"
: "${PG_USER:?PG_USER must name the user}"
: "${PG_PASSWORD:?PG_PASSWORD must hold the password}"

mkdir -p "$PGBOUNCER_DIR"
chmod 700 "$PGBOUNCER_DIR"
umask 077

# The user list holds the password PgBouncer signs in to the server with (SCRAM both ways): readable by its owner only.
printf '"%s" "%s"\n' "$PG_USER" "$PG_PASSWORD" > "$PGBOUNCER_DIR/userlist.txt"
cat > "$PGBOUNCER_DIR/pgbouncer.ini" <<INI
[databases]
$PG_DATABASE = host=127.0.0.1 port=$PG_PORT dbname=$PG_DATABASE

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $PGBOUNCER_DIR/userlist.txt
admin_users = $PG_USER
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-20}
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options,search_path
INI

if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "The AppHost runs as root, and PgBouncer refuses to: create a 'postgres' system user or run the AppHost as another user." >&2
    exit 1
  fi
  chown -R postgres: "$PGBOUNCER_DIR"
  # setpriv execs in place, so the orchestrator's signals reach PgBouncer directly.
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$PGBOUNCER" "$PGBOUNCER_DIR/pgbouncer.ini"
fi

exec "$PGBOUNCER" "$PGBOUNCER_DIR/pgbouncer.ini"
