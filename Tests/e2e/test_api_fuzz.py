"""schemathesis against the running binary: every check it has (`--checks all`, status codes and
response schemas among them), a few thousand generated requests to every operation the served
document describes, over a seeded database, on both engines. Any failure fails the test."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run

CONFIG = Path(__file__).with_name("api_fuzz.toml")


def seed(server, key):
    """Customers, events, bookings and a note, so generated ids sometimes find something."""
    for i, mobile in enumerate(["+447700900111", "+447700900122", "+447700900133", "+447700900144"], start=1):
        status, _ = server.request("POST", "/api/v1/customers", {"first_name": f"Guest{i}", "last_name": "Seed", "mobile": mobile}, key=key)
        assert status == 201
    for name, starts in [("Quiz", "2031-02-01T19:00"), ("Folk night", "2031-03-01T20:00")]:
        status, _ = server.request("POST", "/api/v1/events", {"name": name, "starts_at": starts, "capacity": 60}, key=key)
        assert status == 201
    for customer, event, seats in [(1, 1, 2), (2, 1, 0), (3, 2, 4)]:
        status, _ = server.request("POST", "/api/v1/bookings", {"customer_id": customer, "event_id": event, "seats": seats}, key=key)
        assert status == 201
    status, _ = server.request("POST", "/api/v1/plugins/timeline/customers/1/notes", {"body": "Likes the window table."}, key=key)
    assert status == 201


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_schemathesis_finds_nothing(tmp_path, server_factory, engine, request):
    database = ()
    if engine == "postgres":
        database = ("--database", request.getfixturevalue("postgres_url"))
    run("migrate", *database, cwd=tmp_path)
    run("venue", "create", *database, "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    key = run("api-key", "create", *database, "--venue", "crown", "--name", "fuzz", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--test-clock", *database), env={"CRIER_LOG_LEVEL": "warning"})
    seed(server, key)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
        f"http://127.0.0.1:{server.port}/api/v1/openapi.json", "--checks", "all", "--max-examples", "30", "--seed", "20261203",
        "--header", f"Authorization: Bearer {key}", "--no-color", "--request-timeout", "10",
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    report = result.stdout + result.stderr
    (tmp_path / "schemathesis.out").write_text(report)
    generated = re.search(r"(\d+) generated", report)
    assert result.returncode == 0, report[-8000:]
    assert generated and int(generated.group(1)) >= 2000, report[-2000:]
    # The server stayed healthy throughout: no 5xx above, and it still answers.
    assert server.get("/health")[0] == 200
