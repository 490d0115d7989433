"""The server logs JSON lines carrying request ids, and never a secret it handled."""
import json

from helpers.api import Api
from helpers.server import create_api_key, start_server
from helpers.oauth import Browser, create_user_with_password
from helpers.events import birth, event, seeded
from helpers.partners import Partner, programs_of


def test_logs_are_json_with_request_ids_and_no_secrets(fresh_folder):
    server = start_server(fresh_folder)
    try:
        key = create_api_key(fresh_folder, "admin", "events:write")
        admin = Api(server, key)
        employer, user = seeded(admin, birth())
        admin.post("/v1/events", event(user, type="fact", value="gave birth"))
        partner = Partner(server, admin, "Logged", programs_of(admin, employer))
        password = create_user_with_password(admin, "logged-user", employer, password="a secret password 1234")
        token = partner.user_token("logged-user", password)
        partner.feed(token["access_token"])
        link = admin.post("/v1/users/logged-user/sign-in-links").json()["url"]
        Browser(server).session.get(link, allow_redirects=False, timeout=30)
        partner.feed("not-a-token")
    finally:
        server.stop()

    lines = (fresh_folder / f"server-{server.port}.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests_logged = [r for r in records if r["message"] == "Request"]
    assert len(requests_logged) >= 10
    assert all(r["hb.request.id"] and r["http.status"] and r["level"] and r["time"] for r in requests_logged)
    assert {"/v1/events", "/oauth/token", "/v1/achievements", "/login/link"} <= {r["http.path"] for r in requests_logged}
    text = "\n".join(lines)
    secrets = {"API key": key, "client secret": partner.secret, "password": password,
               "access token": token["access_token"], "refresh token": token["refresh_token"],
               "sign-in link token": link.split("token=", 1)[1]}
    leaked = [name for name, secret in secrets.items() if secret in text]
    assert not leaked, leaked
