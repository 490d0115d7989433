"""The audit log fails closed (issue 17): with a fault injected into the audit writer (a trigger that
makes every insert into auditEvent fail), nothing changes and nothing is disclosed, the client gets
503 problem+json, and once the fault is gone every retry works as if the failed call never
happened: a refresh retried after a 503 is not taken for reuse."""
import json
import sqlite3
import subprocess

import requests

from helpers.api import Api
from helpers.audit import exported_rows
from helpers.server import BINARY, create_api_key, start_server
from helpers.oauth import Browser, create_user_with_password
from helpers.partners import Partner

FAULT = "CREATE TRIGGER injected_audit_fault BEFORE INSERT ON auditEvent BEGIN SELECT RAISE(ABORT, 'injected audit fault'); END"


def set_fault(folder, on: bool):
    with sqlite3.connect(folder / "data" / "incentives.sqlite", timeout=30) as database:
        database.execute(FAULT if on else "DROP TRIGGER injected_audit_fault")


def unavailable(response):
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "data" not in response.json() and "access_token" not in response.text


def refresh(partner, refresh_token):
    return requests.post(partner.metadata["token_endpoint"], verify=partner.server.ca, timeout=30,
                         auth=(partner.client_id, partner.secret),
                         data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def test_no_change_and_no_disclosure_without_an_audit_row(fresh_folder):
    server = start_server(fresh_folder)
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        partner = Partner(server, admin, "Fail closed", [])
        password = create_user_with_password(admin, "closed-user", None)
        tokens = partner.user_token("closed-user", password)
        browser = Browser(server)
        assert browser.sign_in("closed-user", password).status_code == 303
        [grant] = browser.session.get(f"{server.base_url}/v1/me/grants", timeout=30).json()["data"]
        rows_before = audit_rows(fresh_folder)

        set_fault(fresh_folder, True)
        unavailable(partner.feed(tokens["access_token"]))                      # a disclosure
        unavailable(refresh(partner, tokens["refresh_token"]))                 # a rotation
        unavailable(requests.post(partner.metadata["token_endpoint"], data={"grant_type": "client_credentials"},
                                  auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30))
        unavailable(admin.post("/v1/employers", {"id": "never-made", "name": "Never"}))  # an admin change
        unavailable(browser.session.delete(f"{server.base_url}/v1/me/grants/{grant['id']}", timeout=30,
                                           headers={"Origin": server.base_url}))  # a revoke
        set_fault(fresh_folder, False)

        assert audit_rows(fresh_folder) == rows_before
        assert "never-made" not in {e["id"] for e in admin.get("/v1/employers", params={"limit": 200}).json()["data"]}
        assert partner.feed(tokens["access_token"]).status_code == 200          # the grant is still active
        retried = refresh(partner, tokens["refresh_token"])                     # not taken for reuse
        assert retried.status_code == 200, retried.text
        assert partner.feed(retried.json()["access_token"]).status_code == 200
    finally:
        assert server.stop() == 0
    verified = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(fresh_folder / "data")],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def audit_rows(folder) -> int:
    with sqlite3.connect(folder / "data" / "incentives.sqlite", timeout=30) as database:
        return database.execute("SELECT COUNT(*) FROM auditEvent").fetchone()[0]


def test_reuse_rows_name_client_and_grant_and_sign_in_links_are_audited(fresh_folder):
    server = start_server(fresh_folder)
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        partner = Partner(server, admin, "Reuse", [])
        password = create_user_with_password(admin, "reuse-user", None)
        tokens = partner.user_token("reuse-user", password)
        first = refresh(partner, tokens["refresh_token"])
        assert first.status_code == 200
        link = admin.post("/v1/users/reuse-user/sign-in-links")
        assert link.status_code == 201, link.text
    finally:
        assert server.stop() == 0
    with sqlite3.connect(fresh_folder / "data" / "incentives.sqlite") as database:
        # Rotated more than 5 s ago would be reuse; make it so, then present it once more.
        database.execute("UPDATE refreshToken SET rotatedAt = '2000-01-01 00:00:00.000' WHERE rotatedAt IS NOT NULL")
    server = start_server(fresh_folder, port=server.port)
    try:
        reused = refresh(partner, tokens["refresh_token"])
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    finally:
        assert server.stop() == 0
    rows = exported_rows(fresh_folder / "data")
    [reuse] = [r for r in rows if r["type"] == "reuse.detected"]
    assert reuse["clientId"] == partner.client_id and reuse["grantId"], reuse
    [minted] = [r for r in rows if r["type"] == "sign_in_link.created"]
    assert minted["userId"] == "reuse-user" and minted["outcome"] == "ok"


def test_a_flood_of_refused_credentials_is_summarised_not_logged_row_by_row(fresh_folder):
    server = start_server(fresh_folder)
    try:
        session = requests.Session()
        for _ in range(60):
            refused = session.get(f"{server.base_url}/v1/employers", headers={"Authorization": "Bearer ink_wrong"},
                                  verify=server.ca, timeout=30)
            assert refused.status_code == 401
    finally:
        assert server.stop() == 0  # the shutdown writes the last summary rows
    rows = exported_rows(fresh_folder / "data")
    exact = [r for r in rows if r["type"] == "credential.refused"]
    summaries = [r for r in rows if r["type"] == "credential.refused.summary"]
    assert 20 <= len(exact) <= 40  # 20 a source and minute; the run may straddle a minute
    assert len(exact) + sum(int(json.loads(s["detail"])["refusals"]) for s in summaries) == 60
    assert summaries and all(s["address"] == "127.0.0.1" for s in summaries)


def test_a_sign_in_link_is_not_spent_without_its_audit_row(fresh_folder):
    server = start_server(fresh_folder)
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        assert admin.post("/v1/users", {"id": "link-user", "timezone": "UTC"}).status_code == 201
        link = admin.post("/v1/users/link-user/sign-in-links").json()["url"]
        set_fault(fresh_folder, True)
        unavailable(requests.get(link, verify=server.ca, timeout=30, allow_redirects=False))
        set_fault(fresh_folder, False)
        signed_in = requests.get(link, verify=server.ca, timeout=30, allow_redirects=False)
        assert signed_in.status_code == 303 and "__Host-incentives_session=" in signed_in.headers.get("Set-Cookie", "")
    finally:
        assert server.stop() == 0
