# Sourced by the benchmark scripts: a throw-away PostgreSQL cluster from this machine's newest server binaries, on a
# loopback port, SCRAM with a given password; run as the postgres system user when the script runs as root (initdb and
# postgres refuse root). Sets bin and as_postgres; defines free_port, start_postgres and stop_postgres.

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_postgres() { # work directory, port, password, max_connections
  printf '%s\n' "$3" > "$1/pw"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$1"
  ${as_postgres[@]+"${as_postgres[@]}"} "$bin/initdb" -D "$1/data" -U postgres --pwfile="$1/pw" --auth=scram-sha-256 --no-locale -E UTF8 >/dev/null
  ${as_postgres[@]+"${as_postgres[@]}"} "$bin/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w \
    -o "-p $2 -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=$4" start >/dev/null
}

stop_postgres() { # work directory
  ${as_postgres[@]+"${as_postgres[@]}"} "$bin/pg_ctl" -D "$1/data" stop -m fast >/dev/null 2>&1 || true
}
