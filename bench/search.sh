#!/usr/bin/env bash
# Benchmark of full-text search (not a test): release build, a 100,000-publication archive from the shared
# generator imported into SQLite and into PostgreSQL, then wrk on loopback, one connection at a time, cycling
# through realistic searches (words, phrases, prefixes, accents, Arabic; with and without list filters) with the
# page cache off. Prints p50 / p99 latency per engine, and nginx serving a saved result page as the reference.
#   bench/search.sh [COUNT] [SECONDS]      (defaults: 100000 publications, 15 s per engine)
# BENCH_CONFIG=debug measures the debug build instead of building for release; BENCH_PG_PORT and BENCH_PORT (three
# ports from it) move the servers when another run holds the defaults (55434, 8093).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
seconds=${2:-15}
out=bench/out
mkdir -p "$out"
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }

config=${BENCH_CONFIG:-release}
port=${BENCH_PORT:-8093}
sqlite_port=$port pg_port=$((port + 1)) nginx_port=$((port + 2))
echo "== $config build"
swift build -c "$config" 2>&1 | tail -1
bin=.build/$config/observatory

echo "== archive: $count publications (shared generator, seed 1)"
python3 ../shared/corpus/gen.py --count "$count" --seed 1 > "$out/search-archive.jsonl"
rm -f "$out"/search.sqlite*
pgdir=$(mktemp -d /tmp/observatory-bench-pg.XXXXXX)
pg=$(scripts/postgres-start "$pgdir" "${BENCH_PG_PORT:-55434}")
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  nginx -c "$PWD/$out/nginx-search.conf" -s stop 2>/dev/null || true
  bin_pg=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin_pg/pg_ctl" -D "$pgdir" -m fast stop >/dev/null 2>&1; else "$bin_pg/pg_ctl" -D "$pgdir" -m fast stop >/dev/null 2>&1; fi
  rm -rf "$pgdir"
}
trap cleanup EXIT
for url in "$PWD/$out/search.sqlite" "$pg"; do
  start=$(date +%s.%N)
  DATABASE_URL="$url" OBSERVATORY_DEMO=0 "$bin" import "$out/search-archive.jsonl" 2>/dev/null | tail -1
  echo "   import into ${url%%:*}: $(echo "$(date +%s.%N) - $start" | bc) s"
done

OBSERVATORY_PAGE_CACHE=0 DATABASE_URL="$PWD/$out/search.sqlite" OBSERVATORY_DEMO=0 "$bin" serve --port "$sqlite_port" >/dev/null 2>&1 & pids+=($!)
OBSERVATORY_PAGE_CACHE=0 DATABASE_URL="$pg" OBSERVATORY_DEMO=0 "$bin" serve --port "$pg_port" >/dev/null 2>&1 & pids+=($!)
for p in "$sqlite_port" "$pg_port"; do
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$p/search?q=x" >/dev/null && break; sleep 0.2; done
done

# Realistic searches: words, a phrase, prefixes, French with and without accents, Arabic, and list filters.
cat > "$out/search.lua" <<'LUA'
local paths = {
  "/search?q=defenders", "/search?q=torture", "/search?q=arbitrary+detention", "/search?q=%22human+rights+defenders%22",
  "/search?q=harass*", "/search?q=journalist&country=mx", "/search?q=d%C3%A9fenseurs", "/search?q=defenseurs&language=fr",
  "/search?q=%D8%A3%D8%B7%D9%84%D9%82%D9%88%D8%A7", "/search?q=lawyer&type=urgent-intervention&year=2019",
  "/search?q=judicial+harassment&programme=human-rights-defenders", "/search?q=release&page=3",
}
local i = 0
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
LUA
mkdir -p "$out/www-search"
curl -sf "http://127.0.0.1:$sqlite_port/search?q=defenders" > "$out/www-search/index.html"
cat > "$out/nginx-search.conf" <<CONF
worker_processes 1;
pid $PWD/$out/nginx-search.pid;
error_log /dev/null;
events { worker_connections 64; }
http { access_log off; server { listen 127.0.0.1:$nginx_port; root $PWD/$out/www-search; location / { default_type text/html; } } }
CONF
nginx -c "$PWD/$out/nginx-search.conf"

# wrk's latency percentiles in milliseconds: "p50 p99 req/s".
measure() {
  wrk -t1 -c1 -d"${seconds}s" --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
    END { printf "%.2f %.2f %d\n", p50, p99, rps }'
}
echo "== wrk -t1 -c1 -d${seconds}s --latency, page cache off, 12 searches in turn"
read -r n50 n99 nrps <<< "$(measure "http://127.0.0.1:$nginx_port/index.html")"
printf '%-40s %9s %9s %8s %10s\n' "target" "p50 ms" "p99 ms" "req/s" "p99÷nginx"
printf '%-40s %9.2f %9.2f %8d %10s\n' "nginx, a saved result page" "$n50" "$n99" "$nrps" "1.0"
for target in "SQLite (FTS5):$sqlite_port" "PostgreSQL (tsvector):$pg_port"; do
  read -r p50 p99 rps <<< "$(measure -s "$out/search.lua" "http://127.0.0.1:${target##*:}")"
  printf '%-40s %9.2f %9.2f %8d %10.1f\n' "${target%:*}" "$p50" "$p99" "$rps" "$(echo "$p99 / $n99" | bc -l)"
done
echo "goal: p99 under 20 ms on both engines (load: $(uptime | sed 's/.*load average: //'))"
