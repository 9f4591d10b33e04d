#!/usr/bin/env bash
# Benchmark of mail delivery (not a test): does sending to thousands of subscribers slow the public site?
# Release build, a 5,000-publication archive and SUBSCRIBERS subscribers (imported with `observatory subscribers
# import`), a real SMTP server (tests/smtp/server.py, aiosmtpd) on loopback; then wrk on the home page and on an
# article with the page cache off (pages that reach the database), while idle and while the worker delivers one
# message to every subscriber. Prints requests/s idle, while sending, their ratio, and messages sent per second.
#   bench/mail.sh [SUBSCRIBERS] [SECONDS]      (defaults: 5000 subscribers, 10 s per measure)
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-5000}
seconds=${2:-10}
out=bench/out/mail
rm -rf "$out" && mkdir -p "$out"
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q aiosmtpd

echo "== release build"
swift build -c release 2>&1 | tail -1
bin=.build/release/observatory
export DATABASE_URL="$PWD/$out/bench.sqlite" OBSERVATORY_DEMO=0
python3 ../shared/corpus/gen.py --count 5000 --seed 1 > "$out/archive.jsonl"
"$bin" import "$out/archive.jsonl" >/dev/null 2>&1
python3 -c "
for n in range($subscribers): print(f'reader{n}@example.org,en;fr,all,bulletin')" > "$out/list.txt"
"$bin" subscribers import --file "$out/list.txt" 2>/dev/null | tail -1

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
sleep 3600 | python3 tests/smtp/server.py --port 2535 --dir "$out/mailbox" >/dev/null & pids+=($!)
OBSERVATORY_PAGE_CACHE=0 OBSERVATORY_SMTP_HOST=127.0.0.1 OBSERVATORY_SMTP_PORT=2535 OBSERVATORY_SMTP_SECURITY=none \
  OBSERVATORY_SMTP_FROM=observatory@example.org OBSERVATORY_MAIL_DELAY_MINUTES=0 OBSERVATORY_PUBLIC_URL=http://127.0.0.1:8093 \
  "$bin" serve --port 8093 >"$out/serve.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:8093/ >/dev/null && break; sleep 0.2; done
article=$(head -100 "$out/archive.jsonl" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

rate() { wrk -t2 -c16 -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print int($2)}'; }
sent() { ls "$out/mailbox" 2>/dev/null | grep -c '\.eml$' || true; }
idle_home=$(rate http://127.0.0.1:8093/)
idle_article=$(rate "http://127.0.0.1:8093/publications/$article")

# What publishing an appeal does: one outbox row per matching subscriber (here, all of them).
python3 - "$out/bench.sqlite" "$article" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("""INSERT INTO outbox (dedupe_key, kind, subscriber_id, subject_id, status, attempts, not_before, created_at)
              SELECT 'publication:' || ? || ':' || id, 'publication', id, ?, 'queued', 0, 0, 0 FROM subscribers WHERE status = 'active'""",
           (sys.argv[2], sys.argv[2]))
db.commit()
PY
start=$(date +%s.%N)
sleep 1
busy_home=$(rate http://127.0.0.1:8093/)
busy_article=$(rate "http://127.0.0.1:8093/publications/$article")
during=$(sent)
while [ "$(sent)" -lt "$subscribers" ]; do
  sleep 1
  if [ "$(echo "$(date +%s.%N) - $start > 900" | bc)" = 1 ]; then echo "stopped waiting after 15 minutes"; break; fi
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
total=$(sent)

printf '%-36s %10s %14s %8s\n' "page (cache off)" "idle req/s" "sending req/s" "ratio"
printf '%-36s %10d %14d %8.2f\n' "home" "$idle_home" "$busy_home" "$(echo "$busy_home / $idle_home" | bc -l)"
printf '%-36s %10d %14d %8.2f\n' "article" "$idle_article" "$busy_article" "$(echo "$busy_article / $idle_article" | bc -l)"
printf 'messages: %d of %d delivered in %.1f s (%.0f/s); %d during the page measures\n' "$total" "$subscribers" "$elapsed" \
  "$(echo "$total / $elapsed" | bc -l)" "$during"
