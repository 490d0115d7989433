"""sslyze against the running server: Mozilla "intermediate" compliance and no known vulnerability."""
import json
import subprocess
import sys


def test_sslyze_intermediate_compliant_and_not_vulnerable(server, tmp_path):
    report = tmp_path / "sslyze.json"
    result = subprocess.run(
        [sys.executable, "-m", "sslyze", "--mozilla_config=intermediate", f"--certinfo_ca_file={server.ca}",
         f"--json_out={report}", f"localhost:{server.port}"],
        capture_output=True, text=True, timeout=600)
    print(result.stdout[-1500:])
    assert "OK - Compliant" in result.stdout, result.stdout
    assert result.returncode == 0

    scan = json.loads(report.read_text())["server_scan_results"][0]
    assert scan["scan_status"] == "COMPLETED"
    results = scan["scan_result"]

    def outcome(command: str) -> dict:
        assert results[command]["status"] == "COMPLETED", results[command]
        return results[command]["result"]

    assert outcome("heartbleed")["is_vulnerable_to_heartbleed"] is False
    assert outcome("openssl_ccs_injection")["is_vulnerable_to_ccs_injection"] is False
    assert outcome("robot")["robot_result"] in {"NOT_VULNERABLE_NO_ORACLE", "NOT_VULNERABLE_RSA_NOT_SUPPORTED"}
    renegotiation = outcome("session_renegotiation")
    assert renegotiation["is_vulnerable_to_client_renegotiation_dos"] is False
    assert renegotiation["supports_secure_renegotiation"] is True
    assert outcome("tls_compression")["supports_compression"] is False
    for old in ("ssl_2_0_cipher_suites", "ssl_3_0_cipher_suites", "tls_1_0_cipher_suites", "tls_1_1_cipher_suites"):
        assert outcome(old)["accepted_cipher_suites"] == [], old
    accepted = [s["cipher_suite"]["name"] for s in outcome("tls_1_2_cipher_suites")["accepted_cipher_suites"]]
    assert accepted and all("GCM" in name and "ECDHE" in name for name in accepted), accepted
