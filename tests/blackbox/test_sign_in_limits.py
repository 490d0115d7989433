"""Sign-in limits over HTTPS: a success clears only its username's back-off, never the address's."""
import requests
from requests.adapters import HTTPAdapter

from oauth_helpers import create_user_with_password, forms
from test_events_api import unique


class SourceAddressAdapter(HTTPAdapter):
    """Connects from a given loopback address (all of 127.0.0.0/8 is local on Linux), so each
    sign-in comes from its own address and the per-address back-off stays out of the way."""

    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(server, source: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = server.ca
    session.mount("https://", SourceAddressAdapter(source))
    return session


def post_login(server, session, username: str, password: str):
    fields = forms(session.get(f"{server.base_url}/login", timeout=60).text)[0]["fields"]
    return session.post(f"{server.base_url}/login", data={**fields, "username": username, "password": password},
                        allow_redirects=False, timeout=60)


def test_signing_in_to_ones_own_account_does_not_clear_the_address(server, admin):
    own = unique("sprayer")
    password = create_user_with_password(admin, own, None)
    session = session_from(server, "127.0.0.77")  # an address of its own: the shared server's 127.0.0.1 stays clean
    seen = []
    for guess in range(8):  # the back-off doubles each round, so a slow machine reaches it too
        seen.append(post_login(server, session, unique("victim"), "Spring2026!").status_code)
        if seen[-1] == 429:
            break
        seen.append(post_login(server, session, own, password).status_code)
    print(f"guess, own sign-in, ...: {seen}")
    assert seen[:2] == [401, 303] and seen[-1] == 429  # before: every guess 401, each own sign-in clearing the address
