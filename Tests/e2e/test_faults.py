"""Faults injected for real against the real binary: SIGKILL during a dispatch, STOP and the kill
switch racing the sender, PostgreSQL stopped and restarted under webhook load, a full disk, a
locked SQLite file, SIGTERM while the database is gone. Each prints its figures. Counts are kept
small for CI; CRIER_FAULT_TEXTS, CRIER_FAULT_KILLS and CRIER_FAULT_RESTARTS raise them."""
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from conftest import free_port, run
from fake_twilio import FakeTwilio, signed_inbound

# Send timeout 1 s (an in-flight lease of 4 s), lost outcomes asked about at once and settled
# 2 s after their hand-off, 100 texts a second per sender: a crash is settled in seconds, not minutes.
FAST = {"CRIER_SEND_TIMEOUT": "1", "CRIER_SETTLE_FIRST_CHECK": "0", "CRIER_SETTLE_AFTER": "2", "CRIER_SENDS_PER_SECOND": "100",
        "CRIER_LOG_LEVEL": "warning"}


def mobile(i):
    return f"+447911{i:06d}"


class Venue:
    """The default venue of a fresh database, sending through a fake Twilio, with `n` customers
    each booked on one event (so each has a confirmation due), written with the scheduler idle."""

    def __init__(self, tmp_path, server_factory, fake, n, db_args=(), port=None):
        self.tmp_path, self.server_factory, self.fake, self.db_args = tmp_path, server_factory, fake, db_args
        self.port = port or free_port()
        self.key = run("api-key", "create", "--venue", "default", "--name", "t", *db_args, cwd=tmp_path).stdout.strip()
        server = self.start(poll="3600")
        status, _ = server.request("PUT", "/api/v1/venue/provider",
                                   {"provider": "twilio", "settings": fake.settings(f"http://127.0.0.1:{self.port}")}, key=self.key)
        assert status == 200
        assert server.request("PATCH", "/api/v1/venue", {"quiet_hours": None}, key=self.key)[0] == 200
        status, event = server.request("POST", "/api/v1/events", {"name": "Quiz", "starts_at": "2031-06-01T20:00"}, key=self.key)
        assert status == 201
        self.customers = []
        for i in range(n):
            status, c = server.request("POST", "/api/v1/customers",
                                       {"first_name": "C", "last_name": str(i), "mobile": mobile(i)}, key=self.key)
            assert status == 201, c
            assert server.request("POST", "/api/v1/bookings", {"customer_id": c["id"], "event_id": event["id"], "seats": 1},
                                  key=self.key)[0] == 201
            self.customers.append(c)
        assert server.stop() == 0

    def start(self, poll="0.2", env=None):
        return self.server_factory(args=("serve", "--poll-interval", poll, *self.db_args), env={**FAST, **(env or {})}, port=self.port)

    def sql(self, query):
        """One value from the database, read directly."""
        if self.db_args and self.db_args[1].startswith("postgres"):
            out = subprocess.run(["psql", self.db_args[1], "-Atc", query], check=True, capture_output=True, text=True)
            return out.stdout.strip()
        with sqlite3.connect(self.tmp_path / "crier.sqlite", timeout=10) as db:
            return str(db.execute(query).fetchone()[0])

    def confirmations(self):
        """Counts of the confirmations by status."""
        rows = self.sql("SELECT string_agg(status || ':' || n, ',') FROM (SELECT status, COUNT(*) AS n FROM messages "
                        "WHERE kind = 'confirmation' GROUP BY status) s" if self.db_args and self.db_args[1].startswith("postgres") else
                        "SELECT group_concat(status || ':' || n) FROM (SELECT status, COUNT(*) AS n FROM messages "
                        "WHERE kind = 'confirmation' GROUP BY status)")
        return {k: int(v) for k, v in (p.split(":") for p in rows.split(",") if p)} if rows and rows != "None" else {}


def engines():
    return ["sqlite", "postgres"]


def db_args_for(engine, request):
    return () if engine == "sqlite" else ("--database", request.getfixturevalue("postgres_url"))


@pytest.mark.parametrize("engine", engines())
def test_kill_9_during_a_dispatch_loses_and_doubles_nothing(engine, tmp_path, server_factory, request):
    n = int(os.environ.get("CRIER_FAULT_TEXTS", "150"))
    kills = int(os.environ.get("CRIER_FAULT_KILLS", "3"))
    fake = FakeTwilio(delay=0.02)
    venue = Venue(tmp_path, server_factory, fake, n, db_args_for(engine, request))
    rng = random.Random(14)
    in_flight_at_kill, never_handed_unknown = [], 0
    began = time.monotonic()
    for _ in range(kills):
        server = venue.start()
        time.sleep(rng.uniform(0.3, 0.8))
        pid = server.proc.pid
        server.stop(signal.SIGKILL)
        # Handed off by the process just killed and never answered (a worker id holds its pid).
        in_flight_at_kill.append(int(venue.sql(
            f"SELECT COUNT(*) FROM messages WHERE status = 'sending' AND claimed_by LIKE '%:{pid}:%'")))
        never_handed_unknown += int(venue.sql("SELECT COUNT(*) FROM messages WHERE status = 'unknown' AND handed_off_at IS NULL"))
    server = venue.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and venue.confirmations() != {"sent": n}:
        time.sleep(0.25)
    elapsed = time.monotonic() - began
    counts = venue.confirmations()
    per_number = Counter(to for (_, to, body, _, _) in fake.sends() if body.startswith("Hi C, you're booked"))
    settled = venue.sql("SELECT COUNT(*) FROM message_attempts WHERE outcome IN ('settled_sent', 'settled_not_sent')")
    print(f"\n[{engine}] {n} confirmations, {kills} kills: in flight at each kill {in_flight_at_kill}; "
          f"settled from Twilio's records {settled}; duplicates {sum(c - 1 for c in per_number.values() if c > 1)}; "
          f"never texted {n - len(per_number)}; never-handed texts left unknown {never_handed_unknown}; "
          f"statuses {counts}; {elapsed:.1f} s")
    assert never_handed_unknown == 0
    assert all(x <= 16 for x in in_flight_at_kill), "at most one wave is handed off without an outcome"
    assert max(per_number.values()) == 1, "nobody is texted twice"
    assert set(per_number) == {mobile(i) for i in range(n)}, "nobody is left untexted"
    assert counts == {"sent": n}
    assert server.stop() == 0


def post(url, data=None, headers=None, method="POST", timeout=15):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.mark.parametrize("engine", engines())
def test_no_text_starts_after_a_stop_a_consent_change_or_the_kill_switch_returned(engine, tmp_path, server_factory, request):
    n = 200
    # A slow provider and a low rate: the backlog takes seconds, so the revocations race it.
    fake = FakeTwilio(delay=0.2)
    venue = Venue(tmp_path, server_factory, fake, n, db_args_for(engine, request))
    server = venue.start(env={"CRIER_SENDS_PER_SECOND": "30"})
    base = f"http://127.0.0.1:{venue.port}"
    returned = {}
    # For three seconds, revoke the people next in line: just behind the last text the provider
    # got, so their texts are claimed or already handed off. STOP by SMS and staff's consent
    # change take turns.
    index = {mobile(i): i for i in range(n)}
    until = time.monotonic() + 3
    turn = 0
    while time.monotonic() < until:
        sends = fake.sends()
        latest = max((index[to] for (_, to, _, _, _) in sends), default=-1)
        for i in range(latest + 1, min(n, latest + 4)):
            if mobile(i) in returned:
                continue
            turn += 1
            if turn % 2:
                url, data, headers = signed_inbound(base, mobile(i), "STOP", f"SMstop{i:026d}")
                assert post(url, data, headers)[0] == 200
            else:
                status, _ = server.request("PATCH", f"/api/v1/customers/{venue.customers[i]['id']}/consent",
                                           {"sms": {"transactional": False}}, key=venue.key)
                assert status == 200
            returned[mobile(i)] = time.monotonic()
        time.sleep(0.02)
    status, _ = server.request("PATCH", "/api/v1/venue", {"sms_enabled": False}, key=venue.key)
    assert status == 200
    switched_off = time.monotonic()
    time.sleep(2)
    sends = fake.sends()
    late = [(to, at - returned[to]) for (at, to, _, _, _) in sends if to in returned and at > returned[to]]
    after_switch = [to for (at, to, _, _, _) in sends if at > switched_off]
    texted_before = sum(1 for (at, to, _, _, _) in sends if to in returned and at <= returned[to])
    print(f"\n[{engine}] {len(sends)} texts sent; of {len(returned)} people who revoked consent mid-dispatch, {texted_before} were texted before "
          f"it returned and {len(late)} after; {len(after_switch)} texts started after the kill switch returned")
    assert late == []
    assert after_switch == []
    assert server.stop() == 0


def test_a_locked_sqlite_file_answers_503_fast_and_recovers(tmp_path, server_factory):
    fake = FakeTwilio()
    venue = Venue(tmp_path, server_factory, fake, 1)
    server = venue.start()
    base = f"http://127.0.0.1:{venue.port}"
    assert server.get("/ready")[0] == 200
    holder = sqlite3.connect(tmp_path / "crier.sqlite", timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        began = time.monotonic()
        url, data, hook_headers = signed_inbound(base, mobile(500), "Table for 2?", "SM" + "1" * 32)
        status, headers, _ = post(url, data, hook_headers)
        webhook_seconds = time.monotonic() - began
        began = time.monotonic()
        ready = server.get("/ready")[0]
        ready_seconds = time.monotonic() - began
        status_api, body = server.request("POST", "/api/v1/customers", {"first_name": "D", "last_name": "E", "mobile": mobile(501)},
                                          key=venue.key)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    print(f"\nlocked: webhook {status} in {webhook_seconds:.1f} s, /ready {ready} in {ready_seconds:.1f} s, API write {status_api}")
    assert status == 503 and headers.get("Retry-After") and webhook_seconds < 5
    assert ready == 503 and ready_seconds < 3
    assert status_api == 503 and body["error"]["code"] == "unavailable"
    # Released: the provider's retry is stored, and the server is ready again.
    url, data, headers = signed_inbound(base, mobile(500), "Table for 2?", "SM" + "1" * 32)
    assert post(url, data, headers)[0] == 200
    assert server.get("/ready")[0] == 200
    assert server.stop() == 0


@pytest.fixture
def small_filesystem(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.fail("could not mount a small tmpfs (the fault tests run as root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_answers_503_with_retry_after_and_logs_once_per_burst(tmp_path, server_factory, small_filesystem):
    db = f"sqlite://{small_filesystem}/crier.sqlite"
    fake = FakeTwilio()
    venue = Venue(tmp_path, server_factory, fake, 1, db_args=("--database", db))
    venue.db_args = ("--database", db)
    server = venue.start()
    base = f"http://127.0.0.1:{venue.port}"
    assert server.get("/ready")[0] == 200
    filler = small_filesystem / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=64"], capture_output=True)
    # Access lines (one per request, with duration_ms) aside: the count is of trouble reports.
    def trouble_lines():
        return len([line for line in server.stderr().splitlines() if "duration_ms" not in line])
    lines_before = trouble_lines()
    statuses, retry_after = Counter(), set()
    for i in range(150):
        status, body = server.request("POST", "/api/v1/customers",
                                      {"first_name": "F", "last_name": str(i), "mobile": mobile(600 + i), "notes": "x" * 900},
                                      key=venue.key)
        statuses[status] += 1
        url, data, headers = signed_inbound(base, mobile(900 + i), "hello " * 50, f"SMfull{i:026d}")
        statuses[post(url, data, headers)[0]] += 1
    ready = server.get("/ready")
    time.sleep(0.5)
    logged = trouble_lines() - lines_before
    print(f"\nfull disk: answers {dict(statuses)}, /ready {ready[0]}, {logged} log lines for 300 requests")
    assert ready[0] == 503 and ready[1]["reason"] == "the disk is full"
    assert statuses[500] == 0
    assert statuses[503] > 0
    assert logged <= 12
    status, headers, _ = post(base + "/api/v1/customers", b'{"first_name":"G","last_name":"H","mobile":"+447911000777"}',
                              {"Authorization": f"Bearer {venue.key}", "Content-Type": "application/json"})
    assert status == 503 and headers.get("Retry-After") == "5"
    filler.unlink()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.get("/ready")[0] != 200:
        time.sleep(0.2)
    assert server.get("/ready")[0] == 200
    assert server.request("POST", "/api/v1/customers", {"first_name": "G", "last_name": "H", "mobile": mobile(777)},
                          key=venue.key)[0] == 201
    assert server.stop() == 0


def pg_ctl(action, *args):
    """Stops, starts or restarts scripts/with-postgres's server (with its own options and log)."""
    ctl, data = os.environ["CRIER_TEST_POSTGRES_CTL"], os.environ["CRIER_TEST_POSTGRES_DATA"]
    cmd = [ctl, "-D", data, "-w", "-t", "60", action, *args]
    if action in ("start", "restart"):
        cmd += ["-l", os.path.join(os.path.dirname(data), "server.log"), "-o", os.environ["CRIER_TEST_POSTGRES_OPTS"]]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    # No pipes: the server pg_ctl starts would hold them open.
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


class WebhookLoad:
    """Signed inbound texts from a few threads, each answer's status and time kept."""

    def __init__(self, base, threads=6):
        self.base, self.stop, self.answers, self.lock = base, threading.Event(), [], threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(t,), daemon=True) for t in range(threads)]
        for t in self.threads:
            t.start()

    def loop(self, t):
        i = 0
        while not self.stop.is_set():
            i += 1
            url, data, headers = signed_inbound(self.base, mobile(800000 + t * 1000 + i % 1000), f"load {t} {i}", f"SMload{t:03d}{i:023d}")
            began = time.monotonic()
            try:
                status = post(url, data, headers, timeout=20)[0]
            except OSError:
                status = 0
            with self.lock:
                self.answers.append((began, time.monotonic(), status))

    def since(self, moment):
        with self.lock:
            return [a for a in self.answers if a[0] >= moment]

    def first_stored_after(self, moment, within=30):
        """Seconds from `moment` until the first text sent after it was stored (200)."""
        deadline = moment + within
        while time.monotonic() < deadline and not any(s == 200 for (_, _, s) in self.since(moment)):
            time.sleep(0.05)
        ok = [end for (_, end, s) in self.since(moment) if s == 200]
        return min(ok) - moment if ok else float("inf")

    def end(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def test_postgres_stopped_and_restarted_under_webhook_load(tmp_path, server_factory, request):
    if not os.environ.get("CRIER_TEST_POSTGRES_CTL"):
        pytest.fail("needs the throwaway PostgreSQL of scripts/with-postgres")
    restarts = int(os.environ.get("CRIER_FAULT_RESTARTS", "3"))
    fake = FakeTwilio()
    venue = Venue(tmp_path, server_factory, fake, 1, db_args_for("postgres", request))
    server = venue.start()
    load = WebhookLoad(f"http://127.0.0.1:{venue.port}")
    recoveries, outage_answers, ready_during = [], Counter(), []
    try:
        time.sleep(1)
        for _ in range(restarts):
            assert pg_ctl("restart", "-m", "fast") == 0
            recoveries.append(load.first_stored_after(time.monotonic()))
            time.sleep(0.5)
        # Down for a while: answers are quick refusals, /ready says so, then it all comes back.
        pg_ctl("stop", "-m", "fast")
        down = time.monotonic()
        time.sleep(3)
        began = time.monotonic()
        ready_during.append((server.get("/ready")[0], time.monotonic() - began))
        pg_ctl("start")
        back = time.monotonic()
        recoveries.append(load.first_stored_after(back))
        # Webhooks in flight while it was down were answered well inside Twilio's 15 s, not held.
        time.sleep(2)
        for (start, end, s) in load.since(down - 15):
            if start < back and end > down:
                outage_answers[(s, "slow" if end - start > 8 else "quick")] += 1
    finally:
        load.end()
        if pg_ctl("status") != 0:
            pg_ctl("start")
    answered = Counter(s for (_, _, s) in load.answers)
    print(f"\n{restarts} restarts and one 3 s outage under load: {dict(answered)} answers; webhooks answering again "
          f"{', '.join(f'{r:.2f}' for r in recoveries)} s after PostgreSQL came back; during the outage {dict(outage_answers)}, "
          f"/ready {ready_during}")
    assert all(r < 5 for r in recoveries)
    assert ready_during[0][0] == 503 and ready_during[0][1] < 3
    # Refused (503), or held until it was back and then stored (200): either way, quickly.
    assert outage_answers and all(k in ((503, "quick"), (200, "quick")) for k in outage_answers)
    assert answered[500] == 0
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 10


def test_sigterm_ends_within_ten_seconds_while_postgres_is_down(tmp_path, server_factory, request):
    if not os.environ.get("CRIER_TEST_POSTGRES_CTL"):
        pytest.fail("needs the throwaway PostgreSQL of scripts/with-postgres")
    fake = FakeTwilio(delay=0.5)
    venue = Venue(tmp_path, server_factory, fake, 40, db_args_for("postgres", request))
    server = venue.start(env={"CRIER_SENDS_PER_SECOND": "20"})
    load = WebhookLoad(f"http://127.0.0.1:{venue.port}", threads=3)
    time.sleep(1)
    pg_ctl("stop", "-m", "immediate")
    try:
        time.sleep(0.5)
        began = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=20)
        took = time.monotonic() - began
    finally:
        load.end()
        pg_ctl("start")
    print(f"\nSIGTERM with PostgreSQL down, texts in flight and webhooks arriving: exited in {took:.1f} s")
    assert took < 10


def test_sigterm_during_a_backfill_stops_between_batches_and_resumes(tmp_path, server_factory):
    """A journal written while the contacts plugin was off is backfilled at the next start;
    SIGTERM in the middle ends the server within seconds, and the next start carries on."""
    n = int(os.environ.get("CRIER_FAULT_BACKFILL", "30000"))
    rows = "first_name,last_name,mobile\n" + "".join(f"B,{i},{mobile(200000 + i)}\n" for i in range(n))
    (tmp_path / "many.csv").write_text(rows)
    run("venue", "create", "--slug", "default", "--name", "Default", "--timezone", "Europe/London", cwd=tmp_path)
    run("import", str(tmp_path / "many.csv"), cwd=tmp_path, env={"CRIER_PLUGINS": "twilio,exports"})
    server = server_factory(args=("serve", "--poll-interval", "3600"), env={"CRIER_LOG_LEVEL": "info"})

    def position():
        # The checkpoints live with the plugins' tables, in their own file.
        with sqlite3.connect(tmp_path / "crier-plugins.sqlite", timeout=10) as db:
            row = db.execute("SELECT position FROM plugin_checkpoints WHERE plugin = 'contacts'").fetchone()
            return row[0] if row else 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and position() == 0:
        time.sleep(0.05)
    began = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=20)
    took = time.monotonic() - began
    stopped_at = position()
    with sqlite3.connect(tmp_path / "crier.sqlite", timeout=10) as db:
        head = db.execute("SELECT MAX(id) FROM journal").fetchone()[0]
    print(f"\nSIGTERM during a backfill of {head} journal entries: exited in {took:.2f} s at entry {stopped_at}")
    assert took < 10 and server.proc.returncode == 0
    assert 0 < stopped_at < head, "it stopped between batches, part-way"
    server = server_factory(args=("serve", "--poll-interval", "3600"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and position() < head:
        time.sleep(0.2)
    assert position() == head
    assert server.stop() == 0


def test_a_secret_rotation_killed_at_any_moment_leaves_every_secret_readable(tmp_path, server_factory):
    """`crier secrets rotate` SIGKILLed at random moments, again and again: afterwards every venue's
    provider settings still open (a full rotation succeeds, and the server shows them), and the key
    file is never left without the key that sealed them."""
    from conftest import crier_bin

    key = run("api-key", "create", "--venue", "default", "--name", "ops", cwd=tmp_path).stdout.strip()
    for slug in ("crown", "anchor"):
        run("venue", "create", "--slug", slug, "--name", slug, "--timezone", "Europe/London", cwd=tmp_path)
    server = server_factory()
    status, body = server.request("PUT", "/api/v1/venue/provider", {"provider": "twilio", "settings": {
        "account_sid": "AC" + "0" * 32, "auth_token": "rotated-secret-9999", "from": "+447700900900"}}, key=key)
    assert status == 200, body
    assert server.stop() == 0
    kills = int(os.environ.get("CRIER_FAULT_KILLS", "12"))
    env = {**os.environ, "CRIER_LOG_LEVEL": "warning"}
    for n in range(kills):
        proc = subprocess.Popen([crier_bin(), "secrets", "rotate"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        whole = run("secrets", "rotate", cwd=tmp_path, check=False)
        assert whole.returncode == 0, f"after kill {n + 1}: {whole.stderr}"
    server = server_factory()
    status, body = server.get("/api/v1/venue/provider", key=key)
    assert status == 200 and body["settings"]["auth_token"] == "…9999", body
    print(f"\nsecrets rotate: {kills} SIGKILLs at random moments, every venue's settings readable after each")
