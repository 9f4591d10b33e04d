"""Command-line drill of `observatory evidence export` and `evidence verify` (issue 20) through the real binary: a
report with two files sent to `serve`, then the bundle checked by `sha256sum -c` as a third party would, as a
directory and as a tar file; a case that does not exist is refused with nothing written; the export is audited."""
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request

from webdriver import free_port, wait_for_http  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
WORK = tempfile.mkdtemp(prefix="observatory-evidence-")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "AppTests", "Fixtures")


def run(args, **env):
    return subprocess.run([BIN] + args, env=dict(os.environ, OBSERVATORY_DEMO="0", **env), capture_output=True,
                          text=True, timeout=300)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def send_report(port, files):
    """Sends the public report form with files, as a browser would; returns the page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/report", timeout=60) as r:
        cookie = re.search(r"observatory_csrf=([^;]+)", r.headers.get("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)
    boundary = "evidenceBoundary"
    body = b""
    for name, value in [("csrf", token), ("person", "Ana Witness"), ("country", "MX"),
                        ("account", "Photographed at the checkpoint.")]:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for filename, data in files:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall((f"POST /report HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n"
                   f"Cookie: observatory_csrf={cookie}\r\nConnection: close\r\n\r\n").encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode(errors="replace")


def evidence_export_is_checked_by_sha256sum():
    db = os.path.join(WORK, "evidence.sqlite")
    port = free_port()
    photo = open(os.path.join(FIXTURES, "evidence-gps.jpg"), "rb").read()
    statement = open(os.path.join(FIXTURES, "evidence-author.pdf"), "rb").read()
    log = open(os.path.join(WORK, "serve.log"), "w+")
    server = subprocess.Popen([BIN, "serve", "--no-demo", "--port", str(port)], env=dict(os.environ, DATABASE_URL=db),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", 120)
        page = send_report(port, [("photo.jpg", photo), ("statement.pdf", statement)])
        check('id="receipt-code"' in page, page[:400])
        other = send_report(port, [("other.txt", b"Qz9OTHER canary of another case")])
        check('id="receipt-code"' in other, other[:400])
    finally:
        server.terminate()
        server.wait(15)
    with sqlite3.connect(db) as connection:
        cases = [row[0] for row in connection.execute("SELECT case_id FROM case_attachments GROUP BY case_id "
                                                      "ORDER BY COUNT(*) DESC")]
    check(len(cases) == 2, f"two cases: {cases}")
    case = cases[0]

    bundle = os.path.join(WORK, "bundle")
    done = run(["evidence", "export", "--case", case, "--to", bundle], DATABASE_URL=db)
    check(done.returncode == 0 and "Exported 2 files" in done.stdout, done.stdout + done.stderr)
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True)
    check(checked.returncode == 0 and checked.stdout.count(": OK") == 3, checked.stdout + checked.stderr)
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    check(manifest["case_id"] == case and len(manifest["files"]) == 2, manifest)
    by_name = {f["name"]: f for f in manifest["files"]}
    check(open(os.path.join(bundle, by_name["photo.jpg"]["path"]), "rb").read() == photo, "the photo's own bytes")
    check(open(os.path.join(bundle, by_name["statement.pdf"]["path"]), "rb").read() == statement, "the statement's")
    for f in manifest["files"]:
        events = [c["event"] for c in f["custody"]]
        check(events == ["evidence.received", "evidence.exported"] and f["custody"][0]["actor"] == "reporter", events)
    everything = b"".join(open(os.path.join(root, name), "rb").read()
                          for root, _, names in os.walk(bundle) for name in names)
    check(b"Qz9OTHER" not in everything and cases[1].encode() not in everything, "nothing of the other case")

    tar = os.path.join(WORK, "bundle.tar")
    check(run(["evidence", "export", "--case", case, "--to", tar], DATABASE_URL=db).returncode == 0, "to a tar file")
    unpacked = os.path.join(WORK, "unpacked")
    os.mkdir(unpacked)
    subprocess.run(["tar", "-xf", tar], cwd=unpacked, check=True)
    check(subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=unpacked).returncode == 0, "the tar checks")

    missing = os.path.join(WORK, "missing")
    refused = run(["evidence", "export", "--case", "case-doesnotexist", "--to", missing], DATABASE_URL=db)
    check(refused.returncode == 1 and "there is no case “case-doesnotexist” (nothing was written)" in refused.stderr,
          refused.stdout + refused.stderr)
    check(not os.path.exists(missing), "nothing written for a case that does not exist")
    again = run(["evidence", "export", "--case", case, "--to", bundle], DATABASE_URL=db)
    check(again.returncode == 1 and "exists already" in again.stderr, again.stderr)

    verified = run(["evidence", "verify"], DATABASE_URL=db)
    check(verified.returncode == 0 and "All 3 files match" in verified.stdout, verified.stdout + verified.stderr)
    with sqlite3.connect(db) as connection:
        exports = connection.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'evidence.export' "
                                     "AND record_id = ?", (case,)).fetchone()[0]
    check(exports == 2, f"each export audited: {exports}")
    chain = run(["audit", "verify"], DATABASE_URL=db)
    check(chain.returncode == 0, chain.stdout + chain.stderr)


TESTS = [evidence_export_is_checked_by_sha256sum]
