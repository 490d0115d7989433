"""The invariants a crash must not break, checked against the SQLite file, the CLI and the API.

`after_crash` runs on the database exactly as SIGKILL left it (read-only, so the server's own
recovery of the WAL is what the next generation runs on); `after_restart` runs once the new
generation is up, with the load paused."""
import hashlib
import hmac
import json
import re
import sqlite3
import time
from collections import Counter, defaultdict
from contextlib import closing

from clients import PartnerClient, jwt_claims
from server import ServerProcess
from workload import World

DRAIN_DEADLINE = 600  # seconds for the job worker to empty the queue; generous on purpose


def read_only(path) -> sqlite3.Connection:
    """A reader that never checkpoints or deletes the WAL, so it leaves the crash state as it was."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)


class Checker:
    def __init__(self, world: World, server: ServerProcess):
        self.world = world
        self.ledger = world.ledger
        self.server = server
        self.oauth_key = (server.data_dir / "oauth-hmac.key").read_bytes()
        self.partners = {p.client_id: PartnerClient(world.base_url, world.ca, p.client_id, p.secret) for p in world.partners}
        self.counts: Counter = Counter()       # what the last checks covered, for the report
        self.snapshot: dict | None = None      # the crash-time database, to compare the recovered one with
        self.audit_tail: tuple[int, str] | None = None
        self.revocations_checked_live: set[str] = set()

    def fail(self, message: str) -> None:
        self.ledger.violation(message)

    def token_hash(self, token: str) -> str:
        """How the server stores a refresh token: HMAC-SHA-256 under data/oauth-hmac.key, hex."""
        return hmac.new(self.oauth_key, token.encode(), hashlib.sha256).hexdigest()

    # After the crash: the database as the killed process left it

    def after_crash(self) -> None:
        with self.ledger.lock, closing(read_only(self.server.database)) as db:
            self.check_integrity(db)
            self.check_acknowledged_events(db)
            self.check_reply_achievements(db)
            self.check_no_double_awards(db)
            self.check_activity_ledger(db)
            self.check_feed_rows(db)
            self.check_families(db)
            self.check_revocations(db)
            self.check_audit_rows(db)
            self.check_no_dead_jobs(db)
            self.snapshot = self.take_snapshot(db)

    def check_integrity(self, db) -> None:
        result = db.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            self.fail(f"PRAGMA integrity_check: {result[:10]}")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            self.fail(f"PRAGMA foreign_key_check: {broken[:10]}")

    def check_acknowledged_events(self, db) -> None:
        stored = Counter()
        bodies = {}
        for user, event_id, type_, value in db.execute("SELECT userId, eventId, type, value FROM event"):
            stored[(user, event_id)] += 1
            bodies[(user, event_id)] = (type_, value)
        for key, ack in self.ledger.events.items():
            if stored[key] != 1:
                self.fail(f"event {key} was acknowledged {ack.status} but is stored {stored[key]} times")
            elif bodies[key] != (ack.body["type"], ack.body["value"]):
                self.fail(f"event {key} is stored as {bodies[key]}, acknowledged as {ack.body}")
        for key, doubt in self.ledger.events_in_doubt.items():
            doubt.committed_before_restart = key in stored
        self.counts["events acknowledged and found once"] = len(self.ledger.events)
        self.counts["events stored"] = sum(stored.values())

    def check_reply_achievements(self, db) -> None:
        stored = {row[0]: row[1:] for row in db.execute("SELECT id, userId, programId, periodKey FROM achievement")}
        for achievement_id, listed in self.ledger.achievements.items():
            if stored.get(achievement_id) != listed:
                self.fail(f"achievement {achievement_id} {listed} was listed in a reply but is stored as {stored.get(achievement_id)}")
        self.counts["achievements listed in replies and found"] = len(self.ledger.achievements)
        self.counts["achievements stored"] = len(stored)

    def check_no_double_awards(self, db) -> None:
        doubles = db.execute("""SELECT userId, programId, periodKey, COUNT(*) FROM achievement
                                GROUP BY userId, programId, periodKey HAVING COUNT(*) > 1""").fetchall()
        for user, program, period, count in doubles:
            self.fail(f"user {user} was awarded program {program} period {period} {count} times")

    def check_activity_ledger(self, db) -> None:
        """Each stored event counted exactly once in the per-day activity the rules read."""
        from_events = Counter()
        for row in db.execute("SELECT userId, type, value IS NOT NULL, COALESCE(value, ''), localDay FROM event"):
            from_events[row] += 1
        from_ledger = Counter({row[:5]: row[5] for row in db.execute(
            "SELECT userId, type, hasValue, value, localDay, events FROM activityDay")})
        if +from_events != +from_ledger:
            diff = {k: (from_events[k], from_ledger[k]) for k in set(from_events) | set(from_ledger) if from_events[k] != from_ledger[k]}
            self.fail(f"activityDay disagrees with the events (events, activity): {dict(list(diff.items())[:10])}")

    def check_feed_rows(self, db) -> None:
        """Each row a partner saw is, if still in its feed (a revoke takes rows out), the award the
        partner's position stands for; positions are never reused."""
        stored = {(row[0], row[1]): row[2] for row in db.execute(
            "SELECT e.clientId, e.position, a.programId FROM partnerFeedEntry e JOIN achievement a ON a.seq = e.seq")}
        programs = {p.client_id: p.program_ids for p in self.world.partners}
        for (client_id, sequence), program in self.ledger.feed_rows.items():
            if stored.get((client_id, sequence), program) != program or program not in programs[client_id]:
                self.fail(f"partner {client_id} saw sequence {sequence} ({program}); stored: {stored.get((client_id, sequence))}")
        self.counts["feed rows seen and found"] = len(self.ledger.feed_rows)

    def check_families(self, db) -> None:
        families = {row[0]: row[1:] for row in db.execute("SELECT id, grantId, revokedAt, revokedReason FROM refreshFamily")}
        grants = {row[0]: row[1] for row in db.execute('SELECT id, revokedAt FROM "grant"')}
        tokens = {row[0]: row[1:] for row in db.execute("SELECT hash, familyId, rotatedAt FROM refreshToken")}
        current = Counter(family for family, rotated in tokens.values() if rotated is None)
        for family_id, (grant_id, revoked_at, reason) in families.items():
            if current[family_id] > 1 or (revoked_at is None and current[family_id] != 1):
                self.fail(f"refresh family {family_id} has {current[family_id]} current tokens (revoked: {reason})")
        for family in self.ledger.families.values():
            self.check_client_family(family, families, grants, tokens)
        self.counts["refresh families stored and checked"] = len(families)
        self.counts["refresh families held by clients"] = len(self.ledger.families)

    def check_client_family(self, family, families, grants, tokens) -> None:
        """What the client holds against what the database says."""
        name = f"family {family.family_id} of {family.user}"
        if family.family_id not in families:
            return self.fail(f"{name} was issued in an acknowledged response but is not stored")
        row = tokens.get(self.token_hash(family.current))
        if row is None or row[0] != family.family_id:
            return self.fail(f"{name}: its acknowledged refresh token is not stored in it")
        revoked = families[family.family_id][1] is not None or grants.get(family.grant_id) is not None
        rotated = row[1] is not None
        if family.in_doubt:
            family.rotated_at_crash = rotated
        if rotated and not (family.in_doubt or family.orphaned):
            self.fail(f"{name}: the acknowledged token was rotated, yet no refresh of it went unanswered")
        if family.orphaned and not rotated and not revoked:
            self.fail(f"{name}: introspection called the token inactive, yet it is current and nothing is revoked")
        if family.refused and not revoked:
            self.fail(f"{name}: {family.refused} although neither the family nor its grant is revoked")

    def check_revocations(self, db) -> None:
        grants = dict(db.execute('SELECT id, revokedAt FROM "grant"'))
        for grant_id, how in self.ledger.revoked.items():
            if grants.get(grant_id) is None:
                self.fail(f"grant {grant_id} was revoked by {how} (204) but is active again (or gone)")
        self.counts["revocations acknowledged and still revoked"] = len(self.ledger.revoked)
        self.counts["grants stored"] = len(grants)

    def check_audit_rows(self, db) -> None:
        """No acknowledged response without its audit row, and no audit row lost since the last crash."""
        issued = defaultdict(set)
        revoked, calls = set(), Counter()
        for type_, jti, grant_id, status in db.execute("SELECT type, jti, grantId, status FROM auditEvent"):
            if type_ in ("token.issued", "token.refreshed"):
                issued[jti].add(type_)
            elif type_ == "consent.revoked":
                revoked.add(grant_id)
            elif type_ == "partner.call" and status == 200:
                calls[jti] += 1
        for jti, type_ in self.ledger.tokens.items():
            if type_ not in issued[jti]:
                self.fail(f"token {jti} was acknowledged but has no {type_} audit row")
        for grant_id in self.ledger.revoked:
            if grant_id not in revoked:
                self.fail(f"revocation of {grant_id} was acknowledged but has no consent.revoked audit row")
        for jti, pages in self.ledger.feed_calls.items():
            if calls[jti] < pages:
                self.fail(f"{pages} feed pages answered 200 to {jti}, but only {calls[jti]} partner.call audit rows")
        self.check_audit_tail(db)
        self.check_logged_heads(db)

    def logged_heads(self) -> list[str]:
        """The audit heads the server wrote to its log (DESIGN §6: what an operator verifies against)."""
        # JSON lines ("audit.head":"...") by default, key=value with --log-format text.
        return re.findall(r'audit\.head"?[=:]"?([0-9a-f]{64})', self.server.log_path.read_text(errors="replace"))

    def check_logged_heads(self, db) -> None:
        """Every head the server logged was committed, so it must have survived the crash."""
        macs = {row[0] for row in db.execute("SELECT mac FROM auditEvent")}
        heads = set(self.logged_heads()) - {"0" * 64}
        for head in heads - macs:
            self.fail(f"the server logged audit head {head}, but no audit row has that MAC after the crash")
        self.counts["logged audit heads found"] = len(heads)

    def check_audit_tail(self, db) -> None:
        if self.audit_tail:
            seq, mac = self.audit_tail
            found = db.execute("SELECT mac FROM auditEvent WHERE seq = ?", (seq,)).fetchone()
            if found is None or found[0] != mac:
                self.fail(f"audit row {seq} seen at the last check is gone or changed ({found})")
        self.audit_tail = db.execute("SELECT seq, mac FROM auditEvent ORDER BY seq DESC LIMIT 1").fetchone()

    def check_no_dead_jobs(self, db) -> None:
        for job_id, event_seq, error in db.execute("SELECT id, eventSeq, lastError FROM job WHERE state = 'dead'"):
            self.fail(f"job {job_id} for event {event_seq} is dead: {error}")
        self.counts["jobs queued at a crash (sum)"] += db.execute("SELECT COUNT(*) FROM job").fetchone()[0]

    def take_snapshot(self, db) -> dict:
        return {"events": db.execute("SELECT COUNT(*) FROM event").fetchone()[0],
                "achievements": set(r[0] for r in db.execute("SELECT id FROM achievement")),
                "refresh tokens": db.execute("SELECT COUNT(*) FROM refreshToken").fetchone()[0],
                "audit rows": db.execute("SELECT COUNT(*) FROM auditEvent").fetchone()[0]}

    # After the restart: the new generation recovered the WAL and runs the job worker

    def after_restart(self) -> None:
        self.check_recovered()
        self.check_audit_verify(server_running=True)
        self.drain_jobs()
        with self.ledger.lock, closing(read_only(self.server.database)) as db:
            self.check_all_evaluated(db)
            self.check_expected_awards(db)
            live = self.live_families(db)
            expected_feeds = {p.client_id: self.expected_feed(db, p) for p in self.world.partners}
        self.check_live_tokens(live)
        self.counts["feed rows walked in full, matching the grants"] = sum(
            self.check_feed_complete(partner, expected_feeds[partner.client_id]) for partner in self.world.partners)

    def check_recovered(self) -> None:
        """The restarted server recovered everything the crash-time database held."""
        if not self.snapshot:
            return
        with closing(read_only(self.server.database)) as db:
            now = self.take_snapshot(db)
            self.check_audit_tail(db)
        for name in ("events", "refresh tokens", "audit rows"):
            if now[name] < self.snapshot[name]:
                self.fail(f"after restart {now[name]} {name}, at the crash {self.snapshot[name]}")
        lost = self.snapshot["achievements"] - now["achievements"]
        if lost:
            self.fail(f"achievements lost in recovery: {sorted(lost)[:10]}")

    def check_audit_verify(self, server_running: bool) -> None:
        result = self.server.cli("audit", "verify")
        if result.returncode != 0 or "intact" not in result.stdout:
            return self.fail(f"incentives audit verify (server {'running' if server_running else 'stopped'}): "
                             f"exit {result.returncode}: {result.stdout.strip()} {result.stderr.strip()[-500:]}")
        self.counts["audit rows verified"] = int(result.stdout.split(" rows")[0].split()[-1])

    def drain_jobs(self) -> None:
        """Waits until the worker has run every queued job (a failing job is retried with backoff)."""
        started = time.monotonic()
        while True:
            with closing(read_only(self.server.database)) as db:
                states = dict(db.execute("SELECT state, COUNT(*) FROM job GROUP BY state").fetchall())
            if not states.get("queued"):
                break
            if time.monotonic() - started > DRAIN_DEADLINE:
                return self.fail(f"the job queue did not drain in {DRAIN_DEADLINE} s: {states}")
            time.sleep(0.5)
        listed = [line for line in self.server.cli("jobs", "list").stdout.splitlines() if line.strip()]
        if listed:
            self.fail(f"`incentives jobs list` after the drain: {listed[:10]}")
        self.counts["seconds to drain jobs (last)"] = round(time.monotonic() - started)

    def check_all_evaluated(self, db) -> None:
        pending = db.execute("SELECT userId, eventId FROM event WHERE evaluation != 'complete'").fetchall()
        if pending:
            self.fail(f"{len(pending)} events are still not evaluated after the queue drained: {pending[:10]}")
        remaining = db.execute("SELECT COUNT(*) FROM job").fetchone()[0]
        if remaining:
            self.fail(f"{remaining} job rows remain after the queue drained")
        self.counts["pending (202) events evaluated"] = sum(1 for a in self.ledger.events.values() if a.status == 202)
        self.counts["jobs created"] = (db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'job'").fetchone() or (0,))[0]

    def check_expected_awards(self, db) -> None:
        """Every user holds exactly the awards the rules give for the events stored: a lost job, a
        job applied twice or a lost evaluation shows up as a missing or extra period."""
        programs = {row[0]: row[1:] for row in db.execute("SELECT id, employerId, incentive, parameters, repeatable FROM program")}
        employers = dict(db.execute("SELECT id, employerId FROM user"))
        events = defaultdict(list)
        for user, type_, value, day in db.execute("SELECT userId, type, value, localDay FROM event"):
            events[user].append((type_, value, day))
        awarded = defaultdict(set)
        for user, program, period in db.execute("SELECT userId, programId, periodKey FROM achievement"):
            awarded[(user, program)].add(period)
        checked = 0
        for user, employer in employers.items():
            for program_id, (program_employer, incentive, parameters, repeatable) in programs.items():
                if program_employer != employer:
                    continue
                expected = expected_periods(incentive, json.loads(parameters), bool(repeatable), events[user])
                actual = awarded.pop((user, program_id), set())
                checked += len(actual)
                if expected != actual:
                    self.fail(f"user {user}, program {program_id} ({incentive}): awarded periods {sorted(actual)}, "
                              f"the {len(events[user])} stored events give {sorted(expected)}")
        for (user, program_id), periods in awarded.items():
            self.fail(f"user {user} holds {sorted(periods)} in program {program_id} of another employer")
        self.counts["achievements matching the rules"] = checked
        self.counts["users checked against the rules"] = len(employers)

    def expected_feed(self, db, partner) -> list[int]:
        """From the base tables: awards in the partner's programs of users with an active grant to it;
        returned as the partner's feed positions, once the feed index is checked to hold exactly them."""
        marks = ",".join("?" * len(partner.program_ids))
        awards = {row[0] for row in db.execute(f"""
            SELECT seq FROM achievement a WHERE a.programId IN ({marks}) AND EXISTS (
                SELECT 1 FROM "grant" g WHERE g.userId = a.userId AND g.clientId = ? AND g.revokedAt IS NULL)""",
            (*partner.program_ids, partner.client_id))}
        index = dict(db.execute("SELECT seq, position FROM partnerFeedEntry WHERE clientId = ?", (partner.client_id,)))
        if set(index) != awards:
            self.fail(f"feed index of {partner.client_id}: missing awards {sorted(awards - set(index))[:10]}, "
                      f"not expected {sorted(set(index) - awards)[:10]}")
        return sorted(index[seq] for seq in awards if seq in index)

    def check_feed_complete(self, partner, expected: list[int]) -> int:
        """A full walk with a client-credentials token shows exactly the expected rows, in order, once
        (the feed is read from a per-partner index kept by triggers; a crash must not skew it)."""
        client = self.partners[partner.client_id]
        token = client.client_credentials().json()["access_token"]
        seen, params = [], {"limit": 200}
        while True:
            page = client.feed(token, **params)
            if page.status_code != 200:
                self.fail(f"full feed walk of {partner.client_id}: {page.status_code} {page.text[:200]}")
                return 0
            seen += [int(row["sequence"]) for row in page.json()["data"]]
            if not page.json().get("next_cursor"):
                break
            params = {"limit": 200, "cursor": page.json()["next_cursor"]}
        if seen != expected:
            missing, extra = sorted(set(expected) - set(seen)), sorted(set(seen) - set(expected))
            self.fail(f"feed of {partner.client_id}: {len(seen)} rows, expected {len(expected)}; "
                      f"missing {missing[:10]}, not expected {extra[:10]}, in order: {seen == sorted(set(seen))}")
        return len(seen)

    def live_families(self, db) -> list:
        """Families whose client holds a token it saw acknowledged, and that nothing revoked."""
        revoked_families = {r[0] for r in db.execute("SELECT id FROM refreshFamily WHERE revokedAt IS NOT NULL")}
        revoked_grants = {r[0] for r in db.execute('SELECT id FROM "grant" WHERE revokedAt IS NOT NULL')}
        return [f for f in self.ledger.families.values()
                if not (f.in_doubt or f.orphaned or f.refused) and f.family_id not in revoked_families
                and f.grant_id not in revoked_grants]

    def check_live_tokens(self, live) -> None:
        """Acknowledged tokens work after the restart; tokens under an acknowledged revocation do not."""
        for family in live:
            client = self.partners[family.client_id]
            if not client.introspect(family.current)["active"]:
                self.fail(f"family {family.family_id}: the acknowledged refresh token is inactive after the restart")
            feed = client.feed(family.access_token, limit=1)
            if feed.status_code != 200 and jwt_unexpired(family.access_token):
                self.fail(f"family {family.family_id}: the acknowledged access token gets {feed.status_code} after the restart")
        newly_revoked = set(self.ledger.revoked) - self.revocations_checked_live
        for family in self.ledger.families.values():
            if family.grant_id in newly_revoked:
                feed = self.partners[family.client_id].feed(family.access_token, limit=1)
                if feed.status_code != 401:
                    self.fail(f"grant {family.grant_id} was revoked (204) but its access token gets {feed.status_code}")
        self.revocations_checked_live |= newly_revoked
        self.counts["live families checked over the API"] = len(live)

    # At the end, once the server stopped gracefully

    def after_graceful_stop(self) -> None:
        self.after_crash()
        self.check_audit_verify(server_running=False)
        self.check_head_logged_at_shutdown()

    def check_head_logged_at_shutdown(self) -> None:
        """The last head a gracefully stopped server logged is the chain's head: verify against it."""
        last = self.logged_heads()[-1]
        result = self.server.cli("audit", "verify", "--expect-head", last)
        if result.returncode != 0:
            self.fail(f"audit verify --expect-head {last} (the head logged at shutdown): {result.stdout.strip()}")


def jwt_unexpired(token: str) -> bool:
    return jwt_claims(token)["exp"] > time.time() + 5


def matches(parameters: dict, event: tuple) -> bool:
    type_, value, _ = event
    types = parameters.get("types") or ([parameters["type"]] if "type" in parameters else None)
    if types is not None and type_ not in types:
        return False
    return "value" not in parameters or parameters["value"] == value


def longest_run(days: set[int]) -> int:
    best = 0
    for day in days:
        if day - 1 not in days:
            length = 1
            while day + length in days:
                length += 1
            best = max(best, length)
    return best


def expected_periods(incentive: str, parameters: dict, repeatable: bool, events: list) -> set[str]:
    """The periods the rules award for these events, once all of them were evaluated. Only the
    programs the chaos run creates are covered (a repeatable consecutive-days program depends on
    the order in which events arrive, so it is not one of them)."""
    matching = [e for e in events if matches(parameters, e)]
    if incentive == "total-events":
        reached = len(matching) // parameters["count"]
        if repeatable:
            return {str(i) for i in range(1, reached + 1)}
        return {"once"} if reached else set()
    if incentive == "event-reported" and not repeatable:
        return {"once"} if matching else set()
    if incentive == "consecutive-days" and not repeatable:
        return {"once"} if longest_run({day for _, _, day in matching}) >= parameters["days"] else set()
    raise ValueError(f"no expectation for {incentive} (repeatable: {repeatable})")
