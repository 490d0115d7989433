"""Mixed concurrent load: event intake, OAuth flows and refreshes, partner feed walks, revocations.

Every request runs inside `Gate.request()`, and so does the bookkeeping of its answer: when the
controller shuts the gate and kills the server, it waits until no request is between "sent" and
"recorded", so a check never sees the database ahead of the ledger."""
import random
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import requests

from clients import ApiClient, Browser, FlowRefused, PartnerClient, jwt_claims
from ledger import Family, Ledger

Cut = requests.RequestException  # the server died under the request (or was not up to take it)


class Gate:
    """Lets requests through while open; `shut` stops new ones, `drain` waits for those in flight."""

    def __init__(self):
        self._condition = threading.Condition()
        self._open = True
        self._in_flight = 0

    @contextmanager
    def request(self):
        with self._condition:
            self._condition.wait_for(lambda: self._open)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._condition:
                self._in_flight -= 1
                self._condition.notify_all()

    def shut(self) -> None:
        with self._condition:
            self._open = False

    def drain(self, timeout: float) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: self._in_flight == 0, timeout)

    def open(self) -> None:
        with self._condition:
            self._open = True
            self._condition.notify_all()


@dataclass
class PartnerInfo:
    client_id: str
    secret: str
    program_ids: set[str]


@dataclass
class Member:
    """A user with a password, who signs in and grants partners access."""
    user_id: str
    password: str


@dataclass
class World:
    """Everything the workers and the checks share."""
    base_url: str
    ca: str
    app_key: str
    admin_key: str
    users: list[str]                 # users without a password: only events
    members: list[Member]
    partners: list[PartnerInfo]
    ledger: Ledger = field(default_factory=Ledger)
    gate: Gate = field(default_factory=Gate)
    stopping: threading.Event = field(default_factory=threading.Event)


class Worker(threading.Thread):
    def __init__(self, name: str, world: World, seed: int):
        super().__init__(name=name, daemon=True)
        self.world = world
        self.ledger = world.ledger
        self.rng = random.Random(seed)

    def run(self):
        while not self.world.stopping.is_set():
            try:
                self.step()
            except Exception as error:  # a bug in the driver must not pass for a quiet run
                self.ledger.violation(f"{self.name} failed: {error!r}\n{traceback.format_exc()}")
                time.sleep(1)

    def step(self):
        raise NotImplementedError

    def judge_unexpected(self, what: str, response: requests.Response) -> None:
        """An answer outside the contract: 5xx, or a refusal the client did nothing to earn."""
        self.ledger.violation(f"{what}: unexpected {response.status_code} {response.text[:300]!r}")


# Event intake

def now_minus(rng: random.Random, days: int) -> str:
    moment = datetime.now(timezone.utc) - timedelta(days=days, seconds=rng.randint(0, 3600))
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventWriter(Worker):
    """The app's logging backend: new events, replays of acknowledged ones, concurrent duplicates,
    and, after a crash, the retry of every event whose answer it never got."""

    def __init__(self, name, world, seed):
        super().__init__(name, world, seed)
        self.api = ApiClient(world.base_url, world.ca, world.app_key)
        self.twin = ApiClient(world.base_url, world.ca, world.app_key)  # a second connection for duplicates
        self.in_doubt: list[dict] = []
        self.acknowledged: list[tuple[str, str]] = []
        self.serial = 0

    def step(self):
        roll = self.rng.random()
        if self.in_doubt:
            self.post(self.in_doubt.pop(0), retry=True)
        elif roll < 0.08 and self.acknowledged:
            self.replay(self.rng.choice(self.acknowledged))
        elif roll < 0.12:
            self.duplicate_pair()
        else:
            self.post(self.new_event(), retry=False)

    def new_event(self) -> dict:
        self.serial += 1
        kind = self.rng.random()
        if kind < 0.04:
            type_, value = "fact", "birth"
        elif kind < 0.10:
            type_, value = "fact", "moved house"
        else:
            type_, value = self.rng.choice(["mood", "symptom"]), self.rng.choice(["good", "low", "", None])
        return {"event_id": f"{self.name}-{self.serial}-{self.rng.getrandbits(32):08x}",
                "user_id": self.pick_user(), "type": type_, "value": value,
                "occurred_at": now_minus(self.rng, self.rng.choice([0, 0, 0, 1, 2, 3]))}

    def pick_user(self) -> str:
        """A member a third of the time, so the partners' feeds have rows to page through."""
        if self.rng.random() < 0.33:
            return self.rng.choice(self.world.members).user_id
        return self.rng.choice(self.world.users)

    def post(self, body: dict, retry: bool) -> None:
        with self.world.gate.request():
            try:
                response = self.api.post("/v1/events", body)
            except Cut:
                self.ledger.event_in_doubt(body)
                self.in_doubt.append(body)
                return
            self.judge(body, response, retry)

    def judge(self, body: dict, response: requests.Response, retry: bool) -> None:
        key = (body["user_id"], body["event_id"])
        status = response.status_code
        if status in (201, 202):
            expected = "complete" if status == 201 else "pending"
            if response.json()["evaluation"] != expected:
                self.ledger.violation(f"event {key}: {status} with evaluation {response.json()['evaluation']!r}")
            if retry:
                self.check_not_lost_in_recovery(key, status)
        elif status == 200:
            if not retry:
                self.ledger.violation(f"event {key}: a new event id was answered as a replay (200)")
        else:
            return self.judge_unexpected(f"POST /v1/events {key}", response)
        self.ledger.event_acknowledged(body, status, response.json())
        self.acknowledged.append(key)

    def check_not_lost_in_recovery(self, key, status) -> None:
        """A retried event that the crash-time database already held must come back as a replay."""
        with self.ledger.lock:
            doubt = self.ledger.events_in_doubt.get(key)
            if doubt and doubt.committed_before_restart:
                self.ledger.violation(f"event {key} was committed before the crash but the retry stored it again ({status})")

    def replay(self, key: tuple[str, str]) -> None:
        original = self.ledger.acknowledged_event(key)
        with self.world.gate.request():
            try:
                response = self.api.post("/v1/events", original.body)
            except Cut:
                return  # a replay that got no answer changes nothing
            self.ledger.count("replays")
            if response.status_code != 200 or response.headers.get("Idempotent-Replayed") != "true":
                return self.judge_unexpected(f"replay of acknowledged event {key}", response)
            replayed = [a["id"] for a in response.json()["achievements"]]
            if original.status == 201 and replayed != original.achievement_ids:
                self.ledger.violation(f"replay of {key} lists {replayed}, the first answer listed {original.achievement_ids}")

    def duplicate_pair(self) -> None:
        """The same new event on two connections at once: one stores it, the other replays it."""
        body = self.new_event()
        answers: dict[str, requests.Response | None] = {}

        def send(name, client):
            try:
                answers[name] = client.post("/v1/events", body)
            except Cut:
                answers[name] = None

        with self.world.gate.request():
            twin = threading.Thread(target=send, args=("twin", self.twin))
            twin.start()
            send("main", self.api)
            twin.join()
            self.judge_pair(body, [r for r in answers.values() if r is not None], cut=None in answers.values())

    def judge_pair(self, body: dict, responses: list[requests.Response], cut: bool) -> None:
        statuses = sorted(r.status_code for r in responses)
        self.ledger.count("duplicate pairs")
        if not cut and statuses not in ([200, 201], [200, 202]):
            self.ledger.violation(f"concurrent duplicate {body['event_id']}: answers {statuses}, expected one creation and one replay")
        if cut:
            self.ledger.event_in_doubt(body)
            self.in_doubt.append(body)
        for response in responses:
            if response.status_code in (200, 201, 202):
                self.ledger.event_acknowledged(body, response.status_code, response.json())
                self.acknowledged.append((body["user_id"], body["event_id"]))
            else:
                self.judge_unexpected(f"concurrent duplicate {body['event_id']}", response)


# OAuth: authorization code (forms), refresh rotation, the user-bound feed

@dataclass
class Pair:
    """One member and one partner: a browser, a client and the family the client currently holds."""
    member: Member
    partner: PartnerInfo
    browser: Browser
    client: PartnerClient
    family: Family | None = None


class OAuthWorker(Worker):
    def __init__(self, name, world, seed, pairs: list[Pair]):
        super().__init__(name, world, seed)
        self.pairs = pairs

    def step(self):
        pair = self.rng.choice(self.pairs)
        if pair.family is None:
            self.authorize(pair)
        elif pair.family.in_doubt:
            self.resolve_doubt(pair)
        elif self.rng.random() < 0.6:
            self.refresh(pair)
        else:
            self.pull_feed(pair)

    def authorize(self, pair: Pair) -> None:
        url, state, verifier = pair.client.authorization_url()
        try:
            with self.world.gate.request():
                redirect = pair.browser.authorize(url)
            with self.world.gate.request():
                response = pair.client.exchange(redirect, state, verifier)
                self.record_new_family(pair, response)
        except Cut:
            self.ledger.count("authorizations cut")
        except FlowRefused as refused:
            # A code can expire while the server is down for checks; only a 5xx breaks the contract.
            self.ledger.count(f"authorization refused at {refused.step} ({refused.status})")
            if refused.status >= 500:
                self.ledger.violation(f"authorization of {pair.member.user_id}: {refused}")

    def record_new_family(self, pair: Pair, response: requests.Response) -> None:
        if response.status_code != 200:
            self.ledger.count("code exchanges refused")
            if response.status_code >= 500:
                self.judge_unexpected("code exchange", response)
            return
        tokens = response.json()
        claims = jwt_claims(tokens["access_token"])
        pair.family = Family(family_id=claims["family_id"], grant_id=claims["grant_id"], client_id=pair.partner.client_id,
                             user=pair.member.user_id, current=tokens["refresh_token"], access_token=tokens["access_token"])
        self.ledger.token_acknowledged(claims["jti"], "token.issued")
        self.ledger.family_started(pair.family)

    def refresh(self, pair: Pair) -> None:
        family = pair.family
        with self.world.gate.request():
            try:
                response = pair.client.refresh(family.current)
            except Cut:
                with self.ledger.lock:
                    family.in_doubt = True
                return
            if self.rotated(family, response):
                return
            if is_invalid_grant(response):
                # Fine if the grant or family was revoked meanwhile; the checks ask the database.
                with self.ledger.lock:
                    family.refused.append(f"refresh: {response.json().get('error_description')}")
                pair.family = None
            else:
                self.judge_unexpected(f"refresh of family {family.family_id}", response)

    def rotated(self, family: Family, response: requests.Response) -> bool:
        """Records a successful rotation; returns whether it was one."""
        if response.status_code != 200:
            return False
        tokens = response.json()
        with self.ledger.lock:
            family.current, family.access_token = tokens["refresh_token"], tokens["access_token"]
            family.in_doubt = family.rotated_at_crash = False
        self.ledger.token_acknowledged(jwt_claims(tokens["access_token"])["jti"], "token.refreshed")
        return True

    def resolve_doubt(self, pair: Pair) -> None:
        """A refresh got no answer. Half the time ask introspection whether the old token is still
        live; half the time do what many clients do, send the same refresh again."""
        if self.rng.random() < 0.5:
            self.introspect_in_doubt(pair)
        else:
            self.retry_in_doubt(pair)

    def introspect_in_doubt(self, pair: Pair) -> None:
        """Live: the rotation never committed. Not: it did (or the grant went); the client lost the family."""
        family = pair.family
        with self.world.gate.request():
            try:
                active = pair.client.introspect(family.current)["active"]
            except Cut:
                return
            with self.ledger.lock:
                family.in_doubt = False
                family.orphaned = not active
            self.ledger.count("refreshes in doubt resolved by introspection")
            if not active:
                pair.family = None

    def retry_in_doubt(self, pair: Pair) -> None:
        """The retry wins only if the rotation never committed; if it did, the retry is refused
        (within 5 s as a retry, later as a reuse that revokes the family)."""
        family = pair.family
        with self.world.gate.request():
            try:
                response = pair.client.refresh(family.current)
            except Cut:
                return
            rotated_at_crash = family.rotated_at_crash
            if self.rotated(family, response):
                self.ledger.count("refreshes in doubt retried: won")
                if rotated_at_crash:
                    self.ledger.violation(f"family {family.family_id}: a retried refresh won with a token the "
                                          "crash-time database had already rotated")
            elif is_invalid_grant(response):
                self.ledger.count("refreshes in doubt retried: refused")
                with self.ledger.lock:
                    family.in_doubt, family.orphaned = False, True
                pair.family = None
            else:
                self.judge_unexpected(f"retried refresh of family {family.family_id}", response)

    def pull_feed(self, pair: Pair) -> None:
        family = pair.family
        with self.world.gate.request():
            try:
                response = pair.client.feed(family.access_token, limit=self.rng.randint(1, 20))
            except Cut:
                return
            jti = jwt_claims(family.access_token)["jti"]
            if response.status_code == 200:
                self.ledger.feed_page(pair.partner.client_id, jti, response.json()["data"])
            elif response.status_code == 401:
                if jwt_claims(family.access_token)["exp"] > time.time() + 5:  # an expired token earns its 401
                    with self.ledger.lock:
                        family.refused.append("feed: 401")
                pair.family = None
            else:
                self.judge_unexpected(f"user feed of family {family.family_id}", response)


def is_invalid_grant(response: requests.Response) -> bool:
    return response.status_code == 400 and response.json().get("error") == "invalid_grant"


# Partner feed walks with client-credentials tokens

class FeedWalker(Worker):
    """Walks every page of a partner's feed; a walk cut by a crash resumes with the same cursor."""

    def __init__(self, name, world, seed):
        super().__init__(name, world, seed)
        self.clients = {p.client_id: PartnerClient(world.base_url, world.ca, p.client_id, p.secret) for p in world.partners}
        self.tokens: dict[str, str] = {}
        self.walks = 0
        self.seen: dict[str, list[int]] = {}  # positions each partner's feed has shown, for `since`

    def step(self):
        partner = self.rng.choice(self.world.partners)
        if partner.client_id not in self.tokens or self.walks % 10 == 0:
            if not self.issue(partner):
                return
        seen = self.seen.get(partner.client_id) or [0]
        self.walk(partner, limit=self.rng.randint(1, 50), since=self.rng.choice([0, 0, self.rng.choice(seen)]))
        self.walks += 1

    def issue(self, partner: PartnerInfo) -> bool:
        with self.world.gate.request():
            try:
                response = self.clients[partner.client_id].client_credentials()
            except Cut:
                return False
            if response.status_code != 200:
                self.judge_unexpected("client credentials", response)
                return False
            token = response.json()["access_token"]
            self.tokens[partner.client_id] = token
            self.ledger.token_acknowledged(jwt_claims(token)["jti"], "token.issued")
            return True

    def walk(self, partner: PartnerInfo, limit: int, since: int) -> None:
        params: dict = {"limit": limit, "since": since}
        last = since
        for _ in range(30):
            response = self.page(partner, params)
            if response is None:
                continue  # cut by a crash: the same cursor again once the server is back
            if response.status_code != 200:
                return self.judge_unexpected(f"feed page of {partner.client_id} ({params})", response)
            rows = response.json()["data"]
            last = self.judge_page(partner, rows, last, limit)
            cursor = response.json().get("next_cursor")
            if not cursor or self.world.stopping.is_set():
                return
            params = {"limit": limit, "since": since, "cursor": cursor}  # a cursor is bound to its query

    def page(self, partner: PartnerInfo, params: dict) -> requests.Response | None:
        token = self.tokens[partner.client_id]
        with self.world.gate.request():
            try:
                response = self.clients[partner.client_id].feed(token, **params)
            except Cut:
                return None
            if response.status_code == 200:
                self.ledger.feed_page(partner.client_id, jwt_claims(token)["jti"], response.json()["data"])
            return response

    def judge_page(self, partner: PartnerInfo, rows: list[dict], last: int, limit: int) -> int:
        sequences = [int(r["sequence"]) for r in rows]
        if sequences != sorted(set(sequences)) or (sequences and sequences[0] <= last) or len(rows) > limit:
            self.ledger.violation(f"feed of {partner.client_id}: page {sequences} after {last} (limit {limit}) is out of order")
        for row in rows:
            if row["program_id"] not in partner.program_ids or "user_id" in row:
                self.ledger.violation(f"feed of {partner.client_id} shows {row}")
        self.seen.setdefault(partner.client_id, []).extend(sequences[-1:])
        return sequences[-1] if sequences else last


# Revocations

class Revoker(Worker):
    """Users revoke grants with their session cookie (and our Origin), admins with the API."""

    def __init__(self, name, world, seed):
        super().__init__(name, world, seed)
        self.admin = ApiClient(world.base_url, world.ca, world.admin_key)
        self.browsers = {m.user_id: Browser(world.base_url, world.ca, m.user_id, m.password) for m in world.members}

    def step(self):
        if self.world.stopping.wait(self.rng.uniform(0.3, 1.2)):
            return
        candidates = self.ledger.active_grants()
        if not candidates:
            return
        grant_id, user, _ = self.rng.choice(candidates)
        how = self.rng.choice(["user", "admin"])
        with self.world.gate.request():
            try:
                if how == "user":
                    response = self.browsers[user].revoke_grant(grant_id)
                else:
                    response = self.admin.request("DELETE", f"/v1/grants/{grant_id}")
            except (Cut, FlowRefused):
                self.ledger.count("revocations cut")
                return
            if response.status_code == 204:
                self.ledger.grant_revoked(grant_id, how)
            else:
                self.judge_unexpected(f"revocation of {grant_id} by {how}", response)


def start_workers(world: World, seed: int, event_writers: int = 3, oauth_workers: int = 2) -> list[Worker]:
    pairs = [Pair(m, p, Browser(world.base_url, world.ca, m.user_id, m.password),
                  PartnerClient(world.base_url, world.ca, p.client_id, p.secret))
             for m in world.members for p in world.partners]
    workers: list[Worker] = [EventWriter(f"events{i}", world, seed + i) for i in range(event_writers)]
    workers += [OAuthWorker(f"oauth{i}", world, seed + 100 + i, pairs[i::oauth_workers]) for i in range(oauth_workers)]
    workers += [FeedWalker("feed", world, seed + 200), Revoker("revoker", world, seed + 300)]
    for worker in workers:
        worker.start()
    return workers
