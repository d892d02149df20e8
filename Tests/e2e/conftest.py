"""Process-level tests: the `crier` binary as a user runs it (CLI, `crier serve`, signals)."""
import json
import re
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# How many migrations a fresh database gets: the core track, the plugins' file's own and the built-in plugins' tracks, as declared in the source.
MIGRATIONS = sum(len(re.findall(r"Migration\(version: \d+", p.read_text()))
                 for p in [ROOT / "Sources/CrierStore/Migrations/CoreMigrations.swift", ROOT / "Sources/CrierStore/Engine/PluginFile.swift", *ROOT.glob("Plugins/*/Sources/*Schema.swift")])


def crier_bin() -> str:
    path = os.environ.get("CRIER_BIN") or str(ROOT / ".build" / "debug" / "crier")
    if not Path(path).exists():
        pytest.fail(f"{path} does not exist: run scripts/test (it builds first)")
    return path


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*args, cwd, env=None, check=True):
    """Runs a crier command; returns CompletedProcess with text stdout/stderr."""
    full_env = {**os.environ, "CRIER_LOG_LEVEL": "warning", **(env or {})}
    result = subprocess.run([crier_bin(), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"crier {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class Server:
    """`crier serve` in a directory, on a free port; stopped with SIGTERM."""
    started = 0  # each server's output goes to a file of its own

    def __init__(self, cwd, args=(), env=None, port=None):
        self.port = port or free_port()
        self.cwd = cwd
        full_env = {**os.environ, **(env or {})}
        Server.started += 1
        name = "serve" if Server.started == 1 else f"serve-{Server.started}"
        self.out = open(Path(cwd) / f"{name}.out", "w+")
        self.err = open(Path(cwd) / f"{name}.err", "w+")
        self.proc = subprocess.Popen([crier_bin(), *args, "--port", str(self.port)], cwd=cwd, env=full_env,
                                     stdout=self.out, stderr=self.err, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"crier serve exited early:\n{self.stdout()}\n{self.stderr()}")
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("crier serve did not answer /health within 60 s")

    def stdout(self):
        self.out.flush()
        return Path(self.out.name).read_text()

    def stderr(self):
        self.err.flush()
        return Path(self.err.name).read_text()

    def request(self, method, path, body=None, key=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if key:
            req.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw and resp.headers.get_content_type() == "application/json" else raw)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw else None)

    def get(self, path, key=None):
        return self.request("GET", path, key=key)

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("crier serve ignored the signal for 20 s")
        return self.proc.returncode


@pytest.fixture
def server_factory(tmp_path):
    servers = []

    def make(args=(), env=None, cwd=None, port=None):
        s = Server(cwd or tmp_path, args, env, port)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop(signal.SIGKILL) if s.proc.poll() is None else None


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the throwaway server scripts/test started."""
    admin = os.environ.get("CRIER_TEST_POSTGRES_URL")
    if not admin:
        if os.environ.get("CRIER_REQUIRE_POSTGRES") == "1":
            pytest.fail("CRIER_REQUIRE_POSTGRES=1 but no CRIER_TEST_POSTGRES_URL: run scripts/test")
        pytest.skip("no PostgreSQL (run scripts/test)")
    name = f"crier_e2e_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield admin.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
