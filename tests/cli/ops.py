"""Operations through the real binary: help touching no database, two instances starting together, a read-only
database reported and recovered from, backup / verify / restore. Imported by tests/cli/run.py."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import http.cookiejar

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from webdriver import free_port, wait_for_http  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
WORK = tempfile.mkdtemp(prefix="observatory-ops-")
POSTGRES = os.environ.get("OBSERVATORY_TEST_POSTGRES_URL", "")


def run(args, **env):
    return subprocess.run([BIN] + args, env=dict(os.environ, **env), capture_output=True, text=True, timeout=300)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def psql(sql, url=POSTGRES):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True)


def subscribe(base, email):
    """Posts the public subscription form; returns (status, page)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/subscribe").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf": csrf, "email": email, "languages": "en", "scope": "all"}).encode()
    try:
        with opener.open(urllib.request.Request(base + "/subscribe", data=data, headers={"Origin": base})) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def help_touches_no_database():
    for args in [["--help"], ["help"], ["-h"], ["bogus"], ["help", "backup"], ["serve", "--help"], ["import", "--help"],
                 ["user", "--help"], ["backup", "--help"], ["restore", "--help"], ["audit", "--help"]]:
        db = os.path.join(WORK, "help-%d.sqlite" % len(os.listdir(WORK)))
        result = run(args, DATABASE_URL=db)
        output = result.stdout + result.stderr
        check("Usage" in output or "Commands:" in output, f"{args}: {output[:300]}")
        check(not any(name.startswith(os.path.basename(db)) for name in os.listdir(WORK)),
              f"{args} created {sorted(os.listdir(WORK))}")
        check(result.returncode == (2 if args == ["bogus"] else 0), f"{args}: exit status {result.returncode}")
        if args == ["bogus"]:
            check('there is no command "bogus"' in result.stderr, result.stderr)
    # An unreachable PostgreSQL server, with or without a key: still the help, at once.
    for extra in [{}, {"OBSERVATORY_KEY_FILE": "/nonexistent/key"}]:
        started = time.time()
        result = run(["--help"], DATABASE_URL="postgres://observatory@127.0.0.1:1/x", **extra)
        check(result.returncode == 0 and "Commands:" in result.stdout, result.stdout + result.stderr)
        check(time.time() - started < 20, "help waits for no database")


def start(port, **env):
    log = open(os.path.join(WORK, f"serve-{port}.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--port", str(port)], env=dict(os.environ, **env),
                              stdout=log, stderr=subprocess.STDOUT)
    return server, log


def empty_databases(name):
    """The environment of a server on a new, empty database named `name`: an SQLite file, and a PostgreSQL database
    with a key file of its own when the tests have a PostgreSQL server."""
    targets = [{"DATABASE_URL": os.path.join(WORK, name + ".sqlite")}]
    if POSTGRES:
        key = os.path.join(WORK, name + ".key")
        with open(key, "w") as f:
            f.write(run(["key", "new"]).stdout)
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
        targets.append({"DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + "/" + name, "OBSERVATORY_KEY_FILE": key})
    return targets


def two_instances_start_together_on_an_empty_database():
    for env in empty_databases("together"):
        ports = [free_port(), free_port()]
        servers = [start(port, **env) for port in ports]
        def logs():
            texts = []
            for server, log in servers:
                log.seek(0)
                texts.append(f"--- exit {server.poll()}:\n" + log.read()[-1500:])
            return "\n".join(texts)
        try:
            for port in ports:
                try:
                    wait_for_http(f"http://127.0.0.1:{port}/", 240)
                except RuntimeError as e:
                    raise AssertionError(f"{e}\n{logs()}")
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
                    check("Articles: 2000" in r.read().decode(), f"{env['DATABASE_URL']}: the demo loaded once")
            for server, _ in servers:
                check(server.poll() is None, f"both instances are running on {env['DATABASE_URL']}")
        finally:
            for server, log in servers:
                server.terminate()
                server.wait(10)
                log.seek(0)
                text = log.read()
                # Error-level lines or a crash (a migration's name may hold the word "error").
                check("[ ERROR ]" not in text and "[ CRITICAL ]" not in text and "Fatal error" not in text
                      and "\nerror: " not in "\n" + text, text[-2000:])


def trace_logging_is_refused():
    """LOG_LEVEL=trace would have the database drivers log every statement with its binds: the server says no and
    logs at debug (review finding 14), on SQLite and on PostgreSQL."""
    for env in empty_databases("tracelevel"):
        port = free_port()
        server, log = start(port, LOG_LEVEL="trace", **env)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", 120)
            check(subscribe(f"http://127.0.0.1:{port}", "traced@example.org")[0] == 200, "a write")
        finally:
            server.terminate()
            server.wait(10)
        log.seek(0)
        text = log.read()
        check("LOG_LEVEL=trace is not allowed" in text, text[-1500:])
        check("[ TRACE ]" not in text and "traced@example.org" not in text, f"{env['DATABASE_URL']}: {text[-1500:]}")


def read_only_database_is_reported_and_recovered():
    if os.geteuid() != 0 or not shutil.which("runuser"):
        print("  (skipped: needs root to run the server as nobody, for whom permissions apply)")
        return
    home = os.path.join(WORK, "readonly")
    os.makedirs(home)
    os.chmod(WORK, 0o755)
    shutil.chown(home, "nobody")
    db = os.path.join(home, "db.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def serve():
        log = open(os.path.join(WORK, f"readonly-{port}-{time.time()}.log"), "w+")
        server = subprocess.Popen(["runuser", "-u", "nobody", "--", "env", f"DATABASE_URL={db}", BIN, "serve",
                                   "--no-demo", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        wait_for_http(base + "/", 120)
        return server, log

    server, log = serve()
    check(subscribe(base, "before@example.org")[0] == 200, "a write while writable")
    server.terminate()
    server.wait(10)
    os.chmod(db, 0o444)
    server, log = serve()
    try:
        log.seek(0)
        text = log.read()
        check(f"The database file {db} is not writable" in text, f"start-up warning naming the file: {text[-1500:]}")
        with urllib.request.urlopen(base + "/") as r:
            check(r.status == 200, "pages are still served")
        # (the subscription form allows 10 posts an hour from one address: this test stays under it)
        for n in range(3):
            status, page = subscribe(base, f"refused{n}@example.org")
            check(status == 503 and "The service cannot save right now" in page, f"{status}: {page[:300]}")
        try:
            urllib.request.urlopen(base + "/health")
            check(False, "/health answers 503 while writes are refused")
        except urllib.error.HTTPError as e:
            check(e.code == 503 and json.loads(e.read())["checks"]["writes"] == "failing", "health names writes")
        log.seek(0)
        text = log.read()
        check(f"the database file {db} refused it (SQLite readOnly" in text, text[-1500:])
        check("refused0@example.org" not in text, "the log names the cause, not what was sent")
        os.chmod(db, 0o644)
        deadline = time.time() + 10
        while True:   # recovers by itself, without a restart
            status, page = subscribe(base, "after@example.org")
            if status == 200 or time.time() > deadline:
                break
            time.sleep(2.5)
        check(status == 200, f"writable again: {status} {page[:300]}")
        for n in range(2):
            later = subscribe(base, f"later{n}@example.org")
            check(later[0] == 200, f"every later write succeeds: {later[0]} {later[1][:300]}")
        with urllib.request.urlopen(base + "/health") as r:
            check(json.loads(r.read())["checks"]["writes"] == "ok", "health recovers")
    finally:
        server.terminate()
        server.wait(10)
    import sqlite3
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM subscribers").fetchone()[0]
    check(stored == 4, f"nothing stored was lost, nothing refused was stored: {stored} subscribers")


def full_disk_is_reported_and_recovered():
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("nsenter"):
        print("  (skipped: needs root to mount a tiny file system in a mount namespace of its own)")
        return
    mount = os.path.join(WORK, "tiny")
    os.makedirs(mount)
    db = os.path.join(mount, "db.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(WORK, "full.log"), "w+")
    server = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                               f"mount -t tmpfs -o size=3m tmpfs {mount} && exec env DATABASE_URL={db} {BIN} serve "
                               f"--no-demo --port {port}"], stdout=log, stderr=subprocess.STDOUT)

    def inside(*command):
        return subprocess.run(["nsenter", "-t", str(server.pid), "-m"] + list(command), capture_output=True)
    try:
        wait_for_http(base + "/", 120)
        log.seek(0)
        check(f"The file system holding {mount} has only" in log.read(), "start-up warning naming the directory")
        check(subscribe(base, "first@example.org")[0] == 200, "a write with room")
        inside("sh", "-c", f"dd if=/dev/zero of={mount}/filler bs=16k 2>/dev/null; true")
        for n in range(3):
            status, page = subscribe(base, f"full{n}@example.org")
            check(status == 503 and "The service cannot save right now" in page, f"{status}: {page[:300]}")
        log.seek(0)
        check(f"the database file {db} refused it (SQLite full" in log.read(), "the log names the cause")
        inside("rm", f"{mount}/filler")
        for n in range(3):
            status, page = subscribe(base, f"room{n}@example.org")
            check(status == 200, f"space freed: {status} {page[:300]}")
        with urllib.request.urlopen(base + "/health") as r:
            check(json.loads(r.read())["checks"]["writes"] == "ok", "health recovers")
        count = inside("python3", "-c", f"import sqlite3; print(sqlite3.connect('{db}').execute("
                       "'SELECT COUNT(*) FROM subscribers').fetchone()[0])")
        check(count.stdout.strip() == b"4", f"what was stored stays, nothing refused was stored: {count}")
    finally:
        server.terminate()
        server.wait(10)


def backup_verify_and_restore_from_the_command_line():
    live = os.path.join(WORK, "live.sqlite")
    generator = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "corpus", "gen.py")
    archive = os.path.join(WORK, "backup.jsonl")
    with open(archive, "w") as f:
        subprocess.run([sys.executable, generator, "--count", "300", "--seed", "9"], stdout=f, check=True)
    check(run(["import", archive], DATABASE_URL=live).returncode == 0, "import")
    target = os.path.join(WORK, "backups", "first")
    taken = run(["backup", "--to", target], DATABASE_URL=live)
    check(taken.returncode == 0, taken.stderr)
    check("The key is NOT in the backup" in taken.stdout and f"{live}.key" in taken.stdout, taken.stdout)
    check(sorted(os.listdir(target)) == ["manifest.json", "observatory.sqlite"], os.listdir(target))
    manifest = json.load(open(os.path.join(target, "manifest.json")))
    key = open(live + ".key").read().strip()
    copied = open(os.path.join(target, "observatory.sqlite"), "rb").read().decode("latin-1")
    check(key not in json.dumps(manifest) and key not in copied, "the key is not in the backup")
    check(next(t for t in manifest["tables"] if t["name"] == "publications")["rows"] == 300, "counts")
    again = run(["backup", "--to", target], DATABASE_URL=live)
    check(again.returncode == 1 and "already holds files" in again.stderr, again.stderr)
    verified = run(["backup", "verify", target], DATABASE_URL=live)
    check(verified.returncode == 0 and "is intact" in verified.stdout
          and "signed by the configured key" in verified.stdout, verified.stdout + verified.stderr)
    # Restore into a new file without the key: refused, saying where the key goes; nothing written.
    fresh = os.path.join(WORK, "restored.sqlite")
    refused = run(["restore", target], DATABASE_URL=fresh)
    check(refused.returncode == 1 and f"there is no key at {fresh}.key" in refused.stderr, refused.stderr)
    check(not os.path.exists(fresh) and not os.path.exists(fresh + ".key"), "nothing created")
    # With another key: refused, naming both fingerprints.
    with open(fresh + ".key", "w") as f:
        f.write(run(["key", "new"]).stdout)
    other = run(["restore", target], DATABASE_URL=fresh)
    check(other.returncode == 1 and manifest["keyFingerprint"] in other.stderr
          and "Nothing was restored" in other.stderr, other.stderr)
    check(not os.path.exists(fresh), "nothing restored")
    shutil.copy(live + ".key", fresh + ".key")
    # A tampered copy: verify and restore both refuse, naming the file.
    copy = os.path.join(target, "observatory.sqlite")
    original = open(copy, "rb").read()
    with open(copy, "r+b") as f:
        f.seek(len(original) // 2)
        f.write(bytes([original[len(original) // 2] ^ 0x40]))
    tampered = run(["backup", "verify", target], DATABASE_URL=live)
    check(tampered.returncode == 1 and "observatory.sqlite: content differs" in tampered.stderr, tampered.stderr)
    refused = run(["restore", target], DATABASE_URL=fresh)
    check(refused.returncode == 1 and not os.path.exists(fresh), "tampered refused")
    with open(copy, "wb") as f:
        f.write(original)
    restored = run(["restore", target], DATABASE_URL=fresh)
    check(restored.returncode == 0 and "every count and checksum matching" in restored.stdout,
          restored.stdout + restored.stderr)
    busy = run(["restore", target], DATABASE_URL=fresh)
    check(busy.returncode == 1 and "is not empty" in busy.stderr and "--force" in busy.stderr, busy.stderr)
    check(run(["restore", target, "--force"], DATABASE_URL=fresh).returncode == 0, "--force replaces")
    trail = run(["audit", "verify"], DATABASE_URL=fresh)
    check("The audit trail is intact" in trail.stdout, "the restored trail is intact")
    if POSTGRES:
        key = os.path.join(WORK, "pg-backup.key")
        with open(key, "w") as f:
            f.write(run(["key", "new"]).stdout)
        for name in ["pglive", "pgrestored"]:
            psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"CREATE DATABASE {name}")
        base = POSTGRES.rsplit("/", 1)[0]
        pg = dict(DATABASE_URL=base + "/pglive", OBSERVATORY_KEY_FILE=key)
        check(run(["import", archive], **pg).returncode == 0, "import into PostgreSQL")
        # The planner has the new rows' statistics at once (ANALYZE after the import; autovacuum comes later).
        tuples = subprocess.run(["psql", "-tA", pg["DATABASE_URL"], "-c",
                                 "SELECT reltuples::int FROM pg_class WHERE relname = 'publications'"],
                                capture_output=True, text=True, check=True).stdout.strip()
        check(tuples == "300", f"planner statistics after the import: reltuples {tuples}")
        dump = os.path.join(WORK, "backups", "pg")
        taken = run(["backup", "--to", dump], **pg)
        check(taken.returncode == 0 and os.path.exists(os.path.join(dump, "observatory.pgdump")), taken.stderr)
        check(run(["backup", "verify", dump], **pg).returncode == 0, "verify a dump")
        restored = run(["restore", dump], DATABASE_URL=base + "/pgrestored", OBSERVATORY_KEY_FILE=key)
        check(restored.returncode == 0 and "every count and checksum matching" in restored.stdout, restored.stderr)
        wrong = run(["restore", dump], DATABASE_URL=base + "/pgrestored", OBSERVATORY_KEY_FILE=fresh + ".key")
        check(wrong.returncode == 1 and "is not this backup's" in wrong.stderr, wrong.stderr)


TESTS = [help_touches_no_database, trace_logging_is_refused, backup_verify_and_restore_from_the_command_line,
         read_only_database_is_reported_and_recovered, full_disk_is_reported_and_recovered,
         two_instances_start_together_on_an_empty_database]
