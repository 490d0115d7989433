"""`incentives backup FILE` under load: a consistent copy that restores, checks and verifies."""
import shutil
import sqlite3
import subprocess
import threading

import requests

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server
from helpers.events import birth, event, seeded


def test_backup_under_load_restores_to_a_consistent_verifiable_database(fresh_folder, tmp_path):
    server = start_server(fresh_folder)
    key = create_api_key(fresh_folder, "admin", "events:write")
    admin = Api(server, key)
    employer, user = seeded(admin, {**birth("Kit"), "repeatable": True})
    acknowledged, stop = [], threading.Event()

    def load():
        session = requests.Session()
        session.trust_env, session.verify = False, server.ca
        session.headers["Authorization"] = f"Bearer {key}"
        while not stop.is_set():
            body = event(user, type="fact", value="gave birth")
            if session.post(f"{server.base_url}/v1/events", json=body, timeout=60).status_code == 201:
                acknowledged.append(body["event_id"])
            session.get(f"{server.base_url}/v1/employers", headers={"Authorization": "Bearer ink_wrong"}, timeout=60)

    writer = threading.Thread(target=load)
    writer.start()
    try:
        while len(acknowledged) < 50:
            threading.Event().wait(0.1)
        before = len(acknowledged)
        backup = tmp_path / "copy.sqlite"
        made = subprocess.run([str(BINARY), "backup", str(backup), "--data-dir", str(fresh_folder / "data")],
                              capture_output=True, text=True, timeout=300)
        after = len(acknowledged)
        assert made.returncode == 0 and "integrity_check ok" in made.stdout, made.stderr
        again = subprocess.run([str(BINARY), "backup", str(backup), "--data-dir", str(fresh_folder / "data")],
                               capture_output=True, text=True, timeout=300)
        assert again.returncode != 0 and "exists" in again.stderr  # never overwrites
    finally:
        stop.set()
        writer.join()
        server.stop()

    # Restore: the copy becomes the database of a data folder holding the same keys.
    restored = tmp_path / "restored"
    shutil.copytree(fresh_folder / "data", restored / "data")
    for stale in (restored / "data").glob("incentives.sqlite*"):
        stale.unlink()
    shutil.copy(backup, restored / "data" / "incentives.sqlite")
    with sqlite3.connect(restored / "data" / "incentives.sqlite") as database:
        assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = database.execute("SELECT COUNT(*) FROM event").fetchone()[0]
        awards = database.execute("SELECT COUNT(*) FROM achievement").fetchone()[0]
    print(f"{before} events acknowledged before the backup began, {after} when it ended; the copy holds {events}")
    assert before <= events <= after + 1 and awards == events  # a snapshot in between (one reply may be in flight)
    verified = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(restored / "data")],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout
