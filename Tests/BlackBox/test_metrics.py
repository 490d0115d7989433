"""`GET /metrics` over HTTPS: Prometheus text with the service's figures, behind `metrics:read`."""
import socket
import re
import subprocess

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server
from helpers.oauth import create_user_with_password
from helpers.events import birth, event, seeded
from helpers.partners import Partner, programs_of


def samples(text: str) -> dict[str, float]:
    """`name{labels}` -> value for every sample line."""
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}


def failed_handshake(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # plain HTTP on the TLS port
        raw.recv(100)


def test_metrics_count_what_happened_and_name_the_audit_head(fresh_folder):
    server = start_server(fresh_folder)
    try:
        admin = Api(server, create_api_key(fresh_folder, "admin", "events:write"))
        employer, user = seeded(admin, birth())
        assert admin.post("/v1/events", event(user, type="fact", value="gave birth")).status_code == 201
        partner = Partner(server, admin, "Counted", programs_of(admin, employer))
        create_user_with_password(admin, "metered", employer)
        token = partner.user_token("metered", "correct horse battery staple")
        assert partner.feed(token["access_token"]).status_code == 200
        grant = admin.get(f"/v1/partners/{partner.client_id}/grants").json()["data"][0]["id"]
        assert admin.request("DELETE", f"/v1/grants/{grant}").status_code == 204
        failed_handshake(server)

        assert admin.get("/metrics").status_code == 403
        assert Api(server, "ink_wrong").get("/metrics").status_code == 401
        response = Api(server, create_api_key(fresh_folder, "metrics:read")).get("/metrics")
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
        figures = samples(response.text)
        print("\n".join(sorted(figures)))

        assert figures['incentives_events_ingested_total{evaluation="created"}'] == 1
        assert figures['incentives_achievements_awarded_total{path="sync"}'] == 1
        assert figures['incentives_tokens_issued_total{grant_type="authorization_code"}'] == 1
        assert figures['incentives_grants_revoked_total{by="admin"}'] == 1
        assert figures['incentives_tls_handshake_failures_total{reason="protocol"}'] >= 1
        assert figures["incentives_job_queue_depth"] == 0 and figures["incentives_jobs_dead"] == 0
        assert figures["incentives_achievements"] == 1
        assert any(name.startswith("hb_requests{") and 'http_route="/v1/events"' in name for name in figures)
        assert any(name.startswith("http_server_request_duration_bucket{") for name in figures)
        head = re.search(r'incentives_audit_head_info\{head="([0-9a-f]{64})"\} 1', response.text).group(1)
    finally:
        server.stop()

    log = (fresh_folder / f"server-{server.port}.log").read_text()
    logged = re.findall(r'audit\.head[^0-9a-f]*([0-9a-f]{64})', log)
    assert logged, log[-2000:]
    verified = subprocess.run([str(BINARY), "audit", "verify", "--expect-head", logged[-1], "--data-dir", str(fresh_folder / "data")],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout
    assert head  # the scraped head was a real MAC of the chain at the time
