"""An unmodified authlib client runs discovery, authorization with PKCE (forms submitted), token,
refresh and revocation over HTTPS, and verifies the access token with the published JWKS."""
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from authlib.common.security import generate_token

from helpers.events import unique
from helpers.oauth import REDIRECT, Browser, client_for, create_partner, create_user_with_password, discovery, forms

def test_authlib_full_flow(server, admin):
    metadata = discovery(server)
    client_id, secret = create_partner(server.folder, "Acme Rewards", REDIRECT)
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    client = client_for(server, client_id, secret)
    verifier = generate_token(48)
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    browser = Browser(server)
    location = browser.authorize(url, user, password)
    assert location.startswith(REDIRECT) and f"state={state}" in location and "iss=" in location
    token = client.fetch_token(metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["refresh_token"] and token["expires_in"] == 600

    jwks = requests.get(metadata["jwks_uri"], verify=server.ca, timeout=30).json()
    decoded = jwt.decode(token["access_token"], KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert decoded.header["typ"] == "at+jwt" and decoded.header["kid"] in {k["kid"] for k in jwks["keys"]}
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": metadata["issuer"]},
                          aud={"essential": True, "value": metadata["issuer"] + "/v1"}).validate(decoded.claims)
    claims = decoded.claims
    assert claims["client_id"] == client_id and claims["sub"] != user
    assert claims["grant_id"] and claims["family_id"] and claims["scope"] == "achievements:read"

    refreshed = client.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    revoked = client.revoke_token(metadata["revocation_endpoint"], token=refreshed["refresh_token"],
                                  token_type_hint="refresh_token")
    assert revoked.status_code == 200
    introspected = client.introspect_token(metadata["introspection_endpoint"], token=refreshed["refresh_token"]).json()
    assert introspected["active"] is False

    # Consent is remembered: a second authorization skips the page, prompt=consent forces it.
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    assert browser.get(url).status_code == 303
    page = browser.get(url + "&prompt=consent")
    assert page.status_code == 200 and "Acme Rewards" in page.text and "past and future achievements" in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_client_credentials_with_post_authentication(server):
    metadata = discovery(server)
    client_id, secret = create_partner(server.folder, "Machine", REDIRECT)
    client = client_for(server, client_id, secret, method="client_secret_post")
    token = client.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    assert "refresh_token" not in token
    response = requests.post(metadata["token_endpoint"], data={"grant_type": "client_credentials"}, verify=server.ca,
                             auth=(client_id, secret + "x"), timeout=30)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response.headers["Cache-Control"] == "no-store"


def test_authorization_refusals(server, admin):
    metadata = discovery(server)
    client_id, secret = create_partner(server.folder, "Refused", REDIRECT)
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    browser = Browser(server)
    assert browser.sign_in(user, password).status_code == 303
    base = metadata["authorization_endpoint"]
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    good = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "achievements:read",
            "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256"}
    # Unknown client or unregistered redirect URI: an error page, never a redirect.
    for bad in ({"client_id": "cli_unknown"}, {"redirect_uri": "https://evil.example/cb"}):
        response = browser.get(base, params={**good, **bad})
        assert response.status_code == 400 and "Location" not in response.headers
    # plain PKCE is refused with a redirect carrying the error, state and iss.
    response = browser.get(base, params={**good, "code_challenge_method": "plain", "code_challenge": "x" * 43})
    assert response.status_code == 303 and "error=invalid_request" in response.headers["Location"]
    assert "state=s1" in response.headers["Location"] and "iss=" in response.headers["Location"]
    # A consent POST without the CSRF token is refused.
    page = browser.get(base, params=good)
    form = [f for f in forms(page.text) if f["action"] == "/oauth/authorize"][0]
    fields = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
    assert browser.post("/oauth/authorize", {**fields, "decision": "approve"}).status_code == 403
    assert browser.post("/oauth/authorize", {**fields, "csrf_token": "wrong", "decision": "approve"}).status_code == 403
    # Deny: access_denied back to the client.
    denied = browser.post("/oauth/authorize", {**form["fields"], "decision": "deny"})
    assert "error=access_denied" in denied.headers["Location"]


def test_sign_in_refusals(server, admin):
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    browser = Browser(server)

    def fresh_form():
        return forms(browser.get("/login").text)[0]["fields"]

    no_csrf = browser.post("/login", {"username": user, "password": password, "next": "/account/connections"})
    assert no_csrf.status_code == 403
    wrong = browser.post("/login", {**fresh_form(), "username": user, "password": "nope"})
    assert wrong.status_code == 401
    # next must be a relative path: an absolute URL falls back to the connections page.
    ok = browser.post("/login", {**fresh_form(), "username": user, "password": password, "next": "https://evil.example/"})
    assert ok.status_code == 303 and ok.headers["Location"] == "/account/connections"
    cookie = [c for c in ok.headers.get("Set-Cookie", "").split(", ") if c.startswith("__Host-incentives_session=")][0]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
