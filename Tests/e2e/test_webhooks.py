"""Provider webhooks against the real binary: the recorded Twilio requests replayed with
scripts/replay-webhook, exactly as a venue would try them (webhooks/README.md)."""
import json
import subprocess

from conftest import ROOT, run


def replay(name, server):
    out = subprocess.run([str(ROOT / "scripts/replay-webhook"), str(ROOT / "webhooks/twilio" / f"{name}.json"),
                          f"http://127.0.0.1:{server.port}"], capture_output=True, text=True)
    status, _, body = out.stdout.strip().partition(" ")
    return int(status), body


def test_recorded_twilio_requests_reach_the_venue(tmp_path, server_factory):
    signed_for = json.loads((ROOT / "webhooks/twilio/inbound_stop.json").read_text())["signed_for"]
    run("venue", "create", "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    key = run("api-key", "create", "--venue", "crown", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--poll-interval", "3600"))
    status, _ = server.request("PUT", "/api/v1/venue/provider", {"provider": "twilio", "settings": signed_for}, key=key)
    assert status == 200
    _, ann = server.request("POST", "/api/v1/customers", {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)

    assert replay("inbound_text", server) == (200, '<?xml version="1.0" encoding="UTF-8"?><Response/>')
    status, body = replay("inbound_stop", server)
    assert status == 200 and "<Message>You&apos;ve been unsubscribed from The Crown texts." in body
    _, consent = server.get(f"/api/v1/customers/{ann['id']}/consent", key=key)
    assert consent["sms"] == {"transactional": False, "marketing": False}
    # Twilio retries a delivery it thinks failed: stored once, no second acknowledgement.
    assert replay("inbound_stop", server) == (200, '<?xml version="1.0" encoding="UTF-8"?><Response/>')
    status, body = replay("inbound_start", server)
    assert status == 200 and "subscribed to The Crown texts again" in body

    _, inbox = server.get("/api/v1/inbox", key=key)
    assert [m["body"] for m in inbox["items"]] == ["START", "STOP", "Running 10 mins late, table for 4 still ok?"]
    assert all(m["customer_id"] == ann["id"] and not m["read"] for m in inbox["items"])

    # A status callback for a message Crier never sent: 200 so Twilio stops; nothing changes.
    assert replay("status_delivered", server)[0] == 200
    # The same request with its signature broken is refused and leaves nothing behind.
    recording = json.loads((ROOT / "webhooks/twilio/inbound_help.json").read_text())
    recording["headers"]["X-Twilio-Signature"] = "AAAA" + recording["headers"]["X-Twilio-Signature"][4:]
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(recording))
    out = subprocess.run([str(ROOT / "scripts/replay-webhook"), str(forged), f"http://127.0.0.1:{server.port}"],
                         capture_output=True, text=True)
    assert out.returncode == 1 and out.stdout.startswith("403")
    assert len(server.get("/api/v1/inbox", key=key)[1]["items"]) == 3
    assert "Body" not in server.stderr()  # nothing from a refused payload is logged
    assert server.stop() == 0
