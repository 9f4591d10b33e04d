#!/usr/bin/env python3
"""What `synchronous=FULL` costs: commits per second of Observatory's write pattern (a case row, its timeline
line and its audit entry in one transaction that takes the write lock first), one writer at a time as the write
gate runs them, on a WAL file in this directory's file system, for each synchronous level; then, when a server
URL is given, reports per second through the real app (release build, FULL).

    bench/writes.py [DIR] [COMMITS] [SERVER_URL CLIENTS REPORTS_EACH]
"""
import http.cookiejar
import os
import re
import sqlite3
import sys
import threading
import time
import urllib.parse
import urllib.request

directory = sys.argv[1] if len(sys.argv) > 1 else "bench/out"
commits = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
os.makedirs(directory, exist_ok=True)

for level in ["OFF", "NORMAL", "FULL", "EXTRA"]:
    path = os.path.join(directory, f"sync-{level}.sqlite")
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={level}")
    db.execute("CREATE TABLE cases (id TEXT PRIMARY KEY, label_sealed TEXT, opened_at INTEGER)")
    db.execute("CREATE TABLE timeline (case_id TEXT, line TEXT, at INTEGER)")
    db.execute("CREATE TABLE audit_log (sequence INTEGER PRIMARY KEY, hash TEXT, detail TEXT)")
    db.execute("CREATE TABLE audit_head (id INTEGER PRIMARY KEY, sequence INTEGER, hash TEXT)")
    start = time.perf_counter()
    for n in range(commits):
        db.execute("BEGIN")
        db.execute("DELETE FROM audit_head WHERE 0")
        db.execute("INSERT INTO cases VALUES (?, ?, ?)", (f"case-{n}", "x" * 200, n))
        db.execute("INSERT INTO timeline VALUES (?, ?, ?)", (f"case-{n}", "Case opened from the public report form", n))
        db.execute("INSERT INTO audit_log VALUES (?, ?, ?)", (n + 1, "0" * 64, "case.report"))
        db.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)", (n + 1, "0" * 64))
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    print(f"synchronous={level:6} {commits / seconds:8.0f} commits/s  ({1000 * seconds / commits:.2f} ms each)")
    db.close()

if len(sys.argv) > 5:
    url, clients, each = sys.argv[3].rstrip("/"), int(sys.argv[4]), int(sys.argv[5])
    statuses, lock = {}, threading.Lock()

    def reporter(k):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(url + "/report").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        for n in range(each):
            body = urllib.parse.urlencode({"csrf": csrf, "person": f"Defender {k}-{n}", "description": "a defender",
                                           "country": "MX", "date": "2026-11-18", "place": "Oaxaca",
                                           "account": f"Report {k}-{n}"}).encode()
            request = urllib.request.Request(url + "/report", data=body, headers={
                "X-Forwarded-For": f"10.{k}.{n // 250}.{n % 250}", "Origin": url})
            try:
                status = opener.open(request).status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    threads = [threading.Thread(target=reporter, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    total = clients * each
    print(f"app, release, FULL: {total} reports by {clients} clients in {seconds:.1f} s = "
          f"{total / seconds:.0f} reports/s; statuses {statuses}")
