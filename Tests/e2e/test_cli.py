"""The CLI and `crier serve` as a user meets them on a fresh machine."""
import re
import signal

from conftest import MIGRATIONS, run


def test_serve_on_an_empty_directory_creates_the_default_venue_and_a_setup_link(tmp_path, server_factory):
    server = server_factory()
    out = server.stdout()
    assert f"listening on http://localhost:{server.port}" in out
    link = re.search(rf"http://localhost:{server.port}/setup/(setup_[A-Za-z0-9_-]{{43}})", out)
    assert link, out
    assert (tmp_path / "crier.sqlite").exists()
    assert server.get("/ready") == (200, {"database": "sqlite", "status": "ready"})
    venues = run("venue", "list", cwd=tmp_path).stdout.splitlines()
    assert venues == ["1\tdefault\tMy venue\tEurope/London\tGB\tsms on"]
    assert server.stop() == 0, server.stderr()


def test_sigint_also_stops_gracefully(server_factory):
    server = server_factory()
    assert server.stop(signal.SIGINT) == 0


def test_timezone_of_the_default_venue_comes_from_the_environment(tmp_path, server_factory):
    server = server_factory(env={"CRIER_TIMEZONE": "America/New_York", "CRIER_REGION": "US"})
    server.stop()
    assert run("venue", "list", cwd=tmp_path).stdout.split("\t")[3:5] == ["America/New_York", "US"]


def test_once_an_admin_exists_no_setup_link_is_printed(tmp_path, server_factory):
    created = run("admin", "create", "--email", "Owner@Example.com", "--password", "correct horse battery", cwd=tmp_path)
    assert created.stdout.startswith("created owner owner@example.com")
    server = server_factory()
    assert "/setup/" not in server.stdout()
    again = run("admin", "create", "--email", "owner@example.com", "--password", "another long one", cwd=tmp_path, check=False)
    assert again.returncode == 1
    assert "already has an account" in again.stderr


def test_api_key_create_prints_only_the_key(tmp_path, server_factory):
    run("venue", "create", "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    result = run("api-key", "create", "--venue", "crown", "--name", "website", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"crier_[A-Za-z0-9_-]{43}", lines[0])
    key = lines[0]
    server = server_factory()
    status, body = server.get("/api/v1/venue", key=key)
    assert status == 200 and body["slug"] == "crown" and body["name"] == "The Crown"
    listed = run("api-key", "list", "--venue", "crown", cwd=tmp_path).stdout
    assert key not in listed and "website" in listed
    key_id = listed.split("\t")[0]
    run("api-key", "revoke", "--venue", "crown", "--id", key_id, cwd=tmp_path)
    assert server.get("/api/v1/venue", key=key)[0] == 401


def test_bad_input_gets_a_message_and_a_non_zero_exit(tmp_path):
    cases = [
        (["venue", "create", "--slug", "x", "--name", "X", "--timezone", "Mars/Base"], "timezone"),
        (["venue", "create", "--slug", "bad slug!", "--name", "X", "--timezone", "Europe/London"], "slug"),
        (["admin", "create", "--email", "a@b.co", "--password", "short"], "password must be at least 10"),
        (["admin", "create", "--email", "not-an-email", "--password", "long enough pass"], "email is not an email"),
        (["api-key", "create", "--venue", "nowhere", "--name", "k"], "venue 'nowhere'"),
        (["migrate", "--database", "mysql://localhost/x"], "must start with sqlite:// or postgres://"),
        (["serve", "--port", "99999"], "--port must be between"),
    ]
    for args, expected in cases:
        result = run(*args, cwd=tmp_path, check=False)
        assert result.returncode != 0, args
        assert expected in result.stderr, (args, result.stderr)


def test_a_duplicate_venue_slug_is_refused(tmp_path):
    run("venue", "create", "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    again = run("venue", "create", "--slug", "crown", "--name", "Other", "--timezone", "Europe/Paris", cwd=tmp_path, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_migrate_is_idempotent(tmp_path):
    db = f"sqlite://{tmp_path}/explicit.sqlite"
    assert run("migrate", "--database", db, cwd=tmp_path).stdout.strip() == f"applied {MIGRATIONS} migration(s)"
    assert run("migrate", "--database", db, cwd=tmp_path).stdout.strip() == "database is up to date"
    assert run("migrate", cwd=tmp_path, env={"CRIER_DATABASE_URL": db}).stdout.strip() == "database is up to date"


def test_provider_secrets_are_encrypted_at_rest_and_rotate(tmp_path, server_factory):
    import os
    import shutil
    import stat

    run("venue", "create", "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    key = run("api-key", "create", "--venue", "crown", "--name", "ops", cwd=tmp_path).stdout.strip()
    server = server_factory()
    keyfile = tmp_path / "crier.sqlite.key"
    assert "created the secret key file" in server.stderr() or keyfile.exists()
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    status, body = server.request("PUT", "/api/v1/venue/provider", {"provider": "twilio", "settings": {
        "account_sid": "AC" + "0" * 32, "auth_token": "supersecret99supersecret99", "from": "+447700900900"}}, key=key)
    assert status == 200, body
    assert server.stop() == 0
    for f in tmp_path.glob("crier.sqlite*"):
        assert b"supersecret99" not in f.read_bytes(), f

    before = keyfile.read_text()
    rotated = run("secrets", "rotate", cwd=tmp_path)
    assert re.match(r"re-encrypted 1 venue\(s\) with new key [0-9a-f]{8}; ", rotated.stdout), rotated.stdout
    after = keyfile.read_text()
    assert after != before and len([l for l in after.splitlines() if l and not l.startswith("#")]) == 1
    server = server_factory()
    status, body = server.get("/api/v1/venue/provider", key=key)
    assert status == 200 and body["settings"]["auth_token"] == "…et99", body

    # The database copied without its key: nothing opens, and the command says which key it needs.
    server.stop()
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in tmp_path.glob("crier*.sqlite*"):
        if not f.name.endswith(".key"):
            shutil.copy(f, copy / f.name)
    refused = run("secrets", "rotate", cwd=copy, check=False)
    assert refused.returncode == 1 and "which this server does not have" in refused.stderr, refused.stderr
    bad = run("venue", "list", cwd=copy, env={"CRIER_SECRET_KEY": "not-a-key"}, check=False)
    assert bad.returncode == 1 and "CRIER_SECRET_KEY must be base64 of 32 random bytes" in bad.stderr, bad.stderr
