#!/usr/bin/env bash
# Benchmark of the public site (not a test): release build, a 50,000-publication archive from the shared
# generator, import time, then wrk on loopback against the home page, a filtered list, an article and a
# feed, the directory (311 organisations) and mission reports — from the page cache and with it off — and nginx serving the same home page as a static file in
# the same run, as the reference. Prints requests/s and the ratio to nginx.
#   bench/run.sh [COUNT] [SECONDS]      (defaults: 50000 publications, 10 s per target)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-50000}
seconds=${2:-10}
out=bench/out
mkdir -p "$out"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== release build"
swift build -c release 2>&1 | tail -1
bin=.build/release/observatory

echo "== archive: $count publications (shared generator, seed 1)"
python3 ../shared/corpus/gen.py --count "$count" --seed 1 > "$out/archive.jsonl"
rm -f "$out"/bench.sqlite*
export DATABASE_URL="$PWD/$out/bench.sqlite" OBSERVATORY_DEMO=0
start=$(date +%s.%N)
"$bin" import "$out/archive.jsonl" 2>/dev/null | tail -1
import_s=$(echo "$(date +%s.%N) - $start" | bc)
python3 ../shared/corpus/gen.py --orgs 311 --seed 1 > "$out/organisations.jsonl"
"$bin" import "$out/organisations.jsonl" >/dev/null 2>&1

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; nginx -c "$PWD/$out/nginx.conf" -s stop 2>/dev/null || true; }
trap cleanup EXIT
OBSERVATORY_PAGE_CACHE=1 "$bin" serve --port 8090 >/dev/null 2>&1 & pids+=($!)
OBSERVATORY_PAGE_CACHE=0 "$bin" serve --port 8091 >/dev/null 2>&1 & pids+=($!)
for port in 8090 8091; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done
done

article=$(head -1000 "$out/archive.jsonl" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
list="/publications?type=urgent-intervention&country=mx"
mkdir -p "$out/www"
curl -sf "http://127.0.0.1:8090/" > "$out/www/index.html"
cat > "$out/nginx.conf" <<CONF
worker_processes auto;
pid $PWD/$out/nginx.pid;
error_log /dev/null;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:8092; root $PWD/$out/www; location / { default_type text/html; } }
}
CONF
nginx -c "$PWD/$out/nginx.conf"

rate() { wrk -t2 -c32 -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print int($2)}'; }
echo "== wrk -t2 -c32 -d${seconds}s on loopback (2 cores shared by server and load)"
nginx_rate=$(rate "http://127.0.0.1:8092/index.html")
printf '%-44s %9s %8s\n' "target" "req/s" "÷nginx"
printf '%-44s %9d %8s\n' "nginx, home page as a static file" "$nginx_rate" "1.00"
row() { local r; r=$(rate "$2"); printf '%-44s %9d %8.2f\n' "$1" "$r" "$(echo "$r / $nginx_rate" | bc -l)"; }
row "home, page cache" "http://127.0.0.1:8090/"
row "filtered list, page cache" "http://127.0.0.1:8090$list"
row "article, page cache" "http://127.0.0.1:8090/publications/$article"
row "RSS feed, page cache" "http://127.0.0.1:8090/publications/feed.rss"
row "home, cache off" "http://127.0.0.1:8091/"
row "filtered list, cache off" "http://127.0.0.1:8091$list"
row "article, cache off" "http://127.0.0.1:8091/publications/$article"
row "RSS feed, cache off" "http://127.0.0.1:8091/publications/feed.rss"
row "directory of 311, filtered, cache off" "http://127.0.0.1:8091/organisations?type=ngo&network=sos-torture"
row "mission reports, cache off" "http://127.0.0.1:8091/missions"
echo "import of $count lines: ${import_s}s; home page $(wc -c < "$out/www/index.html") bytes"
