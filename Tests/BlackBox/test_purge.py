"""The purge job of a running server deletes expired sign-in and OAuth state on its schedule."""
import sqlite3
import time

from helpers.api import Api
from helpers.server import create_api_key, start_server

LONG_AGO = "2000-01-01 00:00:00.000"
FUTURE = "2999-01-01 00:00:00.000"


def counts(database, names):
    return {name: database.execute(f"SELECT COUNT(*) FROM {table} WHERE {key} = ?", (name,)).fetchone()[0]
            for name, (table, key) in names.items()}


def test_expired_state_is_purged_on_schedule_and_live_state_kept(fresh_folder):
    server = start_server(fresh_folder, "--purge-interval", "1", "--purge-keep-hours", "0")
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin"))
        assert admin.post("/v1/users", {"id": "purged-user", "timezone": "UTC"}).status_code == 201
        database = sqlite3.connect(fresh_folder / "data" / "incentives.sqlite", timeout=30)
        for name, expires in [("dead", LONG_AGO), ("live", FUTURE)]:
            database.execute("INSERT INTO signInLink (hash, userId, expiresAt) VALUES (?, 'purged-user', ?)", (f"{name}-link", expires))
            database.execute("INSERT INTO revokedAccessToken (jti, expiresAt) VALUES (?, ?)", (f"{name}-jti", expires))
            database.execute("INSERT INTO loginThrottle (key, failures, nextAllowedAt) VALUES (?, 1, ?)", (f"{name}-throttle", expires))
            database.execute("INSERT INTO session (hash, userId, csrfToken, createdAt, lastSeenAt) VALUES (?, 'purged-user', 'x', ?, ?)",
                             (f"{name}-session", LONG_AGO if name == "dead" else FUTURE, LONG_AGO if name == "dead" else FUTURE))
        database.commit()
        rows = {f"{n}-link": ("signInLink", "hash") for n in ("dead", "live")}
        rows |= {f"{n}-jti": ("revokedAccessToken", "jti") for n in ("dead", "live")}
        rows |= {f"{n}-throttle": ("loginThrottle", "key") for n in ("dead", "live")}
        rows |= {f"{n}-session": ("session", "hash") for n in ("dead", "live")}
        started = time.monotonic()
        while time.monotonic() - started < 60:
            seen = counts(database, rows)
            if not any(count for name, count in seen.items() if name.startswith("dead")):
                break
            time.sleep(0.2)
        print(f"purged after {time.monotonic() - started:.2f}s: {seen}")
        assert all(count == 0 for name, count in seen.items() if name.startswith("dead")), seen
        assert all(count == 1 for name, count in seen.items() if name.startswith("live")), seen
        database.close()
    finally:
        assert server.stop() == 0
