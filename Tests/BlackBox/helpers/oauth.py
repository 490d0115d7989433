"""A browser-like session that signs in and answers the consent page through the real forms."""
import re
from urllib.parse import urljoin

import requests
from authlib.integrations.requests_client import OAuth2Session

from helpers.api import Api
from helpers.server import create_api_key
from helpers.html_forms import forms  # the form parser shared with the chaos run

REDIRECT = "https://partner.example/callback"


def discovery(server) -> dict:
    metadata = requests.get(f"{server.base_url}/.well-known/oauth-authorization-server", verify=server.ca, timeout=30).json()
    assert metadata["issuer"] == f"https://127.0.0.1:{server.port}"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    return metadata


def client_for(server, client_id, secret, method="client_secret_basic") -> OAuth2Session:
    client = OAuth2Session(client_id, secret, scope="achievements:read", redirect_uri=REDIRECT,
                           code_challenge_method="S256", token_endpoint_auth_method=method)
    client.trust_env = False  # else REQUESTS_CA_BUNDLE would override our CA
    client.verify = server.ca
    return client


class Browser:
    def __init__(self, server):
        self.server = server
        self.session = requests.Session()
        self.session.trust_env = False  # else REQUESTS_CA_BUNDLE would override our CA
        self.session.verify = server.ca

    def get(self, url, **kw):
        return self.session.get(urljoin(self.server.base_url, url), allow_redirects=False, timeout=60, **kw)

    def post(self, url, data, **kw):
        return self.session.post(urljoin(self.server.base_url, url), data=data, allow_redirects=False, timeout=60, **kw)

    def sign_in(self, username: str, password: str, next_path: str = "/account/connections"):
        page = self.get(f"/login?next={requests.utils.quote(next_path, safe='')}")
        form = forms(page.text)[0]
        return self.post("/login", {**form["fields"], "username": username, "password": password})

    def authorize(self, url: str, username: str, password: str, decision: str = "approve") -> str:
        """Follows the authorization URL through sign-in and consent; returns the final redirect."""
        response = self.get(url)
        if response.status_code == 303 and response.headers["Location"].startswith("/login"):
            signed_in = self.sign_in(username, password, next_path=requests.utils.unquote(response.headers["Location"].split("next=", 1)[1]))
            assert signed_in.status_code == 303, signed_in.text
            response = self.get(signed_in.headers["Location"])
        if response.status_code == 200:  # the consent page
            form = [f for f in forms(response.text) if f["action"] == "/oauth/authorize"][0]
            response = self.post("/oauth/authorize", {**form["fields"], "decision": decision})
        assert response.status_code == 303, response.text
        return response.headers["Location"]


def create_user_with_password(admin: Api, user_id: str, employer: str | None, password: str = "correct horse battery staple"):
    created = admin.post("/v1/users", {"id": user_id, "employer_id": employer, "timezone": "UTC",
                                      "username": user_id, "password": password})
    assert created.status_code == 201, created.text
    return password


def create_partner(folder, name: str, redirect_uri: str, programs=()) -> tuple[str, str]:
    import subprocess
    from helpers.server import BINARY
    args = [str(BINARY), "partner", "create", "--data-dir", str(folder / "data"), "--name", name, "--redirect-uri", redirect_uri]
    for program in programs:
        args += ["--program", program]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout
    values = dict(line.split("=", 1) for line in out.strip().splitlines())
    return values["client_id"], values["client_secret"]


def authorization_code_token(server, client_id: str, secret: str, redirect_uri: str, username: str, password: str) -> dict:
    """The real code flow with PKCE through a fresh browser: authorize, sign in, consent, exchange the code."""
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session
    client = OAuth2Session(client_id, secret, scope="achievements:read", redirect_uri=redirect_uri, code_challenge_method="S256")
    client.trust_env = False  # else REQUESTS_CA_BUNDLE would override our CA
    client.verify = server.ca
    verifier = generate_token(48)
    url, _ = client.create_authorization_url(f"{server.base_url}/oauth/authorize", code_verifier=verifier)
    location = Browser(server).authorize(url, username, password)
    return client.fetch_token(f"{server.base_url}/oauth/token", authorization_response=location, code_verifier=verifier)
