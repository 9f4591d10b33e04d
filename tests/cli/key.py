"""The key through the real binary: a database restored without its key, or with another, is refused with a
message saying what to do; `key rotate` killed mid-way resumes, and afterwards only the new key opens the data."""
import glob
import os
import signal
import sqlite3
import subprocess


def key_guard_and_rotation(BIN, WORK, run, check):
    db = os.path.join(WORK, "keyed.sqlite")
    listing = os.path.join(WORK, "many.txt")
    with open(listing, "w") as f:
        for n in range(6000):
            f.write(f"reader{n}@example.org,en,all\n")
    imported = run(["subscribers", "import", "--file", listing], DATABASE_URL=db)
    check(imported.returncode == 0, imported.stdout + imported.stderr)
    key = db + ".key"
    original = open(key).read()
    # A restore of the database alone: refused, and no new key is made.
    os.rename(key, key + ".aside")
    missing = run(["subscribers", "count"], DATABASE_URL=db)
    check(missing.returncode == 1 and key in missing.stderr and "OBSERVATORY_KEY_FILE" in missing.stderr
          and "backup" in missing.stderr, missing.stderr)
    check(not os.path.exists(key), "no new key was made beside the restored database")
    other = os.path.join(WORK, "other.key")
    with open(other, "w") as f:
        f.write(run(["key", "new"]).stdout)
    wrong = run(["subscribers", "count"], DATABASE_URL=db, OBSERVATORY_KEY_FILE=other)
    check(wrong.returncode == 1 and "is not the key this database was sealed with" in wrong.stderr, wrong.stderr)
    os.rename(key + ".aside", key)
    check(run(["subscribers", "count"], DATABASE_URL=db).returncode == 0, "the right key starts again")

    # Rotation, killed once it has sealed a first column again.
    new_key = os.path.join(WORK, "new.key")
    env = dict(os.environ, DATABASE_URL=db)
    rotating = subprocess.Popen(["stdbuf", "-oL", BIN, "key", "rotate", "--new-key-file", new_key], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in rotating.stdout:
        if "sealed again under the new key" in line:
            break
    rotating.send_signal(signal.SIGKILL)
    rotating.wait()
    with sqlite3.connect(db) as connection:
        pending = connection.execute("SELECT new_fingerprint FROM key_rotation").fetchall()
    check(len(pending) == 1, f"killed mid-way: the rotation is pending ({pending})")
    refused = run(["subscribers", "count"], DATABASE_URL=db)
    check(refused.returncode == 1 and "key rotate --new-key-file" in refused.stderr, refused.stderr)
    resumed = run(["key", "rotate", "--new-key-file", new_key], DATABASE_URL=db)
    check(resumed.returncode == 0 and "resuming" in resumed.stdout and "now holds the new key" in resumed.stdout,
          resumed.stdout + resumed.stderr)
    check(open(key).read() == open(new_key).read() != original, "the server's key file holds the new key")
    check(len(glob.glob(key + ".retired-*")) == 1, "the old key is kept aside")
    count = run(["subscribers", "count"], DATABASE_URL=db)
    check(count.returncode == 0 and "active\t6000" in count.stdout, count.stdout + count.stderr)
    with sqlite3.connect(db) as connection:
        values = [row[0] for row in connection.execute("SELECT email_sealed FROM subscribers")]
        actions = [row[0] for row in connection.execute("SELECT action FROM audit_log WHERE action LIKE 'key.%'")]
        left = connection.execute("SELECT COUNT(*) FROM key_rotation").fetchone()[0]
    check(len(values) == 6000 and all(v.startswith("v2:") for v in values), "every address is sealed v2")
    check(actions == ["key.rotate.start", "key.rotate"] and left == 0, f"audited once, finished: {actions}, {left}")
    fingerprints = run(["key", "fingerprint"], DATABASE_URL=db).stdout
    lines = [line.split(": ")[1] for line in fingerprints.splitlines()]
    check(len(lines) == 2 and lines[0] == lines[1], fingerprints)
    old = glob.glob(key + ".retired-*")[0]
    stale = run(["subscribers", "count"], DATABASE_URL=db, OBSERVATORY_KEY_FILE=old)
    check(stale.returncode == 1 and "is not the key this database was sealed with" in stale.stderr, stale.stderr)
