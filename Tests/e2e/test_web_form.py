"""The staff web form over real HTTP, as a browser without JavaScript uses it: cookies, forms, redirects."""
import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class Browser:
    """Keeps cookies and follows redirects, like a browser with JavaScript turned off."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path, form=None):
        data = None if form is None else urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    @staticmethod
    def csrf(page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def submit(self, path, fields, page=None):
        page = page if page is not None else self.open(path)[2]
        return self.open(path, {"csrf_token": self.csrf(page), **fields})


def setup_link(server):
    return re.search(r"/setup/\S+", server.stdout()).group(0)


def test_first_run_login_customers_events_bookings_and_csrf(server_factory):
    server = server_factory()
    b = Browser(server.port)
    link = setup_link(server)
    # The setup page names the venue; a bad password is refused next to its field, the email kept.
    status, _, page = b.submit(link, {"email": "owner@example.com", "password": "short", "name": "The Fox", "timezone": "Europe/London"})
    assert status == 422 and "must be at least 10 characters" in page and 'value="owner@example.com"' in page
    status, url, page = b.submit(link, {"email": "owner@example.com", "password": "correct horse battery", "name": "The Fox",
                                        "timezone": "Europe/London"}, page=page)
    assert status == 200 and url.endswith("/") and "Today at The Fox" in page
    # The link works once.
    assert Browser(server.port).open(link)[0] == 404

    # A customer: a landline is refused with the reason beside the field and the typed values kept.
    status, _, page = b.submit("/customers/new", {"first_name": "<script>alert(1)</script>", "last_name": "Lee", "mobile": "020 7946 0018"})
    assert status == 422 and "landline" in page and html.escape("<script>alert(1)</script>", quote=True) in page
    assert "<script>alert(1)</script>" not in page
    status, url, page = b.submit("/customers/new", {"first_name": "<script>alert(1)</script>", "last_name": "Lee", "mobile": "07700 900123"}, page=page)
    assert status == 200 and re.search(r"/customers/\d+", url) and "+447700900123" in page and "<script>alert(1)" not in page
    customer = re.search(r"/customers/(\d+)", url).group(1)

    # An event, then 2 seats and a reminder-only booking; the page says which texts were queued.
    status, url, page = b.submit("/events/new", {"name": "Quiz night", "starts_at": "2030-06-05T19:30", "capacity": "40", "description": ""})
    assert status == 200 and "Quiz night" in page and "7:30pm" in page
    event = re.search(r"/events/(\d+)", url).group(1)
    status, url, page = b.submit(f"/events/{event}/bookings/new", {"customer_id": customer, "seats": "2", "notes": "window table"},
                                 page=b.open(f"/events/{event}/bookings/new?q=Lee")[2])
    assert status == 200 and "Booked 2 seat(s)" in page and re.search(r"confirmation \((now|sent)\)", page) and "24-hour reminder" in page
    b.submit("/customers/new", {"first_name": "Bo", "last_name": "Ng", "mobile": "07700 900124"})
    bo = re.search(r'href="/customers/(\d+)">Ng, Bo', b.open("/customers?q=Ng")[2]).group(1)
    status, _, page = b.submit(f"/customers/{bo}/bookings/new", {"event_id": event, "seats": "0"})
    assert status == 200 and "Reminder-only booking added" in page
    # Over capacity is explained on the form.
    status, _, page = b.submit(f"/customers/{bo}/bookings/new", {"event_id": event, "seats": "0"})
    assert status == 409 and "already" in page.lower()

    # The message log shows the confirmation that went out through the console provider.
    page = b.open("/messages?kind=confirmation")[2]
    assert "+447700900123" in page and "confirmation" in page

    # A POST without this session's token is refused and changes nothing.
    status, _, page = b.open("/customers/new", {"csrf_token": "forged", "first_name": "Eve", "last_name": "X", "mobile": "07700 900125"})
    assert status == 403 and "X, Eve" not in b.open("/customers")[2]

    # Log out: pages now send you to log in; a wrong password is refused, the right one works.
    b.submit("/logout", {}, page=b.open("/")[2])
    status, url, _ = b.open("/customers")
    assert url.endswith("/login?next=%2Fcustomers")
    status, _, page = b.submit("/login", {"email": "owner@example.com", "password": "wrong password!"})
    assert status == 401 and "match an account" in page
    status, url, page = b.submit("/login", {"email": "owner@example.com", "password": "correct horse battery", "next": "/customers"}, page=page)
    assert status == 200 and url.endswith("/customers") and "Ng, Bo" in page


def test_login_is_rate_limited_per_email(server_factory):
    server = server_factory()
    b = Browser(server.port)
    b.submit(setup_link(server), {"email": "owner@example.com", "password": "correct horse battery", "name": "V", "timezone": "UTC"})
    other = Browser(server.port)
    for _ in range(5):
        assert other.submit("/login", {"email": "owner@example.com", "password": "nope nope nope"})[0] == 401
    status, _, page = other.submit("/login", {"email": "owner@example.com", "password": "correct horse battery"})
    assert status == 429 and "Too many failed attempts" in page
