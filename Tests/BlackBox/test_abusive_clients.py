"""Abusive clients after the handshake: slow heads and bodies, idle crowds, oversized requests.
The service drops them and keeps answering everyone else (latency printed, generous deadlines)."""
import resource
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers.server import start_server
from helpers.tls import assert_still_serves, client_context, closed_by_peer, connect, get, read_response

GENEROUS = 60


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("strict")
    server = start_server(folder, "--request-head-timeout", "3", "--request-body-timeout", "5")
    yield server
    server.stop()


def healthz_latency(server) -> float:
    started = time.monotonic()
    assert_still_serves(server, server.ca)
    return time.monotonic() - started


def dribble(sock, chunks, every: float) -> tuple[bool, float]:
    """Sends `chunks` one by one; returns whether the server hung up, and when."""
    started = time.monotonic()
    for chunk in chunks:
        try:
            sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            return True, time.monotonic() - started
        if closed_by_peer(sock, every):
            return True, time.monotonic() - started
        if time.monotonic() - started > GENEROUS:
            break
    return False, time.monotonic() - started


def test_slowloris_headers_hit_the_read_deadline(strict_server):
    with connect(strict_server, client_context(strict_server.ca)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        dropped, after = dribble(sock, (f"X-Slow-{i}: y\r\n".encode() for i in range(1000)), every=0.5)
        print(f"slow header client dropped={dropped} after {after:.1f}s; others served in {healthz_latency(strict_server) * 1000:.0f} ms")
    assert dropped


def test_slowloris_body_hits_the_read_deadline(strict_server):
    with connect(strict_server, client_context(strict_server.ca)) as sock:
        sock.sendall(b"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 60000\r\n\r\n{")
        dropped, after = dribble(sock, (b" " * 10 for _ in range(1000)), every=0.5)
        print(f"slow body client dropped={dropped} after {after:.1f}s; others served in {healthz_latency(strict_server) * 1000:.0f} ms")
    assert dropped


def test_idle_keep_alive_connection_is_closed_after_the_head_deadline(strict_server):
    with connect(strict_server, client_context(strict_server.ca)) as sock:
        status, _, _ = get(sock, "/healthz")
        started = time.monotonic()
        assert status == 200 and closed_by_peer(sock, GENEROUS)
        print(f"idle keep-alive connection closed {time.monotonic() - started:.1f}s after its response")


def test_oversized_head_and_body_are_refused(strict_server):
    with connect(strict_server, client_context(strict_server.ca)) as sock:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + b"a" * 200_000 + b"\r\n\r\n")
            sock.settimeout(GENEROUS)
            answer = sock.recv(100)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            answer = b""
        # A hang-up or a 4xx; never the health check's 200.
        assert answer == b"" or answer.split()[1] in (b"400", b"431"), answer
    with connect(strict_server, client_context(strict_server.ca)) as sock:
        sock.sendall(b"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer ink_x\r\nContent-Length: 200000\r\n\r\n" + b" " * 200_000)
        status, _, _ = read_response(sock)
        assert status in (401, 413)
    assert_still_serves(strict_server, strict_server.ca)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_ten_thousand_idle_connections(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65_536), hard))  # the server inherits it
    server = start_server(tmp_path, "--request-head-timeout", "600")
    try:
        context = client_context(server.ca)
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            idle = list(pool.map(lambda _: connect(server, context, timeout=GENEROUS), range(10_000)))
        print(f"10,000 TLS connections open and idle after {time.monotonic() - started:.1f}s")
        latency = healthz_latency(server)
        print(f"another client served in {latency * 1000:.0f} ms; server peak RSS {peak_rss_mib(server.process.pid):.0f} MiB")
        assert peak_rss_mib(server.process.pid) < 2048
        for sock in idle:
            sock.close()
        assert_still_serves(server, server.ca)
    finally:
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
