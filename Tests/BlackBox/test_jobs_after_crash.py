"""Evaluation jobs survive SIGKILL: after a restart every job runs once and nothing is awarded twice."""
import signal
import subprocess
import time

from helpers.api import Api
from helpers.server import BINARY, create_api_key, start_server
from helpers.events import event, unique


def jobs(folder) -> list[str]:
    result = subprocess.run([str(BINARY), "jobs", "list", "--data-dir", str(folder / "data")],
                            capture_output=True, text=True, timeout=60, check=True)
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_sigkill_with_queued_jobs_loses_nothing_and_awards_once(fresh_folder):
    key = create_api_key(fresh_folder, "admin", "events:write")
    server = start_server(fresh_folder, "--evaluation-budget-ms", "0")  # every event goes to a job
    api = Api(server, key)
    employer, user = unique("emp"), unique("user")
    assert api.post("/v1/employers", {"id": employer, "name": "E"}).status_code == 201
    for program in ({"name": "Birth", "incentive": "event-reported", "parameters": {"type": "fact"}, "reward": {"name": "Kit"}},
                    {"name": "Every 3", "incentive": "total-events", "parameters": {"count": 3},
                     "reward": {"name": "Points"}, "repeatable": True}):
        assert api.post(f"/v1/employers/{employer}/programs", program).status_code == 201
    assert api.post("/v1/users", {"id": user, "employer_id": employer}).status_code == 201
    bodies = [event(user, type="fact", value=str(i)) for i in range(30)]
    replies = [api.post("/v1/events", body) for body in bodies]
    assert {r.status_code for r in replies} == {202}
    assert all(r.json()["evaluation"] == "pending" for r in replies)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=30)
    queued = jobs(fresh_folder)
    print(f"jobs still queued after SIGKILL: {len(queued)} of 30")

    restarted = start_server(fresh_folder, port=server.port)
    try:
        started = time.monotonic()
        while jobs(fresh_folder) and time.monotonic() - started < 120:
            time.sleep(0.5)
        print(f"queue drained {time.monotonic() - started:.1f}s after restart")
        assert jobs(fresh_folder) == []
        api = Api(restarted, key)
        achievements = api.get(f"/v1/users/{user}/achievements?limit=200").json()["data"]
        kit = [a for a in achievements if a["reward"]["name"] == "Kit"]
        points = sorted(int(a["period_key"]) for a in achievements if a["reward"]["name"] == "Points")
        assert len(kit) == 1
        assert points == list(range(1, 11))
        replayed = [api.post("/v1/events", body).json() for body in bodies]
        assert all(r["evaluation"] == "complete" for r in replayed)
        assert sum(len(r["achievements"]) for r in replayed) == len(achievements)
    finally:
        restarted.stop()
