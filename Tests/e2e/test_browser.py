"""The staff web form in a real headless Chromium (selenium + Debian's chromium-driver), driven as
a person would: first-run setup, login, a customer with a bad then a good mobile, an event, two
seats and a reminder-only booking, the confirmation in the message log, a reply in the inbox,
log out. A screenshot of each main page is saved under .build/screenshots/ (CRIER_SCREENSHOTS
overrides), at desktop and at phone width; no page may scroll sideways at 360 px."""
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT

SHOTS = Path(os.environ.get("CRIER_SCREENSHOTS") or ROOT / ".build" / "screenshots")
# What webhooks/twilio/inbound_text.json was signed for: the venue uses these settings to receive it.
TWILIO = {"account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "test-auth-token", "from": "+447700900900",
          "public_url": "https://crier.example"}


@pytest.fixture
def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


class Staff:
    """One person at the keyboard: opens pages, fills fields by their labels' ids, presses buttons."""

    def __init__(self, driver, base):
        self.driver, self.base = driver, base

    def open(self, path):
        self.driver.get(self.base + path)

    def fill(self, **fields):
        for name, value in fields.items():
            element = self.driver.find_element(By.ID, name.replace("__", "."))
            element.clear()
            element.send_keys(value)

    def set_value(self, field, value):
        # datetime-local inputs take keys in the browser's locale order; set the value a picker would.
        self.driver.execute_script("arguments[0].value = arguments[1]", self.driver.find_element(By.ID, field), value)

    def click(self, element):
        """Clicks something that loads a page, and waits for the new page (no JavaScript: every click is a load)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(driver):
            try:
                page.is_enabled()  # raises once the old document is gone
                return False
            except WebDriverException:
                return driver.execute_script("return document.readyState") == "complete"

        WebDriverWait(self.driver, 10).until(replaced)

    def press(self, label):
        self.click(self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']"))

    def link(self, text):
        self.click(self.driver.find_element(By.LINK_TEXT, text))

    def nav(self, label):
        self.click(self.driver.find_element(By.XPATH, f"//nav[@aria-label='Main']//a[starts-with(normalize-space(), '{label}')]"))

    @property
    def h1(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    @property
    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))


def fits_a_phone(me, chromium, pages):
    """Each (name, path) opened at 360 px: nothing scrolls sideways; a screenshot of each."""
    chromium.set_window_size(360, 800)
    for name, path in pages:
        me.open(path)
        assert chromium.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), path
        me.shot(f"phone-{name}")
    chromium.set_window_size(1280, 900)


def the_first_owner(server_factory, chromium):
    """A fresh server whose setup link has made the owner of The Crown, signed in in the browser."""
    server = server_factory(args=("serve", "--poll-interval", "0.2"))
    link = re.search(r"/setup/\S+", server.stdout()).group(0)
    me = Staff(chromium, f"http://127.0.0.1:{server.port}")
    me.open(link)
    me.fill(email="owner@crown.example", password="a long enough password", name="The Crown")
    me.press("Create account")
    return me


def test_a_venue_is_run_from_the_browser(server_factory, chromium):
    server = server_factory(args=("serve", "--poll-interval", "0.2"))
    link = re.search(r"/setup/\S+", server.stdout()).group(0)
    me = Staff(chromium, f"http://127.0.0.1:{server.port}")

    # First run: the setup link creates the owner and names the venue.
    me.open(link)
    assert me.h1 == "Set up Crier"
    me.shot("setup")
    me.fill(email="owner@crown.example", password="a long enough password", name="The Crown")
    Select(chromium.find_element(By.ID, "timezone")).select_by_value("Europe/London")
    me.press("Create account")
    assert me.h1 == "Today at The Crown"
    me.open(link)
    assert me.h1 == "Not found", "the link works once"

    # Log out and back in.
    me.open("/")
    me.click(chromium.find_element(By.XPATH, "//header//button[normalize-space()='Log out']"))
    assert me.h1 == "Log in"
    me.shot("login")
    me.fill(email="owner@crown.example", password="a long enough password")
    me.press("Log in")
    assert me.h1.startswith("Today")

    # A customer: a landline is refused next to the field, with what was typed kept; then a mobile.
    me.nav("Customers")
    me.link("Add a customer")
    me.fill(first_name="Ann", last_name="Lee", mobile="020 7946 0000")
    me.press("Save")
    error = chromium.find_element(By.ID, "mobile-error").text
    assert "mobile" in error.lower() or "landline" in error.lower(), error
    assert chromium.find_element(By.ID, "first_name").get_attribute("value") == "Ann"
    me.shot("customer-form-error")
    me.fill(mobile="07700 900123")
    me.press("Save")
    assert me.h1 == "Ann Lee" and "+447700900123" in me.text
    me.open("/customers/new")
    me.fill(first_name="Bo", last_name="Ng", mobile="07700 900124")
    me.press("Save")
    bo_page = chromium.current_url

    # An event, in the venue's local time.
    me.nav("Events")
    me.link("Add an event")
    me.fill(name="Quiz night", capacity="40")
    me.set_value("starts_at", "2030-06-05T19:30")
    me.press("Save")
    assert me.h1 == "Quiz night" and "7:30pm" in me.text

    # Two seats for Ann from the event; a reminder-only booking for Bo from his page.
    me.link("Add booking")
    me.fill(q="Lee")
    me.click(chromium.find_element(By.XPATH, "//form[@role='search']//button"))
    chromium.find_element(By.XPATH, "//label[contains(., 'Ann Lee')]").click()
    me.fill(seats="2")
    me.press("Book")
    assert "Booked 2 seat(s)" in me.text and re.search(r"confirmation \((now|sent)\)", me.text)
    chromium.get(bo_page)
    me.link("Book an event")
    Select(chromium.find_element(By.ID, "event_id")).select_by_index(1)
    me.fill(seats="0")
    me.press("Book")
    assert "Reminder-only booking added" in me.text
    assert "reminder only" in me.text
    me.shot("event")

    # The confirmations go out (console provider) and show in the message log.
    me.nav("Messages")
    deadline = time.time() + 20
    while me.text.count("sent") < 2 and time.time() < deadline:
        time.sleep(0.3)
        chromium.refresh()
    assert "confirmation" in me.text and me.text.count("sent") >= 2, me.text
    me.shot("messages")

    # The venue receives through Twilio: its settings, with the secret never shown back.
    me.nav("Settings")
    assert me.h1 == "Settings"
    me.shot("settings")
    me.link("SMS provider")
    chromium.find_element(By.XPATH, "//summary[normalize-space()='twilio']").click()
    form = chromium.find_element(By.XPATH, "//form[input[@name='provider' and @value='twilio']]")
    for key, value in TWILIO.items():
        form.find_element(By.ID, f"twilio-{key}").send_keys(value)
    me.click(form.find_element(By.TAG_NAME, "button"))
    assert "Provider settings saved." in me.text and "twilio (in use)" in me.text
    assert TWILIO["auth_token"] not in chromium.page_source

    # Ann texts back (Twilio's recorded request, signed); the reply waits unread in the inbox.
    out = subprocess.run([str(ROOT / "scripts/replay-webhook"), str(ROOT / "webhooks/twilio/inbound_text.json"), me.base],
                         capture_output=True, text=True)
    assert out.stdout.startswith("200"), out.stdout
    chromium.refresh()
    assert " ".join(chromium.find_element(By.XPATH, "//nav[@aria-label='Main']").text.split()).count("Inbox 1") == 1
    me.nav("Inbox")
    row = chromium.find_element(By.XPATH, "//tr[contains(., 'Running 10 mins late')]")
    assert "Ann Lee" in row.text and "new" in row.text
    me.shot("inbox")

    # The plugins page: each projection's checkpoint and lag, in entries and seconds, caught up
    # within moments of the reply (projections run every 250 ms).
    deadline = time.monotonic() + 10
    while True:
        me.open("/admin/plugins")
        line = chromium.find_element(By.XPATH, "//div[starts-with(normalize-space(), 'contacts: entry')]").text
        if "lag 0 entries, 0.0 s (up to date)" in line or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "lag 0 entries, 0.0 s (up to date)" in line, line
    me.shot("plugins")

    # The main pages fit a phone: nothing scrolls sideways at 360 px.
    chromium.set_window_size(360, 800)
    for name, path in [("today", "/"), ("customers", "/customers"), ("events", "/events"), ("inbox", "/inbox"),
                       ("messages", "/messages"), ("settings", "/settings"), ("plugins", "/admin/plugins")]:
        me.open(path)
        width = chromium.execute_script("return document.documentElement.scrollWidth")
        inner = chromium.execute_script("return window.innerWidth")
        assert width <= inner, f"{path} is {width}px wide at {inner}px"
        me.shot(f"phone-{name}")
    chromium.set_window_size(1280, 900)
    me.open("/")
    me.shot("today")

    # Log out: the pages are closed again.
    me.click(chromium.find_element(By.XPATH, "//header//button[normalize-space()='Log out']"))
    me.open("/customers")
    assert me.h1 == "Log in"


def test_a_note_on_the_timeline_and_an_import_from_the_browser(server_factory, chromium, tmp_path):
    me = the_first_owner(server_factory, chromium)
    me.open("/customers/new")
    me.fill(first_name="Ann", last_name="Lee", mobile="07700 900123")
    me.press("Save")

    # A note from the customer's timeline; a blank one is refused beside the field.
    me.link("Full timeline and notes")
    assert me.h1 == "Timeline: Ann Lee"
    me.press("Save note")
    assert chromium.find_element(By.ID, "note-body").get_attribute("required") is None
    assert "Note is required" in chromium.find_element(By.ID, "note-error").text
    chromium.find_element(By.ID, "note-body").send_keys("Prefers the window table")
    me.press("Save note")
    assert "Note by owner@crown.example" in me.text and "Prefers the window table" in me.text
    WebDriverWait(chromium, 10).until(lambda d: (d.refresh() or True) and "Agreed to booking texts (when added)" in me.text)
    me.shot("timeline")

    # An upload: the columns are guessed from the header, a check reports the bad row, then the good row is imported.
    upload = tmp_path / "guests.csv"
    upload.write_text("Given name,Surname,Phone\r\nZed,Zane,07700 900400\r\nBad,Row,12345\r\n", encoding="utf-8")
    me.nav("Exports")
    assert me.h1 == "Exports and import"
    chromium.find_element(By.ID, "import-file").send_keys(str(upload))
    me.press("Upload")
    assert me.h1 == "Import customers" and "guests.csv: 2 rows" in me.text
    assert Select(chromium.find_element(By.ID, "map-mobile")).first_selected_option.text == "Phone"
    me.press("Check every row")
    assert "1 rows are good and 1 have problems; nothing was written." in me.text
    chromium.find_element(By.ID, "mode-skip").click()
    me.press("Import")
    assert "Imported 1 customers; skipped 1 rows with problems." in me.text
    me.shot("import")
    me.nav("Customers")
    assert "Zane, Zed" in me.text

    # Both pages fit a phone.
    chromium.set_window_size(360, 800)
    for path in ("/plugins/exports", "/customers/1", "/plugins/timeline/customers/1"):
        me.open(path)
        assert chromium.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), path


def test_a_colleague_joins_by_accepting_an_invitation(server_factory, chromium):
    me = the_first_owner(server_factory, chromium)

    # The owner makes a link for a new manager; it is shown once, and the invitation is listed.
    me.open("/settings/staff")
    me.fill(email="kim@crown.example")
    Select(chromium.find_element(By.ID, "role")).select_by_value("manager")
    me.press("Make an invitation link")
    invite = chromium.find_element(By.ID, "invitation-link").text
    assert "/invite/invite_" in invite
    assert "kim@crown.example" in chromium.find_element(By.XPATH, "//table[.//th[normalize-space()='Link works until']]").text
    me.shot("staff-invited")

    # The owner's audit log shows the invitation, by whom; the filter narrows it to staff changes.
    me.open("/settings/audit")
    assert me.h1 == "Audit log" and "staff.invited" in me.text and "owner@crown.example" in me.text
    Select(chromium.find_element(By.ID, "kind")).select_by_value("staff.")
    me.press("Show")
    assert "staff.invited" in me.text and "venue.created" not in me.text
    me.shot("audit")
    fits_a_phone(me, chromium, [("staff", "/settings/staff"), ("audit", "/settings/audit"), ("venue-settings", "/settings")])
    me.click(chromium.find_element(By.XPATH, "//header//button[normalize-space()='Log out']"))

    # Kim opens it, chooses a password, and is signed in to The Crown as a manager.
    chromium.get(invite)
    assert me.h1 == "Join The Crown" and "as manager" in me.text
    me.shot("invitation")
    me.fill(password="kim's long password", password_again="kim's long pass")
    me.press("Accept and sign in")
    assert "does not match" in chromium.find_element(By.ID, "password_again-error").text
    me.fill(password="kim's long password", password_again="kim's long password")
    me.press("Accept and sign in")
    assert me.h1 == "Today at The Crown"
    me.open("/settings/staff")
    assert "kim@crown.example" in me.text and "Link works until" not in me.text
    chromium.get(invite)
    assert me.h1 == "Not found", "the link works once"

    # As a manager, Kim sees a customer's data-rights buttons and the erasure's confirmation page.
    me.open("/customers/new")
    me.fill(first_name="Ann", last_name="Lee", mobile="07700 900123")
    me.press("Save")
    assert "Export their data" in me.text
    me.shot("customer-data-rights")
    me.link("Erase their data…")
    assert me.h1 == "Erase Ann Lee?" and "cannot be undone" in me.text
    me.shot("customer-erase")
    fits_a_phone(me, chromium, [("customer-erase", chromium.current_url.replace(me.base, ""))])
    me.press("Erase Ann Lee")
    assert "Erased" in me.text and "Ann Lee" not in me.text


def test_the_api_reference_reads_without_a_key_and_fits_a_phone(server_factory, chromium):
    """/api/docs: open to anyone, every section linked from the top, shapes linked from the
    operations, nothing loaded from elsewhere; readable at 360 px."""
    server = server_factory(args=("serve",))
    me = Staff(chromium, f"http://127.0.0.1:{server.port}")
    me.open("/api/docs")
    assert me.h1 == "Crier API"
    sections = [a.text for a in chromium.find_elements(By.CSS_SELECTOR, "nav[aria-label='Sections'] a")]
    assert {"Customers", "Events", "Bookings", "Contacts", "Timeline", "Exports", "Webhooks", "Operations"} <= set(sections)
    # A link within the page: no new page to wait for.
    chromium.find_element(By.CSS_SELECTOR, "#op-createBooking a[href='#schema-BookingInput']").click()
    assert chromium.execute_script("return location.hash") == "#schema-BookingInput"
    sources = chromium.execute_script(
        "return [...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href)"
        ".filter(u => u && !u.startsWith(location.origin))")
    assert sources == []
    me.shot("api-docs")
    fits_a_phone(me, chromium, [("api-docs", "/api/docs")])
