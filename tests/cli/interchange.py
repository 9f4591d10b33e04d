"""Command-line drills of `observatory import` (WordPress WXR with a mapping file, CSV) and `observatory export`
(JSON Lines and CSV, a round trip into an empty database), through the real binary; and the old addresses the
WordPress import remembered, answered with 301 by `serve`."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from webdriver import free_port, wait_for_http  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
WORK = tempfile.mkdtemp(prefix="observatory-interchange-")


def run(args, **env):
    return subprocess.run([BIN] + args, env=dict(os.environ, OBSERVATORY_DEMO="0", **env), capture_output=True,
                          text=True, timeout=300)


def check(condition, message):
    if not condition:
        raise AssertionError(message)

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "AppTests", "Fixtures",
                       "wordpress-polylang.wxr")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def import_wordpress_with_a_mapping_file_and_old_links_redirect():
    db = os.path.join(WORK, "wxr.sqlite")
    mapping = os.path.join(WORK, "mapping.txt")
    wrote = run(["import", FIXTURE, "--write-mapping", mapping], DATABASE_URL=db)
    check(wrote.returncode == 0 and "Wrote 16 categories and tags" in wrote.stdout, wrote.stdout + wrote.stderr)
    check(not os.path.exists(db) or sqlite3.connect(db).execute(
        "SELECT name FROM sqlite_master WHERE name = 'publications'").fetchone() is None,
            "--write-mapping imports nothing")
    again = run(["import", FIXTURE, "--write-mapping", mapping], DATABASE_URL=db)
    check(again.returncode != 0 and "exists already" in again.stderr, "an edited mapping file is never overwritten")
    text = open(mapping).read()
    check("post_tag:mexique = country:MX" in text and "# Mexique (1 post)" in text, text)
    with open(mapping, "w") as f:
        f.write(text.replace("post_tag:turquie = ignore", "post_tag:turquie = country:TR"))
    result = run(["import", FIXTURE, "--mapping", mapping], DATABASE_URL=db)
    check(result.returncode == 0, result.stdout + result.stderr)
    check("read 15, stored 7, updated 0, rejected 0, skipped 8 (attachment 1, draft 1, nav_menu_item 1, page 3, "
          "private 1, trash 1)" in result.stdout, result.stdout)
    second = run(["import", FIXTURE, "--mapping", mapping], DATABASE_URL=db)
    check("stored 0, updated 7" in second.stdout, second.stdout)
    with sqlite3.connect(db) as connection:
        check(connection.execute("SELECT country_codes FROM publications WHERE id LIKE '%-7'").fetchone() == ("TR",),
              "the mapping file decided")
        imports = connection.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'archive.import.wxr'").fetchone()
        check(imports == (2,),
              "each import audited")
    bad = os.path.join(WORK, "bad-mapping.txt")
    with open(bad, "w") as f:
        f.write("category:statements = type:poem\n")
    refused = run(["import", FIXTURE, "--mapping", bad], DATABASE_URL=db)
    check(refused.returncode != 0 and 'mapping line 1: unknown type "poem"' in refused.stderr, refused.stderr)
    # serve answers the old addresses with 301s to the imported pages.
    port = free_port()
    log = open(os.path.join(WORK, "wxr-serve.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--port", str(port), "--no-demo"], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", 60)
        opener = urllib.request.build_opener(NoRedirect)
        for old, new in [("/2016/09/30/mexico-arbitrary-arrest-of-ms-ana-torres/",
                          "/publications/wp-defenders.example.org-4"), ("/?p=5",
                              "/fr/publications/wp-defenders.example.org-5"),
                         ("/tag/turquie/", "/publications?country=tr"), ("/feed/", "/publications/feed.rss")]:
            try:
                opener.open(f"http://127.0.0.1:{port}{old}")
                check(False, f"{old} was not redirected")
            except urllib.error.HTTPError as answer:
                check(answer.code == 301 and answer.headers["Location"] == new,
                    f"{old}: {answer.code} {answer.headers}")
        try:
            opener.open(f"http://127.0.0.1:{port}/2016/09/30/no-such-post/")
            check(False, "an unknown old path was answered")
        except urllib.error.HTTPError as answer:
            check(answer.code == 404, f"unknown old path: {answer.code}")
    finally:
        server.terminate()
        server.wait(20)


def import_csv_names_rows_and_columns():
    db = os.path.join(WORK, "csv.sqlite")
    path = os.path.join(WORK, "sheet.csv")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write('id;type;language;published;title;body\r\n')
        f.write('s-1;statement;en;2024-01-02;"Mexico: one; two";"Line one\nline two"\r\n')
        f.write('s-2;statement;en;2024-13-02;Bad month;\r\n')
    result = run(["import", path], DATABASE_URL=db)
    check(result.returncode == 1, f"exit status {result.returncode}")
    check('row 3, column 4 (published): "2024-13-02" is not a real date' in result.stderr, result.stderr)
    check("(CSV): read 2, stored 1, updated 0, rejected 1" in result.stdout, result.stdout)


def export_round_trips_through_an_empty_database():
    source = os.path.join(WORK, "export-source.sqlite")
    archive = os.path.join(WORK, "export-source.jsonl")
    subprocess.run(["python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                    "corpus", "gen.py"), "--count", "800", "--seed", "3"], stdout=open(archive, "w"), check=True)
    check(run(["import", archive], DATABASE_URL=source).returncode in (0, 1), "source imported")
    stdout = run(["export", "--format", "jsonl"], DATABASE_URL=source)
    check(stdout.returncode == 0, stdout.stderr)
    lines = stdout.stdout.splitlines()
    check(len(lines) > 700 and all(json.loads(line)["id"] for line in lines), "one JSON object a line, nothing else")
    exported = os.path.join(WORK, "export.jsonl")
    check(run(["export", "--format", "jsonl", "--to", exported], DATABASE_URL=source).returncode == 0, "--to")
    refused = run(["export", "--format", "jsonl", "--to", exported], DATABASE_URL=source)
    check(refused.returncode != 0 and "exists already" in refused.stderr, "an existing file is never overwritten")
    check(open(exported).read() == stdout.stdout, "--to writes what standard output shows")
    for fmt in ["jsonl", "csv"]:
        target = os.path.join(WORK, f"export-target-{fmt}.sqlite")
        out = os.path.join(WORK, f"export.{fmt}")
        if fmt == "csv":
            check(run(["export", "--format", "csv", "--to", out], DATABASE_URL=source).returncode == 0, "csv export")
        imported = run(["import", out], DATABASE_URL=target)
        check(imported.returncode == 0, imported.stdout + imported.stderr)
        back = run(["export", "--format", "jsonl"], DATABASE_URL=target)
        check(back.stdout == stdout.stdout, f"{fmt}: the re-imported archive exports the same file")
    orgs = run(["export", "--format", "csv", "--what", "organisations"], DATABASE_URL=source)
    check(orgs.returncode == 0 and orgs.stdout.startswith("id,name,type,country"), orgs.stdout[:200])
    wrong = run(["export", "--format", "xml"], DATABASE_URL=source)
    check(wrong.returncode != 0 and '--format: "xml" is not jsonl or csv' in wrong.stderr, wrong.stderr)


TESTS = [import_wordpress_with_a_mapping_file_and_old_links_redirect, import_csv_names_rows_and_columns,
         export_round_trips_through_an_empty_database]
