"""examples/partner_client.py, run as a partner would run it, against the live HTTPS server:
the whole flow through the real sign-in and consent forms, every feed page, a refresh, the
partner-wide feed, and a clean stop on 401 when the grant is revoked while it watches."""
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from helpers.api import Api
from helpers.server import ROOT, create_api_key, start_server
from helpers.oauth import Browser, create_user_with_password
from helpers.events import at, unique

EXAMPLE = ROOT / "examples" / "partner_client.py"
REDIRECT = "https://partner.example/callback"
PASSWORD = "correct horse battery staple"
ACHIEVEMENT = re.compile(r"^ *(?:watch: new )?achievement sequence=(\S+) subject=(\S+) program='([^']*)' reward='([^']*)'", re.M)


def mood_program(reward="Sticker"):
    """Every mood event earns an achievement (total-events, count 1, repeatable)."""
    return {"name": "Log your mood", "incentive": "total-events", "parameters": {"count": 1, "types": ["mood"]},
            "reward": {"name": reward}, "repeatable": True}


def birth_program():
    return {"name": "Report a birth", "incentive": "event-reported",
            "parameters": {"type": "fact", "value": "gave birth"}, "reward": {"name": "Baby kit"}}


class Scenario:
    """An employer with two programs, a partner managing only the first, and users with passwords."""

    def __init__(self, server, admin: Api):
        self.server, self.admin = server, admin
        self.employer = unique("emp")
        assert admin.post("/v1/employers", {"id": self.employer, "name": "Acme"}).status_code == 201
        self.managed = self.program(mood_program())
        self.unmanaged = self.program(birth_program())
        created = admin.post("/v1/partners", {"name": "FitRewards", "redirect_uris": [REDIRECT],
                                              "scopes": ["achievements:read"], "program_ids": [self.managed]})
        assert created.status_code == 201, created.text
        self.client_id = created.json()["client_id"]
        self.secret = created.json()["client_secret"]

    def program(self, body) -> str:
        created = self.admin.post(f"/v1/employers/{self.employer}/programs", body)
        assert created.status_code == 201, created.text
        return created.json()["id"]

    def user(self, moods: int) -> str:
        """A user who signs in with a password and has earned `moods` achievements the partner sees
        (and one it must not see: a birth, in a program it does not manage)."""
        user = unique("user")
        create_user_with_password(self.admin, user, self.employer, PASSWORD)
        for _ in range(moods):
            self.event(user, "mood", "good", expect_rewards=1)
        self.event(user, "fact", "gave birth", expect_rewards=1)
        return user

    def event(self, user, type_, value, expect_rewards):
        reply = self.admin.post("/v1/events", {"event_id": unique("ev"), "user_id": user, "type": type_,
                                               "value": value, "occurred_at": at()})
        assert reply.status_code == 201, reply.text
        assert len(reply.json()["achievements"]) == expect_rewards

    def active_grant(self, user) -> str:
        grants = self.admin.get(f"/v1/partners/{self.client_id}/grants").json()["data"]
        return [g["id"] for g in grants if g["user_id"] == user and g["active"]][0]

    def command(self, *extra) -> list[str]:
        return [sys.executable, str(EXAMPLE), "--base-url", self.server.base_url, "--client-id", self.client_id,
                "--redirect-uri", REDIRECT, "--ca-file", self.server.ca, *extra]

    def env(self) -> dict:
        return {**os.environ, "PARTNER_CLIENT_SECRET": self.secret}

    def run(self, *extra, timeout=120) -> subprocess.CompletedProcess:
        started = time.monotonic()
        result = subprocess.run(self.command(*extra), env=self.env(), capture_output=True, text=True, timeout=timeout)
        print(f"partner_client.py {' '.join(extra)}: exit {result.returncode} in {time.monotonic() - started:.2f}s")
        print(result.stdout, result.stderr)
        return result

    def start(self, *extra) -> "RunningClient":
        return RunningClient(subprocess.Popen(self.command(*extra), env=self.env(), text=True, stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT))


class RunningClient:
    """A client running in the background; its output lines arrive in a queue."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.lines: list[str] = []
        self.queue: queue.Queue = queue.Queue()
        self.started = time.monotonic()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout=60) -> str:
        """Collects output until a line contains `pattern`; returns that line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if pattern in line:
                print(f"after {time.monotonic() - self.started:.2f}s: {line}")
                return line
        self.process.kill()
        raise AssertionError(f"no line with {pattern!r}; output so far:\n" + "\n".join(self.lines))

    def finish(self, timeout=60) -> int:
        code = self.process.wait(timeout=timeout)
        while (line := self.queue.get(timeout=10)) is not None:
            self.lines.append(line)
        print(f"exit {code} after {time.monotonic() - self.started:.2f}s")
        print("\n".join(self.lines))
        return code

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def achievements_in(output: str) -> list[tuple[str, str, str, str]]:
    return ACHIEVEMENT.findall(output)


def test_full_flow_through_the_forms_walks_every_page_and_refreshes(server, admin):
    scenario = Scenario(server, admin)
    user = scenario.user(moods=5)
    result = scenario.run("--test-user", f"{user}:{PASSWORD}", "--page-size", "2", "--demo-retry-rule")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"discovery: issuer {server.base_url}" in out
    assert f"test user: {user} signed in and allowed access" in out
    assert "redirect: state ok, iss ok" in out
    assert "token: Bearer access token for 600 s, scope 'achievements:read', refresh token received" in out

    # Five achievements on pages of 2: three pages, the last without a cursor; only the managed program.
    assert re.findall(r"^page (\d+): (\d+) achievements, RateLimit \"partner\";r=\d+;t=\d+, next_cursor (\w+)", out, re.M)[:3] == [
        ("1", "2", "yes"), ("2", "2", "yes"), ("3", "1", "none")]
    rows = achievements_in(out)
    assert len(rows) == 5
    assert [int(sequence) for sequence, *_ in rows] == sorted(int(sequence) for sequence, *_ in rows)
    assert {(program, reward) for _, _, program, reward in rows} == {("Log your mood", "Sticker")}
    subjects = {subject for _, subject, _, _ in rows}
    assert len(subjects) == 1 and user not in subjects and user not in out.replace(f"test user: {user}", "")
    assert "Baby kit" not in out
    assert f"feed: 5 achievements in 3 pages, last sequence {rows[-1][0]}" in out

    # The app's own view agrees on the count in the partner's program.
    app_view = admin.get(f"/v1/users/{user}/achievements").json()["data"]
    assert len([a for a in app_view if a["program_id"] == scenario.managed]) == 5

    assert "refresh: ok, new access token for 600 s, refresh token rotated" in out
    assert "retry rule: the rotated refresh token again within 5 s: 400 invalid_grant" in out
    # The refreshed token still reads the feed (the retry did not revoke the family): nothing after the last.
    assert f"feed: 0 achievements after sequence {rows[-1][0]} in 1 pages" in out
    assert out.rstrip().endswith("done")


def test_watching_client_sees_new_awards_and_stops_cleanly_when_the_admin_revokes(server, admin):
    scenario = Scenario(server, admin)
    user = scenario.user(moods=1)
    client = scenario.start("--test-user", f"{user}:{PASSWORD}", "--watch-until-revoked",
                            "--watch-timeout", "120", "--poll-interval", "0.5")
    client.wait_for("watch: polling")
    scenario.event(user, "mood", "good", expect_rewards=1)
    new = client.wait_for("watch: new achievement")
    assert "reward='Sticker'" in new
    assert admin.request("DELETE", f"/v1/grants/{scenario.active_grant(user)}").status_code == 204
    client.wait_for("revoked: the API answered 401")
    assert client.finish() == 0
    assert 'Bearer error="invalid_token"' in client.output
    assert "Exiting cleanly." in client.output and "Traceback" not in client.output


def test_watching_client_stops_cleanly_when_the_user_revokes(server, admin):
    scenario = Scenario(server, admin)
    user = scenario.user(moods=2)
    client = scenario.start("--test-user", f"{user}:{PASSWORD}", "--watch-until-revoked", "--watch-timeout", "120")
    client.wait_for("watch: polling")
    # The user, signed in on the account pages, revokes with DELETE /v1/me/grants/{id} (Origin required).
    browser = Browser(server)
    assert browser.sign_in(user, PASSWORD).status_code == 303
    grants = browser.session.get(f"{server.base_url}/v1/me/grants", timeout=30).json()["data"]
    grant = [g for g in grants if g["client_id"] == scenario.client_id and g["active"]][0]
    revoked = browser.session.delete(f"{server.base_url}/v1/me/grants/{grant['id']}",
                                     headers={"Origin": server.base_url}, timeout=30)
    assert revoked.status_code == 204
    client.wait_for("revoked: the API answered 401")
    assert client.finish() == 0
    assert len(achievements_in(client.output)) == 2
    assert "Traceback" not in client.output


def test_person_pastes_the_redirect_and_a_forged_state_is_refused(server, admin):
    scenario = Scenario(server, admin)
    user = scenario.user(moods=1)

    # A person opens the printed URL, signs in, allows, and pastes the URL the browser landed on.
    client = scenario.start()
    client.wait_for("authorize: open this URL")
    url = client.wait_for("/oauth/authorize?").strip()
    assert "code_challenge_method=S256" in url and "state=" in url and f"client_id={scenario.client_id}" in url
    client.wait_for("authorize: then paste")
    location = Browser(server).authorize(url, user, PASSWORD)
    client.process.stdin.write(location + "\n")
    client.process.stdin.flush()
    assert client.finish() == 0
    assert "redirect: state ok, iss ok" in client.output and len(achievements_in(client.output)) == 1

    # Another run, given a redirect whose state is not the one it sent: it refuses to use the code.
    client = scenario.start()
    url = client.wait_for("/oauth/authorize?").strip()
    location = Browser(server).authorize(url, user, PASSWORD)
    client.process.stdin.write(re.sub(r"state=[^&]+", "state=forged", location) + "\n")
    client.process.stdin.flush()
    assert client.finish() != 0
    assert "state does not match" in client.output and "token:" not in client.output

    # And one whose iss names another server (a mix-up): refused too.
    client = scenario.start()
    url = client.wait_for("/oauth/authorize?").strip()
    location = Browser(server).authorize(url, user, PASSWORD)
    client.process.stdin.write(re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", location) + "\n")
    client.process.stdin.flush()
    assert client.finish() != 0
    assert "mix-up" in client.output and "token:" not in client.output


def test_client_credentials_reads_every_granted_user_with_their_pairwise_subjects(server, admin):
    scenario = Scenario(server, admin)
    users = [scenario.user(moods=2), scenario.user(moods=1)]
    subjects = []
    for user in users:
        result = scenario.run("--test-user", f"{user}:{PASSWORD}", "--auth-method", "client_secret_post")
        assert result.returncode == 0, result.stderr
        subjects.append({subject for _, subject, _, _ in achievements_in(result.stdout)})
    assert all(len(s) == 1 for s in subjects) and subjects[0] != subjects[1]
    wide = scenario.run("--client-credentials", "--page-size", "2")
    assert wide.returncode == 0, wide.stderr
    assert "token: client-credentials access token for 600 s" in wide.stdout
    rows = achievements_in(wide.stdout)
    assert len(rows) == 3 and "feed: 3 achievements in 2 pages" in wide.stdout
    assert {subject for _, subject, _, _ in rows} == subjects[0] | subjects[1]
    assert all(user not in wide.stdout for user in users)


def test_resuming_with_since_follows_cursors_bound_to_since(server, admin):
    scenario = Scenario(server, admin)
    user = scenario.user(moods=5)
    first = scenario.run("--test-user", f"{user}:{PASSWORD}")
    assert first.returncode == 0, first.stderr
    sequences = [sequence for sequence, *_ in achievements_in(first.stdout)]
    assert len(sequences) == 5
    # Resume after the second one, a page at a time: each cursor must travel with the same `since`.
    for mode in (("--test-user", f"{user}:{PASSWORD}"), ("--client-credentials",)):
        resumed = scenario.run(*mode, "--since", sequences[1], "--page-size", "1")
        assert resumed.returncode == 0, resumed.stderr
        assert [sequence for sequence, *_ in achievements_in(resumed.stdout)] == sequences[2:]
        assert f"feed: 3 achievements after sequence {sequences[1]} in 3 pages, last sequence {sequences[-1]}" in resumed.stdout


def test_rate_limited_client_waits_for_retry_after(fresh_folder):
    server = start_server(fresh_folder, "--partner-rate-limit", "3")
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        scenario = Scenario(server, admin)
        user = scenario.user(moods=5)
        # Five pages of one and a poll after the refresh against a quota of 3 a minute: a 429 comes.
        result = scenario.run("--test-user", f"{user}:{PASSWORD}", "--page-size", "1", timeout=240)
        assert result.returncode == 0, result.stderr
        assert re.search(r"rate limited: 429, RateLimit \"partner\";r=0;t=\d+; retrying in \d+ s", result.stdout)
        assert len(achievements_in(result.stdout)) == 5 and "feed: 5 achievements in 5 pages" in result.stdout
    finally:
        assert server.stop() == 0
