"""Exports, the import and the timeline as an operator meets them: `crier export ...` into a file,
`crier import FILE` with a dry run and a progress bar, a round trip into another venue, and a
customer's timeline with a note, exported over HTTP."""
import csv
import io
import json
import urllib.request

from conftest import run


def api_key(tmp_path):
    return run("api-key", "create", "--venue", "default", "--name", "test", cwd=tmp_path).stdout.strip()


def rows(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def get_text(server, path, key):
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read().decode("utf-8")


def test_export_then_import_from_the_command_line(tmp_path, server_factory):
    server = server_factory()
    key = api_key(tmp_path)
    people = [("Ann", "Lee", "07700 900123", None), ("=SUM(A1)", "O'Brien, \"Jr\"", "07700 900124", "line one\nline two 🎉")]
    for first, last, mobile, notes in people:
        status, body = server.request("POST", "/api/v1/customers", {"first_name": first, "last_name": last, "mobile": mobile, "notes": notes}, key=key)
        assert status == 201, body
    assert server.stop() == 0

    exported = run("export", "customers", cwd=tmp_path)
    assert exported.stderr.strip().endswith("exported 2 rows")
    table = rows(exported.stdout)
    assert table[0] == ["customer_id", "first_name", "last_name", "mobile", "email", "notes", "created_at"]
    # A spreadsheet sees the formula as text; the mobile keeps its + as text too.
    assert table[2][1:4] == ["'=SUM(A1)", "O'Brien, \"Jr\"", "'+447700900124"] and table[2][5] == "line one\nline two 🎉"
    assert run("exports", "customers", "--bom", cwd=tmp_path).stdout.startswith("\ufeff")
    (tmp_path / "everyone.csv").write_text(exported.stdout, encoding="utf-8", newline="")

    new = tmp_path / "new.csv"
    new.write_text("Given name,Surname,Phone\r\nZed,Zane,07700 900400\r\nBad,Row,123\r\nDup,Lee,07700 900123\r\n", encoding="utf-8")
    dry = run("import", str(new), "--dry-run", cwd=tmp_path, check=False)
    assert dry.returncode == 1, dry.stderr
    assert "line 3: mobile" in dry.stderr and "line 4: mobile" in dry.stderr
    assert "1 rows are good and 2 have problems; nothing was written." in dry.stderr
    whole = run("import", str(new), cwd=tmp_path, check=False)
    assert whole.returncode == 1 and "Nothing was imported: 2 rows have problems." in whole.stderr
    skipped = run("import", str(new), "--skip-invalid", cwd=tmp_path)
    assert "importing [##############################] 100%" in skipped.stderr
    assert "Imported 1 customers; skipped 2 rows with problems." in skipped.stderr and skipped.stdout == ""
    assert len(rows(run("export", "customers", cwd=tmp_path).stdout)) == 1 + 3

    # The export imports as it is into another venue: same names, notes and mobiles.
    run("venue", "create", "--slug", "annex", "--name", "Annex", "--timezone", "Europe/London", cwd=tmp_path)
    run("import", str(tmp_path / "everyone.csv"), "--venue", "annex", cwd=tmp_path)
    annex = rows(run("export", "customers", "--venue", "annex", cwd=tmp_path).stdout)
    assert [r[1:6] for r in annex[1:]] == [r[1:6] for r in table[1:]]

    missing = run("export", "customers", "--venue", "nope", cwd=tmp_path, check=False)
    assert missing.returncode == 1 and "there is no venue 'nope'" in missing.stderr
    bad = run("export", "customers", "--colour", "red", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "unknown option '--colour'" in bad.stderr
    unmapped = run("import", str(new), "--map", "mobile=Fax", cwd=tmp_path, check=False)
    assert unmapped.returncode == 1 and "names a column the file does not have: 'Fax'" in unmapped.stderr


def test_a_timeline_with_a_note_exported_over_http(tmp_path, server_factory):
    server = server_factory()
    key = api_key(tmp_path)
    status, ann = server.request("POST", "/api/v1/customers", {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)
    assert status == 201
    status, note = server.request("POST", f"/api/v1/plugins/timeline/customers/{ann['id']}/notes", {"body": "=cmd| asked for her data"}, key=key)
    assert status == 201 and note["author_name"] == "API key “test”"
    status, kind, text = get_text(server, f"/api/v1/plugins/timeline/customers/{ann['id']}/export", key)
    assert status == 200 and kind == "text/csv; charset=utf-8"
    table = rows(text)
    assert table[0][:3] == ["When", "Kind", "What"]
    assert ["note", "Note by API key “test”", "'=cmd| asked for her data"] == [table[1][1], table[1][2], table[1][5]]
    status, kind, text = get_text(server, "/api/v1/plugins/exports/consent", key)
    assert status == 200 and rows(text)[1][2:5] == ["transactional", "granted", "signup"]
    assert server.stop() == 0


def test_an_oversized_upload_gets_413_and_the_connection_is_closed(tmp_path, server_factory):
    """The rest of a too-large body is not read: after the 413 the server closes the connection
    while the client still has most of its 50 MB to send."""
    import socket
    import time

    key = api_key(tmp_path)
    server = server_factory(env={"CRIER_EXPORTS_MAX_IMPORT_BYTES": "100000"})
    for path in ("/api/v1/plugins/exports/imports/customers", "/api/v1/customers"):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: text/csv\r\n"
                   "Content-Length: 50000000\r\n\r\n").encode())
        sent = 0
        try:
            while sent < 400_000:
                s.sendall(b"a" * 10_000)
                sent += 10_000
        except OSError:
            pass  # the server may stop reading before this much is sent
        s.settimeout(10)
        answer, deadline = b"", time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            answer += chunk
        s.close()
        assert answer.startswith(b"HTTP/1.1 413"), (path, answer[:200])
        assert b"connection: close" in answer.lower(), (path, answer[:400])
        assert time.monotonic() < deadline, f"{path}: the connection stayed open"
    # The server is still well.
    assert server.get("/api/v1/venue", key=key)[0] == 200
