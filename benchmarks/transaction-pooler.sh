#!/usr/bin/env bash
# Why the pool policy turns auto-prepare off behind a transaction pooler, measured.
#
# Starts a throw-away PostgreSQL and a real PgBouncer in transaction mode (as Supabase's :6543 is), seeds 10,000
# listings, then runs the API behind PgBouncer twice under the same load (hey, 50 concurrent clients):
#   policy: ConnectionPool:Mode=transaction-pooler, so Max Auto Prepare=0 and No Reset On Close=true;
#   unsafe: the same connection treated as direct, with Max Auto Prepare=20 as a fast direct setup would have.
# Prints the responses by status and the PostgreSQL errors the API logged.
#
# Usage: bash benchmarks/transaction-pooler.sh [requests] [concurrency]
# Needs: PostgreSQL server binaries, pgbouncer, hey (apt-get install postgresql pgbouncer hey). Loopback only.
set -euo pipefail

requests=${1:-5000}
concurrency=${2:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/throwaway-postgres.sh"
work=$(mktemp -d /tmp/listings-txpooler-XXXXXX)
chmod 755 "$work"
pg_port=$(free_port); bouncer_port=$(free_port); api_port=$(free_port)
password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

api_pid=""; bouncer_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null || true
  [ -n "$bouncer_pid" ] && kill "$bouncer_pid" 2>/dev/null || true
  stop_postgres "$work"
  rm -rf "$work"
}
trap cleanup EXIT

echo "Building the API (Release)..."
dotnet build "$root/Listings.Api" -c Release -v quiet -nologo >/dev/null
dll="$root/Listings.Api/bin/Release/net10.0/Listings.Api.dll"

printf '"postgres" "%s"\n' "$password" > "$work/userlist.txt"
cat > "$work/pgbouncer.ini" <<INI
[databases]
listings = host=127.0.0.1 port=$pg_port dbname=listings
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $work/userlist.txt
pool_mode = transaction
default_pool_size = 5
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,options,search_path
INI
start_postgres "$work" "$pg_port" "$password" 60
${as_postgres[@]+"${as_postgres[@]}"} pgbouncer "$work/pgbouncer.ini" >"$work/pgbouncer.log" 2>&1 &
bouncer_pid=$!

# Only reads are measured, but the API refuses to start without a JWT secret: a throw-away one.
jwt_secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

run_api() { # name, connection string, mode, seed
  env Auth__JwtSecret="$jwt_secret" \
  ConnectionStrings__listingsdb="$2" ConnectionPool__Mode="$3" ConnectionPool__ServerMaxConnections=60 \
  "ConnectionStrings__listingsdb-migrations=$direct" \
  DatabaseInitialization__SeedCount="$4" ASPNETCORE_URLS="http://127.0.0.1:$api_port" ASPNETCORE_ENVIRONMENT=Production \
    dotnet "$dll" >"$work/$1.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$api_port/health" >/dev/null && return 0
    sleep 0.5
  done
  echo "The API did not become healthy; see $work/$1.log" >&2
  return 1
}
stop_api() { kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=""; }

direct="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=listings"
pooled="Host=127.0.0.1;Port=$bouncer_port;Username=postgres;Password=$password;Database=listings"

echo "Migrating and seeding 10,000 listings directly..."
run_api seed "$direct" direct 10000
stop_api

printf '\n| setting | requests | 200 | other | requests/s | p99 (s) | PostgreSQL errors logged |\n|---|---|---|---|---|---|---|\n'
for variant in policy unsafe; do
  if [ "$variant" = policy ]; then run_api policy "$pooled" transaction-pooler 0
  else run_api unsafe "$pooled;Max Auto Prepare=20" direct 0; fi
  report=$(hey -n "$requests" -c "$concurrency" "http://127.0.0.1:$api_port/api/v1/listings?page=1")
  ok=$( (grep -Eo '\[200\][[:space:]]+[0-9]+' <<<"$report" || true) | awk '{print $2}'); ok=${ok:-0}
  rps=$( (grep -Eo 'Requests/sec:[[:space:]]+[0-9.]+' <<<"$report" || true) | awk '{print $2}')
  p99=$( (grep -Eo '99% in [0-9.]+' <<<"$report" || true) | awk '{print $3}')
  errors=$( (grep -Eo 'MessageText: .*' "$work/$variant.log" || true) | sed 's/MessageText: //' | sort | uniq -c | sort -rn | head -n 2 \
    | awk '{count=$1; $1=""; print count " x" $0}' | paste -sd ';' -)
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$variant" "$requests" "$ok" "$((requests - ok))" "$rps" "$p99" "${errors:-none}"
  stop_api
done
