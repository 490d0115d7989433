"""Sign-in limits over HTTPS: a success clears only its username's back-off, never the address's;
and PBKDF2 runs at most --password-checks at once, so a burst of sign-ins beyond what the threads
can check within the wait gets 429 with Retry-After (the sign-in form again), while token and feed
calls keep being answered."""
import threading
import time

import requests
from requests.adapters import HTTPAdapter

from helpers.api import Api
from helpers.server import create_api_key, start_server
from helpers.oauth import create_user_with_password, forms
from helpers.events import unique
from helpers.partners import Partner


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


def sign_in_from(server, source: str, username: str, results: list):
    session = session_from(server, source)
    started = time.monotonic()
    response = post_login(server, session, username, "wrong password")
    results.append((response, time.monotonic() - started))


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


def test_a_burst_of_sign_ins_is_limited_and_leaves_tokens_alone(fresh_folder):
    server = start_server(fresh_folder, "--password-checks", "1")
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin"))
        partner = Partner(server, admin, "Busy", [])
        results = []
        threads = [threading.Thread(target=sign_in_from, args=(server, f"127.0.0.{10 + i}", f"nobody-{i}", results))
                   for i in range(40)]
        [t.start() for t in threads]
        time.sleep(0.5)  # the burst is under way
        started = time.monotonic()
        token = partner.client().fetch_token(partner.metadata["token_endpoint"], grant_type="client_credentials")["access_token"]
        feed = partner.feed(token)
        print(f"token and feed during the burst: {time.monotonic() - started:.2f}s")
        [t.join() for t in threads]
        assert feed.status_code == 200
        statuses = sorted(r.status_code for r, _ in results)
        print(f"sign-ins: {statuses}; slowest {max(s for _, s in results):.2f}s")
        assert set(statuses) <= {401, 429} and 401 in statuses and 429 in statuses
        for busy in (r for r, _ in results if r.status_code == 429):
            assert int(busy.headers["Retry-After"]) >= 1
            assert busy.headers["Content-Type"].startswith("text/html")
            assert [f["action"] for f in forms(busy.text)] == ["/login"]  # the form again, to retry
    finally:
        server.stop()
