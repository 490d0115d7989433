"""`incentives demo` as the README tells a new user to run it: seed, then the printed commands work."""
import shlex
import subprocess

from helpers.server import BINARY, start_server


def test_demo_commands_show_the_rewards(fresh_folder):
    server = start_server(fresh_folder)
    try:
        seeded = subprocess.run(
            [str(BINARY), "demo", "--data-dir", str(fresh_folder / "data"), "--certs-dir", str(fresh_folder / "certs"),
             "--port", str(server.port)], capture_output=True, text=True, timeout=60, check=True).stdout
        commands = [line for line in seeded.splitlines() if line.startswith("curl ")]
        assert len(commands) == 8
        outputs = [subprocess.run(shlex.split(c), capture_output=True, text=True, timeout=60, check=True).stdout
                   for c in commands]
        assert "Pregnancy pillow" in outputs[4] and all("Pregnancy pillow" not in o for o in outputs[:4])
        assert "Baby welcome kit" in outputs[5]
        assert "Pregnancy pillow" in outputs[6] and "Baby welcome kit" in outputs[6]
    finally:
        server.stop()
