"""Interop of the OpenSSL TLS layer with curl and Python's ssl/requests, over real sockets."""
import hashlib
import os
import ssl
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests.adapters import HTTPAdapter

from helpers.tls import answer_records, client_context, closed_by_peer, connect, get, read_response

TEN_MB = 10 * 1024 * 1024
VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def curl(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "--cacert", server.ca, *args], capture_output=True, timeout=120)


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_curl_health(server, version):
    result = curl(server, "-v", f"--tlsv{version}", "--tls-max", version, f"{server.base_url}/healthz")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b'{"status":"ok"}'
    assert f"SSL connection using TLSv{version}".encode() in result.stderr
    assert b"ALPN: server accepted http/1.1" in result.stderr
    assert b"strict-transport-security: max-age=300" in result.stderr.lower()
    assert b"x-content-type-options: nosniff" in result.stderr.lower()


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_curl_ten_megabytes_both_ways(server, version, tmp_path):
    upload = tmp_path / "upload.bin"
    upload.write_bytes(os.urandom(TEN_MB))
    echoed = tmp_path / "echoed.bin"
    result = curl(server, f"--tlsv{version}", "--tls-max", version, "--data-binary", f"@{upload}",
                  "-H", "Content-Type: application/octet-stream", "-o", str(echoed), f"{server.base_url}/_test/echo")
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(echoed.read_bytes()).digest() == hashlib.sha256(upload.read_bytes()).digest()

    download = tmp_path / "download.bin"
    result = curl(server, f"--tlsv{version}", "--tls-max", version, "-o", str(download),
                  f"{server.base_url}/_test/bytes/{TEN_MB}")
    assert result.returncode == 0, result.stderr
    assert download.read_bytes() == b"x" * TEN_MB


class PinnedVersionAdapter(HTTPAdapter):
    def __init__(self, context: ssl.SSLContext):
        self.context = context
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["ssl_context"] = self.context
        return super().init_poolmanager(*args, **kwargs)


def session_for(server, version: str) -> requests.Session:
    session = requests.Session()
    session.verify = server.ca
    session.mount("https://", PinnedVersionAdapter(client_context(server.ca, VERSIONS[version])))
    return session


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_requests_ten_megabytes_both_ways(server, version):
    with session_for(server, version) as session:
        assert session.get(f"{server.base_url}/healthz", timeout=30).json() == {"status": "ok"}
        payload = os.urandom(TEN_MB)
        echoed = session.post(f"{server.base_url}/_test/echo", data=payload, timeout=120)
        assert echoed.status_code == 200 and echoed.content == payload
        downloaded = session.get(f"{server.base_url}/_test/bytes/{TEN_MB}", timeout=120)
        assert downloaded.status_code == 200 and downloaded.content == b"x" * TEN_MB


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_python_ssl_negotiates_version_alpn_and_resumes(server, version):
    context = client_context(server.ca, VERSIONS[version])
    with connect(server, context) as first:
        assert first.version() == f"TLSv{version}"
        assert first.selected_alpn_protocol() == "http/1.1"
        assert first.cipher()[0] in {
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}
        assert get(first, "/healthz")[0] == 200  # TLS 1.3 tickets arrive after the handshake
        session = first.session
    raw = __import__("socket").create_connection((server.host, server.port), timeout=30)
    with context.wrap_socket(raw, server_hostname="localhost", session=session) as second:
        assert second.session_reused
        assert get(second, "/healthz", close=True)[0] == 200


def test_connection_close_is_answered_and_honoured(server):
    """RFC 9112 §9.6: a request with Connection: close gets Connection: close, then the server closes."""
    with connect(server, client_context(server.ca)) as sock:
        status, headers, _ = get(sock, "/healthz", close=True)
        assert status == 200 and headers.get("connection") == "close"
        assert closed_by_peer(sock, timeout=10)
    with connect(server, client_context(server.ca)) as sock:
        status, headers, _ = get(sock, "/healthz")  # keep-alive: no Connection header, connection stays usable
        assert status == 200 and "connection" not in headers
        assert get(sock, "/healthz")[0] == 200


def test_http_1_0_without_keep_alive_is_closed_after_its_answer(server):
    """RFC 9112 §9.3: an HTTP/1.0 request without keep-alive is the last of its connection."""
    with connect(server, client_context(server.ca)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        status, headers, body = read_response(sock)
        assert status == 200 and body == b'{"status":"ok"}' and headers.get("connection") == "close"
        assert closed_by_peer(sock, timeout=10)
    with connect(server, client_context(server.ca)) as sock:  # HTTP/1.0 asking for keep-alive stays open
        sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
        assert read_response(sock)[0] == 200
        assert get(sock, "/healthz")[0] == 200


def test_two_hundred_concurrent_keep_alive_connections(server):
    context = client_context(server.ca)
    with ThreadPoolExecutor(max_workers=32) as pool:
        sockets = list(pool.map(lambda _: connect(server, context), range(200)))
    try:
        for round_number in (1, 2):
            for sock in sockets:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            statuses = [read_response(sock)[0] for sock in sockets]
            print(f"round {round_number}: {len(statuses)} responses on 200 open connections")
            assert statuses == [200] * 200
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("path", ["/healthz", "/v1/employers"])
def test_a_small_answer_leaves_in_one_tls_record(server, admin, path):
    """Head and body of a small response are one TLS record (one encryption, one write), both for a
    hand-written route and for a generated OpenAPI one, whose bodies Hummingbird would write in parts."""
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {admin.key}\r\n\r\n"
    answer, records = answer_records(server, server.ca, request.encode())
    print(f"{path}: {len(answer)} bytes in records of {records} bytes")
    assert answer.startswith(b"HTTP/1.1 200 ") and len(records) == 1
