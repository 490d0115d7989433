"""The real `incentives` binary as a child process that can be SIGKILLed and restarted on the same data."""
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BINARY = Path(os.environ.get("INCENTIVES_BIN", ROOT / ".build" / "debug" / "incentives"))

STARTUP_DEADLINE = 180  # seconds; a debug build on a busy 2-core machine can be slow to come up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One data folder and one port for the whole run: the issuer (https://127.0.0.1:PORT) is baked
    into every token, so a restart must come back on the same port to keep them valid."""

    def __init__(self, folder: Path, partner_rate_limit: int = 1_000_000):
        self.folder = folder
        # A private copy: the build may replace the binary mid-run, and every generation must be the same.
        self.binary = folder / "incentives"
        shutil.copy2(BINARY, self.binary)
        self.port = free_port()
        self.partner_rate_limit = partner_rate_limit
        self.process: subprocess.Popen | None = None
        self.generation = 0
        self.log_path = folder / "server.log"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def database(self) -> Path:
        return self.data_dir / "incentives.sqlite"

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca(self) -> str:
        return str(self.folder / "certs" / "dev-ca.pem")

    def start(self, evaluation_budget_ms: int) -> float:
        """Starts a new generation and waits for its banner; returns how long start-up took."""
        self.generation += 1
        args = [str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--certs-dir", str(self.folder / "certs"),
                "--evaluation-budget-ms", str(evaluation_budget_ms),
                "--partner-rate-limit", str(self.partner_rate_limit)]
        log = open(self.log_path, "a")
        log.write(f"\n==== generation {self.generation}: budget {evaluation_budget_ms} ms ====\n")
        log.flush()
        started = time.monotonic()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        banner = self._read_banner()
        if not banner.startswith("incentives: serving"):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"server generation {self.generation} did not start ({banner!r}); see {self.log_path}")
        # Keep draining stdout so a chatty server can never block on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return time.monotonic() - started

    def _read_banner(self) -> str:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(STARTUP_DEADLINE)
        return lines[0] if lines else ""

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, no checkpoint, whatever was in flight is cut."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=60)

    def stop(self) -> int:
        """SIGTERM: the graceful shutdown; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return -9

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cli(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        """Runs an `incentives` subcommand against this data folder."""
        command = [str(self.binary), *args, "--data-dir", str(self.data_dir), "--certs-dir", str(self.folder / "certs")]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    def create_api_key(self, *scopes: str) -> str:
        args = ["apikey", "create"]
        for scope in scopes:
            args += ["--scope", scope]
        result = self.cli(*args)
        key = result.stdout.strip()
        if result.returncode != 0 or not key.startswith("ink_"):
            raise RuntimeError(f"apikey create failed: {result.stdout}{result.stderr}")
        return key
