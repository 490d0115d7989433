"""The short chaos run (`scripts/chaos.sh`): five SIGKILLs under mixed concurrent HTTPS load, and
after each one every acknowledged event, award, token, revocation and audit row still checks out."""
import os
import subprocess

from helpers.server import BINARY, ROOT

MUST_BE_NONZERO = [
    "kills survived",
    "events acknowledged and found once",
    "achievements listed in replies and found",
    "achievements matching the rules",
    "pending (202) events evaluated",
    "jobs created",
    "refresh families stored and checked",
    "refreshes acknowledged",
    "revocations acknowledged and still revoked",
    "feed rows seen and found",
    "audit rows verified",
]


def checked_counts(output: str) -> dict[str, int]:
    """The `counts (checked):` block of the report: indented `name: number` lines."""
    lines = output.split("counts (checked):\n", 1)[1].splitlines()
    counts = {}
    for line in lines:
        if not line.startswith("  "):
            break
        name, value = line.strip().rsplit(": ", 1)
        counts[name] = int(value)
    return counts


def test_short_chaos_run_keeps_every_acknowledged_fact():
    result = subprocess.run([str(ROOT / "scripts" / "chaos.sh")], capture_output=True, text=True, timeout=1800,
                            env={**os.environ, "INCENTIVES_BIN": str(BINARY)})
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "CHAOS OK" in result.stdout
    counts = checked_counts(result.stdout)
    assert counts["kills survived"] == 5
    for name in MUST_BE_NONZERO:
        assert counts.get(name, 0) > 0, (name, counts)
