"""Schemathesis hooks of the contract test, loaded through SCHEMATHESIS_HOOKS: a valid credential
for every security scheme of openapi.yaml, chosen by each operation's `security`, and unique ids
for the resources the stateful phase creates.

(Schemathesis drops programmatic auth when its config file names credentials too, so all of
them live here.) Generated requests reuse the ids the API returned, as they should, and so they
disable the partner, rotate its secret and revoke the user's grant; the rest of the run would
then only see 401s on the partner feed and the OAuth endpoints. So when a call with partner
credentials answers 401, schemathesis asks the provider again (`retry_on`): it re-enables the
partner, rotates to a secret it knows and, for the feed, goes through the real code flow again
(sign-in, consent, code exchange) before the request is replayed."""
import base64
import itertools
import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote_plus

import requests
import schemathesis
from schemathesis.generation.meta import TestPhase

from helpers.oauth import authorization_code_token

SETUP = json.loads(Path(os.environ["CONTRACT_SETUP"]).read_text())
SERVER = SimpleNamespace(base_url=SETUP["base_url"], ca=SETUP["ca"])
API_KEYS = {"adminKey": SETUP["keys"]["admin"], "eventsWriteKey": SETUP["keys"]["events:write"],
            "auditReadKey": SETUP["keys"]["audit:read"], "metricsReadKey": SETUP["keys"]["metrics:read"]}
SESSION_COOKIE = "__Host-incentives_session"
# Partner credentials are cached until a 401 asks for new ones; the run is shorter than this.
KEEP_SECONDS = 3600


class Partner:
    """The partner's current client secret; restored through the admin API when it stops working."""
    lock = threading.Lock()
    secret = SETUP["client_secret"]

    @classmethod
    def restore(cls) -> str:
        with cls.lock:
            session = requests.Session()
            session.trust_env = False
            session.verify = SERVER.ca
            session.headers["Authorization"] = f"Bearer {SETUP['keys']['admin']}"
            partner_url = f"{SERVER.base_url}/v1/partners/{SETUP['client_id']}"
            enabled = session.patch(partner_url, json={"disabled": False}, timeout=60)
            rotated = session.post(f"{partner_url}/secret", timeout=60)
            assert enabled.status_code == 200 and rotated.status_code == 200, (enabled.text, rotated.text)
            cls.secret = rotated.json()["client_secret"]
            return cls.secret


def set_authorization(case, value: str) -> None:
    case.headers = {**(case.headers or {}), "Authorization": value}


@schemathesis.auth(refresh_interval=KEEP_SECONDS).apply_to(path="/v1/achievements")
class PartnerBearer:
    """`partnerBearer`: a user-bound access token of the partner, from the real authorization code flow."""

    def __init__(self):
        self.first = True

    def get(self, case, context):
        if self.first:
            self.first = False
            return SETUP["access_token"]
        token = authorization_code_token(SERVER, SETUP["client_id"], Partner.restore(), SETUP["redirect_uri"],
                                         SETUP["username"], SETUP["password"])
        return token["access_token"]

    def set(self, case, data, context):
        set_authorization(case, f"Bearer {data}")


@schemathesis.auth(refresh_interval=KEEP_SECONDS).apply_to(path_regex=r"^/oauth/(token|revoke|introspect)$")
class ClientSecretBasic:
    """`clientSecretBasic`: the form-encoded client id and secret (RFC 6749 §2.3.1)."""

    def __init__(self):
        self.first = True

    def get(self, case, context):
        secret = Partner.secret if self.first else Partner.restore()
        self.first = False
        return f"{quote_plus(SETUP['client_id'])}:{quote_plus(secret)}"

    def set(self, case, data, context):
        set_authorization(case, "Basic " + base64.b64encode(data.encode()).decode())


@schemathesis.auth(refresh_interval=None)
class SchemeCredentials:
    """API keys by scope and the session cookie: the first security requirement of the operation we hold."""

    def get(self, case, context):
        for requirement in context.operation.definition.raw.get("security", []):
            if len(requirement) == 1 and next(iter(requirement)) in API_KEYS:
                return ("apiKey", API_KEYS[next(iter(requirement))])
            if list(requirement) == ["sessionCookie"]:
                return ("cookie", SETUP["session"])
        return None

    def set(self, case, data, context):
        kind, value = data
        if kind == "apiKey":
            set_authorization(case, f"Bearer {value}")
        else:
            case.cookies = {**(case.cookies or {}), SESSION_COOKIE: value}


# The operations that create a resource under an id of the caller's choosing, and that id's field.
CALLER_CHOSEN_IDS = {"createEmployer": "id", "createUser": "id", "createEvent": "event_id"}
ID_SUFFIXES = itertools.count(1)


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Stateful scenarios start from Hypothesis' simplest values, so every one would create employer
    "0" (or log event "0") and get 409 from the second on, and the chains the links describe
    (employer, program, user, event, achievements) would stop at their first step. There, these ids
    get a unique suffix; 409 and replays stay covered by the other phases and the seeded ids of the
    spec's examples."""
    if case.meta is None or case.meta.phase.name != TestPhase.STATEFUL:
        return
    field = CALLER_CHOSEN_IDS.get(case.operation.definition.raw.get("operationId"))
    if field and isinstance(case.body, dict) and isinstance(case.body.get(field), str):
        suffix = f"-{next(ID_SUFFIXES)}"
        case.body[field] = case.body[field][:200 - len(suffix)] + suffix
