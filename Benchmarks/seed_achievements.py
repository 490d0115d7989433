#!/usr/bin/env python3
"""Seeds a migrated incentives database for scripts/bench-achievements.sh, straight through SQLite:
USERS users of one employer, PROGRAMS programs, PER_USER achievements per user spread over the
programs (1,000,000 by default). Grants are added by `grant`, after the partner exists, so the
partner feed index is filled by the same triggers the service relies on.

    seed_achievements.py achievements DB [--users 10000] [--programs 20] [--per-user 100]
    seed_achievements.py grant DB CLIENT_ID [--every 2]   # grants every 2nd user to the partner
    seed_achievements.py pages DB CLIENT_ID PAGE_SIZE PAGE...  # the `since` that opens each page
"""
import argparse
import sqlite3
import time

NOW = "2026-11-01 12:00:00.000"


def achievements(db: sqlite3.Connection, users: int, programs: int, per_user: int):
    db.execute("INSERT INTO employer (id, name, createdAt) VALUES ('bench', 'Bench employer', ?)", (NOW,))
    db.executemany(
        "INSERT INTO program (id, employerId, name, incentive, parameters, rewardName, repeatable, active, createdAt)"
        " VALUES (?, 'bench', ?, 'event-reported', '{\"type\":\"fact\"}', 'Points', 1, 1, ?)",
        [(f"prg-{p}", f"Program {p}", NOW) for p in range(programs)])
    db.executemany("INSERT INTO user (id, employerId, timezone, createdAt) VALUES (?, 'bench', 'UTC', ?)",
                   [(f"user-{u}", NOW) for u in range(users)])
    # Achievements point at the event that earned them; one stands in for all (the feed never reads it).
    event = db.execute(
        "INSERT INTO event (userId, eventId, type, value, occurredAt, timezone, localDay, employerId, evaluation, receivedAt)"
        " VALUES ('user-0', 'ev-seed', 'fact', 'x', ?, 'UTC', 20393, 'bench', 'complete', ?)", (NOW, NOW)).lastrowid

    def rows():
        # Interleaved by user, as real awards arrive: user 0's first, user 1's first, ...
        for round_ in range(per_user):
            program = round_ % programs
            period = round_ // programs + 1
            for u in range(users):
                yield (f"ach-{u}-{round_}", f"user-{u}", f"prg-{program}", f"Program {program}", str(period),
                       NOW, "2026-11-01", f'["ev-{u}-{round_}"]', event)
    db.executemany(
        "INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey,"
        " achievedAt, achievedOn, eventIds, eventSeq) VALUES (?, ?, 'bench', ?, ?, 'event-reported', 'Points', ?, ?, ?, ?, ?)",
        rows())


def grant(db: sqlite3.Connection, client_id: str, every: int):
    users = [row[0] for row in db.execute("SELECT id FROM user ORDER BY id")]
    db.executemany("INSERT INTO \"grant\" (id, userId, clientId, scopes, createdAt) VALUES (?, ?, ?, 'achievements:read', ?)",
                   [(f"grt-bench-{i}", user, client_id, NOW) for i, user in enumerate(users) if i % every == 0])


def pages(db: sqlite3.Connection, client_id: str, size: int, wanted: list[str]):
    """Prints how many rows the partner sees, then "PAGE SINCE" for each wanted page (a number or
    `last`, the last full page) that exists as a full page; page k holds rows (k-1)*size+1 .. k*size
    of the partner's feed, so it opens after the position of row (k-1)*size."""
    total = db.execute("SELECT COUNT(*) FROM partnerFeedEntry WHERE clientId = ?", (client_id,)).fetchone()[0]
    print(total)
    numbers = sorted({total // size if page == "last" else int(page) for page in wanted})
    for page in numbers:
        if page < 1 or page * size > total:
            continue
        since = 0 if page == 1 else db.execute(
            "SELECT position FROM partnerFeedEntry WHERE clientId = ? ORDER BY position LIMIT 1 OFFSET ?",
            (client_id, (page - 1) * size - 1)).fetchone()[0]
        print(page, since)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["achievements", "grant", "pages"])
    parser.add_argument("db")
    parser.add_argument("client_id", nargs="?")
    parser.add_argument("page_size", nargs="?", type=int)
    parser.add_argument("page", nargs="*")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=100)
    parser.add_argument("--every", type=int, default=2)
    args = parser.parse_args()
    db = sqlite3.connect(args.db, timeout=60)
    db.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark store: no need to wait for the disk
    db.execute("PRAGMA cache_size = -262144")
    started = time.monotonic()
    with db:
        if args.command == "achievements":
            achievements(db, args.users, args.programs, args.per_user)
        elif args.command == "grant":
            grant(db, args.client_id, args.every)
        else:
            pages(db, args.client_id, args.page_size, args.page)
            return
    print(f"{args.command}: {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
