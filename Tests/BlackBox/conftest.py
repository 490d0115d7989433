"""Fixtures that run the built `incentives` binary as a real HTTPS server on a free port
(the code that runs it is in helpers/server.py, the API client in helpers/api.py)."""
import tempfile
from pathlib import Path

import pytest

from helpers.api import Api
from helpers.server import create_api_key, start_server


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="incentives-blackbox-") as folder:
        srv = start_server(Path(folder), "--enable-test-routes")
        yield srv
        assert srv.stop() == 0


@pytest.fixture
def fresh_folder():
    with tempfile.TemporaryDirectory(prefix="incentives-run-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def admin(server) -> Api:
    return Api(server, create_api_key(server.folder, "admin", "events:write"))


@pytest.fixture(scope="session")
def app_key(server) -> Api:
    return Api(server, create_api_key(server.folder, "events:write"))


@pytest.fixture(scope="session")
def auditor(server) -> Api:
    return Api(server, create_api_key(server.folder, "audit:read"))
