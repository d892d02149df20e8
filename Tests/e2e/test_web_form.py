"""The staff web form over real HTTP, as a browser without JavaScript uses it: cookies, forms, redirects."""
import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class Browser:
    """Keeps cookies and follows redirects, like a browser with JavaScript turned off."""

    def __init__(self, port, forwarded_for=None):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # As if behind a reverse proxy on this machine, which names the client it passes on.
        if forwarded_for:
            self.opener.addheaders.append(("X-Forwarded-For", forwarded_for))

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


def test_login_is_rate_limited_per_email_and_address_even_all_at_once(server_factory):
    server = server_factory()
    b = Browser(server.port)
    b.submit(setup_link(server), {"email": "owner@example.com", "password": "correct horse battery", "name": "V", "timezone": "UTC"})
    other = Browser(server.port)
    for _ in range(5):
        assert other.submit("/login", {"email": "owner@example.com", "password": "nope nope nope"})[0] == 401
    status, _, page = other.submit("/login", {"email": "owner@example.com", "password": "correct horse battery"})
    assert status == 429 and "Too many failed attempts" in page

    # 16 at once from one address (15 wrong, 1 right): at most five are checked at all.
    import concurrent.futures
    attacker = [Browser(server.port, forwarded_for="203.0.113.9") for _ in range(16)]
    pages = [a.open("/login")[2] for a in attacker]
    guesses = ["nope nope nope"] * 15 + ["correct horse battery"]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda i: attacker[i].submit(
            "/login", {"email": "owner@example.com", "password": guesses[i]}, page=pages[i])[0], range(16)))
    assert statuses.count(429) >= 11 and statuses.count(401) + statuses.count(200) <= 5, statuses

    # The owner, signing in from elsewhere, is not locked out by any of them.
    owner = Browser(server.port, forwarded_for="198.51.100.4")
    status, url, _ = owner.submit("/login", {"email": "owner@example.com", "password": "correct horse battery"})
    assert status == 200 and not url.endswith("/login"), (status, url)


def test_after_login_next_stays_on_this_site(server_factory):
    server = server_factory()
    b = Browser(server.port)
    b.submit(setup_link(server), {"email": "owner@example.com", "password": "correct horse battery", "name": "V", "timezone": "UTC"})
    b.submit("/logout", {}, page=b.open("/")[2])
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(b.jar), NoRedirect)
    for hostile in ["/\t/evil.example/x", "/\n/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/",
                    "/\\/evil.example", " //evil.example", "javascript:alert(1)"]:
        page = b.open("/login")[2]
        data = urllib.parse.urlencode({"csrf_token": Browser.csrf(page), "email": "owner@example.com",
                                       "password": "correct horse battery", "next": hostile}).encode()
        try:
            opener.open(b.base + "/login", data=data, timeout=30)
            raise AssertionError("no redirect")
        except urllib.error.HTTPError as answer:
            assert answer.code == 303, answer.code
            assert answer.headers["Location"] == "/", (hostile, answer.headers["Location"])
        b.submit("/logout", {}, page=b.open("/")[2])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
