"""Every step of a partner flow leaves its audit row, and `incentives audit verify` catches tampering."""
import json
import time
import sqlite3
import subprocess

from authlib.common.security import generate_token

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server
from helpers.oauth import Browser, create_user_with_password, forms
from helpers.partners import Partner


def audit(folder, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(BINARY), "audit", *args, "--data-dir", str(folder / "data")],
                          capture_output=True, text=True, timeout=120)


def test_full_flow_is_audited_and_tampering_is_named(fresh_folder):
    server = start_server(fresh_folder)
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        partner = Partner(server, admin, "Audited", [])
        user = "audited-user"
        password = create_user_with_password(admin, user, None)
        token = partner.user_token(user, password)                      # sign-in, consent, token
        assert partner.feed(token["access_token"]).status_code == 200  # pull
        browser = Browser(server)
        browser.sign_in(user, password)
        form = [f for f in forms(browser.get("/account/connections").text) if f["action"].endswith("/revoke")][0]
        browser.post(form["action"], form["fields"])                    # revoke
        assert partner.feed(token["access_token"]).status_code == 401  # refused pull
        check_audit_events_api(server, partner.client_id)
    finally:
        server.stop()

    rows = [json.loads(line) for line in audit(fresh_folder, "export").stdout.splitlines()]
    types = [(r["type"], r["outcome"]) for r in rows]
    for expected in [("admin.change", "ok"), ("sign_in", "ok"), ("consent.granted", "ok"), ("token.issued", "ok"),
                     ("partner.call", "ok"), ("consent.revoked", "ok"), ("credential.refused", "denied")]:
        assert expected in types, (expected, types)
    # The admin key was made on the command line: that is an admin change too, audited in its transaction.
    assert any(r["type"] == "admin.change" and '"command":"apikey create"' in (r["detail"] or "") for r in rows)
    call = next(r for r in rows if r["type"] == "partner.call")
    assert call["clientId"] == partner.client_id and call["jti"] and call["grantId"] and call["subject"]
    assert call["status"] == 200 and call["rows"] == 0 and call["requestId"] and call["address"] == "127.0.0.1"

    verified = audit(fresh_folder, "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout
    head = verified.stdout.strip().split()[-1]

    database = sqlite3.connect(fresh_folder / "data" / "incentives.sqlite")
    database.execute("UPDATE auditEvent SET outcome = 'denied' WHERE seq = 3")
    database.commit()
    edited = audit(fresh_folder, "verify")
    assert edited.returncode == 1 and "row 3" in edited.stdout
    database.execute("UPDATE auditEvent SET outcome = ? WHERE seq = 3", (rows[2]["outcome"],))
    database.execute("DELETE FROM auditEvent WHERE seq = (SELECT MAX(seq) FROM auditEvent)")
    database.commit()
    assert audit(fresh_folder, "verify").returncode == 0          # a cut end looks fine on its own...
    truncated = audit(fresh_folder, "verify", "--expect-head", head)
    assert truncated.returncode == 1 and "TRUNCATED" in truncated.stdout  # ...but not against the head


def check_audit_events_api(server, client_id):
    """The security team reads the same rows over `GET /v1/audit-events`, filtered and paged."""
    auditor = Api(server, create_api_key(server.folder, "audit:read"))
    calls = auditor.get("/v1/audit-events", params={"type": "partner.call", "client_id": client_id}).json()["data"]
    assert [(c["outcome"], c["status"]) for c in calls] == [("ok", 200)]
    assert calls[0]["path"] == "/v1/achievements" and len(calls[0]["mac"]) == 64
    refused = auditor.get("/v1/audit-events", params={"outcome": "denied", "client_id": client_id}).json()["data"]
    assert refused and all(r["type"] == "credential.refused" for r in refused)

    seen, cursor = [], None
    while True:
        page = auditor.get("/v1/audit-events", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [int(r["seq"]) for r in page["data"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) >= 7

    assert auditor.get("/v1/audit-events", params={"from": "2999-01-01T00:00:00Z"}).json()["data"] == []
    assert auditor.get("/v1/audit-events", params={"cursor": "not-ours"}).status_code == 400
    assert auditor.get("/v1/audit-events", params={"limit": 0}).status_code == 400
    admin_only = Api(server, create_api_key(server.folder, "admin"))
    assert admin_only.get("/v1/audit-events").status_code == 403


def test_retention_schedule_keeps_the_chain_verifiable(fresh_folder):
    server = start_server(fresh_folder, "--audit-retention-days", "0")  # keep everything for now
    try:
        for _ in range(5):  # refused credentials: five audit rows
            Api(server, "ink_not-a-key").get("/v1/employers")
    finally:
        server.stop()
    before = [json.loads(line) for line in audit(fresh_folder, "export").stdout.splitlines()]
    assert len(before) >= 5

    # About a second of retention: the serve started next applies it at once, deleting every older row.
    time.sleep(2)
    server = start_server(fresh_folder, "--audit-retention-days", "0.00001")
    try:
        Api(server, "ink_not-a-key").get("/v1/employers")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = [json.loads(line) for line in audit(fresh_folder, "export").stdout.splitlines()]
            if any(r["type"] == "audit.anchor" for r in rows):
                break
    finally:
        server.stop()
    rows = [json.loads(line) for line in audit(fresh_folder, "export").stdout.splitlines()]
    print(f"{len(before)} rows before retention, {len(rows)} after")
    assert rows[0]["seq"] > before[-1]["seq"] and any(r["type"] == "audit.anchor" for r in rows)
    verified = audit(fresh_folder, "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout
