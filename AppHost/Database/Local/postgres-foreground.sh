# Sourced by run-postgres.sh and run-standby.sh, from their own folder: how both run a PostgreSQL program in the
# foreground of an Aspire executable resource.

# Sets as_postgres to what runs a program as the 'postgres' system user when the AppHost runs as root (initdb,
# pg_basebackup and postgres refuse to run as root), and to nothing otherwise. Exits when there is no such user.
init_as_postgres() {
  as_postgres=()
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "The AppHost runs as root, and PostgreSQL refuses to: create a 'postgres' system user (installing the postgresql package does) or run the AppHost as another user." >&2
      exit 1
    fi
    # setpriv execs in place (unlike su/runuser, which fork), so signals reach the server directly.
    as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  fi
}

# as_postgres_until_exit SIGNAL PROGRAM [ARGUMENT...]: runs PROGRAM (as_postgres) in the background, sends it SIGNAL
# when the wrapper gets TERM, INT, QUIT or HUP, and returns its exit status once it has really exited. The trap stays
# set on return: a caller that goes on resets it (trap - TERM INT QUIT HUP).
as_postgres_until_exit() {
  local signal=$1
  shift
  ${as_postgres[@]+"${as_postgres[@]}"} "$@" &
  local child=$!

  trap "kill -$signal $child 2>/dev/null || true" TERM INT QUIT HUP

  local status=0
  wait "$child" || status=$?
  # 'wait' also returns when a trapped signal arrives: keep waiting until the program has really exited.
  while kill -0 "$child" 2>/dev/null; do
    status=0
    wait "$child" || status=$?
  done
  return "$status"
}
