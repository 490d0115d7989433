"""A parameter given twice is invalid_request (RFC 6749 §3.1, §3.2), never last-wins: on the
authorization endpoint (query and form) a repeated client_id or redirect_uri gets the error page,
any other repeated parameter an invalid_request redirect; on the token endpoint a 400."""
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.common.security import generate_token

from helpers.oauth import Browser, create_user_with_password, forms, REDIRECT
from helpers.events import unique
from helpers.partners import Partner
from authlib.oauth2.rfc7636 import create_s256_code_challenge


def authorize_pairs(partner: Partner, **override) -> list[tuple[str, str]]:
    fields = {"response_type": "code", "client_id": partner.client_id, "redirect_uri": REDIRECT, "scope": "achievements:read",
              "state": "s-" + generate_token(8), "code_challenge": create_s256_code_challenge(generate_token(48)),
              "code_challenge_method": "S256", **override}
    return list(fields.items())


def signed_in(server, admin) -> Browser:
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    browser = Browser(server)
    assert browser.sign_in(user, password).status_code == 303
    return browser


def assert_error_page(response, name):
    assert response.status_code == 400, (name, response.status_code, response.headers.get("Location"))
    assert "Location" not in response.headers and response.headers["Content-Type"].startswith("text/html"), name


def assert_invalid_request_redirect(response, name, state_expected=True):
    assert response.status_code == 303, (name, response.status_code, response.text[:300])
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?"), (name, location)
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["invalid_request"] and "code" not in query and query["iss"], (name, location)
    assert ("state" in query) == state_expected, (name, location)


def test_authorize_query_with_a_repeated_parameter(server, admin):
    partner = Partner(server, admin, "Duplicates", [])
    browser = signed_in(server, admin)
    assert browser.get("/oauth/authorize?" + urlencode(authorize_pairs(partner))).status_code == 200  # the consent page
    # Which client, which redirect URI? Neither the first nor the last: an error page, no redirect.
    for first in ["client_id=someone-else", "redirect_uri=https%3A%2F%2Fevil.example%2Fcb", f"client_id={partner.client_id}",
                  "client%5Fid=someone-else"]:
        assert_error_page(browser.get(f"/oauth/authorize?{first}&" + urlencode(authorize_pairs(partner))), first)
    # Anything else repeated, even with the same value: invalid_request at the registered redirect URI.
    for name in ["scope", "code_challenge", "code_challenge_method", "response_type"]:
        pairs = authorize_pairs(partner)
        repeated = pairs + [(name, dict(pairs)[name])]
        assert_invalid_request_redirect(browser.get("/oauth/authorize?" + urlencode(repeated)), name)
    repeated_state = authorize_pairs(partner) + [("state", "other")]
    assert_invalid_request_redirect(browser.get("/oauth/authorize?" + urlencode(repeated_state)), "state", state_expected=False)


def test_authorize_form_with_a_repeated_parameter(server, admin):
    partner = Partner(server, admin, "Duplicate form", [])
    browser = signed_in(server, admin)
    page = browser.get("/oauth/authorize?" + urlencode(authorize_pairs(partner)))
    form = [f for f in forms(page.text) if f["action"] == "/oauth/authorize"][0]
    pairs = list(form["fields"].items()) + [("decision", "approve")]
    for name in ["client_id", "redirect_uri"]:
        assert_error_page(browser.post("/oauth/authorize", pairs + [(name, dict(pairs)[name])]), name)
    for name in ["decision", "scope", "code_challenge"]:
        assert_invalid_request_redirect(browser.post("/oauth/authorize", pairs + [(name, dict(pairs)[name])]), name)
    approved = browser.post("/oauth/authorize", pairs)
    assert approved.status_code == 303 and "code=" in approved.headers["Location"]  # the same form, once each: a code


def test_token_endpoint_with_a_repeated_parameter(server, admin):
    partner = Partner(server, admin, "Duplicate token", [])
    endpoint = partner.metadata["token_endpoint"]
    for pairs in [[("grant_type", "client_credentials"), ("grant_type", "client_credentials")],
                  [("grant_type", "client_credentials"), ("scope", "achievements:read"), ("scope", "achievements:read")],
                  [("grant_type", "client_credentials"), ("client_id", partner.client_id), ("client_id", partner.client_id),
                   ("client_secret", partner.secret)]]:
        auth = None if any(k == "client_secret" for k, _ in pairs) else (partner.client_id, partner.secret)
        response = requests.post(endpoint, data=pairs, auth=auth, verify=server.ca, timeout=30)
        assert response.status_code == 400 and response.json()["error"] == "invalid_request", (pairs, response.text)
    once = requests.post(endpoint, data=[("grant_type", "client_credentials")], auth=(partner.client_id, partner.secret),
                         verify=server.ca, timeout=30)
    assert once.status_code == 200
