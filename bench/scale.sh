#!/usr/bin/env bash
# Benchmark at scale (not a test), issue 22: an archive of COUNT publications from the shared generator (seed 1)
# imported into SQLite and/or PostgreSQL, then wrk on loopback against every page that reaches the database (page
# cache off), the same pages from the page cache beside nginx serving the very same bytes, and with PostgreSQL one
# instance against two. Each figure is printed beside its reference and its goal, with the machine's load.
#   bench/scale.sh [COUNT] [ENGINE] [SECONDS]   (defaults: 100000, both, 3 s per target)
#   ENGINE: sqlite, postgres or both. OBSERVATORY_BIN=path uses that binary instead of a release build.
# The archive is kept in bench/out/scale-COUNT.jsonl and reused; databases are made afresh at each run.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
engine=${2:-both}
seconds=${3:-3}
out=bench/out
mkdir -p "$out"
case "$engine" in sqlite) engines=(sqlite) ;; postgres) engines=(postgres) ;; both) engines=(sqlite postgres) ;;
  *) echo "scale.sh: ENGINE is sqlite, postgres or both, not \"$engine\"" >&2; exit 2 ;; esac

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v bc >/dev/null || need+=(bc)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -n "${OBSERVATORY_BIN:-}" ]; then
  bin=$OBSERVATORY_BIN
else
  echo "== release build"
  swift build -c release --product observatory 2>&1 | tail -1
  bin=.build/release/observatory
fi

archive="$out/scale-$count.jsonl"
if [ ! -s "$archive" ]; then
  echo "== archive: $count publications (shared generator, seed 1)"
  python3 ../shared/corpus/gen.py --count "$count" --seed 1 > "$archive.tmp" && mv "$archive.tmp" "$archive"
fi
python3 ../shared/corpus/gen.py --orgs 311 --seed 1 > "$out/scale-organisations.jsonl"
article=$(sed -n "$((count / 2))p" "$archive" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

pids=()
pgdir=""
nginx_conf="$PWD/$out/nginx-scale.conf"
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  nginx -c "$nginx_conf" -s stop 2>/dev/null || true
  if [ -n "$pgdir" ]; then
    bin_pg=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin_pg/pg_ctl" -D "$pgdir" -m fast stop >/dev/null 2>&1
    else "$bin_pg/pg_ctl" -D "$pgdir" -m fast stop >/dev/null 2>&1; fi
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT
load() { uptime | sed 's/.*load average: //; s/,//g' | awk '{print $1}'; }

# The pages that reach the database: home, every single filter, pairs of filters (a common and a rare one), a
# country page, an article, a feed, the directory.
targets=(
  "home|/"
  "type|/publications?type=urgent-intervention"
  "country|/publications?country=mx"
  "programme|/publications?programme=violence-against-women"
  "language|/publications?language=ar"
  "year|/publications?year=2019"
  "country+type|/publications?country=mx&type=urgent-intervention"
  "country+type, rare|/publications?country=mx&type=link"
  "country+language|/publications?country=co&language=es"
  "type+year|/publications?type=report&year=2015"
  "programme+type|/publications?programme=children-rights&type=statement"
  "language+year|/publications?language=fr&year=2021"
  "country page|/countries/ru"
  "country page, filtered|/countries/tr?type=statement"
  "article|/publications/$article"
  "RSS feed|/publications/feed.rss"
  "Atom feed, filtered|/publications/feed.atom?country=eg"
  "directory|/organisations"
  "directory, filtered|/organisations?type=ngo&network=sos-torture"
)

# wrk for $seconds: "req/s p50ms p99ms".
measure() {
  wrk -t2 -c32 -d"${seconds}s" --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
    END { printf "%d %.2f %.2f\n", rps, p50, p99 }'
}
wait_up() { for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done
  echo "scale.sh: the server on port $1 did not start" >&2; exit 1; }
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }

summary=()
for db in "${engines[@]}"; do
  if [ "$db" = sqlite ]; then
    rm -f "$out"/scale.sqlite*
    url="$PWD/$out/scale.sqlite"; goal=2500; import_goal=30
  else
    [ -n "$pgdir" ] || { pgdir=$(mktemp -d /tmp/observatory-scale-pg.XXXXXX); pg=$(scripts/postgres-start "$pgdir" 55436); }
    psql -q "$pg" -c "DROP DATABASE IF EXISTS scale" -c "CREATE DATABASE scale"
    url="${pg%/*}/scale"; goal=1250; import_goal=45
  fi
  export DATABASE_URL="$url" OBSERVATORY_DEMO=0 OBSERVATORY_KEY="${OBSERVATORY_KEY:-$(head -c 32 /dev/urandom | base64)}"
  echo
  echo "== $db, $count publications (load $(load) on $(nproc) cores)"
  /usr/bin/time -v "$bin" import "$archive" 2>"$out/scale-import.err" >"$out/scale-import.out" || true
  import_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$out/scale-import.err")
  import_mb=$(( $(awk -F': ' '/Maximum resident/ {print $2}' "$out/scale-import.err") / 1024 ))
  "$bin" import "$out/scale-organisations.jsonl" >/dev/null 2>&1
  if [ "$db" = sqlite ]; then size_mb=$(( $(cat "$out"/scale.sqlite* | wc -c) / 1048576 ))
  else size_mb=$(( $(psql -tA "$url" -c "SELECT pg_database_size(current_database())") / 1048576 )); fi
  printf '%-34s %10s %10s %s\n' "import of $count lines" "${import_s} s" "< $import_goal s" \
    "$(tail -1 "$out/scale-import.out"); max RSS $import_mb MB; database $size_mb MB; load $(load)"
  summary+=("$db import ${import_s}s rss ${import_mb}MB db ${size_mb}MB")

  OBSERVATORY_PAGE_CACHE=0 "$bin" serve --port 8101 >/dev/null 2>&1 & cold=$!; pids+=($cold)
  OBSERVATORY_PAGE_CACHE=1 "$bin" serve --port 8102 >/dev/null 2>&1 & warm=$!; pids+=($warm)
  wait_up 8101; wait_up 8102

  echo "-- page cache off, wrk -t2 -c32 -d${seconds}s (goal >= $goal req/s at 100,000)"
  printf '%-34s %8s %9s %9s %7s %6s\n' target req/s "p50 ms" "p99 ms" goal load
  for entry in "${targets[@]}"; do
    name=${entry%%|*}; path=${entry#*|}
    curl -sf -o /dev/null "http://127.0.0.1:8101$path" || { echo "scale.sh: $path failed on $db" >&2; exit 1; }
    read -r rps p50 p99 <<< "$(measure "http://127.0.0.1:8101$path")"
    printf '%-34s %8d %9.2f %9.2f %7s %6s\n' "$name" "$rps" "$p50" "$p99" "$([ "$rps" -ge "$goal" ] && echo ok || echo "<$goal")" "$(load)"
    summary+=("$db cold $name $rps $p50 $p99")
  done
  # The twelve searches of bench/search.sh in turn (words, a phrase, prefixes, accents, Arabic, filters).
  cat > "$out/scale-search.lua" <<'LUA'
local paths = {
  "/search?q=defenders", "/search?q=torture", "/search?q=arbitrary+detention", "/search?q=%22human+rights+defenders%22",
  "/search?q=harass*", "/search?q=journalist&country=mx", "/search?q=d%C3%A9fenseurs", "/search?q=defenseurs&language=fr",
  "/search?q=%D8%A3%D8%B7%D9%84%D9%82%D9%88%D8%A7", "/search?q=lawyer&type=urgent-intervention&year=2019",
  "/search?q=judicial+harassment&programme=human-rights-defenders", "/search?q=release&page=3",
}
local i = 0
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
LUA
  read -r rps p50 p99 <<< "$(wrk -t1 -c1 -d"$((seconds * 3))s" --latency -s "$out/scale-search.lua" "http://127.0.0.1:8101" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } /Requests\/sec/ { rps = $2 } END { printf "%d %.2f %.2f\n", rps, p50, p99 }')"
  printf '%-34s %8d %9.2f %9.2f %7s %6s\n' "search, 12 queries, one at a time" "$rps" "$p50" "$p99" "p99<20" "$(load)"
  summary+=("$db search $rps $p50 $p99")
  echo "server memory after the cold pages: $(rss_mb $cold) MB (goal < 200 MB)"
  summary+=("$db memory $(rss_mb $cold)MB")

  # The same bytes from the page cache and from nginx, page by page, alternating so both see the same load.
  rm -rf "$out/www-scale"; mkdir -p "$out/www-scale"
  cat > "$nginx_conf" <<CONF
worker_processes auto;
pid $PWD/$out/nginx-scale.pid;
error_log /dev/null;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:8103; root $PWD/$out/www-scale; location / { default_type text/html; } } }
CONF
  nginx -c "$nginx_conf" -s stop 2>/dev/null || true
  sleep 0.3
  nginx -c "$nginx_conf"
  echo "-- page cache on against nginx on the same bytes (goal >= 0.25)"
  printf '%-34s %8s %8s %8s %7s %6s\n' target bytes req/s nginx ratio load
  i=0
  for entry in "${targets[@]}"; do
    name=${entry%%|*}; path=${entry#*|}; i=$((i + 1))
    curl -sf "http://127.0.0.1:8102$path" > "$out/www-scale/p$i.html"
    read -r rps _ _ <<< "$(measure "http://127.0.0.1:8102$path")"
    read -r nrps _ _ <<< "$(measure "http://127.0.0.1:8103/p$i.html")"
    ratio=$(echo "$rps / $nrps" | bc -l)
    printf '%-34s %8d %8d %8d %7.2f %6s\n' "$name" "$(wc -c < "$out/www-scale/p$i.html")" "$rps" "$nrps" "$ratio" "$(load)"
    summary+=("$db cached $name $(printf %.2f "$ratio")")
  done
  echo "server memory with every page cached: $(rss_mb $warm) MB"

  if [ "$db" = postgres ]; then
    OBSERVATORY_PAGE_CACHE=0 "$bin" serve --port 8104 >/dev/null 2>&1 & pids+=($!)
    wait_up 8104
    echo "-- two instances on one PostgreSQL, page cache off (total req/s; goal close to 2x)"
    printf '%-34s %8s %8s %7s %6s\n' target one two ratio load
    for entry in "${targets[@]:0:3}" "${targets[6]}" "${targets[14]}"; do
      name=${entry%%|*}; path=${entry#*|}
      read -r one _ _ <<< "$(measure "http://127.0.0.1:8101$path")"
      wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:8101$path" > "$out/two-a.txt" &
      wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:8104$path" > "$out/two-b.txt"
      wait %%
      two=$(cat "$out/two-a.txt" "$out/two-b.txt" | awk '/Requests\/sec/ {s += $2} END {print int(s)}')
      printf '%-34s %8d %8d %7.2f %6s\n' "$name" "$one" "$two" "$(echo "$two / $one" | bc -l)" "$(load)"
    done
  fi
  kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; pids=()
done
echo
printf '%s\n' "${summary[@]}" > "$out/scale-$count-summary.txt"
echo "summary in $out/scale-$count-summary.txt"
