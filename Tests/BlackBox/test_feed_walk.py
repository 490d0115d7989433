"""The partner feed under a long walk: 1,000+ achievements on pages of 7 while new ones arrive,
synchronously and through evaluation jobs; every row exactly once, in order; cursors are bound."""
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from helpers.api import Api
from helpers.server import create_api_key, start_server
from helpers.oauth import create_user_with_password
from helpers.events import event, unique
from helpers.partners import Partner

REPEATED_BIRTH = {"name": "Every report", "incentive": "event-reported", "parameters": {"type": "fact"},
                  "reward": {"name": "Points"}, "repeatable": True}


def post_events(server, key, users, count):
    """`count` events spread over `users`, each earning one achievement; returns the status codes."""
    local = threading.local()

    def post(index):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.trust_env = False
            local.session.verify = server.ca
            local.session.headers["Authorization"] = f"Bearer {key}"
        body = event(users[index % len(users)], type="fact", value=str(index))
        return local.session.post(f"{server.base_url}/v1/events", json=body, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(post, range(count)))


def walk(partner, token, limit=7, **params):
    """Follows `next_cursor` to the end; returns the rows and the number of pages."""
    rows, pages, cursor = [], 0, None
    while True:
        page = partner.feed(token, limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        body = page.json()
        rows += body["data"]
        pages += 1
        cursor = body.get("next_cursor")
        assert ("Link" in page.headers) == bool(cursor)
        if not cursor:
            return rows, pages


def visible_in_database(folder, program, users) -> int:
    with sqlite3.connect(folder / "data" / "incentives.sqlite") as database:
        marks = ",".join("?" * len(users))
        return database.execute(f"SELECT COUNT(*) FROM achievement WHERE programId = ? AND userId IN ({marks})",
                                (program, *users)).fetchone()[0]


def jobs_waiting(folder) -> int:
    with sqlite3.connect(folder / "data" / "incentives.sqlite") as database:
        return database.execute("SELECT COUNT(*) FROM job WHERE state <> 'dead'").fetchone()[0]


def test_walk_of_1000_with_late_and_async_awards_sees_each_row_once(fresh_folder):
    key = create_api_key(fresh_folder, "admin", "events:write")
    server = start_server(fresh_folder)
    admin = Api(server, key)
    employer = unique("emp")
    assert admin.post("/v1/employers", {"id": employer, "name": "Walkers"}).status_code == 201
    program = admin.post(f"/v1/employers/{employer}/programs", REPEATED_BIRTH).json()["id"]
    granted, other = [unique("walker") for _ in range(3)], unique("not-granted")
    for user in granted + [other]:
        create_user_with_password(admin, user, employer)
    partner = Partner(server, admin, "Walk", [program])
    for user in granted:
        partner.user_token(user, "correct horse battery staple")
    started = time.monotonic()
    assert set(post_events(server, key, granted, 1000)) == {201}
    assert set(post_events(server, key, [other], 20)) == {201}
    print(f"1,020 events in {time.monotonic() - started:.1f}s")
    server.stop()

    # From here every event is awarded by a job, after its reply: the late, asynchronous case.
    server = start_server(fresh_folder, "--evaluation-budget-ms", "0", port=server.port)
    try:
        token = partner.client().fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
        arriving = ThreadPoolExecutor(1).submit(post_events, server, key, granted + [other], 150)
        rows, pages = walk(partner, token)
        assert set(arriving.result(timeout=300)) == {202}
        expected = visible_in_database(fresh_folder, program, granted)
        deadline = time.monotonic() + 180
        while (len(rows) < expected or jobs_waiting(fresh_folder)) and time.monotonic() < deadline:
            # Jobs still awarding: continue after the last row seen, as a partner polling the feed would.
            time.sleep(0.5)
            more, extra = walk(partner, token, since=rows[-1]["sequence"])
            rows, pages = rows + more, pages + extra
            expected = visible_in_database(fresh_folder, program, granted)
        print(f"walked {len(rows)} rows in {pages} pages; {expected} visible in the database")

        sequences = [int(row["sequence"]) for row in rows]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
        assert len(rows) == expected >= 1000 + 150 * 3 // 4
        assert len({row["subject"] for row in rows}) == 3  # the ungranted user never appears
        check_cursor_binding(server, admin, partner, token, program)
        check_etag_sees_a_new_next_page(server, key, partner, token, granted[0], rows[-1]["sequence"])
    finally:
        server.stop()


def check_cursor_binding(server, admin, partner, token, program):
    first = partner.feed(token, limit=7).json()["next_cursor"]
    assert partner.feed(token, limit=7, cursor=first).status_code == 200
    position, mac = first.split(".")
    tampered = [f"{int(position) + 7}.{mac}", f"{position}.{mac[:-2]}AA", "0", "", "x" * 300]
    for cursor in tampered:
        refused = partner.feed(token, limit=7, cursor=cursor)
        assert refused.status_code == 400 and refused.headers["Content-Type"] == "application/problem+json", cursor
    assert partner.feed(token, limit=7, since="3", cursor=first).status_code == 400   # another query
    other = Partner(server, admin, "Other", [program])
    foreign = other.client().fetch_token(other.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    assert partner.feed(foreign, limit=7, cursor=first).status_code == 400            # another client


def check_etag_sees_a_new_next_page(server, key, partner, token, user, last):
    """The last page is unchanged by a new award, but it now has a next page: not 304."""
    def tail(**headers):
        return requests.get(f"{server.base_url}/v1/achievements", params={"since": str(int(last) - 1), "limit": 1},
                            headers={"Authorization": f"Bearer {token}", **headers}, verify=server.ca, timeout=30)
    before = tail()
    assert before.json().get("next_cursor") is None
    assert tail(**{"If-None-Match": before.headers["ETag"]}).status_code == 304
    assert set(post_events(server, key, [user], 1)) == {202}
    deadline = time.monotonic() + 120
    while tail().json().get("next_cursor") is None and time.monotonic() < deadline:
        time.sleep(0.5)
    after = tail(**{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.json()["data"] == before.json()["data"] and after.json()["next_cursor"]
