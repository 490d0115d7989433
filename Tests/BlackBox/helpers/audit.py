"""The audit log of a data folder, read as the security team would: `incentives audit export`."""
import json
import subprocess
from pathlib import Path

from helpers.server import BINARY


def exported_rows(data: Path) -> list[dict]:
    """Every audit row of the store in `data`, in chain order."""
    result = subprocess.run([str(BINARY), "audit", "export", "--data-dir", str(data)],
                            capture_output=True, text=True, timeout=120, check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]
