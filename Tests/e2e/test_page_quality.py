"""Every staff page, core and plugin, read in a real headless Chromium as staff would see it, at
desktop and at phone width (360 px): axe-core (through axe-selenium-python) finds no serious or
critical accessibility violation, nothing scrolls sideways, no two elements overlap, and no text
is cut off. The server runs with --test-clock, so a page whose template looks up a name outside
its view is a 500 here too. A screenshot of each page at each width goes to .build/screenshots/."""
import importlib.util
import os
import re
import subprocess
from pathlib import Path

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT
from test_browser import TWILIO, Staff, chromium  # noqa: F401 (the fixture)

# axe-selenium-python bundles axe-core 3; it drives the axe-core 4 script that selenium-axe-python
# (its maintained fork) ships, so the rules are today's.
AXE_CORE_4 = Path(importlib.util.find_spec("selenium_axe_python").origin).parent / "axe-core" / "axe.min.js"

WIDTHS = {"desktop": (1280, 900), "phone": (360, 800)}

# Boxes of the things people read and press, and of any two that are not nested; overlapping
# by more than a pixel each way means one hides the other.
OVERLAPS = """
const picked = [...document.querySelectorAll('main a, main button, main input:not([type=hidden]), main select, main textarea, main label,'
  + ' main h1, main h2, main h3, main .status, header a, header button, header .count, main summary, main dt, main dd, main th, main td')]
  .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                 return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.closest('.visually-hidden')
                   && e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}); });
const out = [];
for (let i = 0; i < picked.length; i++) for (let j = i + 1; j < picked.length; j++) {
  const a = picked[i], b = picked[j];
  if (a.contains(b) || b.contains(a)) continue;
  // A label wrapping or naming its own input sits beside it by design.
  if ((a.tagName === 'LABEL' && a.htmlFor && a.htmlFor === b.id) || (b.tagName === 'LABEL' && b.htmlFor && b.htmlFor === a.id)) continue;
  const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
  const x = Math.min(p.right, q.right) - Math.max(p.left, q.left), y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
  if (x > 1 && y > 1) out.push(a.outerHTML.slice(0, 80) + '  ×  ' + b.outerHTML.slice(0, 80));
}
return out.slice(0, 5);
"""

# Text cut off: a box that hides what does not fit, with more in it than it shows; or text that
# runs past the right edge of the window.
CUT_OFF = """
const out = [];
for (const e of document.querySelectorAll('body *')) {
  const s = getComputedStyle(e);
  // Form controls scroll their own text; a closed <details> hides its contents on purpose.
  if (s.display === 'none' || e.closest('.visually-hidden') || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)
      || !e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
  const hides = ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY) || s.textOverflow === 'ellipsis';
  if (hides && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)) out.push('cut: ' + e.outerHTML.slice(0, 100));
  const r = e.getBoundingClientRect();
  if (e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && r.width > 0 && r.right > window.innerWidth + 1)
    out.push('past the edge: ' + e.outerHTML.slice(0, 100));
}
return out.slice(0, 5);
"""


def read(me, chromium, name, path):
    """Opens `path` at each width; returns what is wrong with it there (empty when nothing)."""
    problems = []
    for width, size in WIDTHS.items():
        chromium.set_window_size(*size)
        me.open(path)
        if me.h1 in ("Something went wrong", "Not found", "Log in") and name not in ("login", "missing", "setup"):
            problems.append(f"{path}: {me.h1}: {me.text[:200]}")
            continue
        me.shot(name if width == "desktop" else f"phone-{name}")
        axe = Axe(chromium, script_url=str(AXE_CORE_4))
        axe.inject()
        assert chromium.execute_script("return axe.version").startswith("4."), "axe-core 4"
        results = axe.run(options="{resultTypes: ['violations']}")
        for v in results["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:4]
                problems.append(f"{path} at {width}: axe {v['id']} ({v['impact']}) on {len(v['nodes'])}: {targets}")
        if not chromium.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"):
            problems.append(f"{path} at {width}: scrolls sideways")
        for overlap in chromium.execute_script(OVERLAPS):
            problems.append(f"{path} at {width}: overlap {overlap}")
        for cut in chromium.execute_script(CUT_OFF):
            problems.append(f"{path} at {width}: {cut}")
    chromium.set_window_size(*WIDTHS["desktop"])
    return problems


def a_venue_with_one_of_everything(server_factory, chromium):
    """A fresh server with an owner signed in, and a customer, an event (next year), a booking, a
    reply, a note, an API key and an invitation: something on every page."""
    server = server_factory(args=("serve", "--poll-interval", "0.2", "--test-clock"))
    link = re.search(r"/setup/\S+", server.stdout()).group(0)
    me = Staff(chromium, f"http://127.0.0.1:{server.port}")
    problems = read(me, chromium, "setup", link)
    assert not problems, "\n".join(problems)
    me.open(link)
    me.fill(email="owner@crown.example", password="a long enough password", name="The Crown")
    me.press("Create account")
    me.open("/customers/new")
    me.fill(first_name="Ann", last_name="Lee", mobile="07700 900123", email="ann@example.com", notes="Window table")
    me.press("Save")
    me.open("/events/new")
    me.fill(name="New Year quiz", capacity="40", description="Teams of up to six")
    me.set_value("starts_at", "2027-01-20T19:00")
    me.press("Save")
    me.link("Add booking")
    me.fill(q="Lee")
    me.click(chromium.find_element(By.XPATH, "//form[@role='search']//button"))
    chromium.find_element(By.XPATH, "//label[contains(., 'Ann Lee')]").click()
    me.fill(seats="2", notes="Birthday")
    me.press("Book")
    # Twilio, so a signed reply can come in.
    me.open("/settings/provider")
    chromium.find_element(By.XPATH, "//summary[normalize-space()='twilio']").click()
    form = chromium.find_element(By.XPATH, "//form[input[@name='provider' and @value='twilio']]")
    for key, value in TWILIO.items():
        form.find_element(By.ID, f"twilio-{key}").send_keys(value)
    me.click(form.find_element(By.TAG_NAME, "button"))
    out = subprocess.run([str(ROOT / "scripts/replay-webhook"), str(ROOT / "webhooks/twilio/inbound_text.json"), me.base],
                         capture_output=True, text=True)
    assert out.stdout.startswith("200"), out.stdout
    me.open("/plugins/timeline/customers/1")
    chromium.find_element(By.ID, "note-body").send_keys("Prefers the window table")
    me.press("Save note")
    me.open("/settings/api-keys")
    me.fill(name="Booking site")
    me.press("Create key")
    me.open("/settings/staff")
    me.fill(email="sam@crown.example")
    me.press("Make an invitation link")
    return me


def test_every_page_reads_well_and_is_accessible_at_both_widths(server_factory, chromium):
    me = a_venue_with_one_of_everything(server_factory, chromium)
    # The checks can fail: an input with no label, added to a page, is found.
    me.open("/customers")
    me.driver.execute_script("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=stray>')")
    axe = Axe(me.driver, script_url=str(AXE_CORE_4))
    axe.inject()
    found = axe.run(options="{resultTypes: ['violations']}")["violations"]
    assert any(v["id"] == "label" and v["impact"] == "critical" for v in found), found
    pages = [
        ("today", "/"), ("customers", "/customers"), ("customer-new", "/customers/new"), ("customer", "/customers/1"),
        ("customer-edit", "/customers/1/edit"), ("customer-delete", "/customers/1/delete"), ("customer-erase", "/customers/1/erase"),
        ("customer-book", "/customers/1/bookings/new"), ("events", "/events"), ("events-past", "/events?when=past"),
        ("event-new", "/events/new"), ("event", "/events/1"), ("event-edit", "/events/1/edit"), ("event-cancel", "/events/1/cancel"),
        ("event-book", "/events/1/bookings/new?q=Lee"), ("booking", "/bookings/1/edit"), ("inbox", "/inbox"),
        ("messages", "/messages"), ("message", "/messages/1"), ("settings", "/settings"), ("provider", "/settings/provider"),
        ("templates", "/settings/templates"), ("template", "/settings/templates/confirmation"), ("staff", "/settings/staff"),
        ("api-keys", "/settings/api-keys"), ("audit", "/settings/audit"), ("plugins", "/admin/plugins"),
        ("contacts", "/plugins/contacts"), ("timeline", "/plugins/timeline/customers/1"), ("exports", "/plugins/exports"),
        ("api-docs", "/api/docs"), ("missing", "/customers/999"),
    ]
    problems = []
    for name, path in pages:
        problems += read(me, me.driver, name, path)
    # The README's pictures, whole pages at desktop width: scripts/readme-screenshots sets the folder.
    if os.environ.get("CRIER_README_SHOTS"):
        folder = Path(os.environ["CRIER_README_SHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in [("dashboard", "/"), ("customer", "/customers/1"), ("event", "/events/1")]:
            me.driver.set_window_size(*WIDTHS["desktop"])
            me.open(path)
            height = me.driver.execute_script("return document.body.scrollHeight")
            me.driver.set_window_size(1280, min(height + 120, 2400))
            me.open(path)
            me.driver.save_screenshot(str(folder / f"{name}.png"))
        me.driver.set_window_size(*WIDTHS["desktop"])
    # Dates carry the year when it is not this one (the server's clock is today's).
    me.open("/events/1")
    assert "Wed 20 Jan 2027, 7pm" in me.text, me.text
    me.click(me.driver.find_element(By.XPATH, "//header//button[normalize-space()='Log out']"))
    problems += read(me, me.driver, "login", "/login")
    assert not problems, "\n".join(problems)
