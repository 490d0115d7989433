"""The built `incentives` binary: where it is, and running it as a real HTTPS server on a free port
or as a command (`apikey create`)."""
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # Tests/BlackBox/helpers/server.py
BINARY = Path(os.environ.get("INCENTIVES_BIN", ROOT / ".build" / "debug" / "incentives"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int
    folder: Path
    banner: str

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"  # the issuer: cookies and links use this host

    @property
    def ca(self) -> str:
        return str(self.folder / "certs" / "dev-ca.pem")

    def stop(self, sig=15, timeout=30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def start_server(folder: Path, *extra: str, env: dict | None = None, port: int | None = None) -> Server:
    port = port or free_port()
    args = [str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(folder / "data"), "--certs-dir", str(folder / "certs"), *extra]
    log = open(folder / f"server-{port}.log", "w")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True,
                               env={**os.environ, **(env or {})})
    started = time.monotonic()
    banner = process.stdout.readline()  # "incentives: serving https://..."
    if not banner.startswith("incentives: serving"):
        process.kill()
        raise RuntimeError(f"server did not start: {banner!r}; see {folder}")
    print(f"server on port {port} up in {time.monotonic() - started:.2f}s")
    return Server(process, "127.0.0.1", port, folder, banner.strip())


def create_api_key(folder: Path, *scopes: str) -> str:
    args = [str(BINARY), "apikey", "create", "--data-dir", str(folder / "data"), "--certs-dir", str(folder / "certs")]
    for scope in scopes:
        args += ["--scope", scope]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    key = result.stdout.strip()
    assert key.startswith("ink_") and "\n" not in key
    return key
