"""Running Crier as an operator does: version, logs, a busy port, an unreachable database,
backups while it writes, and the systemd unit."""
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, crier_bin, free_port, run


def test_version_names_the_release_and_the_git_revision(tmp_path):
    result = run("--version", cwd=tmp_path)
    match = re.fullmatch(r"crier (\d+\.\d+\.\d+) \(git ([0-9a-f]{12}(-modified)?|unknown)\)\n", result.stdout)
    assert match, result.stdout
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        # The binary was built from this checkout (perhaps a commit or so before, mid-session).
        assert match.group(2) != "unknown"


@pytest.mark.parametrize("variable,value,expected", [
    ("CRIER_LOG_LEVEL", "loud", "CRIER_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not 'loud'"),
    ("CRIER_LOG_FORMAT", "xml", "CRIER_LOG_FORMAT must be json or text, not 'xml'"),
])
def test_a_bad_log_setting_is_refused_at_start_with_the_choices(tmp_path, variable, value, expected):
    result = run("serve", cwd=tmp_path, env={variable: value}, check=False)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert not (tmp_path / "crier.sqlite").exists()


def test_json_logs_are_one_object_a_line_with_an_access_line_per_request(tmp_path, server_factory):
    server = server_factory(env={"CRIER_LOG_FORMAT": "json", "CRIER_LOG_LEVEL": "info"})
    base = f"http://127.0.0.1:{server.port}"
    given = urllib.request.Request(base + "/health", headers={"X-Request-Id": "lb-7f3a.9:2"})
    with urllib.request.urlopen(given, timeout=10) as resp:
        assert resp.headers["X-Request-Id"] == "lb-7f3a.9:2"
    forged = urllib.request.Request(base + "/health", headers={"X-Request-Id": 'x" level=error'})
    with urllib.request.urlopen(forged, timeout=10) as resp:
        made = resp.headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{16}", made), made
    assert server.get("/api/v1/customers/12")[0] == 401
    time.sleep(0.3)
    assert server.stop() == 0
    lines = [json.loads(line) for line in server.stderr().splitlines()]
    assert lines and all({"time", "level", "message", "label"} <= set(line) for line in lines)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]) for line in lines)
    access = [line for line in lines if "duration_ms" in line]
    by_id = {line["request_id"]: line for line in access}
    assert by_id["lb-7f3a.9:2"]["route"] == "/health" and by_id["lb-7f3a.9:2"]["status"] == "200"
    assert by_id[made]["method"] == "GET"
    # The route's template, never the path with its ids.
    assert any(line["route"] == "/api/v1/customers/{id}" and line["status"] == "401" for line in access), access
    # A clean shutdown logs nothing at error or above.
    assert not [line for line in lines if line["level"] in ("error", "critical")], lines


def test_text_logs_when_asked(tmp_path, server_factory):
    server = server_factory(env={"CRIER_LOG_FORMAT": "text", "CRIER_LOG_LEVEL": "info"})
    assert server.get("/health")[0] == 200
    assert server.stop() == 0
    assert "request_id=" in server.stderr() and not server.stderr().lstrip().startswith("{")


def test_a_busy_port_is_one_line_before_the_database_is_touched(tmp_path):
    holder = socket.socket()
    holder.bind(("0.0.0.0", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        started = time.monotonic()
        result = run("serve", "--port", str(port), cwd=tmp_path, check=False)
        assert result.returncode == 1
        assert f"error: port {port} on 0.0.0.0 is already in use" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert time.monotonic() - started < 10
        assert not (tmp_path / "crier.sqlite").exists()
    finally:
        holder.close()


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "0"]])
def test_an_unreachable_postgresql_is_given_up_on_with_a_clear_message(tmp_path, command):
    closed = free_port()  # nothing listens there
    started = time.monotonic()
    result = run(*command, "--database", f"postgres://crier:secret@127.0.0.1:{closed}/crier", cwd=tmp_path, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert f"cannot reach the database at postgres://crier@127.0.0.1:{closed}/crier within 10 s" in result.stderr, result.stderr
    assert "secret" not in result.stderr
    assert elapsed < 20, elapsed


def test_a_backup_taken_while_writing_restores_every_row_acknowledged_before_it(tmp_path, server_factory):
    server = server_factory(env={"CRIER_LOG_LEVEL": "warning"})
    key = run("api-key", "create", "--venue", "default", "--name", "backup-test", cwd=tmp_path).stdout.strip()
    acknowledged, stop, errors = [], threading.Event(), []

    def write(lane):
        n = 0
        while not stop.is_set():
            n += 1
            status, body = server.request("POST", "/api/v1/customers",
                                          {"first_name": "Guest", "last_name": str(n), "mobile": f"+447911{lane}{n:05d}"}, key=key)
            if status == 201:
                acknowledged.append((time.monotonic(), body["id"]))
            else:
                errors.append((status, body))

    writers = [threading.Thread(target=write, args=(lane,)) for lane in range(2)]
    for t in writers:
        t.start()
    try:
        time.sleep(1.0)
        backup_started = time.monotonic()
        backup = run("backup", "--to", str(tmp_path / "copy.sqlite"), cwd=tmp_path)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in writers:
            t.join(timeout=20)
    assert not errors, errors[:3]
    assert "backed up to" in backup.stdout and (tmp_path / "copy-plugins.sqlite").exists()
    before = {cid for at, cid in acknowledged if at < backup_started}
    assert len(before) > 20 and len(acknowledged) > len(before)
    again = run("backup", "--to", str(tmp_path / "copy.sqlite"), cwd=tmp_path, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    server.stop()

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    target = restored_dir / "crier.sqlite"
    result = run("restore", "--from", str(tmp_path / "copy.sqlite"), "--database", f"sqlite://{target}", cwd=tmp_path)
    assert "restored" in result.stdout and (restored_dir / "crier-plugins.sqlite").exists()
    refused = run("restore", "--from", str(tmp_path / "copy.sqlite"), "--database", f"sqlite://{target}", cwd=tmp_path, check=False)
    assert refused.returncode == 1 and "already exists" in refused.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {row[0] for row in db.execute("SELECT id FROM customers")}
        journaled = {row[0] for row in db.execute("SELECT subject_id FROM journal WHERE kind = 'customer.created'")}
    assert before <= ids, sorted(before - ids)[:5]
    assert ids == journaled  # each customer with its journal entry: one snapshot, no half-transaction
    print(f"\nbackup while writing: {len(before)} acknowledged before it, {len(ids)} in the copy, {len(acknowledged)} in all")

    # The restored database serves, the secret key file from the original directory with it.
    shutil.copy(tmp_path / "crier.sqlite.key", restored_dir / "crier.sqlite.key")
    copy = server_factory(args=("--database", f"sqlite://{target}"), cwd=restored_dir, env={"CRIER_LOG_LEVEL": "warning"})
    status, listing = copy.get("/api/v1/customers?limit=1", key=key)
    assert status == 200
    assert copy.stop() == 0


def test_a_restore_refuses_what_is_not_a_crier_backup(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database at all, just words " * 100)
    result = run("restore", "--from", str(tmp_path / "notes.txt"), "--database", f"sqlite://{tmp_path / 'new.sqlite'}", cwd=tmp_path, check=False)
    assert result.returncode == 1 and "is not a Crier backup" in result.stderr, result.stderr
    assert not (tmp_path / "new.sqlite").exists()
    missing = run("restore", "--from", str(tmp_path / "nothing.sqlite"), cwd=tmp_path, check=False)
    assert missing.returncode == 1 and "there is no backup at" in missing.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_unit_verifies_and_is_hardened(tmp_path):
    unit = (ROOT / "deploy/crier.service").read_text()
    # As installed, but pointing at this build and an optional environment file.
    unit = unit.replace("/usr/local/bin/crier", crier_bin()).replace("EnvironmentFile=/etc/crier/crier.env", "EnvironmentFile=-/etc/crier/crier.env")
    (tmp_path / "crier.service").write_text(unit)
    verify = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "crier.service")], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(tmp_path / "crier.service")],
                              capture_output=True, text=True, timeout=60)
    exposure = re.search(r"Overall exposure level for crier.service: (\d+\.\d+)", security.stdout)
    assert exposure and float(exposure.group(1)) < 2.0, security.stdout[-500:]
    example = (ROOT / "deploy/crier.env.example").read_text()
    for name in re.findall(r"^#?(CRIER_[A-Z_]+)=", example, re.M):
        assert name in (ROOT / "README.md").read_text(), f"{name} is not in the README's Configuration"


def test_help_lists_the_plugins_commands_after_the_built_in_ones(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert "SUBCOMMANDS:" in result.stdout and "backup" in result.stdout and "restore" in result.stdout
    plugins = result.stdout.split("PLUGIN COMMANDS:", 1)[1]
    for line in ["contacts rebuild", "timeline rebuild", "exports customers", "exports import"]:
        assert line in plugins, result.stdout


def test_metrics_name_the_running_build(tmp_path, server_factory):
    server = server_factory(env={"CRIER_LOG_LEVEL": "warning"})
    status, body = server.get("/metrics")
    assert status == 200
    version = run("--version", cwd=tmp_path).stdout.split()
    line = f'crier_build_info{{version="{version[1]}",revision="{version[3].rstrip(")")}"}} 1.0'
    assert line in body.decode(), body.decode()[:2000]
