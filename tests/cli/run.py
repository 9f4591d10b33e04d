#!/usr/bin/env python3
"""Command-line tests of the real `observatory` binary: import exit status, messages and summary, and
serve's start-up (migrations, demo archive, printed URL, configuration errors).

    python3 tests/cli/run.py .build/debug/observatory
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from webdriver import free_port, wait_for_http  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
WORK = tempfile.mkdtemp(prefix="observatory-cli-")


def run(args, **env):
    return subprocess.run([BIN] + args, env=dict(os.environ, **env), capture_output=True, text=True, timeout=300)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def import_reports_bad_lines_and_exits_non_zero():
    archive = os.path.join(WORK, "mixed.jsonl")
    with open(archive, "w") as f:
        f.write('{"id": "a", "type": "statement", "language": "en", "published": "2020-01-01", "title": "Mexico: ok", "countries": ["Mexico"]}\n')
        f.write('{"id": "b", "type": "statement", "language": "en", "published": "2020-02-31", "title": "bad date"}\n')
        f.write('not json\n')
    db = os.path.join(WORK, "import.sqlite")
    result = run(["import", archive], DATABASE_URL=db)
    check(result.returncode == 1, f"exit status {result.returncode}")
    check('line 2: published: "2020-02-31" is not a real date in the form YYYY-MM-DD' in result.stderr, result.stderr)
    check("line 3: line: invalid JSON" in result.stderr, result.stderr)
    check("read 3, stored 1, updated 0, rejected 2" in result.stdout, result.stdout)
    again = run(["import", archive], DATABASE_URL=db)
    check("read 3, stored 0, updated 1, rejected 2" in again.stdout, again.stdout)
    good = os.path.join(WORK, "good.jsonl")
    with open(good, "w") as f:
        f.write('{"id": "c", "name": "Centre for Legal Aid (Iran)", "country": "IR"}\n')
    check(run(["import", good], DATABASE_URL=db).returncode == 0, "a clean import exits 0")
    missing = run(["import", os.path.join(WORK, "nope.jsonl")], DATABASE_URL=db)
    check(missing.returncode != 0 and "cannot open" in missing.stderr, missing.stderr)
    import sqlite3
    with sqlite3.connect(db) as connection:
        imports = connection.execute("SELECT actor, record_id, detail FROM audit_log WHERE action = 'archive.import'").fetchall()
    check(len(imports) == 3 and imports[0][:2] == ("system", "mixed.jsonl") and "rejected 2" in imports[0][2], f"imports audited: {imports}")


def serve_loads_the_demo_and_prints_its_url():
    port = free_port()
    db = os.path.join(WORK, "serve.sqlite")
    log = open(os.path.join(WORK, "serve.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--port", str(port)], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", 120)
        log.seek(0)
        text = log.read()
        check(f"http://127.0.0.1:{port}" in text, text)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            page = r.read().decode()
        check("Articles: 2000" in page, "the demo archive has 2,000 publications")
        for path, expected in [("/missions", "mission-reports"), ("/calls", "women-defenders-needs"), ("/campaigns", "humans-against-torture")]:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                check(expected in r.read().decode(), f"the demo shows something at {path}")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/publications", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as r:
            check(r.headers.get("Content-Encoding") == "gzip", f"compressed: {dict(r.headers)}")
            import gzip
            check("Articles: 2000" in gzip.decompress(r.read()).decode(), "the compressed page is the page")
    finally:
        server.terminate()
        server.wait(10)


def serve_without_demo_and_bad_configuration():
    port = free_port()
    db = os.path.join(WORK, "empty.sqlite")
    log = open(os.path.join(WORK, "empty.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--no-demo", "--port", str(port)], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", 120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            check("Articles: 0" in r.read().decode(), "--no-demo leaves the site empty")
        log.seek(0)
        check("observatory user create --email you@example.org --role administrator" in log.read(),
              "serve says how to create the first administrator")
    finally:
        server.terminate()
        server.wait(10)
    bad = run(["serve"], DATABASE_URL="mysql://x", OBSERVATORY_NEW_DAYS="x")
    check(bad.returncode == 2, f"exit status {bad.returncode}")
    check("DATABASE_URL:" in bad.stderr and "OBSERVATORY_NEW_DAYS:" in bad.stderr, bad.stderr)
    mail = run(["serve"], DATABASE_URL=db, OBSERVATORY_SMTP_HOST="mail.example.org", OBSERVATORY_SMTP_SECURITY="ssl",
               OBSERVATORY_SMTP_USERNAME="relay")
    check(mail.returncode == 2, f"exit status {mail.returncode}")
    for name in ["OBSERVATORY_SMTP_SECURITY: expected none, starttls or tls", "OBSERVATORY_SMTP_FROM:", "give both or neither"]:
        check(name in mail.stderr, f"{name}: {mail.stderr}")
    postgres = run(["serve"], DATABASE_URL="postgres://observatory@127.0.0.1:1/x")
    check(postgres.returncode == 2 and "OBSERVATORY_KEY_FILE" in postgres.stderr, postgres.stderr)
    key = run(["key", "new"], DATABASE_URL=db)
    check(key.returncode == 0 and len(key.stdout.strip()) == 44, key.stdout)


def bulletin_and_annual_report_from_the_command_line():
    generator = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "corpus", "gen.py")
    archive = os.path.join(WORK, "reports.jsonl")
    with open(archive, "w") as f:
        subprocess.run([sys.executable, generator, "--count", "600", "--seed", "5", "--from-year", "2024", "--to-year", "2025"], stdout=f, check=True)
    db = os.path.join(WORK, "reports.sqlite")
    check(run(["import", archive], DATABASE_URL=db).returncode == 0, "import")
    bulletin = os.path.join(WORK, "bulletin.html")
    missing = run(["bulletin", "2025-10", "--language", "fr", "--output", bulletin], DATABASE_URL=db)
    check(missing.returncode != 0 and "OBSERVATORY_PUBLIC_URL" in missing.stderr and not os.path.exists(bulletin),
          missing.stderr)
    result = run(["bulletin", "2025-10", "--language", "fr", "--output", bulletin], DATABASE_URL=db,
                 OBSERVATORY_PUBLIC_URL="https://observatory.example")
    check(result.returncode == 0, result.stderr)
    html = open(bulletin).read()
    check("Bulletin mensuel — octobre 2025" in html and "<h2>" in html and "/publications/" in html, html[:500])
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    check(links and all(link.startswith("https://observatory.example/") for link in links), links[:5])
    bad = run(["bulletin", "October", "--output", bulletin], DATABASE_URL=db)
    check(bad.returncode != 0 and "month: expected YYYY-MM" in bad.stderr, bad.stderr)
    pdf = os.path.join(WORK, "report.pdf")
    result = run(["report", "annual", "2025", "--output", pdf], DATABASE_URL=db)
    check(result.returncode == 0 and "urgent interventions" in result.stdout, result.stderr + result.stdout)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    check(pages > 10, f"a report of {pages} pages")
    html_report = os.path.join(WORK, "report.html")
    check(run(["report", "annual", "2025", "--output", html_report], DATABASE_URL=db).returncode == 0, "html report")
    check('<nav class="toc">' in open(html_report).read(), "the HTML report has its contents")
    wrong = run(["report", "annual", "2025", "--output", os.path.join(WORK, "report.docx")], DATABASE_URL=db)
    check(wrong.returncode != 0 and ".html or .pdf" in wrong.stderr, wrong.stderr)


def subscribers_import_names_bad_lines():
    listing = os.path.join(WORK, "list.txt")
    with open(listing, "w") as f:
        f.write("# an old mailing list\nana@example.org,fr;en,all,bulletin\nnot an address\nben@example.org\nANA@example.org\ncy@example.org,de\n")
    db = os.path.join(WORK, "subscribers.sqlite")
    result = run(["subscribers", "import", "--file", listing], DATABASE_URL=db)
    check(result.returncode == 1, f"exit status {result.returncode}")
    check("line 3: address: not an e-mail address" in result.stderr and "line 6: languages:" in result.stderr, result.stderr)
    check("2 added, 1 already subscribed, 2 rejected" in result.stdout, result.stdout)
    count = run(["subscribers", "count"], DATABASE_URL=db)
    check("active\t2" in count.stdout, count.stdout)


def user_commands_and_audit_verification():
    db = os.path.join(WORK, "users.sqlite")

    def user(*args, stdin=None):
        return subprocess.run([BIN, "user"] + list(args), env=dict(os.environ, DATABASE_URL=db), input=stdin,
                              capture_output=True, text=True, timeout=300)
    created = user("create", "--email", "Admin@Example.org", "--role", "administrator,editor", "--password-stdin",
                   stdin="plover-violin-harbour-7\n")
    check(created.returncode == 0 and "Created admin@example.org (Administrator, Editor)." in created.stdout, created.stdout + created.stderr)
    check("plover" not in created.stdout + created.stderr, "the password is never printed")
    linked = user("create", "--email", "partner@example.org", "--role", "editor")
    check(linked.returncode == 0 and "/account/setup/" in linked.stdout, "without a password, a one-time link is printed")
    weak = user("create", "--email", "weak@example.org", "--role", "editor", "--password-stdin", stdin="password2024\n")
    check(weak.returncode == 1 and "password: This is one of the most common passwords" in weak.stderr, weak.stderr)
    bad_role = user("create", "--email", "x@example.org", "--role", "king")
    check(bad_role.returncode == 1 and "unknown role king" in bad_role.stderr, bad_role.stderr)
    duplicate = user("create", "--email", "admin@example.org", "--role", "editor")
    check(duplicate.returncode == 1 and "already exists" in duplicate.stderr, duplicate.stderr)
    partner = user("create", "--email", "p@example.org", "--role", "partner")
    check(partner.returncode == 1 and "organisation" in partner.stderr, partner.stderr)
    check(user("disable", "--email", "partner@example.org").returncode == 0, "disable")
    listing = user("list").stdout
    check("admin@example.org\tadministrator,editor\tactive" in listing and "partner@example.org\teditor\tdisabled" in listing, listing)
    # The operator's rescue: the old password, the sessions and (asked for) the second factor go; only the link opens.
    reset = user("reset", "--email", "admin@example.org", "--second-factor")
    check(reset.returncode == 0 and "/account/setup/" in reset.stdout
          and "no longer signs in and every session has ended; the second factor is removed" in reset.stdout,
          reset.stdout + reset.stderr)
    listing = user("list").stdout
    check("admin@example.org\tadministrator,editor\twaiting for password\tsecond factor off" in listing, listing)
    import sqlite3
    with sqlite3.connect(db) as connection:
        actors = {row[0] for row in connection.execute("SELECT actor FROM audit_log WHERE record_type = 'user'")}
    check(all(actor.startswith("command line (") for actor in actors), "the operator is named: %s" % actors)
    unknown = user("reset", "--email", "nobody@example.org")
    check(unknown.returncode == 1 and "no account for --email nobody@example.org" in unknown.stderr, unknown.stderr)

    migrated = run(["migrate"], DATABASE_URL=db)
    check(migrated.returncode == 0 and "The database is up to date." in migrated.stdout, migrated.stdout + migrated.stderr)
    for flag in ["--auto-revert", "--auto-migrate"]:
        refused = run(["serve", flag], DATABASE_URL=db)
        check(refused.returncode == 2 and f"{flag} is not offered" in refused.stderr, refused.stdout + refused.stderr)
    reverted = run(["migrate", "--revert"], DATABASE_URL=db)
    check(reverted.returncode == 1 and "restore a backup" in reverted.stderr, reverted.stdout + reverted.stderr)

    verified = run(["audit", "verify"], DATABASE_URL=db)
    check(verified.returncode == 0 and "The audit trail is intact: 5 entries" in verified.stdout, verified.stdout + verified.stderr)
    import sqlite3
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone@example.org' WHERE sequence = 2")
    broken = run(["audit", "verify"], DATABASE_URL=db)
    check(broken.returncode == 1 and "entry #2 was altered" in broken.stderr, broken.stdout + broken.stderr)


def key_is_guarded_and_rotates():
    from key import key_guard_and_rotation
    key_guard_and_rotation(BIN, WORK, run, check)
def audit_fields(row):
    """An entry's fields serialised as AuditEntry does: each prefixed by its UTF-8 length."""
    return "|".join(f"{len(str(v).encode())}:{v}" for v in row)


def sha256_rechain(connection, start):
    """What an attacker who can write the database but has not the key does: recompute plain SHA-256 hashes."""
    import hashlib
    rows = connection.execute("SELECT sequence, at, actor, action, record_type, record_id, detail, address, hash "
                              "FROM audit_log ORDER BY sequence").fetchall()
    previous = "0" * 64
    for row in rows:
        if row[0] >= start:
            digest = hashlib.sha256(audit_fields(list(row[:8]) + [previous]).encode()).hexdigest()
            connection.execute("UPDATE audit_log SET previous_hash = ?, hash = ? WHERE sequence = ?", (previous, digest, row[0]))
            previous = digest
        else:
            previous = row[8]
    connection.execute("UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1", (rows[-1][0], previous))
    return f"{rows[-1][0]}:{previous}"


def copy_database(source, target):
    import sqlite3
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)
    import shutil
    shutil.copy(source + ".key", target + ".key")


def audit_chain_is_keyed_anchored_and_upgraded():
    import sqlite3
    db = os.path.join(WORK, "chain.sqlite")
    user = lambda *args: run(["user", *args], DATABASE_URL=db)
    check(user("create", "--email", "admin@example.org", "--role", "administrator").returncode == 0, "create")
    for action in ["disable", "enable", "disable"]:
        check(user(action, "--email", "admin@example.org").returncode == 0, action)
    head = run(["audit", "head"], DATABASE_URL=db)
    check(head.returncode == 0, head.stderr)
    anchor = head.stdout.strip().splitlines()[-1]
    check(anchor.split(":")[0] == "4" and len(anchor.split(":")[1]) == 64, f"head {anchor!r}")
    at_anchor = run(["audit", "verify", "--head", anchor], DATABASE_URL=db)
    check(at_anchor.returncode == 0 and "0 entries follow it" in at_anchor.stdout, at_anchor.stdout + at_anchor.stderr)
    check(user("enable", "--email", "admin@example.org").returncode == 0, "enable")
    later = run(["audit", "verify", "--head", anchor], DATABASE_URL=db)
    check(later.returncode == 0 and "1 entries follow it, up to #5" in later.stdout, later.stdout)
    for bad in ["4", "4:xyz", "four:" + "0" * 64]:
        refused = run(["audit", "verify", "--head", bad], DATABASE_URL=db)
        check(refused.returncode != 0 and "is not SEQ:HASH" in refused.stderr, refused.stderr)

    # An attacker rewrites entry 2 and recomputes the unkeyed hashes after it, head included: verify names the entry.
    forged = os.path.join(WORK, "forged.sqlite")
    copy_database(db, forged)
    with sqlite3.connect(forged) as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone@example.org' WHERE sequence = 2")
        sha256_rechain(connection, 2)
    broken = run(["audit", "verify"], DATABASE_URL=forged)
    check(broken.returncode == 1 and "entry #2 was altered" in broken.stderr, broken.stdout + broken.stderr)

    # The trail cut after entry 3, the head moved back with it: every remaining link holds; the anchor catches it.
    cut = os.path.join(WORK, "cut.sqlite")
    copy_database(db, cut)
    with sqlite3.connect(cut) as connection:
        (hash3,) = connection.execute("SELECT hash FROM audit_log WHERE sequence = 3").fetchone()
        connection.execute("DELETE FROM audit_log WHERE sequence > 3")
        connection.execute("UPDATE audit_head SET sequence = 3, hash = ? WHERE id = 1", (hash3,))
    check(run(["audit", "verify"], DATABASE_URL=cut).returncode == 0, "without an anchor a clean cut looks intact")
    caught = run(["audit", "verify", "--head", anchor], DATABASE_URL=cut)
    check(caught.returncode == 1 and "the trail ends at entry #3 but entry #4 was written" in caught.stderr, caught.stderr)

    # An old trail (plain SHA-256, before migration 026) is verified and re-chained once under the key; an anchor
    # taken from the old trail still verifies, through the re-chaining entry.
    old = os.path.join(WORK, "old.sqlite")
    copy_database(db, old)
    with sqlite3.connect(old) as connection:
        old_head = sha256_rechain(connection, 1)
        connection.execute("DELETE FROM _fluent_migrations WHERE name LIKE '%KeyAuditChain'")
        connection.execute("ALTER TABLE login_attempts DROP COLUMN attempt")
    broken_old = os.path.join(WORK, "broken-old.sqlite")
    copy_database(old, broken_old)
    upgraded = run(["audit", "verify", "--head", old_head], DATABASE_URL=old)
    check(upgraded.returncode == 0 and "intact: 6 entries" in upgraded.stdout and "re-chained under a new key at entry #6"
          in upgraded.stdout, upgraded.stdout + upgraded.stderr)
    with sqlite3.connect(old) as connection:
        last = connection.execute("SELECT action, detail FROM audit_log ORDER BY sequence DESC LIMIT 1").fetchone()
    check(last[0] == "audit.rechain" and f"was {old_head}" in last[1], f"{last}")
    # ... and after the upgrade, recomputing SHA-256 hashes no longer passes.
    with sqlite3.connect(old) as connection:
        connection.execute("UPDATE audit_log SET detail = 'nothing' WHERE sequence = 3")
        sha256_rechain(connection, 3)
    check("entry #3 was altered" in run(["audit", "verify"], DATABASE_URL=old).stderr, "keyed after the upgrade")
    # A broken old trail is not re-chained (that would launder the edit): the upgrade stops and names the break.
    with sqlite3.connect(broken_old) as connection:
        connection.execute("UPDATE audit_log SET detail = 'edited' WHERE sequence = 2")
    refused = run(["audit", "verify"], DATABASE_URL=broken_old)
    check(refused.returncode != 0 and "entry #2 was altered" in refused.stdout + refused.stderr
          and "it was not re-chained" in refused.stdout + refused.stderr, refused.stdout + refused.stderr)


TESTS = [import_reports_bad_lines_and_exits_non_zero, serve_loads_the_demo_and_prints_its_url,
         serve_without_demo_and_bad_configuration, user_commands_and_audit_verification,
         bulletin_and_annual_report_from_the_command_line, subscribers_import_names_bad_lines,
         key_is_guarded_and_rotates, audit_chain_is_keyed_anchored_and_upgraded]
import ops  # noqa: E402  backup / restore, start and stop
TESTS += ops.TESTS
import interchange  # noqa: E402  import wxr / csv, export
TESTS += interchange.TESTS
import evidence  # noqa: E402  evidence export and verify (issue 20)
TESTS += evidence.TESTS
import kit  # noqa: E402  the offline mission kit (issue 20)
TESTS += kit.TESTS

if __name__ == "__main__":
    passed = failed = 0
    only = os.environ.get("CLI_TESTS")
    for test in [t for t in TESTS if not only or t.__name__ in only.split(",")]:
        try:
            test()
            print(f"✔ {test.__name__}")
            passed += 1
        except Exception:
            print(f"✘ {test.__name__}\n{traceback.format_exc()}")
            failed += 1
    print(f"cli: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
