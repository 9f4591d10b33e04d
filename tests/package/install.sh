#!/usr/bin/env bash
# Installs a release tarball into a scratch root and starts it there as the systemd unit would: the unit's ExecStart
# command line (paths moved under the root), in its WorkingDirectory, with only its EnvironmentFile for environment,
# with the build directory hidden (when root) so that nothing outside the tarball is used; then gets the home page.
#   tests/package/install.sh dist/observatory-*.tar.gz [BUILD_DIR_TO_HIDE]
set -euo pipefail
tarball=$(readlink -f "$1")
hide=${2:-}
root=$(mktemp -d /tmp/observatory-install.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$root"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$root/opt/observatory" "$root/etc/observatory" "$root/var/lib/observatory"
tar -xzf "$tarball" -C "$root/opt/observatory" --strip-components=1
for f in bin/observatory systemd/observatory.service systemd/observatory.env nginx/observatory.conf INSTALL.md; do
  [ -e "$root/opt/observatory/$f" ] || fail "the tarball lacks $f"
done
ls -d "$root"/opt/observatory/bin/*_App.resources "$root"/opt/observatory/bin/*_ObservatoryCore.resources >/dev/null \
  || fail "the resources are not beside the binary"
unit="$root/opt/observatory/systemd/observatory.service"
for line in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes StateDirectory=observatory \
            DynamicUser=yes EnvironmentFile=/etc/observatory/observatory.env; do
  grep -qx "$line" "$unit" || fail "the unit lacks $line"
done
grep -q "OBSERVATORY_TRUST_PROXY=1" "$root/opt/observatory/systemd/observatory.env" \
  || fail "env file: OBSERVATORY_TRUST_PROXY"
grep -q "proxy_set_header X-Forwarded-Proto" "$root/opt/observatory/nginx/observatory.conf" \
  || fail "nginx: X-Forwarded-Proto"
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify "$unit" 2>&1 | grep -v "observatory.env\|/opt/observatory" | grep -i "error\|unknown" \
    && fail "systemd-analyze"
fi
if ldd "$root/opt/observatory/bin/observatory" | grep -q "libswift\|libFoundation\|libdispatch\|not found"; then
  ldd "$root/opt/observatory/bin/observatory"; fail "the binary needs libraries a server without Swift lacks"
fi

# The unit's own settings, with every absolute path moved under the scratch root and a free port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
relocate() { sed -e "s#/opt/observatory#$root/opt/observatory#g" -e "s#/etc/observatory#$root/etc/observatory#g" \
                 -e "s#/var/lib/observatory#$root/var/lib/observatory#g"; }
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | relocate | sed -e "s/--port [0-9]*/--port $port/")
workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit" | relocate)
relocate < "$root/opt/observatory/systemd/observatory.env" > "$root/etc/observatory/observatory.env"
echo "ExecStart: $exec_start"
environment=(PATH=/usr/bin:/bin)
while IFS= read -r line; do
  case "$line" in ''|'#'*) ;; *) environment+=("$line") ;; esac
done < "$root/etc/observatory/observatory.env"

run() {
  cd "$workdir"
  exec env -i "${environment[@]}" $exec_start
}
log="$root/serve.log"
fetch() {   # fetch PATH: the page's text
  python3 -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1], timeout=5).read().decode())' \
    "http://127.0.0.1:$port$1"
}
if [ -n "$hide" ] && [ "$(id -u)" = 0 ]; then
  # The build directory is hidden: the installed binary must find its resources beside it.
  export -f run; export workdir exec_start; declare -p environment > "$root/env.sh"
  unshare -m bash -c "mount -t tmpfs none '$(readlink -f "$hide")' && source '$root/env.sh' && run" > "$log" 2>&1 &
else
  run > "$log" 2>&1 &
fi
pid=$!
for _ in $(seq 1 120); do
  if page=$(fetch / 2>/dev/null); then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "the server stopped"; }
  sleep 0.5
done
echo "$page" | grep -q "Articles: 0" || { cat "$log"; fail "no home page"; }
[ -s "$root/var/lib/observatory/observatory.sqlite" ] || fail "the database is not in the state directory"
[ -s "$root/var/lib/observatory/observatory.sqlite.key" ] || fail "the key is not beside it"
echo "$page" | grep -q 'lang="en"' || fail "the page is not the site's"
fetch /fr/ | grep -q "Articles" || fail "the French page (translations from the resources)"
echo "ok   the tarball installs into a scratch root and serves the home page from the unit's command line"
