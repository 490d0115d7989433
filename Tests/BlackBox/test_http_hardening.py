"""HTTP details of issue 17 over real HTTPS: scope before body, Cache-Control, RFC 9728 challenges."""
import base64
import json

import requests

from helpers.oauth import Browser
from helpers.events import unique
from helpers.partners import Partner

METADATA_PATH = "/.well-known/oauth-protected-resource/v1"


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_key_without_the_scope_gets_403_whatever_body_it_sends(auditor, app_key, admin):
    # Before the fix the body was decoded first: `{}` answered 400 and named the missing fields.
    for body in ["{}", "{", '{"event_id": 1}']:
        refused = auditor.post("/v1/events", data=body, headers={"Content-Type": "application/json"})
        assert refused.status_code == 403, (body, refused.status_code, refused.text)
        assert "events:write" in refused.json()["detail"]
    for path in ["/v1/users", "/v1/employers", "/v1/partners"]:
        refused = app_key.post(path, data="{}", headers={"Content-Type": "application/json"})
        assert refused.status_code == 403, (path, refused.status_code, refused.text)
    # The scope passes, so the body is judged: still 400 for the same `{}`.
    assert app_key.post("/v1/events", data="{}", headers={"Content-Type": "application/json"}).status_code == 400


def test_user_data_and_tokens_are_never_stored_by_a_cache(server, admin, app_key):
    user = unique("user")
    assert admin.post("/v1/users", {"id": user, "timezone": "UTC"}).status_code == 201
    base, ca = server.base_url, server.ca
    no_store = {
        "GET /v1/users": admin.get("/v1/users"),
        "GET /v1/users/{id}": admin.get(f"/v1/users/{user}"),
        "GET /v1/users/{id} unknown": admin.get("/v1/users/nobody-here"),
        "GET /v1/users/{id}/achievements": app_key.get(f"/v1/users/{user}/achievements"),
        "GET /v1/users/{id}/progress": app_key.get(f"/v1/users/{user}/progress"),
        "POST /v1/users/{id}/sign-in-links": app_key.post(f"/v1/users/{user}/sign-in-links"),
        "GET /v1/users without a key": requests.get(f"{base}/v1/users", verify=ca, timeout=30),
        "GET /v1/me/grants signed out": requests.get(f"{base}/v1/me/grants", verify=ca, timeout=30),
        "GET /login": Browser(server).get("/login"),
        "GET /oauth/authorize unknown client": Browser(server).get("/oauth/authorize?client_id=nobody"),
        "POST /oauth/token bad grant": requests.post(f"{base}/oauth/token", data={"grant_type": "password"}, verify=ca, timeout=30),
        "POST /oauth/introspect unauthenticated": requests.post(f"{base}/oauth/introspect", data={"token": "x"}, verify=ca, timeout=30),
    }
    for name, response in no_store.items():
        print(name, response.status_code, response.headers.get("Cache-Control"))
        assert response.headers.get("Cache-Control") == "no-store", name

    partner = Partner(server, admin, "Cache partner", [])
    token = partner.client().fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    page = partner.feed(token)
    assert page.status_code == 200 and page.headers.get("Cache-Control") == "private, no-cache"
    revalidated = requests.get(f"{base}/v1/achievements", verify=ca, timeout=30,
                               headers={"Authorization": f"Bearer {token}", "If-None-Match": page.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.headers.get("Cache-Control") == "private, no-cache"


def test_a_401_names_the_resource_metadata_whose_resource_is_the_tokens_audience(server, admin):
    base, ca = server.base_url, server.ca
    expected = f'resource_metadata="{base}{METADATA_PATH}"'
    anonymous = requests.get(f"{base}/v1/achievements", verify=ca, timeout=30)
    bad_token = requests.get(f"{base}/v1/achievements", verify=ca, timeout=30, headers={"Authorization": "Bearer not.a.jwt"})
    no_key = requests.get(f"{base}/v1/users", verify=ca, timeout=30)
    for response in (anonymous, bad_token, no_key):
        print(response.status_code, response.headers.get("WWW-Authenticate"))
        assert response.status_code == 401 and expected in response.headers["WWW-Authenticate"]
    assert bad_token.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')

    document = requests.get(f"{base}{METADATA_PATH}", verify=ca, timeout=30)
    assert document.status_code == 200
    partner = Partner(server, admin, "Metadata partner", [])
    token = partner.client().fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
    assert document.json()["resource"] == claims(token)["aud"] == f"{base}/v1"
    assert document.json()["authorization_servers"] == [partner.metadata["issuer"]]
    # RFC 9728 §3.3: a document at the bare path would have to describe the root, which takes no token.
    assert requests.get(f"{base}/.well-known/oauth-protected-resource", verify=ca, timeout=30).status_code == 404


def test_no_byte_of_a_body_is_read_before_the_credential(server, app_key):
    def post(body: str, media_type: str, key: str | None = None):
        headers = {"Content-Type": media_type, **({"Authorization": f"Bearer {key}"} if key else {})}
        return requests.post(f"{server.base_url}/v1/events", data=body, headers=headers, verify=server.ca, timeout=30)

    large = "x" * (70 * 1024)
    assert post("plain", "text/plain").status_code == 401
    assert post(large, "application/json").status_code == 401
    assert post("plain", "text/plain", app_key.key).status_code == 415
    assert post(large, "application/json", app_key.key).status_code == 413
