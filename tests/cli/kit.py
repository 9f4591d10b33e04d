"""Command-line drill of the offline mission kit (issue 20) through the real binary: `kit export` of the demo's
mission prints a passphrase once; `kit open` with a wrong passphrase is refused, counted and slowed, with the
right one serves the office on 127.0.0.1 only; `kit wipe` removes the local copy."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from webdriver import free_port, wait_for_http  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
WORK = tempfile.mkdtemp(prefix="observatory-kit-")


def run(args, timeout=300, **env):
    return subprocess.run([BIN] + args, env=dict(os.environ, **env), capture_output=True, text=True,
                          timeout=timeout)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def kit_export_open_and_wipe():
    db = os.path.join(WORK, "office.sqlite")
    port = free_port()
    log = open(os.path.join(WORK, "serve.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--port", str(port)], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=60)
    kit = os.path.join(WORK, "mission.obskit")
    missing = run(["kit", "export", "--mission", "mission-nope", "--to", kit], DATABASE_URL=db)
    check(missing.returncode != 0 and "there is no mission" in missing.stderr and not os.path.exists(kit),
          missing.stderr)
    made = run(["kit", "export", "--mission", "mission-demo", "--to", kit, "--days", "3"], DATABASE_URL=db)
    check(made.returncode == 0, made.stderr + made.stdout)
    passphrase = re.search(r"Passphrase \(shown once[^:]*\): ([0-9A-Z-]{29})", made.stdout).group(1)
    check(oct(os.stat(kit).st_mode & 0o777) == "0o600", "the kit is its owner's only")
    data = open(kit, "rb").read()
    check(data.startswith(b"OBSKIT") and b"Fact-finding mission" not in data and b"mission-demo" not in data,
          "nothing readable in the kit")
    with sqlite3.connect(db) as connection:
        exports = connection.execute("SELECT actor FROM audit_log WHERE action = 'mission.kit-export'").fetchall()
    check(len(exports) == 1 and exports[0][0].startswith("command line"), f"the export is audited: {exports}")

    place = os.path.join(WORK, "laptop")
    wrong = run(["kit", "open", kit, "--dir", place, "--port", str(free_port())],
                OBSERVATORY_KIT_PASSPHRASE="WRONG-WRONG")
    check(wrong.returncode != 0 and "passphrase is wrong" in wrong.stderr and "4 tries left" in wrong.stderr,
          wrong.stderr)
    started = time.time()
    again = run(["kit", "open", kit, "--dir", place, "--port", str(free_port())],
                OBSERVATORY_KIT_PASSPHRASE="WRONG-AGAIN")
    check(time.time() - started >= 2 and "3 tries left" in again.stderr, "the second try waited: " + again.stderr)

    port = free_port()
    log = open(os.path.join(WORK, "kit.log"), "w+")
    laptop = subprocess.Popen([BIN, "kit", "open", kit, "--dir", place, "--port", str(port)],
                              env=dict(os.environ, OBSERVATORY_KIT_PASSPHRASE=passphrase.lower()),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/login")
        log.seek(0)
        output = log.read()
        check("served on http://127.0.0.1:%d only" % port in output, output)
        setup = re.search(r"(/account/setup/\S+)", output).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{setup}", timeout=30) as r:
            check(r.status == 200, "the local account's setup page opens")
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        lines = [line for line in listening.splitlines() if f":{port} " in line]
        check(lines and all("127.0.0.1:" in line for line in lines), f"bound to 127.0.0.1 only: {lines}")
    finally:
        laptop.terminate()
        laptop.wait(timeout=60)
    check(oct(os.stat(place).st_mode & 0o777) == "0o700", "the local copy is private")
    with sqlite3.connect(os.path.join(place, "kit.sqlite")) as connection:
        missions = connection.execute("SELECT id, title_sealed FROM missions").fetchall()
        triggers = connection.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    check(missions and missions[0][0] == "mission-demo" and missions[0][1].startswith("v2:"), f"{missions}")
    check(triggers >= 27, f"the change log's triggers: {triggers}")
    raw = open(os.path.join(place, "kit.sqlite"), "rb").read()
    check(b"Fact-finding mission" not in raw, "the local copy is sealed too")
    wiped = run(["kit", "wipe", "--dir", place])
    check(wiped.returncode == 0 and not os.path.exists(place), wiped.stderr + wiped.stdout)


TESTS = [kit_export_open_and_wipe]
