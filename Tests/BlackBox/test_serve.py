"""`incentives serve` as a user runs it: first run, flags and environment, certificates, shutdown."""
import os
import signal
import stat
import subprocess
from datetime import datetime, timedelta, timezone

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from helpers.server import BINARY, free_port, start_server


def test_server_binary_links_system_openssl_and_no_boringssl():
    symbols = subprocess.run(["nm", "-C", str(BINARY)], capture_output=True, text=True, check=True).stdout
    assert symbols.count("\n") > 1000  # a real symbol table, not an empty answer
    offending = [line for line in symbols.splitlines() if "boringssl" in line.lower()]
    assert offending == [], offending[:5]
    libraries = subprocess.run(["ldd", str(BINARY)], capture_output=True, text=True, check=True).stdout
    assert "libssl.so.3" in libraries and "libcrypto.so.3" in libraries


def test_first_run_creates_data_and_dev_certificates(fresh_folder):
    server = start_server(fresh_folder)
    try:
        certs = fresh_folder / "certs"
        assert (fresh_folder / "data").is_dir()
        for key in ("dev-ca.key", "server.key"):
            assert stat.S_IMODE((certs / key).stat().st_mode) == 0o600
        leaf = x509.load_pem_x509_certificate((certs / "server.pem").read_bytes())
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert set(names.get_values_for_type(x509.DNSName)) == {"localhost"}
        assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
        assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= timedelta(days=91)
        assert ExtendedKeyUsageOID.SERVER_AUTH in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        body = requests.get(f"https://127.0.0.1:{server.port}/healthz", verify=str(certs / "dev-ca.pem"), timeout=30)
        assert body.json() == {"status": "ok"}
    finally:
        assert server.stop() == 0
    before = (fresh_folder / "certs" / "server.pem").read_bytes()
    again = start_server(fresh_folder)
    assert again.stop() == 0
    assert (fresh_folder / "certs" / "server.pem").read_bytes() == before  # reused, not remade


def test_certificate_near_expiry_is_renewed(fresh_folder):
    start_server(fresh_folder).stop()
    certs = fresh_folder / "certs"
    # Replace the leaf with one that expires in 10 days, signed by the same CA.
    ca = x509.load_pem_x509_certificate((certs / "dev-ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((certs / "dev-ca.key").read_bytes(), password=None)
    leaf = x509.load_pem_x509_certificate((certs / "server.pem").read_bytes())
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(leaf.subject).issuer_name(ca.subject)
               .public_key(leaf.public_key()).serial_number(7)
               .not_valid_before(now - timedelta(days=80)).not_valid_after(now + timedelta(days=10)))
    for extension in leaf.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    short_pem = builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    (certs / "server.pem").write_bytes(short_pem)
    short = x509.load_pem_x509_certificate((certs / "server.pem").read_bytes())
    assert short.not_valid_after_utc < datetime.now(timezone.utc) + timedelta(days=11)
    start_server(fresh_folder).stop()
    renewed = x509.load_pem_x509_certificate((certs / "server.pem").read_bytes())
    assert renewed.not_valid_after_utc > datetime.now(timezone.utc) + timedelta(days=80)


def test_environment_configures_port_and_public_base_url(fresh_folder):
    port = free_port()
    process = subprocess.Popen(
        [str(BINARY), "serve"], cwd=fresh_folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "INCENTIVES_PORT": str(port), "INCENTIVES_PUBLIC_BASE_URL": "https://incentives.example"})
    try:
        assert process.stdout.readline().strip() == "incentives: serving https://incentives.example"
        # Defaults relative to the working directory, as `swift run incentives serve` from a checkout.
        assert (fresh_folder / "data").is_dir() and (fresh_folder / "certs" / "server.pem").is_file()
        response = requests.get(f"https://localhost:{port}/readyz", verify=str(fresh_folder / "certs" / "dev-ca.pem"), timeout=30)
        assert response.json() == {"status": "ready"}
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def test_configured_certificate_replaces_the_dev_one(fresh_folder):
    start_server(fresh_folder).stop()  # makes a CA and a leaf to use as "real" certificates
    certs = fresh_folder / "certs"
    own = fresh_folder / "own"
    own.mkdir()
    os.replace(certs / "server.pem", own / "chain.pem")
    os.replace(certs / "server.key", own / "key.pem")
    server = start_server(fresh_folder, "--cert", str(own / "chain.pem"), "--key", str(own / "key.pem"))
    try:
        assert not (certs / "server.pem").exists()
        response = requests.get(f"{server.base_url}/healthz", verify=str(certs / "dev-ca.pem"), timeout=30)
        assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    finally:
        server.stop()


def test_bad_flags_are_refused_with_a_message(fresh_folder):
    result = subprocess.run([str(BINARY), "serve", "--port", "70000", "--data-dir", str(fresh_folder)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "port" in result.stderr


def test_sigterm_shuts_down_gracefully(fresh_folder):
    server = start_server(fresh_folder)
    session = requests.Session()
    assert session.get(f"{server.base_url}/healthz", verify=server.ca, timeout=30).status_code == 200
    assert server.stop(signal.SIGTERM) == 0
