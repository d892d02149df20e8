"""The same binary on PostgreSQL: migrate, serve, a booking made over HTTP, graceful stop."""
from conftest import MIGRATIONS, run


def test_serve_on_postgres(tmp_path, server_factory, postgres_url):
    assert run("migrate", "--database", postgres_url, cwd=tmp_path).stdout.strip() == f"applied {MIGRATIONS} migration(s)"
    run("venue", "create", "--database", postgres_url, "--slug", "crown", "--name", "The Crown",
        "--timezone", "Europe/London", cwd=tmp_path)
    key = run("api-key", "create", "--database", postgres_url, "--venue", "crown", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--database", postgres_url))
    assert server.get("/ready") == (200, {"database": "postgres", "status": "ready"})
    # The crown venue exists, so no 'default' venue is created.
    assert "created venue 'default'" not in server.stderr()

    status, customer = server.request("POST", "/api/v1/customers",
                                      {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)
    assert status == 201 and customer["mobile"] == "+447700900123"
    status, event = server.request("POST", "/api/v1/events",
                                   {"name": "Quiz", "starts_at": "2030-01-10T19:30", "capacity": 1}, key=key)
    assert status == 201
    status, booking = server.request("POST", "/api/v1/bookings",
                                     {"customer_id": customer["id"], "event_id": event["id"], "seats": 1}, key=key)
    assert status == 201 and booking["reminder_only"] is False
    status, body = server.get(f"/api/v1/events/{event['id']}", key=key)
    assert body["seats_left"] == 0
    assert server.stop() == 0
