#!/usr/bin/env python3
"""Browser tests: a real headless Chromium drives the real `observatory` binary.

    python3 tests/browser/run.py .build/debug/observatory

Generates an archive with the shared generator, imports it into a fresh SQLite file, serves it on
loopback and walks the key reader flows. Prints 'N passed, N failed' and exits non-zero on failure.
Set OBSERVATORY_SCREENSHOTS=DIR to keep a screenshot of each step, OBSERVATORY_FLOWS=words to run only the flows
whose name contains them.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import Browser, free_port, wait_for_http  # noqa: E402
import flows  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
GENERATOR = ROOT.parent / "shared" / "corpus" / "gen.py"


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/observatory")
    work = tempfile.mkdtemp(prefix="observatory-browser-")
    archive = os.path.join(work, "archive.jsonl")
    with open(archive, "w") as f:
        subprocess.run([sys.executable, str(GENERATOR), "--count", "400", "--seed", "3", "--from-year", "2015", "--to-year", "2025"], stdout=f, check=True)
    records = [json.loads(line) for line in open(archive)]
    env = dict(os.environ, DATABASE_URL=os.path.join(work, "site.sqlite"), OBSERVATORY_DEMO="0")
    subprocess.run([binary, "import", archive], env=env, check=True, stdout=subprocess.DEVNULL)
    directory = os.path.join(work, "organisations.jsonl")
    with open(directory, "w") as f:
        subprocess.run([sys.executable, str(GENERATOR), "--orgs", "5", "--seed", "3"], stdout=f, check=True)
    subprocess.run([binary, "import", directory], env=env, check=True, stdout=subprocess.DEVNULL)
    for email, role, organisation in flows.CASE_TEAM:
        extra = ["--organisation", organisation] if organisation else []
        subprocess.run([binary, "user", "create", "--email", email, "--role", role, "--password-stdin"] + extra, env=env,
                       input=flows.EDITOR[1] + "\n", text=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([binary, "user", "create", "--email", flows.EDITOR[0], "--role", "editor", "--password-stdin"], env=env,
                   input=flows.EDITOR[1] + "\n", text=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    # A real SMTP server: the subscription flow reads its confirmation message from the mailbox directory.
    mailbox = os.path.join(work, "mailbox")
    smtp = subprocess.Popen([sys.executable, str(ROOT / "tests" / "smtp" / "server.py"), "--port", "0", "--dir", mailbox],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = smtp.stdout.readline().split()
    if len(ready) != 2 or ready[0] != "ready":
        sys.exit("tests/smtp/server.py did not start (is aiosmtpd installed? pip install aiosmtpd)")
    mail_port = int(ready[1])
    flows.MAILBOX = mailbox
    env.update(OBSERVATORY_SMTP_HOST="127.0.0.1", OBSERVATORY_SMTP_PORT=str(mail_port), OBSERVATORY_SMTP_SECURITY="none",
               OBSERVATORY_SMTP_FROM="observatory@example.org", OBSERVATORY_MAIL_DELAY_MINUTES="0",
               OBSERVATORY_PUBLIC_URL=f"http://127.0.0.1:{port}")
    server_log = open(os.path.join(work, "server.log"), "w+")
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=server_log, stderr=subprocess.STDOUT)
    passed = failed = 0
    browser = None
    try:
        site = f"http://127.0.0.1:{port}"
        wait_for_http(site + "/", 60)
        browser = Browser()
        shots = os.environ.get("OBSERVATORY_SCREENSHOTS")
        # OBSERVATORY_FLOWS=words runs only the flows whose name contains them (e.g. "portraits").
        only = os.environ.get("OBSERVATORY_FLOWS", "")
        for name, flow in flows.ALL:
            if only and only not in name:
                continue
            try:
                flow(browser, site, records, shots)
                print(f"✔ {name}")
                passed += 1
            except Exception:
                print(f"✘ {name}\n{traceback.format_exc()}")
                failed += 1
    finally:
        if browser:
            browser.quit()
        server.terminate()
        server.wait(10)
        smtp.kill()
    # The server's whole output, read after the flows: no confidential value of the case flow in any line.
    server_log.seek(0)
    written = server_log.read()
    leaked = [c for c in flows.CANARIES if c in written]
    if leaked:
        print(f"✘ the server log holds confidential values: {leaked}")
        failed += 1
    else:
        print(f"✔ the server log ({len(written.splitlines())} lines) holds no confidential value")
        passed += 1
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
