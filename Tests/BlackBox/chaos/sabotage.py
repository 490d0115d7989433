"""Breaks the database on purpose after a kill (`chaos.sh --sabotage KIND`), to show that the checks
catch each kind of damage: such a run must end in CHAOS FAILED naming it. It applies at the first
kill where the ledger holds something to break (an acknowledged revocation, say)."""
import sqlite3
from contextlib import closing

from workload import World


def lose_event(db, world: World, token_hash) -> str:
    key = next(k for k, ack in world.ledger.events.items() if not ack.achievement_ids)
    db.execute("DELETE FROM event WHERE userId = ? AND eventId = ?", key)
    return f"deleted acknowledged event {key}"


def lose_award(db, world: World, token_hash) -> str:
    achievement_id = next(iter(world.ledger.achievements))
    db.execute("DELETE FROM achievement WHERE id = ?", (achievement_id,))
    return f"deleted achievement {achievement_id}"


def extra_award(db, world: World, token_hash) -> str:
    db.execute("""INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey,
                  achievedAt, achievedOn, eventIds, eventSeq)
                  SELECT 'ach_sabotage', userId, employerId, programId, programName, incentive, rewardName, '999',
                  achievedAt, achievedOn, eventIds, eventSeq FROM achievement LIMIT 1""")
    return "awarded a period no rule gives"


def unrevoke(db, world: World, token_hash) -> str:
    grant_id = next(iter(world.ledger.revoked))
    db.execute('UPDATE "grant" SET revokedAt = NULL WHERE id = ?', (grant_id,))
    return f"re-activated revoked grant {grant_id}"


def half_rotate(db, world: World, token_hash) -> str:
    family = next(f for f in world.ledger.families.values() if not (f.in_doubt or f.orphaned or f.refused))
    db.execute("UPDATE refreshToken SET rotatedAt = 0 WHERE hash = ?", (token_hash(family.current),))
    return f"rotated the current token of family {family.family_id} without a successor"


def edit_audit(db, world: World, token_hash) -> str:
    db.execute("UPDATE auditEvent SET outcome = 'edited' WHERE seq = 2")
    return "edited audit row 2"


def forget_job(db, world: World, token_hash) -> str:
    seq = db.execute("SELECT seq FROM event ORDER BY seq DESC LIMIT 1").fetchone()[0]
    db.execute("UPDATE event SET evaluation = 'pending' WHERE seq = ?", (seq,))
    return f"marked event {seq} pending without a job"


KINDS = {f.__name__.replace("_", "-"): f for f in (lose_event, lose_award, extra_award, unrevoke, half_rotate, edit_audit, forget_job)}


def apply(kind: str, world: World, database, token_hash) -> bool:
    """Returns whether it found something to break."""
    with world.ledger.lock, closing(sqlite3.connect(database)) as db:
        try:
            done = KINDS[kind](db, world, token_hash)
        except StopIteration:
            return False
        db.commit()
    print(f"SABOTAGE: {done}", flush=True)
    return True
