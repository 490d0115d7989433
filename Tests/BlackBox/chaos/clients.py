"""HTTPS clients as the app, an admin, a signed-in user's browser and an OAuth partner would be.

Each object owns its own requests.Session, so give every thread its own objects."""
import base64
import hashlib
import json
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import requests

sys.path.append(str(Path(__file__).resolve().parent.parent))  # Tests/BlackBox, for its helpers
from helpers.html_forms import forms  # noqa: E402  (the form parser shared with the black-box tests)

TIMEOUT = 60  # seconds; generous, a debug server under load on 2 cores can be slow
REDIRECT_URI = "https://partner.example/callback"
SCOPE = "achievements:read"


def new_session(ca: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE would override our CA
    session.verify = ca
    return session


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified: only to learn which jti, grant and family the server issued."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class ApiClient:
    """Calls the /v1 API with an API key (the app's logging backend or an admin)."""

    def __init__(self, base_url: str, ca: str, key: str):
        self.base_url = base_url
        self.session = new_session(ca)
        self.session.headers["Authorization"] = f"Bearer {key}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.base_url + path, timeout=TIMEOUT, **kwargs)

    def post(self, path: str, body=None) -> requests.Response:
        return self.request("POST", path, json=body)


class FlowRefused(Exception):
    """The server answered a step of a browser or OAuth flow with something other than the next step."""

    def __init__(self, step: str, response: requests.Response):
        super().__init__(f"{step}: {response.status_code} {response.text[:200]!r}")
        self.step = step
        self.status = response.status_code


class Browser:
    """A user's browser: a cookie jar, the login form and the consent form."""

    def __init__(self, base_url: str, ca: str, username: str, password: str):
        self.base_url = base_url
        self.session = new_session(ca)
        self.username = username
        self.password = password

    def get(self, url: str, **kw) -> requests.Response:
        return self.session.get(self._absolute(url), allow_redirects=False, timeout=TIMEOUT, **kw)

    def post(self, url: str, data: dict, **kw) -> requests.Response:
        return self.session.post(self._absolute(url), data=data, allow_redirects=False, timeout=TIMEOUT, **kw)

    def _absolute(self, url: str) -> str:
        return url if url.startswith("https://") else self.base_url + url

    def sign_in(self, next_path: str = "/account/connections") -> str:
        """Submits the login form; returns where the server sends the browser next."""
        page = self.get(f"/login?next={quote(next_path, safe='')}")
        if page.status_code != 200:
            raise FlowRefused("login page", page)
        fields = forms(page.text)[0]["fields"]
        signed_in = self.post("/login", {**fields, "username": self.username, "password": self.password})
        if signed_in.status_code != 303:
            raise FlowRefused("login", signed_in)
        return signed_in.headers["Location"]

    def authorize(self, url: str) -> str:
        """Follows an authorization URL through sign-in and consent; returns the redirect to the client."""
        response = self.get(url)
        if response.status_code == 303 and response.headers["Location"].startswith("/login"):
            next_path = unquote(response.headers["Location"].split("next=", 1)[1])
            response = self.get(self.sign_in(next_path))
        if response.status_code == 200:  # the consent page
            consent = [f for f in forms(response.text) if f["action"] == "/oauth/authorize"]
            if not consent:
                raise FlowRefused("consent page", response)
            response = self.post("/oauth/authorize", {**consent[0]["fields"], "decision": "approve"})
        if response.status_code != 303 or not response.headers["Location"].startswith(REDIRECT_URI):
            raise FlowRefused("authorize", response)
        return response.headers["Location"]

    def revoke_grant(self, grant_id: str) -> requests.Response:
        """DELETE /v1/me/grants/{id} as a browser would send it: session cookie and our Origin."""
        url = f"{self.base_url}/v1/me/grants/{grant_id}"
        response = self.session.delete(url, headers={"Origin": self.base_url}, timeout=TIMEOUT)
        if response.status_code == 401:  # no session yet, or it expired: sign in and try once more
            self.sign_in()
            response = self.session.delete(url, headers={"Origin": self.base_url}, timeout=TIMEOUT)
        return response


class PartnerClient:
    """A confidential OAuth client: authorization code with PKCE, refresh, client credentials, the feed."""

    def __init__(self, base_url: str, ca: str, client_id: str, secret: str):
        self.base_url = base_url
        self.client_id = client_id
        self.secret = secret
        self.session = new_session(ca)

    def authorization_url(self) -> tuple[str, str, str]:
        """Returns (url, state, PKCE verifier)."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(12)
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI,
                           "scope": SCOPE, "state": state, "code_challenge": challenge, "code_challenge_method": "S256"})
        return f"{self.base_url}/oauth/authorize?{query}", state, verifier

    def token(self, **form) -> requests.Response:
        return self.session.post(f"{self.base_url}/oauth/token", data=form, auth=(self.client_id, self.secret),
                                 timeout=TIMEOUT)

    def exchange(self, redirect: str, state: str, verifier: str) -> requests.Response:
        query = parse_qs(urlsplit(redirect).query)
        if query.get("state") != [state] or "code" not in query:
            raise ValueError(f"bad redirect {redirect}")
        return self.token(grant_type="authorization_code", code=query["code"][0], redirect_uri=REDIRECT_URI,
                          code_verifier=verifier)

    def refresh(self, refresh_token: str) -> requests.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token)

    def client_credentials(self) -> requests.Response:
        return self.token(grant_type="client_credentials", scope=SCOPE)

    def introspect(self, token: str) -> dict:
        response = self.session.post(f"{self.base_url}/oauth/introspect", data={"token": token},
                                     auth=(self.client_id, self.secret), timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()

    def feed(self, access_token: str, **params) -> requests.Response:
        return self.session.get(f"{self.base_url}/v1/achievements", params=params, timeout=TIMEOUT,
                                headers={"Authorization": f"Bearer {access_token}"})
