#!/usr/bin/env bash
# schemathesis against the real binary: serves a seeded SQLite demo database, then tests every operation of
# /api/v1/openapi.json (a fixed seed, bounded examples): 0 server errors, 0 answers outside the description.
# A second pass sends a real editor's token, so the write operations are exercised past authentication.
# Usage: tests/api/run.sh [BINARY]   (default .build/debug/observatory)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/debug/observatory}
VERSION=4.32.5
python3 -c "import schemathesis, sys; sys.exit(schemathesis.__version__ != '$VERSION')" 2>/dev/null || {
  echo "== installing schemathesis $VERSION"
  python3 -m pip install -q "schemathesis==$VERSION" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "schemathesis==$VERSION" \
    || { echo "pip install schemathesis failed" >&2; exit 1; }
}
work=$(mktemp -d /tmp/observatory-api.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="$work/api.sqlite" OBSERVATORY_PAGE_CACHE=1 OBSERVATORY_API_LIMITS=100000,100000,100000
"$BIN" serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "the server stopped:" >&2; cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
# An editor and a token (made through the account pages, as a person would).
printf '%s' 'plover-violin-harbour-7' | "$BIN" user create --email api-editor@example.org --role editor \
  --password-stdin >/dev/null 2>&1 || { echo "user create failed" >&2; exit 1; }
token=$(python3 tests/api/token.py "http://127.0.0.1:$port" api-editor@example.org 'plover-violin-harbour-7') \
  || { echo "could not make a token" >&2; exit 1; }
status=0
checks=not_a_server_error,status_code_conformance,content_type_conformance
checks+=,response_schema_conformance,response_headers_conformance
common=(--url "http://127.0.0.1:$port" --checks "$checks" --phases examples,coverage,fuzzing
        --request-timeout 20 --no-color --generation-deterministic)
echo "== schemathesis, anonymous"
st run "http://127.0.0.1:$port/api/v1/openapi.json" "${common[@]}" --max-examples 25 || status=1
echo "== schemathesis, with an editor's token"
st run "http://127.0.0.1:$port/api/v1/openapi.json" "${common[@]}" --max-examples 15 \
  --header "Authorization: Bearer $token" || status=1
if grep -E "failed:|error" "$work/serve.log" | grep -v "^\s*$" | grep -qi "failed"; then
  echo "the server logged failures:" >&2; grep -i "failed" "$work/serve.log" | head -20 >&2; status=1
fi
exit $status
