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
# The per-user count of wrong passphrases (normally ~/.observatory-kit-attempts.json), here in the scratch folder.
os.environ["OBSERVATORY_KIT_STATE"] = os.path.join(WORK, "kit-state.json")


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
    # Another --dir does not reset the count: it is kept per user, keyed by the kit.
    elsewhere = run(["kit", "open", kit, "--dir", os.path.join(WORK, "elsewhere"), "--port", str(free_port())],
                    OBSERVATORY_KIT_PASSPHRASE="WRONG-THIRD")
    check("2 tries left" in elsewhere.stderr, "the count follows the kit: " + elsewhere.stderr)
    os.remove(os.path.join(place, "attempts.json"))
    fourth = run(["kit", "open", kit, "--dir", place, "--port", str(free_port())],
                 OBSERVATORY_KIT_PASSPHRASE="WRONG-FOURTH")
    check("1 try left" in fourth.stderr, "deleting the directory's count does not reset it: " + fourth.stderr)
    # A state file that does not decode is refused and left as it is, not rewritten empty (review r5, finding 7).
    state_path = os.environ["OBSERVATORY_KIT_STATE"]
    kept = open(state_path).read()
    open(state_path, "w").write("{not json")
    garbled = run(["kit", "open", kit, "--dir", place, "--port", str(free_port())],
                  OBSERVATORY_KIT_PASSPHRASE="WRONG-FIFTH")
    check(garbled.returncode != 0 and "cannot be read" in garbled.stderr, garbled.stderr)
    check(open(state_path).read() == "{not json", "the garbled state file is left as it is")
    open(state_path, "w").write(kept)
    # A directory that is not empty and not the kit's is refused, untouched (kit open and kit wipe alike).
    home = os.path.join(WORK, "home")
    os.makedirs(home)
    os.chmod(home, 0o755)
    mine = os.path.join(home, "thesis.txt")
    open(mine, "w").write("my own file")
    refused = run(["kit", "open", kit, "--dir", home, "--port", str(free_port())],
                  OBSERVATORY_KIT_PASSPHRASE=passphrase)
    check(refused.returncode != 0 and "not empty" in refused.stderr, refused.stderr)
    wipe_home = run(["kit", "wipe", "--dir", home])
    check(wipe_home.returncode != 0 and "not a kit's directory" in wipe_home.stderr, wipe_home.stderr)
    check(open(mine).read() == "my own file" and oct(os.stat(home).st_mode & 0o777) == "0o755",
          "the unrelated folder is intact")

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
    check(not os.path.exists(os.path.join(place, "kit.sqlite.key")), "no key in clear beside the local copy")
    check(os.path.exists(os.path.join(place, "kit.sqlite.key.sealed")), "the local key is sealed")
    with sqlite3.connect(os.path.join(place, "kit.sqlite")) as connection:
        missions = connection.execute("SELECT id, title_sealed FROM missions").fetchall()
        triggers = connection.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    check(missions and missions[0][0] == "mission-demo" and missions[0][1].startswith("v2:"), f"{missions}")
    check(triggers >= 27, f"the change log's triggers: {triggers}")
    raw = open(os.path.join(place, "kit.sqlite"), "rb").read()
    check(b"Fact-finding mission" not in raw, "the local copy is sealed too")
    stranger = os.path.join(place, "left-by-someone.txt")
    open(stranger, "w").write("not the kit's")
    wiped = run(["kit", "wipe", "--dir", place])
    check(wiped.returncode == 0 and sorted(os.listdir(place)) == ["left-by-someone.txt"], wiped.stderr + wiped.stdout)
    check(open(stranger).read() == "not the kit's" and "were not the kit's" in wiped.stdout, wiped.stdout)



def office_with_demo(name):
    """An office database holding the demo archive (loaded by a first serve)."""
    db = os.path.join(WORK, name)
    port = free_port()
    log = open(os.path.join(WORK, name + ".log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--port", str(port)], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=60)
    return db


def count(db, query, *args):
    with sqlite3.connect(db) as connection:
        return connection.execute(query, args).fetchone()[0]


def kit_trip_merges_back_both_sides_once():
    """export → open → change on both sides → return → merge, twice; the returned kit reveals nothing."""
    db = office_with_demo("trip.sqlite")
    kit = os.path.join(WORK, "trip.obskit")
    made = run(["kit", "export", "--mission", "mission-demo", "--to", kit, "--days", "3"], DATABASE_URL=db)
    check(made.returncode == 0, made.stderr + made.stdout)
    passphrase = re.search(r"Passphrase \(shown once[^:]*\): ([0-9A-Z-]{29})", made.stdout).group(1)
    place = os.path.join(WORK, "trip-laptop")
    port = free_port()
    log = open(os.path.join(WORK, "trip-kit.log"), "w+")
    laptop = subprocess.Popen([BIN, "kit", "open", kit, "--dir", place, "--port", str(port)],
                              env=dict(os.environ, OBSERVATORY_KIT_PASSPHRASE=passphrase),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/login")
    finally:
        laptop.terminate()
        laptop.wait(timeout=60)
    local = os.path.join(place, "kit.sqlite")
    # The demo mission links no case: its own record is changed on both sides (the Swift tests change cases).
    with sqlite3.connect(local) as connection:  # offline: the triggers log each write
        connection.execute("UPDATE missions SET country_code = 'GT', ends_on = '2099-01-02' WHERE id = 'mission-demo'")
    with sqlite3.connect(db) as connection:  # meanwhile at the office
        connection.execute("UPDATE missions SET country_code = 'HN' WHERE id = 'mission-demo'")
    back = os.path.join(WORK, "trip-back.obskit")
    returned = run(["kit", "return", kit, "--dir", place, "--to", back], OBSERVATORY_KIT_PASSPHRASE=passphrase)
    check(returned.returncode == 0 and os.path.exists(back), returned.stderr + returned.stdout)
    check(oct(os.stat(back).st_mode & 0o777) == "0o600", "the returned kit is its owner's only")
    data = open(back, "rb").read()
    for clear in [b"Fact-finding mission", b"Two lawyers of partner", b"mission-demo", b"2099-01-02", b"country_code"]:
        check(clear not in data, f"{clear} is in clear in the returned kit")
    audits = count(db, "SELECT COUNT(*) FROM audit_log")
    wrong = run(["kit", "merge", back], DATABASE_URL=db, OBSERVATORY_KIT_PASSPHRASE="WRONG-WRONG")
    check(wrong.returncode != 0 and "nothing was merged" in wrong.stderr, wrong.stderr)
    fresh = run(["kit", "merge", kit], DATABASE_URL=db, OBSERVATORY_KIT_PASSPHRASE=passphrase)
    check(fresh.returncode != 0 and "kit return" in fresh.stderr, "the kit as exported is refused: " + fresh.stderr)
    check(count(db, "SELECT COUNT(*) FROM audit_log") == audits, "a refused merge writes nothing")
    report = os.path.join(WORK, "trip-report.txt")
    merged = run(["kit", "merge", back, "--report", report], DATABASE_URL=db, OBSERVATORY_KIT_PASSPHRASE=passphrase)
    check(merged.returncode == 0, merged.stderr + merged.stdout)
    text = open(report).read()
    # A mission's public facts (country, dates) are never applied by a merge alone: decided on the mission page.
    check("[both-changed] missions mission-demo: field country_code" in text and "0 changed" in text, text)
    check("[to-confirm] missions mission-demo: field ends_on" in text and "/office/missions/mission-demo" in text, text)
    check("GT" not in text and "HN" not in text, "the report names fields, never values")
    with sqlite3.connect(db) as connection:
        country, ends = connection.execute(
            "SELECT country_code, ends_on FROM missions WHERE id = 'mission-demo'").fetchone()
        conflicts = connection.execute(
            "SELECT kind, column_name, actor, kit_value_sealed FROM kit_conflicts ORDER BY column_name").fetchall()
        merges = connection.execute("SELECT actor, detail FROM audit_log WHERE action LIKE '%kit-merge%' "
                                    "OR action LIKE 'kit.merge%'").fetchall()
        actors = {row[0] for row in merges}
    check(country == "HN" and ends != "2099-01-02", f"the office's values stay: {country} {ends}")
    # The member named is the one the office recorded at the export (here the command line), never the kit's claim.
    exporter = f"command line ({os.environ.get('USER', 'unknown user')})"
    expected = [("both-changed", "country_code", exporter), ("to-confirm", "ends_on", exporter)]
    check([c[:3] for c in conflicts] == expected, f"{conflicts}")
    check(all(c[3].startswith("v2:") and "GT" not in c[3] and "2099" not in c[3] for c in conflicts),
          "the kit's values are kept sealed")
    check(len(actors) == 1 and next(iter(actors)).startswith("command line ("),
          f"audited under the operator who merged: {actors}")
    check(not any("officer@kit.local" in row[1] for row in merges), f"the kit's claim stays out of the audit: {merges}")
    check("worked offline by officer@kit.local (as the kit says)" in open(report).read(), "the claim is in the report")
    state = [count(db, f"SELECT COUNT(*) FROM {table}") for table in ["audit_log", "kit_conflicts", "missions"]]
    again = run(["kit", "merge", back, "--report", report], DATABASE_URL=db, OBSERVATORY_KIT_PASSPHRASE=passphrase)
    check(again.returncode == 0 and "nothing changed" in again.stdout, again.stderr + again.stdout)
    check([count(db, f"SELECT COUNT(*) FROM {table}") for table in ["audit_log", "kit_conflicts", "missions"]]
          == state, "merging the same kit twice changes nothing")
    wiped = run(["kit", "wipe", "--dir", place])
    check(wiped.returncode == 0, wiped.stderr)


TESTS = [kit_export_open_and_wipe, kit_trip_merges_back_both_sides_once]
