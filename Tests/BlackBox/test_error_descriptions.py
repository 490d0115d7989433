"""Error answers say the RFC code and a fixed text only (issue 17): never request input, never why a
token no longer counts; the exact reason is in the audit row."""
import base64
import json
import time
from urllib.parse import parse_qs, urlencode, urlparse

import requests

from helpers.oauth import REDIRECT
from helpers.audit import exported_rows
from helpers.partners import Partner
from helpers.tokens import claims_of, mint

MARKER = "INJECTED-7f3a"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_oauth_errors_never_echo_input(server, admin):
    partner = Partner(server, admin, "Echo", [])
    token_endpoint = partner.metadata["token_endpoint"]
    answers = [
        requests.post(token_endpoint, data={"grant_type": MARKER}, auth=(partner.client_id, partner.secret),
                      verify=server.ca, timeout=30),
        requests.post(token_endpoint, data={"grant_type": "client_credentials", "client_id": MARKER},
                      auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30),
        requests.post(token_endpoint, data={"grant_type": "client_credentials", "scope": MARKER},
                      auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30),
        requests.post(token_endpoint, data={"grant_type": "refresh_token", "refresh_token": MARKER},
                      auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30),
    ]
    for answer in answers:
        assert answer.status_code in (400, 401) and answer.json()["error"], answer.text
        assert MARKER not in answer.text and MARKER not in answer.headers.get("WWW-Authenticate", "")

    forged = b64(json.dumps({"alg": MARKER, "typ": "at+jwt", "kid": MARKER}).encode()) + "." + b64(b"{}") + ".c2ln"
    refused = partner.feed(forged)
    assert refused.status_code == 401 and MARKER not in refused.text and MARKER not in refused.headers["WWW-Authenticate"]

    rows = exported_rows(server.folder / "data")
    reasons = [json.loads(r["detail"] or "{}").get("reason", "") for r in rows if r["type"] == "credential.refused"]
    assert any("unsupported" in reason or "grant_type" in reason for reason in reasons)


def test_a_revoked_and_an_expired_token_are_refused_alike(server, admin):
    partner = Partner(server, admin, "Alike", [])
    client = partner.client()
    live = client.fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    # Well signed by the server's own key, issued 50 minutes ago: expired, and nothing else wrong with it.
    expired = mint(server.folder / "data", claims_of(partner, iat=int(time.time()) - 3000))
    assert client.revoke_token(partner.metadata["revocation_endpoint"], token=live).status_code == 200
    revoked_answer, expired_answer = partner.feed(live), partner.feed(expired)
    assert revoked_answer.status_code == expired_answer.status_code == 401
    assert revoked_answer.headers["WWW-Authenticate"] == expired_answer.headers["WWW-Authenticate"]
    assert revoked_answer.json()["detail"] == expired_answer.json()["detail"]
    introspected = requests.post(partner.metadata["introspection_endpoint"], data={"token": live},
                                 auth=(partner.client_id, partner.secret), verify=server.ca, timeout=30).json()
    assert introspected == {"active": False}


def test_a_repeated_authorize_parameter_is_not_named_in_the_redirect(server, admin):
    partner = Partner(server, admin, "Repeated", [])
    query = urlencode([("client_id", partner.client_id), ("redirect_uri", REDIRECT), ("response_type", "code"),
                       ("code_challenge_method", "S256"), ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                       ("state", "s1"), (MARKER, "1"), (MARKER, "2")])
    answer = requests.get(f"{server.base_url}/oauth/authorize?{query}", verify=server.ca, timeout=30, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    redirect = parse_qs(urlparse(answer.headers["Location"]).query)
    assert redirect["error"] == ["invalid_request"] and MARKER not in answer.headers["Location"]
