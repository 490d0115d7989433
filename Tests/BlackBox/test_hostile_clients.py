"""Hostile and broken clients; after each, the server must still serve others."""
import os
import socket
import ssl
import time

import pytest

from helpers.tls import assert_still_serves, client_context, client_hello, closed_by_peer, connect

# The server drops a client that has not finished its handshake after 5 s; allow far more.
GENEROUS = 30


def raw_connection(server) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=GENEROUS)


def test_garbage_instead_of_client_hello(server):
    with raw_connection(server) as sock:
        sock.sendall(os.urandom(2048))
        assert closed_by_peer(sock, GENEROUS)
    assert_still_serves(server, server.ca)


def test_plain_http_to_the_tls_port(server):
    with raw_connection(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        sock.settimeout(GENEROUS)
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        assert b"HTTP/1.1" not in received and b"status" not in received
    assert_still_serves(server, server.ca)


def test_disconnect_mid_handshake(server):
    hello = client_hello()
    for cut in (5, len(hello) // 2, len(hello)):
        with raw_connection(server) as sock:
            sock.sendall(hello[:cut])
    assert_still_serves(server, server.ca)


def test_disconnect_mid_body(server):
    with connect(server, client_context(server.ca)) as sock:
        sock.sendall(b"POST /_test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n")
        sock.sendall(os.urandom(10_000))
    assert_still_serves(server, server.ca)


def test_silent_half_open_connection_is_dropped_at_the_deadline(server):
    started = time.monotonic()
    with raw_connection(server) as sock:
        assert closed_by_peer(sock, GENEROUS)
    print(f"silent client dropped after {time.monotonic() - started:.1f}s")
    assert_still_serves(server, server.ca)


def test_dribbled_client_hello_is_dropped_at_the_deadline(server):
    hello = client_hello()
    started = time.monotonic()
    dropped = False
    with raw_connection(server) as sock:
        for byte in hello[:-1]:  # one byte every 0.2 s: the whole hello would take over a minute
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
                break
            if closed_by_peer(sock, 0.2):
                dropped = True
                break
            if time.monotonic() - started > GENEROUS:
                break
    print(f"dribbling client dropped={dropped} after {time.monotonic() - started:.1f}s")
    assert dropped
    assert_still_serves(server, server.ca)


def legacy_context(version: ssl.TLSVersion, ciphers: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # OpenSSL 3's client refuses to offer old protocols and suites above security level 0.
    context.set_ciphers(f"{ciphers}:@SECLEVEL=0")
    context.minimum_version = version
    context.maximum_version = version
    return context


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
def test_old_protocol_versions_are_refused(server, version):
    with pytest.raises(ssl.SSLError) as refused:
        with connect(server, legacy_context(version, "ALL")):
            pass
    # The client did offer the version: the refusal came from the server, not from local policy.
    assert "NO_PROTOCOLS_AVAILABLE" not in str(refused.value).upper()
    print(f"{version.name}: {refused.value}")
    assert_still_serves(server, server.ca)


def test_cbc_suites_are_refused(server):
    cbc = "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384"
    with pytest.raises(ssl.SSLError) as refused:
        with connect(server, legacy_context(ssl.TLSVersion.TLSv1_2, cbc)):
            pass
    assert "NO_CIPHERS_AVAILABLE" not in str(refused.value).upper()
    print(f"CBC only: {refused.value}")
    assert_still_serves(server, server.ca)


def test_client_without_http11_in_alpn_is_refused(server):
    context = client_context(server.ca)
    context.set_alpn_protocols(["h2"])
    with pytest.raises(ssl.SSLError) as refused:
        with connect(server, context):
            pass
    assert "NO APPLICATION PROTOCOL" in str(refused.value).upper()
    assert_still_serves(server, server.ca)
