"""What the clients saw acknowledged: the facts the database must still hold after every crash.

Workers write here from several threads; checks read a consistent copy under the same lock."""
import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class EventAck:
    body: dict
    status: int                # 201 (evaluated), 202 (pending, a job evaluates it)
    achievement_ids: list[str]


@dataclass
class EventInDoubt:
    """A POST /v1/events that got no answer: stored or not, the client will retry the same body."""
    body: dict
    committed_before_restart: bool = False  # the crash-time database already held it


@dataclass
class Family:
    """A refresh-token family as its client knows it."""
    family_id: str
    grant_id: str
    client_id: str
    user: str
    current: str                    # the refresh token of the last acknowledged response
    access_token: str
    in_doubt: bool = False          # a refresh of `current` got no answer: it may or may not have rotated
    orphaned: bool = False          # it had rotated: the client never saw the new token
    rotated_at_crash: bool = False  # while in doubt, the crash-time database showed `current` rotated
    refused: list[str] = field(default_factory=list)  # refreshes of `current` answered invalid_grant


class Ledger:
    def __init__(self):
        self.lock = threading.RLock()
        self.events: dict[tuple[str, str], EventAck] = {}
        self.events_in_doubt: dict[tuple[str, str], EventInDoubt] = {}
        self.achievements: dict[str, tuple[str, str, str]] = {}      # id -> (user, program, period) from replies
        self.feed_rows: dict[tuple[str, int], str] = {}               # (client id, sequence) -> program id
        self.tokens: dict[str, str] = {}                              # jti -> audit type the response implies
        self.feed_calls: Counter = Counter()                          # jti -> acknowledged 200 feed pages
        self.families: dict[str, Family] = {}
        self.grants: dict[str, tuple[str, str]] = {}                  # grant id -> (user, client id)
        self.revoked: dict[str, str] = {}                             # grant id -> how (user, admin)
        self.violations: list[str] = []
        self.stats: Counter = Counter()

    # Events

    def event_acknowledged(self, body: dict, status: int, reply: dict) -> None:
        key = (body["user_id"], body["event_id"])
        ids = [a["id"] for a in reply.get("achievements", [])]
        with self.lock:
            self.events_in_doubt.pop(key, None)
            if key not in self.events:  # a replay does not replace what the first answer said
                self.events[key] = EventAck(body, status, ids)
            for a in reply.get("achievements", []):
                self.achievements[a["id"]] = (a["user_id"], a["program_id"], a["period_key"])
            self.stats[f"events {status}"] += 1

    def event_in_doubt(self, body: dict) -> None:
        key = (body["user_id"], body["event_id"])
        with self.lock:
            if key not in self.events:
                self.events_in_doubt.setdefault(key, EventInDoubt(body))
            self.stats["events in doubt"] += 1

    def acknowledged_event(self, key: tuple[str, str]) -> EventAck | None:
        with self.lock:
            return self.events.get(key)

    # Tokens and families

    def token_acknowledged(self, jti: str, audit_type: str) -> None:
        with self.lock:
            self.tokens[jti] = audit_type
            self.stats[audit_type] += 1

    def family_started(self, family: Family) -> None:
        with self.lock:
            self.families[family.family_id] = family
            self.grants[family.grant_id] = (family.user, family.client_id)

    def grant_revoked(self, grant_id: str, how: str) -> None:
        with self.lock:
            self.revoked[grant_id] = how
            self.stats[f"revocations by {how}"] += 1

    def active_grants(self) -> list[tuple[str, str, str]]:
        """(grant id, user, client id) of grants the clients know and have not seen revoked."""
        with self.lock:
            return [(g, user, client) for g, (user, client) in self.grants.items() if g not in self.revoked]

    # Partner feed

    def feed_page(self, client_id: str, jti: str, rows: list[dict]) -> None:
        with self.lock:
            self.feed_calls[jti] += 1
            for row in rows:
                self.feed_rows[(client_id, int(row["sequence"]))] = row["program_id"]
            self.stats["feed pages"] += 1

    # Violations and counts

    def violation(self, message: str) -> None:
        with self.lock:
            if message in self.violations:  # the same broken fact seen by a later check
                return
            self.violations.append(message)
        print(f"VIOLATION: {message}", flush=True)

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.stats[name] += n
