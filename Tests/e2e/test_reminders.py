"""Texts end to end with the real binary: --test-clock, the console provider, the reminders CLI."""
import re

from conftest import run


def test_a_booking_gets_its_confirmation_and_both_reminders_as_the_test_clock_moves(tmp_path, server_factory):
    run("venue", "create", "--slug", "crown", "--name", "The Crown", "--timezone", "Europe/London", cwd=tmp_path)
    key = run("api-key", "create", "--venue", "crown", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--test-clock", "--poll-interval", "3600"))
    status, clock = server.get("/api/v1/test-clock", key=key)
    assert status == 200
    assert server.request("POST", "/api/v1/test-clock", {"now": "2030-01-01T12:00:00Z"}, key=key)[0] == 200

    _, customer = server.request("POST", "/api/v1/customers",
                                 {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)
    _, event = server.request("POST", "/api/v1/events", {"name": "Fish & Chips quiz", "starts_at": "2030-01-11T19:30"}, key=key)
    _, booking = server.request("POST", "/api/v1/bookings",
                                {"customer_id": customer["id"], "event_id": event["id"], "seats": 2}, key=key)

    # Nothing is due until the clock moves: the scheduler takes "now" from the test clock.
    status, moved = server.request("POST", "/api/v1/test-clock", {"now": "2030-01-01T12:00:05Z"}, key=key)
    assert status == 200 and moved["dispatched"]["sent"] == 1
    for now in ["2030-01-04T19:30:00Z", "2030-01-10T19:30:00Z", "2030-01-12T00:00:00Z"]:
        server.request("POST", "/api/v1/test-clock", {"now": now}, key=key)

    _, messages = server.get(f"/api/v1/messages?booking_id={booking['id']}", key=key)
    assert [(m["kind"], m["status"]) for m in messages["items"]] == [
        ("reminder_24h", "sent"), ("reminder_7d", "sent"), ("confirmation", "sent")]
    assert "Fish & Chips quiz on Fri 11 Jan, 7:30pm: 2 seats" in messages["items"][2]["body"]  # plain text, not &amp;
    printed = re.findall(r"\[sms #\d+\] to \+447700900123", server.stdout())
    assert len(printed) == 3

    # Going back is refused; the clock only moves forward.
    status, body = server.request("POST", "/api/v1/test-clock", {"now": "2029-01-01T00:00:00Z"}, key=key)
    assert status == 409 and body["error"]["code"] == "clock_backwards"
    assert server.stop() == 0


def test_without_the_flag_there_is_no_test_clock(tmp_path, server_factory):
    key = run("api-key", "create", "--venue", "default", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory()
    assert server.get("/api/v1/test-clock", key=key)[0] == 404


def test_reminders_preview_and_run_once(tmp_path, server_factory):
    key = run("api-key", "create", "--venue", "default", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--poll-interval", "3600"))
    _, customer = server.request("POST", "/api/v1/customers",
                                 {"first_name": "Bo", "last_name": "Ray", "mobile": "07700 900555"}, key=key)
    _, event = server.request("POST", "/api/v1/events", {"name": "Gig", "starts_at": "2031-06-01T20:00"}, key=key)
    server.request("POST", "/api/v1/bookings", {"customer_id": customer["id"], "event_id": event["id"], "seats": 0}, key=key)
    server.stop()

    preview = run("reminders", "preview", "--at", "2031-05-31T20:00:00Z", cwd=tmp_path).stdout.splitlines()
    assert [line.split("\t")[1] for line in preview] == ["confirmation", "reminder_7d", "reminder_24h"]
    sent = run("reminders", "run", "--once", cwd=tmp_path)
    assert sent.stdout.splitlines()[-1].startswith("claimed 1: sent 1")
    assert "we'll remind you about Gig" in sent.stdout
    assert run("reminders", "run", "--once", cwd=tmp_path).stdout.splitlines()[-1].startswith("claimed 0")
    bad = run("reminders", "preview", "--at", "tomorrow", cwd=tmp_path, check=False)
    assert bad.returncode != 0 and "RFC 3339" in bad.stderr


def test_the_test_clock_does_what_would_have_happened_on_the_way(tmp_path, server_factory):
    """A jump from Monday to after Friday's event sends the 24-hour reminder on Thursday, at its
    own moment, as Stripe's test clocks do: the clock stops at every moment something is due."""
    key = run("api-key", "create", "--venue", "default", "--name", "t", cwd=tmp_path).stdout.strip()
    server = server_factory(args=("serve", "--test-clock", "--poll-interval", "3600"))
    assert server.request("POST", "/api/v1/test-clock", {"now": "2030-01-07T12:00:00Z"}, key=key)[0] == 200  # a Monday
    _, customer = server.request("POST", "/api/v1/customers",
                                 {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)
    _, event = server.request("POST", "/api/v1/events", {"name": "Quiz", "starts_at": "2030-01-11T19:30"}, key=key)
    _, booking = server.request("POST", "/api/v1/bookings",
                                {"customer_id": customer["id"], "event_id": event["id"], "seats": 2}, key=key)
    status, moved = server.request("POST", "/api/v1/test-clock", {"now": "2030-01-12T12:00:00Z"}, key=key)  # Saturday
    assert status == 200 and moved["dispatched"]["sent"] == 2
    _, messages = server.get(f"/api/v1/messages?booking_id={booking['id']}", key=key)
    got = {m["kind"]: (m["status"], m["reason"], m["sent_at"]) for m in messages["items"]}
    assert got["confirmation"] == ("sent", None, "2030-01-07T12:00:00Z")
    assert got["reminder_7d"][:2] == ("skipped", "booked_after_due")  # due the Friday before: already past
    assert got["reminder_24h"] == ("sent", None, "2030-01-10T19:30:00Z")  # Thursday, 24 hours before
    assert all(m["reached_provider"] == (m["status"] == "sent") for m in messages["items"])
    assert server.stop() == 0
