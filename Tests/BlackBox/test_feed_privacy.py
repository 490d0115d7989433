"""Partners cannot join their views of a user (issue 17): every identifier a partner sees in the
feed is its own, over real HTTPS against the built server."""
import base64
import hashlib
import hmac
import re

from helpers.oauth import create_user_with_password
from helpers.events import event, seeded, unique
from helpers.partners import Partner, programs_of

REPEATED = {"name": "Every report", "incentive": "event-reported", "parameters": {"type": "fact"},
            "reward": {"name": "Points"}, "repeatable": True}
SHARED = {"program_id", "program_name", "incentive", "reward", "achieved_at", "achieved_on", "period_key"}
PASSWORD = "correct horse battery staple"


def machine_token(partner) -> str:
    return partner.client().fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]


def read_all(partner, token, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        page = partner.feed(token, limit=3, **params, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        rows += page.json()["data"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return rows


def private_values(rows) -> set[str]:
    """Every value of the fields that are not shared content (ids, subject, event ids, sequence)."""
    values = set()
    for row in rows:
        for field, value in row.items():
            if field not in SHARED:
                values.update(map(str, value if isinstance(value, list) else [value]))
    return values


def award(app_key, user, count):
    for index in range(count):
        assert app_key.post("/v1/events", event(user, type="fact", value=str(index))).status_code == 201


def test_two_partners_share_no_identifier_of_the_same_awards(server, admin, app_key):
    employer, _ = seeded(admin, REPEATED)
    [program] = programs_of(admin, employer)
    user = unique("user")
    create_user_with_password(admin, user, employer, PASSWORD)
    a, b = Partner(server, admin, "Join A", [program]), Partner(server, admin, "Join B", [program])
    a.user_token(user, PASSWORD)
    b.user_token(user, PASSWORD)
    award(app_key, user, 5)

    rows_a, rows_b = read_all(a, machine_token(a)), read_all(b, machine_token(b))
    assert len(rows_a) == len(rows_b) == 5
    for row_a, row_b in zip(rows_a, rows_b):  # the same awards, in the same order
        assert {k: row_a[k] for k in SHARED} == {k: row_b[k] for k in SHARED}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", row_a["achieved_at"]), row_a["achieved_at"]
    assert private_values(rows_a).isdisjoint(private_values(rows_b)), private_values(rows_a) & private_values(rows_b)
    sequences = [int(r["sequence"]) for r in rows_a]
    assert sequences == sorted(set(sequences))

    first_a, first_b = a.feed(machine_token(a), limit=1), b.feed(machine_token(b), limit=1)
    assert first_a.headers["ETag"] != first_b.headers["ETag"]
    assert first_a.json()["next_cursor"].split(".")[0] != first_b.json()["next_cursor"].split(".")[0]


def test_a_new_grant_brings_past_awards_after_the_partners_since(server, admin, app_key):
    employer, _ = seeded(admin, REPEATED)
    [program] = programs_of(admin, employer)
    early, late = unique("user"), unique("user")
    for user in (early, late):
        create_user_with_password(admin, user, employer, PASSWORD)
    partner = Partner(server, admin, "Backfill", [program])
    award(app_key, early, 2)          # before `early` grants the partner
    partner.user_token(late, PASSWORD)
    award(app_key, late, 2)
    token = machine_token(partner)
    seen = read_all(partner, token)
    assert len(seen) == 2
    since = seen[-1]["sequence"]

    partner.user_token(early, PASSWORD)  # consent: `early`'s past awards enter the feed now
    backfilled = read_all(partner, token, since=since)
    assert len(backfilled) == 2 and {r["subject"] for r in backfilled}.isdisjoint({r["subject"] for r in seen})
    assert all(int(r["sequence"]) > int(since) for r in backfilled)


def test_a_since_or_cursor_from_the_old_global_numbering_is_refused_with_a_restart_hint(server, admin):
    partner = Partner(server, admin, "Old numbering", [])
    token = machine_token(partner)
    assert partner.feed(token, since="0").status_code == 200
    assert partner.feed(token, since="+1000000000001").status_code == 400  # only as issued
    old = partner.feed(token, since="18421")
    assert old.status_code == 400 and old.headers["Content-Type"].startswith("application/problem+json")
    assert "beginning" in old.json()["detail"] and old.json()["errors"][0]["field"] == "since"

    # A cursor issued before the change: a global sequence under the same key and binding.
    key = (server.folder / "data" / "feed-cursor.key").read_bytes()
    message = "\n".join(["feed-cursor-v1", partner.client_id, "*", "", "18421"]).encode()
    mac = base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:16]).rstrip(b"=").decode()
    stale = partner.feed(token, cursor=f"18421.{mac}")
    assert stale.status_code == 400 and "beginning" in stale.json()["detail"], stale.text
    assert stale.json()["errors"][0]["field"] == "cursor"
