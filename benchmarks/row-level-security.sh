#!/usr/bin/env bash
# What Auth:RowLevelSecurity costs a page read, measured.
#
# Starts a throw-away PostgreSQL, seeds 100,000 listings, then runs two API processes side by side on it, one with
# row-level security off and one with it on (each read then runs as anon: one more statement per read), and loads them
# in turn with wrk (64 connections, page 1), alternating over rounds. Prints 200/s and the serving process's CPU per
# request (utime + stime from /proc/<pid>/stat) for each round, and the ratios.
#
# Usage: bash benchmarks/row-level-security.sh [rounds] [seconds]
# Needs: PostgreSQL server binaries, wrk (apt-get install postgresql wrk). Linux, loopback only.
set -euo pipefail

rounds=${1:-3}
seconds=${2:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/throwaway-postgres.sh"
work=$(mktemp -d /tmp/listings-rls-XXXXXX)
chmod 755 "$work"
pg_port=$(free_port); off_port=$(free_port); on_port=$(free_port)
password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_postgres "$work"
  rm -rf "$work"
}
trap cleanup EXIT

echo "Building the API (Release)..."
dotnet build "$root/Listings.Api" -c Release -v quiet -nologo >/dev/null
dll="$root/Listings.Api/bin/Release/net10.0/Listings.Api.dll"

start_postgres "$work" "$pg_port" "$password" 100

start_api() { # port, row-level security
  ASPNETCORE_URLS="http://127.0.0.1:$1" ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__listingsdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=listings" \
  Auth__JwtSecret="$(head -c 32 /dev/urandom | base64)" Auth__RowLevelSecurity="$2" \
  ConnectionPool__MaxPoolSize=16 FairShare__PermitLimit=100000 DatabaseInitialization__SeedCount=100000 \
    dotnet "$dll" > "$work/api-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health")" = 200 ] && return
    sleep 1
  done
  echo "The API on $1 did not become healthy:"; tail -20 "$work/api-$1.log"; exit 1
}

echo "Starting PostgreSQL, seeding, starting both APIs..."
start_api "$off_port" false; off_pid=${pids[-1]}
start_api "$on_port" true; on_pid=${pids[-1]}

url() { echo "http://127.0.0.1:$1/api/v1/listings?page=1&pageSize=20"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
for port in "$off_port" "$on_port"; do wrk -t2 -c64 -d"${seconds}s" "$(url "$port")" >/dev/null; done   # warm-up

printf '| round | row-level security | 200/s | CPU µs/request |\n|---|---|---|---|\n'
declare -A total_n total_cpu total_s
for round in $(seq 1 "$rounds"); do
  order=("off $off_port $off_pid" "on $on_port $on_pid")
  [ $((round % 2)) -eq 0 ] && order=("on $on_port $on_pid" "off $off_port $off_pid")
  for setting in "${order[@]}"; do
    read -r name port pid <<< "$setting"
    c0=$(cpu "$pid"); out=$(wrk -t2 -c64 -d"${seconds}s" "$(url "$port")"); c1=$(cpu "$pid")
    n=$(awk '/requests in/ { print $1 }' <<< "$out")
    non2xx=$(awk '/Non-2xx/ { print $5 }' <<< "$out"); n=$((n - ${non2xx:-0}))
    us=$(echo "($c1 - $c0) * 1000000 / $ticks / $n" | bc -l)
    printf '| %s | %s | %.0f | %.0f |\n' "$round" "$name" "$(echo "$n / $seconds" | bc -l)" "$us"
    total_n[$name]=$(( ${total_n[$name]:-0} + n )); total_cpu[$name]=$(echo "${total_cpu[$name]:-0} + $c1 - $c0" | bc)
  done
done
printf '\non / off: 200/s %.2f, CPU per request %.2f\n' \
  "$(echo "${total_n[on]} / ${total_n[off]}" | bc -l)" \
  "$(echo "(${total_cpu[on]} / ${total_n[on]}) / (${total_cpu[off]} / ${total_n[off]})" | bc -l)"
