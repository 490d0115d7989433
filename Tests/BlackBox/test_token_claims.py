"""Access tokens signed with the server's own key (read from its data folder) whose claims or
header we must refuse, and a retired key that stops verifying once its tokens expired."""
import json
import subprocess
import time
from pathlib import Path

import requests

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server
from helpers.partners import Partner
from helpers.tokens import LEEWAY, LIFETIME, claims_of, key_schedule, mint, signing_kid


def assert_refused(response, name):
    assert response.status_code == 401, (name, response.status_code, response.text)
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"'), name


def test_well_signed_tokens_with_unacceptable_claims_are_refused(server, admin):
    partner = Partner(server, admin, "Claims", [])
    data = server.folder / "data"
    minted = mint(data, claims_of(partner))
    assert partner.feed(minted).status_code == 200  # the minting is right: only the changes below are refused
    now = int(time.time())
    refused = {
        "an hour's lifetime": mint(data, claims_of(partner, lifetime=3600)),
        "a year's lifetime issued a day ago": mint(data, claims_of(partner, iat=now - 86_400, lifetime=365 * 86_400)),
        "lifetime just over 10 minutes plus leeway": mint(data, claims_of(partner, lifetime=LIFETIME + LEEWAY + 1)),
        "crit header": mint(data, claims_of(partner), crit=["exp"]),
        "iat 2 minutes ahead": mint(data, claims_of(partner, iat=now + 120)),
        "nbf 2 minutes ahead": mint(data, claims_of(partner, nbf=now + 120)),
    }
    for name, token in refused.items():
        assert_refused(partner.feed(token), name)
    # A clock a little ahead stays within the leeway.
    assert partner.feed(mint(data, claims_of(partner, iat=now + 5, nbf=now + 5))).status_code == 200


def retire_original(data: Path, original: str, seconds_ago: float):
    """Moves the rotated key's start so that `original` stopped signing `seconds_ago` seconds ago."""
    schedule = key_schedule(data)
    for entry in schedule:
        if entry["kid"] != original:
            entry["activatesAt"] = time.time() - seconds_ago
    (data / "keys" / "keys.json").write_text(json.dumps(schedule))


def test_retired_key_stops_verifying_once_its_tokens_expired(fresh_folder):
    server = start_server(fresh_folder)
    try:
        data = fresh_folder / "data"
        admin = Api(server, create_api_key(fresh_folder, "admin"))
        partner = Partner(server, admin, "Retired", [])
        original = signing_kid(data)
        rotated = subprocess.run([str(BINARY), "keys", "rotate", "--data-dir", str(data)],
                                 capture_output=True, text=True, timeout=60, check=True).stdout
        print(rotated.strip())
        # A token of the original key whose own claims stay good for 10 minutes.
        token = mint(data, claims_of(partner), kid=original)
        jwks = partner.metadata["jwks_uri"]

        retire_original(data, original, seconds_ago=100)
        published = {k["kid"] for k in requests.get(jwks, verify=server.ca, timeout=30).json()["keys"]}
        assert original in published and len(published) == 2
        assert partner.feed(token).status_code == 200  # retired 100 s ago: tokens it signed may still be live

        retire_original(data, original, seconds_ago=LIFETIME + LEEWAY + 60)
        published = {k["kid"] for k in requests.get(jwks, verify=server.ca, timeout=30).json()["keys"]}
        assert original not in published and len(published) == 1
        assert_refused(partner.feed(token), "a token of a key retired longer than its longest token")
        assert partner.feed(mint(data, claims_of(partner))).status_code == 200  # the new key signs and verifies
    finally:
        server.stop()
