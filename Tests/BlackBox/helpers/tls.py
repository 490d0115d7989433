"""Small TLS clients on Python's ssl module (the system OpenSSL, an independent client stack)."""
import socket
import ssl


def client_context(ca: str, version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca)
    if version:
        context.minimum_version = version
        context.maximum_version = version
    context.set_alpn_protocols(["http/1.1"])
    return context


def connect(server, context: ssl.SSLContext, timeout: float = 30) -> ssl.SSLSocket:
    raw = socket.create_connection((server.host, server.port), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_response(sock) -> tuple[int, dict, bytes]:
    """Reads one HTTP/1.1 response with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return status, headers, body


def get(sock, path: str, close: bool = False) -> tuple[int, dict, bytes]:
    connection = "close" if close else "keep-alive"
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: {connection}\r\n\r\n".encode())
    return read_response(sock)


def assert_still_serves(server, ca: str) -> None:
    with connect(server, client_context(ca)) as sock:
        status, _, body = get(sock, "/healthz", close=True)
    assert status == 200 and body == b'{"status":"ok"}'


def closed_by_peer(sock, timeout: float) -> bool:
    """True when the peer closes (EOF or reset) within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def client_hello(alpn=("http/1.1",)) -> bytes:
    """The bytes of a real ClientHello, produced by an in-memory TLS client."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(list(alpn))
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def answer_records(server, ca: str, request: bytes) -> tuple[bytes, list[int]]:
    """Sends `request` on a fresh TLS 1.2 connection driven through memory BIOs and returns the
    decrypted answer and the lengths of the application-data records that carried it. TLS 1.2
    finishes its handshake (session ticket included) before the request, so every record that
    follows belongs to the answer."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = client_context(ca, ssl.TLSVersion.TLSv1_2).wrap_bio(incoming, outgoing, server_hostname="localhost")
    with socket.create_connection((server.host, server.port), timeout=30) as raw:
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                raw.sendall(outgoing.read())
                chunk = raw.recv(65536)
                if not chunk:
                    raise ConnectionError("closed during the handshake")
                incoming.write(chunk)
        tls.write(request)
        raw.sendall(outgoing.read())
        ciphertext, answer = b"", b""
        while not _complete(answer):
            chunk = raw.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the whole answer")
            ciphertext += chunk
            incoming.write(chunk)
            try:
                while True:
                    answer += tls.read(65536)
            except ssl.SSLWantReadError:
                pass
    return answer, _application_data_lengths(ciphertext)


def _complete(answer: bytes) -> bool:
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    raise AssertionError("an answer without Content-Length: its records cannot be counted")


def _application_data_lengths(ciphertext: bytes) -> list[int]:
    lengths, offset = [], 0
    while offset + 5 <= len(ciphertext):
        kind, length = ciphertext[offset], int.from_bytes(ciphertext[offset + 3:offset + 5], "big")
        if kind == 23:
            lengths.append(length)
        offset += 5 + length
    return lengths
