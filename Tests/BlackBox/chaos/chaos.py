"""Chaos run: real server, real SQLite file, mixed concurrent HTTPS load, SIGKILL at random moments.

After every crash the database as the killed process left it, then the restarted server, are
checked against what the clients saw acknowledged (see checks.py). Exit 0 when every check held,
1 with the violations named otherwise. `scripts/chaos.sh` runs it; `--long` kills 50 times."""
import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sabotage
from checks import Checker
from clients import ApiClient
from seed import SeedError, seed
from server import BINARY, ServerProcess
from workload import World, start_workers

SHORT_KILLS, LONG_KILLS = 5, 50
# Evaluation budgets the restarted generations take in turn: 0 sends every event to the job queue,
# 2 ms some, 250 ms (the default) almost none; so both the synchronous and the job path get killed.
BUDGETS_MS = (0, 250, 2, 250)
FIRST_BUDGET_MS = 250


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help=f"kill the server {LONG_KILLS} times instead of {SHORT_KILLS}")
    parser.add_argument("--kills", type=int, help="number of kills (overrides --long)")
    parser.add_argument("--seed", type=int, help="random seed (printed at the start; replays the same choices)")
    parser.add_argument("--min-load", type=float, default=0.5, help="shortest load before a kill, seconds")
    parser.add_argument("--max-load", type=float, default=6.0, help="longest load before a kill, seconds")
    parser.add_argument("--users", type=int, default=40, help="users events are logged for (besides the members)")
    parser.add_argument("--members", type=int, default=4, help="users with passwords who grant partners access")
    parser.add_argument("--writers", type=int, default=3, help="threads posting events")
    parser.add_argument("--keep", action="store_true", help="keep the data folder even when every check held")
    parser.add_argument("--sabotage", choices=sorted(sabotage.KINDS),
                        help="break the database after a kill, to see the checks catch it (the run must fail)")
    args = parser.parse_args()
    args.kills = args.kills if args.kills is not None else (LONG_KILLS if args.long else SHORT_KILLS)
    args.seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    return args


def crash_and_recover(world: World, server: ServerProcess, checker: Checker, budget: int, args) -> str:
    """SIGKILL mid-load, check the files as left, restart on the same data, check again."""
    world.gate.shut()  # new requests wait; those in flight are cut by the kill
    if not server.running:
        world.ledger.violation(f"the server exited by itself (code {server.process.returncode}) before the kill; "
                               f"see {server.log_path}")
    server.kill()
    if not world.gate.drain(timeout=120):
        world.ledger.violation("requests still hung 120 s after the server was killed")
    if args.sabotage and sabotage.apply(args.sabotage, world, server.database, checker.token_hash):
        args.sabotage = None
    checker.after_crash()
    startup = server.start(budget)
    checker.after_restart()
    world.gate.open()
    return f"restart {startup:.1f}s (budget {budget} ms), jobs drained in {checker.counts['seconds to drain jobs (last)']}s"


def finish(world: World, server: ServerProcess, checker: Checker, workers: list) -> None:
    """Stops the load, checks the drained server, stops it gracefully and checks the files once more."""
    world.stopping.set()
    world.gate.open()
    for worker in workers:
        worker.join(timeout=120)
    if world.ledger.violations:
        return  # already failed: keep the files as the failing check saw them
    checker.after_restart()
    code = server.stop()
    if code != 0:
        world.ledger.violation(f"graceful shutdown (SIGTERM) exited {code}, expected 0")
    checker.after_graceful_stop()


def report(world: World, checker: Checker, kills: int, seconds: float) -> None:
    print("\nload (answers the clients saw):")
    for name, value in sorted(world.ledger.stats.items()):
        print(f"  {name}: {value}")
    print("counts (checked):")
    print(f"  kills survived: {kills}")
    for name, value in checker.counts.items():
        print(f"  {name}: {value}")
    print(f"  refreshes acknowledged: {world.ledger.stats['token.refreshed']}")
    print(f"total {seconds:.0f}s")


def main() -> int:
    args = parse_args()
    if not BINARY.is_file():
        print(f"CHAOS ERROR: no server binary at {BINARY}: run `swift build` or set INCENTIVES_BIN")
        return 2
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="incentives-chaos-"))
    print(f"chaos: {args.kills} kills, seed {args.seed}, binary {BINARY}, data in {folder}", flush=True)
    started = time.monotonic()
    server = ServerProcess(folder)
    kills = 0
    try:
        app_key, admin_key = server.create_api_key("events:write"), server.create_api_key("admin")
        server.start(FIRST_BUDGET_MS)
        users, members, partners = seed(ApiClient(server.base_url, server.ca, admin_key), args.users, args.members)
        world = World(server.base_url, server.ca, app_key, admin_key, users, members, partners)
        checker = Checker(world, server)
        print(f"seeded {len(users)} users, {len(members)} members, {len(partners)} partners "
              f"in {time.monotonic() - started:.0f}s", flush=True)
        workers = start_workers(world, args.seed, event_writers=args.writers)
        for kills in range(1, args.kills + 1):
            load = rng.uniform(args.min_load, args.max_load)
            world.stopping.wait(load)
            outcome = crash_and_recover(world, server, checker, BUDGETS_MS[(kills - 1) % len(BUDGETS_MS)], args)
            print(f"kill {kills}/{args.kills} after {load:.1f}s of load: {outcome}; "
                  f"{len(world.ledger.events)} events acknowledged, {len(world.ledger.violations)} violations", flush=True)
            if world.ledger.violations:
                break
        finish(world, server, checker, workers)
    except (SeedError, RuntimeError, OSError) as error:
        # The run itself could not go on (the server did not start, seeding was refused, ...).
        print(f"CHAOS ERROR: {error}\ndata folder kept: {folder} (server log {server.log_path})")
        return 2
    finally:
        server.kill()
    report(world, checker, kills, time.monotonic() - started)
    return verdict(world, folder, server, args)


def verdict(world: World, folder: Path, server: ServerProcess, args) -> int:
    violations = world.ledger.violations
    if not violations:
        print("CHAOS OK: every check held")
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        return 0
    print(f"\nCHAOS FAILED: {len(violations)} violations")
    for violation in violations[:50]:
        print(f"  - {violation}")
    print(f"data folder kept: {folder} (server log {server.log_path})")
    print(f"same random choices (timing differs): INCENTIVES_BIN={BINARY} scripts/chaos.sh --seed {args.seed}"
          f" --kills {args.kills}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
