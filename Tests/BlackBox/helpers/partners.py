"""A partner registered through the admin API, with its authlib client, and the programs it may be
given."""
import requests
from authlib.common.security import generate_token

from helpers.oauth import REDIRECT, Browser, client_for, discovery


class Partner:
    """A partner registered through the admin API, with an authlib client."""

    def __init__(self, server, admin, name, programs):
        created = admin.post("/v1/partners", {"name": name, "redirect_uris": [REDIRECT],
                                              "scopes": ["achievements:read"], "program_ids": programs})
        assert created.status_code == 201, created.text
        self.server = server
        self.client_id = created.json()["client_id"]
        self.secret = created.json()["client_secret"]
        self.metadata = discovery(server)

    def client(self):
        return client_for(self.server, self.client_id, self.secret)

    def user_token(self, user, password) -> dict:
        client = self.client()
        verifier = generate_token(48)
        url, _ = client.create_authorization_url(self.metadata["authorization_endpoint"], code_verifier=verifier)
        location = Browser(self.server).authorize(url, user, password)
        return client.fetch_token(self.metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)

    def feed(self, access_token, **params):
        return requests.get(f"{self.server.base_url}/v1/achievements", params=params, verify=self.server.ca, timeout=30,
                            headers={"Authorization": f"Bearer {access_token}"})


def programs_of(admin, employer):
    return [p["id"] for p in admin.get(f"/v1/employers/{employer}/programs").json()["data"]]
