"""The data folder is private, start-up refuses bad key files, `audit verify` only reads."""
import hashlib
import os
import stat
import subprocess
import time

import pytest

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server


def serve_args(folder):
    return [str(BINARY), "serve", "--host", "127.0.0.1", "--port", "0",
            "--data-dir", str(folder / "data"), "--certs-dir", str(folder / "certs")]


def first_run(folder):
    server = start_server(folder)
    try:
        Api(server, create_api_key(folder, "admin")).get("/v1/users")  # a write and a read: -wal and -shm exist
    finally:
        assert server.stop() == 0


def refused_start(folder) -> tuple[int, str]:
    """Runs `serve` expecting it to refuse; a server that starts instead fails the test."""
    started = time.monotonic()
    process = subprocess.Popen(serve_args(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    banner = process.stdout.readline()
    if banner.startswith("incentives: serving"):
        process.terminate()
        process.wait(timeout=30)
        pytest.fail("the server started on a bad key file")
    code = process.wait(timeout=120)
    errors = process.stderr.read().strip().splitlines()
    print(f"exit {code} after {time.monotonic() - started:.2f}s: {errors}")
    return code, errors[-1] if errors else ""


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_everything_in_the_data_folder_is_private(fresh_folder):
    first_run(fresh_folder)
    data = fresh_folder / "data"
    seen = []
    for root, folders, files in os.walk(data):
        for name in [root, *(os.path.join(root, f) for f in files)]:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            seen.append((os.path.relpath(name, fresh_folder), oct(mode)))
    print(seen)
    names = {name for name, _ in seen}
    assert {"data", "data/incentives.sqlite", "data/incentives.sqlite-wal", "data/incentives.sqlite-shm",
            "data/audit.key", "data/keys"} <= names
    for name, mode in seen:
        expected = "0o700" if os.path.isdir(fresh_folder / name) else "0o600"
        assert mode == expected, (name, mode)


def test_a_store_made_before_the_folder_was_private_is_made_private(fresh_folder):
    first_run(fresh_folder)
    data = fresh_folder / "data"
    os.chmod(data, 0o755)
    store = [data / f"incentives.sqlite{suffix}" for suffix in ("", "-wal", "-shm")]
    for file in store:
        os.chmod(file, 0o644)  # as the service made them before issue 17
    first_run(fresh_folder)
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    assert [oct(stat.S_IMODE(os.stat(file).st_mode)) for file in store] == ["0o600"] * 3


@pytest.mark.parametrize("name, damage", [
    ("audit.key", "exposed"), ("audit.key", "short"), ("api-key-hmac.key", "short"), ("oauth-hmac.key", "exposed"),
    ("pairwise-subject.key", "long"), ("feed-cursor.key", "exposed"), ("keys/keys.json", "exposed"),
    ("keys/*.pem", "exposed"), ("keys/*.pem", "malformed"),
])
def test_start_refuses_a_bad_key_file_and_keeps_it(fresh_folder, name, damage):
    first_run(fresh_folder)
    data = fresh_folder / "data"
    path = next(data.glob(name))
    if damage == "exposed":
        path.chmod(0o644)
    elif damage == "short":
        path.write_bytes(path.read_bytes()[:16])
    elif damage == "long":
        path.write_bytes(path.read_bytes() + b"\n")
    else:
        label = b"PRIVATE " + b"KEY"  # spelled apart, so that scanners for committed keys find none here
        path.write_bytes(b"-----BEGIN " + label + b"-----\nnot a key\n-----END " + label + b"-----\n")
    before = digest(path)
    code, message = refused_start(fresh_folder)
    assert code != 0
    assert str(path) in message and ("group or others" in message if damage == "exposed" else "malformed" in message), message
    assert digest(path) == before  # never replaced


def test_audit_verify_on_a_folder_without_a_store_creates_nothing(fresh_folder):
    empty = fresh_folder / "data"
    empty.mkdir()
    result = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(empty)], capture_output=True, text=True, timeout=120)
    print(result.returncode, result.stdout, result.stderr)
    assert result.returncode != 0 and "no store" in result.stderr
    assert list(empty.iterdir()) == []
    missing = fresh_folder / "nowhere"
    result = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(missing)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "no store" in result.stderr and not missing.exists()


def test_audit_verify_makes_no_key_and_changes_no_store(fresh_folder):
    first_run(fresh_folder)
    data = fresh_folder / "data"
    (data / "audit.key").rename(fresh_folder / "audit.key.aside")
    files_before = sorted(p.name for p in data.iterdir())
    database_before = digest(data / "incentives.sqlite")
    result = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(data)], capture_output=True, text=True, timeout=120)
    print(result.returncode, result.stdout, result.stderr)
    assert result.returncode != 0 and "audit.key does not exist" in result.stderr
    assert not (data / "audit.key").exists()
    assert sorted(p.name for p in data.iterdir()) == files_before
    assert digest(data / "incentives.sqlite") == database_before

    (fresh_folder / "audit.key.aside").rename(data / "audit.key")
    verified = subprocess.run([str(BINARY), "audit", "verify", "--data-dir", str(data)], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
    assert digest(data / "incentives.sqlite") == database_before
