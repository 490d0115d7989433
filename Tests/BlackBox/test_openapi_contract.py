"""The contract partners code against: openapi.yaml is a valid OpenAPI 3.1 document, and the live
server keeps it. Schemathesis generates requests for every operation (examples, coverage, fuzzing
and the stateful phase that follows the spec's `links`) with valid credentials for every security
scheme, against a server seeded with the ids the spec's examples use."""
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests

from helpers.api import Api
from helpers.server import ROOT, create_api_key, start_server
from helpers.oauth import Browser, authorization_code_token, REDIRECT
from helpers.spec_examples import SpecExamples

HERE = Path(__file__).resolve().parent
SPEC = ROOT / "openapi.yaml"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"  # beside the running pytest
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance"]
MINIMUM_REQUESTS = 5000
# Enough generated cases per operation for MINIMUM_REQUESTS across examples, coverage, fuzzing
# and stateful phases, while a debug build on 2 shared cores finishes in a few minutes.
MAX_EXAMPLES = 160
WORKERS = 2
USERNAME = "dana.k"
PASSWORD = "correct horse battery staple"


def test_spec_is_valid_openapi_3_1():
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate
    from openapi_spec_validator.readers import read_from_filename
    document, _ = read_from_filename(str(SPEC))
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_parameter_header_and_body_has_an_example_that_fits_its_schema():
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    document = yaml.safe_load(SPEC.read_text())
    examples = SpecExamples(document).collect()
    assert not examples.missing, "without an example: " + ", ".join(examples.missing)
    registry = Registry().with_resource("urn:openapi", Resource(document, specification=DRAFT202012))
    failures = []
    for example in examples.found:
        validator = Draft202012Validator({"$ref": f"urn:openapi#{example.pointer}"}, registry=registry)
        failures += [f"{example.where}: {error.message[:200]}" for error in validator.iter_errors(example.value)]
    assert not failures, "\n".join(failures)
    assert len(examples.found) > 200


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory):
    # pytest keeps the folder of the last runs: the server log and schemathesis' output stay for a look.
    server = start_server(tmp_path_factory.mktemp("contract"))
    yield server
    assert server.stop() == 0


def days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def spec_examples(path: str, method: str) -> list[dict]:
    import yaml
    operation = yaml.safe_load(SPEC.read_text())["paths"][path][method]
    return [example["value"] for example in operation["requestBody"]["content"]["application/json"]["examples"].values()]


def seed(admin: Api) -> list[str]:
    """The employers, users, programs and events the spec's examples name, with achievements earned."""
    for employer, name in [("acme", "Acme Corporation"), ("globex", "Globex Ltd")]:
        assert admin.post("/v1/employers", {"id": employer, "name": name}).status_code == 201
    programs = [
        {"name": "Move five days in a row", "incentive": "consecutive-days",
         "parameters": {"days": 5, "types": ["workout", "walk"]},
         "reward": {"name": "Extra day off", "description": "One additional day of paid leave.", "payload": '{"sku":"PTO-1D"}'}},
        {"name": "3 workouts", "incentive": "total-events", "parameters": {"count": 3, "types": ["workout"]},
         "reward": {"name": "Gym voucher"}, "repeatable": True},
        {"name": "Welcome, baby", "incentive": "event-reported", "parameters": {"type": "birth"},
         "reward": {"name": "Baby box"}, "repeatable": True},
    ]
    program_ids = []
    for program in programs:
        created = admin.post("/v1/employers/acme/programs", program)
        assert created.status_code == 201, created.text
        program_ids.append(created.json()["id"])
    users = [{"id": "u-1842", "employer_id": "acme", "timezone": "Europe/Berlin", "username": USERNAME, "password": PASSWORD},
             {"id": "u-2210", "timezone": "UTC"}]
    for user in users:
        assert admin.post("/v1/users", user).status_code == 201
    for day in range(6, -1, -1):
        logged = admin.post("/v1/events", {"event_id": f"evt-seed-{day}", "user_id": "u-1842", "type": "workout",
                                           "value": "running", "occurred_at": days_ago(day)})
        assert logged.status_code == 201, logged.text
    assert admin.post("/v1/events", {"event_id": "evt-seed-birth", "user_id": "u-1842", "type": "birth",
                                     "occurred_at": days_ago(0)}).status_code == 201
    for example in spec_examples("/v1/events", "post"):  # so that sending them again is a replay (200)
        assert admin.post("/v1/events", example).status_code == 201
    assert admin.get("/v1/users/u-1842/achievements").json()["data"], "the seed earns achievements"
    return program_ids


def partner_credentials(server, admin: Api, program_ids: list[str]) -> dict:
    """A partner, a user-bound access token from the real code flow, and the client's secret."""
    created = admin.post("/v1/partners", {"name": "FitRewards", "redirect_uris": [REDIRECT],
                                          "scopes": ["achievements:read"], "program_ids": program_ids})
    assert created.status_code == 201, created.text
    client_id, secret = created.json()["client_id"], created.json()["client_secret"]
    token = authorization_code_token(server, client_id, secret, REDIRECT, USERNAME, PASSWORD)
    return {"client_id": client_id, "client_secret": secret, "access_token": token["access_token"],
            "redirect_uri": REDIRECT, "username": USERNAME, "password": PASSWORD}


def session_cookie(server) -> str:
    browser = Browser(server)
    assert browser.sign_in(USERNAME, PASSWORD).status_code == 303
    return browser.session.cookies["__Host-incentives_session"]


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(folder: Path, server) -> Path:
    """schemathesis.toml: where the server is and which checks run. The credentials come from
    contract_hooks.py (a config file that names credentials turns programmatic auth off)."""
    lines = [f"base-url = {toml_string(server.base_url)}", f"tls-verify = {toml_string(server.ca)}",
             f"workers = {WORKERS}", "", "[cache]", "enabled = false", "",
             # Room for employer -> program -> user -> event -> achievements and a step more (default 6).
             "[phases.stateful]", "max-steps = 8", "", "[checks]", "enabled = false"]
    lines += [f"{check}.enabled = true" for check in CHECKS]
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_setup(folder: Path, server, credentials: dict) -> Path:
    """The credentials of every security scheme, for contract_hooks.py."""
    path = folder / "contract-setup.json"
    path.write_text(json.dumps({"base_url": server.base_url, "ca": server.ca, **credentials}))
    return path


def stateful_summary(output: str) -> tuple[int, int]:
    """(scenarios run, API links covered) from schemathesis' stateful phase report."""
    scenarios = re.search(r"Scenarios:\s+(\d+)", output)
    links = re.search(r"API Links:\s+(\d+) covered", output)
    return int(scenarios.group(1)) if scenarios else 0, int(links.group(1)) if links else 0


def link_chain(entries: list[dict]) -> list[int]:
    """How far the run followed employer -> program -> user -> event -> achievements with resources
    it created itself: counts of employers, of those with a program, users of those employers,
    users of those with an event, and reads of those users' achievements."""
    employers, with_program, users, with_event, reads = set(), set(), set(), set(), 0
    for entry in sorted(entries, key=lambda e: e["startedDateTime"]):
        request, status = entry["request"], entry["response"]["status"]
        path = "/" + request["url"].split("?")[0].split("/", 3)[3]
        created = json_or_none(entry["response"]["content"].get("text")) if status in (200, 201, 202) else None
        sent = json_or_none((request.get("postData") or {}).get("text"))
        if request["method"] != "POST" or not isinstance(created, dict):
            if re.fullmatch(r"/v1/users/[^/]+/achievements", path) and status == 200 and unquote(path.split("/")[3]) in with_event:
                reads += 1
        elif path == "/v1/employers":
            employers.add(created["id"])
        elif re.fullmatch(r"/v1/employers/[^/]+/programs", path) and created.get("employer_id") in employers:
            with_program.add(created["employer_id"])
        elif path == "/v1/users" and created.get("employer_id") in with_program:
            users.add(created["id"])
        elif path == "/v1/events" and isinstance(sent, dict) and sent.get("user_id") in users:
            with_event.add(sent["user_id"])
    return [len(employers), len(with_program), len(users), len(with_event), reads]


def json_or_none(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def test_live_server_conforms_to_the_spec(contract_server, capsys):
    server = contract_server
    served = requests.get(f"{server.base_url}/openapi.yaml", verify=server.ca, timeout=30)
    assert served.content == SPEC.read_bytes(), "the server serves another openapi.yaml than the one tested: rebuild"
    keys = {scope: create_api_key(server.folder, scope) for scope in ["admin", "events:write", "audit:read", "metrics:read"]}
    admin = Api(server, create_api_key(server.folder, "admin", "events:write"))
    program_ids = seed(admin)
    credentials = {"keys": keys, "session": session_cookie(server), **partner_credentials(server, admin, program_ids)}
    setup = write_setup(server.folder, server, credentials)
    config = write_config(server.folder, server)
    har = server.folder / "schemathesis.har"
    started = time.monotonic()
    run = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(config), "run", str(SPEC), "--no-color",
         "--max-examples", str(MAX_EXAMPLES), "--phases", "examples,coverage,fuzzing,stateful",
         "--report", "har", "--report-har-path", str(har)],
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "contract_hooks.py"), "CONTRACT_SETUP": str(setup),
             "PYTHONPATH": str(HERE)},
        capture_output=True, text=True, timeout=900)
    elapsed = time.monotonic() - started
    (server.folder / "schemathesis.txt").write_text(run.stdout + run.stderr)
    entries = json.loads(har.read_text())["log"]["entries"]
    requests_sent = len(entries)
    scenarios, links = stateful_summary(run.stdout)
    chain = " -> ".join(map(str, link_chain(entries)))
    with capsys.disabled():
        print(f"\nschemathesis: {requests_sent} requests, {scenarios} stateful scenarios over {links} API links "
              f"(employers -> with programs -> their users -> with events -> achievement reads: {chain}), "
              f"{elapsed:.0f} s, exit code {run.returncode}; output in {server.folder / 'schemathesis.txt'}")
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    assert requests_sent >= MINIMUM_REQUESTS
    assert scenarios > 0 and links > 0
