"""Partner access over real HTTPS: what a partner sees, and every token that must be refused."""
import base64
import hashlib
import hmac
import json
import threading

import requests

from helpers.events import event, seeded, unique, birth
from helpers.oauth import REDIRECT, Browser, create_user_with_password, forms
from helpers.partners import Partner, programs_of
from authlib.common.security import generate_token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_partners_see_only_their_programs_and_granted_users(server, admin, app_key):
    employer, _ = seeded(admin, birth("Kit A"), {**birth("Kit B"), "name": "Birth B"})
    program_a, program_b = programs_of(admin, employer)
    users = [unique("user") for _ in range(3)]
    for user in users:
        create_user_with_password(admin, user, employer)
        assert app_key.post("/v1/events", event(user, type="fact", value="gave birth")).status_code == 201
    a = Partner(server, admin, "Partner A", [program_a])
    b = Partner(server, admin, "Partner B", [program_b])
    password = "correct horse battery staple"
    token_a0 = a.user_token(users[0], password)
    token_a1 = a.user_token(users[1], password)
    token_b0 = b.user_token(users[0], password)

    own = a.feed(token_a0["access_token"]).json()["data"]
    assert [r["program_id"] for r in own] == [program_a] and "user_id" not in own[0] and "employer_id" not in own[0]
    subject_a = own[0]["subject"]
    subject_b = b.feed(token_b0["access_token"]).json()["data"][0]["subject"]
    assert subject_a != subject_b

    machine = a.client().fetch_token(a.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    wide = a.feed(machine)
    assert wide.status_code == 200 and wide.headers["RateLimit-Policy"] == '"partner";q=600;w=60'
    assert "RateLimit" in wide.headers and wide.headers["ETag"]
    assert {r["subject"] for r in wide.json()["data"]} >= {subject_a}
    assert all(r["program_id"] == program_a for r in wide.json()["data"])
    assert a.feed(machine, limit=1).headers.get("Link", "").endswith('rel="next"')
    malformed = a.feed(machine, **{"limit": 0})
    assert malformed.status_code == 400 and malformed.headers["RateLimit"].startswith('"partner";r=')  # quota headers on errors too
    anonymous = requests.get(f"{server.base_url}/v1/achievements", verify=server.ca, timeout=30)
    assert anonymous.status_code == 401 and "error=" not in anonymous.headers["WWW-Authenticate"]  # RFC 6750 §3.1

    # The user revokes partner A on the connections page: the very next call with the live token is 401.
    browser = Browser(server)
    browser.sign_in(users[0], password)
    page = browser.get("/account/connections")
    revoke = [f for f in forms(page.text) if f["action"].endswith("/revoke")]
    grants_a = [g for g in browser.session.get(f"{server.base_url}/v1/me/grants", timeout=30).json()["data"]
                if g["client_id"] == a.client_id]
    form = [f for f in revoke if grants_a[0]["id"] in f["action"]][0]
    assert browser.post(form["action"], form["fields"]).status_code == 303
    after = a.feed(token_a0["access_token"])
    assert after.status_code == 401 and 'error="invalid_token"' in after.headers["WWW-Authenticate"]
    assert subject_a not in {r["subject"] for r in a.feed(machine).json()["data"]}
    assert a.feed(token_a1["access_token"]).status_code == 200  # other users unaffected
    assert b.feed(token_b0["access_token"]).status_code == 200  # other partners unaffected


def test_refused_tokens(server, admin):
    partner = Partner(server, admin, "Strict", [])
    client = partner.client()
    token = client.fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    assert partner.feed(token).status_code == 200
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    jwks = requests.get(partner.metadata["jwks_uri"], verify=server.ca, timeout=30).json()

    def forge(head: dict, body: dict, sign=lambda signing_input: signature) -> str:
        signing_input = b64(json.dumps(head).encode()) + "." + b64(json.dumps(body).encode())
        return signing_input + "." + sign(signing_input)

    key = jwks["keys"][0]
    public_point = b"\x04" + base64.urlsafe_b64decode(key["x"] + "==") + base64.urlsafe_b64decode(key["y"] + "==")
    refused = {
        "alg none": forge({"alg": "none", "typ": "at+jwt", "kid": key["kid"]}, claims, lambda _: ""),
        "HS256 with the public key": forge({"alg": "HS256", "typ": "at+jwt", "kid": key["kid"]}, claims,
                                           lambda s: b64(hmac.new(public_point, s.encode(), hashlib.sha256).digest())),
        "unknown kid": forge({"alg": "ES256", "typ": "at+jwt", "kid": "nope"}, claims),
        "tampered payload": forge(json.loads(base64.urlsafe_b64decode(header + "==")), {**claims, "scope": "achievements:read admin"}),
        "tampered signature": header + "." + payload + "." + signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB"),
        "expired": forge(json.loads(base64.urlsafe_b64decode(header + "==")), {**claims, "exp": 1000}),
        "wrong audience": forge(json.loads(base64.urlsafe_b64decode(header + "==")), {**claims, "aud": "https://elsewhere"}),
        "wrong issuer": forge(json.loads(base64.urlsafe_b64decode(header + "==")), {**claims, "iss": "https://elsewhere"}),
        "garbage": "not-a-token",
    }
    for name, forged in refused.items():
        response = partner.feed(forged)
        assert response.status_code == 401, name
        assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"'), name
        assert response.headers["Content-Type"].startswith("application/problem+json"), name

    # Revoked by RFC 7009, then a disabled partner: both reach live tokens at once.
    assert client.revoke_token(partner.metadata["revocation_endpoint"], token=token).status_code == 200
    assert partner.feed(token).status_code == 401
    fresh = client.fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    assert admin.patch(f"/v1/partners/{partner.client_id}", {"disabled": True}).json()["disabled"] is True
    assert partner.feed(fresh).status_code == 401
    denied = requests.post(partner.metadata["token_endpoint"], data={"grant_type": "client_credentials"},
                           auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30)
    assert denied.status_code == 401


def test_refresh_reuse_and_code_reuse_revoke_live_tokens(server, admin):
    partner = Partner(server, admin, "Families", [])
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    first = partner.user_token(user, password)
    client = partner.client()
    second = client.refresh_token(partner.metadata["token_endpoint"], refresh_token=first["refresh_token"])
    # Within 5 s: a retry, refused with invalid_grant only; the family lives on.
    retry = requests.post(partner.metadata["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                          auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30)
    assert retry.status_code == 400 and retry.json()["error"] == "invalid_grant"
    assert partner.feed(second["access_token"]).status_code == 200

    # Of concurrent refreshes with one token exactly one succeeds.
    results = []
    def refresh():
        results.append(requests.post(partner.metadata["token_endpoint"],
                                     data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                                     auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30).status_code)
    threads = [threading.Thread(target=refresh) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [200] + [400] * 7

    # Code reuse revokes what the code issued, live access token included.
    client = partner.client()
    verifier = generate_token(48)
    url, _ = client.create_authorization_url(partner.metadata["authorization_endpoint"], code_verifier=verifier)
    location = Browser(server).authorize(url, user, password)
    issued = client.fetch_token(partner.metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)
    assert partner.feed(issued["access_token"]).status_code == 200
    code = location.split("code=")[1].split("&")[0]
    again = requests.post(partner.metadata["token_endpoint"], verify=server.ca, timeout=30, auth=(partner.client_id, partner.secret),
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert partner.feed(issued["access_token"]).status_code == 401


def test_wrong_pkce_verifier_and_foreign_introspection(server, admin):
    partner = Partner(server, admin, "Verifier", [])
    other = Partner(server, admin, "Other", [])
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    client = partner.client()
    verifier = generate_token(48)
    url, _ = client.create_authorization_url(partner.metadata["authorization_endpoint"], code_verifier=verifier)
    location = Browser(server).authorize(url, user, password)
    code = location.split("code=")[1].split("&")[0]
    wrong = requests.post(partner.metadata["token_endpoint"], verify=server.ca, timeout=30, auth=(partner.client_id, partner.secret),
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": generate_token(48)})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    token = partner.user_token(user, password)
    foreign = requests.post(partner.metadata["introspection_endpoint"], data={"token": token["access_token"]},
                            auth=(other.client_id, other.secret), verify=server.ca, timeout=30)
    assert foreign.json() == {"active": False}
    revoke = requests.post(partner.metadata["revocation_endpoint"], data={"token": token["access_token"]},
                           auth=(other.client_id, other.secret), verify=server.ca, timeout=30)
    assert revoke.status_code == 400 and revoke.json()["error"] == "unauthorized_client"
    assert partner.feed(token["access_token"]).status_code == 200


def test_my_grants_need_session_and_origin(server, admin):
    partner = Partner(server, admin, "Origin", [])
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    partner.user_token(user, password)
    browser = Browser(server)
    assert requests.get(f"{server.base_url}/v1/me/grants", verify=server.ca, timeout=30).status_code == 401
    browser.sign_in(user, password)
    grants = browser.session.get(f"{server.base_url}/v1/me/grants", timeout=30).json()["data"]
    assert len(grants) == 1 and grants[0]["partner_name"] == "Origin"
    url = f"{server.base_url}/v1/me/grants/{grants[0]['id']}"
    assert browser.session.delete(url, timeout=30).status_code == 403
    assert browser.session.delete(url, headers={"Origin": "https://evil.example"}, timeout=30).status_code == 403
    assert browser.session.delete(url, headers={"Origin": server.base_url}, timeout=30).status_code == 204
    assert browser.session.get(f"{server.base_url}/v1/me/grants", timeout=30).json()["data"][0]["active"] is False
    listed = admin.get(f"/v1/partners/{partner.client_id}/grants").json()["data"]
    assert listed[0]["active"] is False


def test_sign_in_link_is_single_use(server, admin, app_key):
    user = unique("user")
    create_user_with_password(admin, user, None)
    link = app_key.post(f"/v1/users/{user}/sign-in-links")
    assert link.status_code == 201
    browser = Browser(server)
    first = browser.session.get(link.json()["url"], allow_redirects=False, timeout=30)
    assert first.status_code == 303 and first.headers["Location"] == "/account/connections"
    assert Browser(server).session.get(link.json()["url"], allow_redirects=False, timeout=30).status_code == 400


def test_rate_limit_per_partner(fresh_folder):
    from helpers.api import Api
    from helpers.audit import exported_rows
    from helpers.server import create_api_key, start_server
    server = start_server(fresh_folder, "--partner-rate-limit", "3")
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin"))
        a = Partner(server, admin, "Limited", [])
        b = Partner(server, admin, "Other", [])
        token_a = a.client().fetch_token(a.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
        token_b = b.client().fetch_token(b.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
        # Seven calls against a quota of 3 a minute meet a 429 even if a window turns over meanwhile.
        responses = [a.feed(token_a) for _ in range(7)]
        limited = next(r for r in responses if r.status_code == 429)
        assert limited.headers["Content-Type"].startswith("application/problem+json")
        assert int(limited.headers["Retry-After"]) >= 0
        assert limited.headers["RateLimit-Policy"] == '"partner";q=3;w=60' and limited.headers["RateLimit"].startswith('"partner";r=0')
        assert b.feed(token_b).status_code == 200  # another partner is unaffected
    finally:
        server.stop()  # graceful: the minute's summary row is written on the way out
    refused = sum(r.status_code == 429 for r in responses)
    rows = exported_rows(fresh_folder / "data")
    own = [r for r in rows if r.get("clientId") == a.client_id and r.get("status") == 429]
    summaries = [r for r in rows if r.get("clientId") == a.client_id and r["type"] == "rate_limited.summary"]
    print(f"{refused} refusals audited as {len(own)} rows and {len(summaries)} summaries")
    assert 1 <= len(own) <= 2  # one row per client and minute (the calls may straddle a minute)
    assert len(own) + sum(int(json.loads(s["detail"])["refusals"]) - 1 for s in summaries) == refused


def test_partners_cannot_join_their_views(server, admin, app_key):
    employer, _ = seeded(admin, birth("Kit"))
    program = programs_of(admin, employer)[0]
    user = unique("user")
    password = create_user_with_password(admin, user, employer)
    event_id = unique("ev")
    assert app_key.post("/v1/events", event(user, type="fact", value="gave birth", event_id=event_id)).status_code == 201
    a = Partner(server, admin, "View A", [program])
    b = Partner(server, admin, "View B", [program])
    row_a = a.feed(a.user_token(user, password)["access_token"]).json()["data"][0]
    row_b = b.feed(b.user_token(user, password)["access_token"]).json()["data"][0]
    assert row_a["subject"] != row_b["subject"] and row_a["id"] != row_b["id"]
    assert row_a["event_ids"] != row_b["event_ids"] and event_id not in row_a["event_ids"] + row_b["event_ids"]
    app_view = app_key.get(f"/v1/users/{user}/achievements").json()["data"][0]
    assert app_view["id"] not in (row_a["id"], row_b["id"])
