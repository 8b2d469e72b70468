"""Shared helpers for the browser end-to-end tests: Chromium via Selenium, explicit waits on DOM
state, screenshots into artifacts/e2e/, and the Mingle server under test."""
import json
import os
import shutil
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
ARTIFACTS = os.path.join(ROOT, "artifacts", "e2e")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = (1000, 700)
PHONE = (360, 740)


class Skip(Exception):
    """The environment cannot run this test (reported as SKIP, not as a failure)."""


def chromium_available():
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


def browser(size=DESKTOP, lang="en-GB", extra=()):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for f in ["--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={size[0]},{size[1]}",
              "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--ignore-certificate-errors", "--allow-loopback-in-peer-connection",
              "--disable-features=WebRtcHideLocalIpsWithMdns", f"--lang={lang}", "--hide-scrollbars", *extra]:
        o.add_argument(f)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=o)
    set_viewport(d, *size)
    return d


def set_viewport(d, width, height):
    """Exact CSS viewport (the window size would include browser chrome)."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    d.viewport = (width, height)


def tid(d, testid, root=None):
    return (root or d).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def tids(d, testid, root=None):
    return (root or d).find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def wait(d, cond, timeout=15, what="condition"):
    """Waits for `cond(d)` to be truthy; on timeout raises with `what` and the browser console."""
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.1, ignored_exceptions=(Exception,)).until(cond)
    except Exception as e:
        raise AssertionError(f"timed out waiting for {what}; console:\n{console(d)}") from e


def console(d):
    try:
        return "\n".join(f"  {e['level']}: {e['message']}" for e in d.get_log("browser")[-15:])
    except Exception:
        return "  (no log)"


def view(d):
    return d.execute_script("return document.body.dataset.view || ''")


def wait_view(d, name, timeout=15):
    return wait(d, lambda d: view(d) == name, timeout, f"view {name!r} (now {view(d)!r})")


def visible(d, testid):
    els = tids(d, testid)
    return els[0] if els and els[0].is_displayed() else None


def join(d, url, name, attributes, organisation=None, email=None, link=None, code=None):
    d.get(url)
    wait_view(d, "join")
    wait(d, lambda d: tid(d, "join-submit").is_enabled(), what="join button enabled (connected)")
    tid(d, "join-name").send_keys(name)
    for attr, value in attributes.items():
        if isinstance(value, (list, tuple)):  # a `multiple` attribute: its checkboxes
            for v in value:
                box = tid(d, f"join-attr-{attr}-{v}")
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
                if not box.is_selected():
                    box.click()
        else:
            Select(tid(d, f"join-attr-{attr}")).select_by_value(value)
    if organisation:
        tid(d, "join-org").send_keys(organisation)
    if email:
        tid(d, "join-email").send_keys(email)
    if link:
        tid(d, "join-link").send_keys(link)
    if code is not None:
        field = tid(d, "join-code")
        field.clear()
        field.send_keys(code)
    tid(d, "join-submit").click()


def attendee_id(d):
    v = d.execute_script("return document.body.dataset.attendee || ''")
    return int(v) if v else None


def shot(d, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + ".png")
    d.save_screenshot(path)
    return path


def full_shot(d, name, width=None):
    """Screenshot of the whole page height (window resized temporarily)."""
    w, h = d.viewport
    height = d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    set_viewport(d, width or w, max(h, min(height, 2400)))
    try:
        return shot(d, name)
    finally:
        set_viewport(d, w, h)


def quit_all(drivers):
    for d in drivers:
        try:
            d.quit()
        except Exception:
            pass


# ---------------------------------------------------------------------------------------------
# The server under test

import datetime
import ssl
import tempfile
import threading
import urllib.request

import mingle_proc

ADMIN_TOKEN = "e2e-admin-token-" + os.urandom(6).hex()
ACCESS_CODE = "E2E-2026"
REGIONS = {"viken": "Viken (Norway)", "madrid": "Comunidad de Madrid (Spain)",
           "lombardia": "Lombardia (Italy)", "dublin": "Dublin Region (Ireland)"}


def iso(dt):
    return dt.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


LANGUAGES = {"en": "English", "no": "Norsk", "es": "Español", "it": "Italiano"}


def write_event(path, round_seconds=30, rounds=2, warning_seconds=10, group_size=2):
    """An event whose first session is on now; its mingling is started by the admin API."""
    now = datetime.datetime.now(datetime.timezone.utc)
    event = {
        "event": {"id": "e2e", "name": "Co-creation in public services (test)", "timeZone": "Europe/Oslo"},
        "attributes": [
            {"id": "region", "label": "Your region", "required": True,
             "values": [{"id": k, "label": v} for k, v in REGIONS.items()]},
            {"id": "attendance", "label": "How you take part", "required": True,
             "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
            # Several answers, optional: checkboxes in the join form that the tests may leave empty.
            {"id": "languages", "label": "Languages you can talk in", "multiple": True,
             "values": [{"id": k, "label": v} for k, v in LANGUAGES.items()]},
        ],
        "sessions": [
            {"id": "s1", "title": "Welcome: why co-create public services?",
             "start": iso(now - datetime.timedelta(minutes=20)), "end": iso(now + datetime.timedelta(minutes=40)),
             "mingle": {"rounds": rounds, "roundSeconds": round_seconds, "groupSize": group_size, "pairBy": "region",
                        "policy": "mix", "prompts": ["What made your last co-creation project work?"],
                        "warningSeconds": warning_seconds, "start": "manual", "lateJoinWindowSeconds": 5}},
            {"id": "s2", "title": "Case: citizen labs in Madrid",
             "start": iso(now + datetime.timedelta(minutes=50)), "end": iso(now + datetime.timedelta(minutes=95)),
             "mingle": None},
        ],
        "access": {"mode": "code", "code": ACCESS_CODE},
        "iceServers": [],
        "privacy": {"retentionDays": 30, "ipLogging": "truncated"},
    }
    del event["sessions"][1]["mingle"]
    with open(path, "w") as f:
        json.dump(event, f, indent=2)
    return event


class MingleServer:
    """`mingle serve` over TLS on an ephemeral port with a fresh state directory and event file
    (`write_event`'s, or the one `writer(path)` writes and returns)."""

    def __init__(self, name, port=0, writer=None, **event_args):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"mingle-e2e-{name}-")
        self.event_path = os.path.join(self.dir, "event.json")
        self.event = writer(self.event_path) if writer else write_event(self.event_path, **event_args)
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.binary = os.environ.get("MINGLE_BIN") or mingle_proc.build()
        self.starts = 0
        self.start(port)
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/"

    def start(self, port):
        self.starts += 1
        suffix = "" if self.starts == 1 else f"-{self.starts}"
        self.log_path = os.path.join(ARTIFACTS, f"{self.name}-server{suffix}.log")
        self.proc = mingle_proc.Server(self.binary, ["--host", "127.0.0.1", "--port", str(port), "--event", self.event_path,
                                                     "--state-dir", os.path.join(self.dir, "state"), "--seed", "7"],
                                       self.log_path, env={"MINGLE_ADMIN_TOKEN": ADMIN_TOKEN})
        self.port = self.proc.wait_listening()

    def restart(self):
        """Stops and starts again on the same port with the same state (journal, secret)."""
        self.proc.stop()
        self.start(self.port)

    def admin(self, path, body=None):
        ctx = ssl._create_unverified_context()
        data = json.dumps(body).encode() if body is not None else None  # no body: GET
        req = urllib.request.Request(self.origin + path, data=data, method="POST" if data is not None else "GET",
                                     headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def status(self):
        return self.admin("/api/status")

    def stop(self):
        self.proc.stop()


class ProtocolClient:
    """An attendee speaking the wire protocol directly (websocket-client), reading in a thread."""

    def __init__(self, server):
        import websocket
        self.ws = websocket.create_connection(f"wss://127.0.0.1:{server.port}/ws", origin=server.origin,
                                              sslopt={"cert_reqs": ssl.CERT_NONE, "check_hostname": False}, timeout=10)
        self.ws.settimeout(None)  # the reader thread waits as long as the test needs
        self.messages = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            while True:
                raw = self.ws.recv()
                if not raw:
                    break
                with self.cond:
                    self.messages.append(json.loads(raw))
                    self.cond.notify_all()
        except Exception:
            pass

    def send(self, msg):
        self.ws.send(json.dumps(msg))

    def wait_for(self, pred, timeout=15, what="message"):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for m in self.messages:
                    if pred(m):
                        return m
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"protocol client: no {what}; got {[m.get('type') for m in self.messages]}")
                self.cond.wait(left)

    def of_type(self, t):
        with self.cond:
            return [m for m in self.messages if m.get("type") == t]

    def join(self, name, region, attendance="remote", email=None, organisation=None, room=None):
        msg = {"type": "join", "name": name, "attributes": {"region": region, "attendance": attendance},
               "accessCode": ACCESS_CODE}
        if room:
            msg["room"] = room
        if organisation:
            msg["organisation"] = organisation
        if email:
            msg["contact"] = {"email": email}
        self.send(msg)
        return self.wait_for(lambda m: m["type"] in ("welcome", "error"), what="welcome")

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass


def join_form_has_attributes(d):
    return len(tids(d, "join-attr-region")) > 0


def join_attendee(d, server, name, region, attendance="remote", organisation=None, email=None, link=None, notes=None):
    """Joins through the page's form, which offers the event's attributes from the server's `hello`."""
    d.get(server.url)
    wait_view(d, "join")
    wait(d, lambda d: tid(d, "join-submit").is_enabled(), what="join button enabled (connected)")
    wait(d, join_form_has_attributes, what="the event's attributes in the join form (from hello)")
    join(d, server.url, name, {"region": region, "attendance": attendance}, organisation, email, link, ACCESS_CODE)
    wait_view(d, "lobby")
    return attendee_id(d)


def kari_and_lucia(server, drivers, sizes=None, notes=None):
    """The usual pair: two browsers (added to `drivers` for quit_all), Kari from Viken on site
    and Lucía from Madrid remote, both joined and in the lobby. Returns (a, b, id_a, id_b)."""
    a = browser((sizes or (DESKTOP, DESKTOP))[0]); drivers.append(a)
    b = browser((sizes or (DESKTOP, DESKTOP))[1]); drivers.append(b)
    ia = join_attendee(a, server, "Kari Nordmann", "viken", "onsite", notes=notes)
    ib = join_attendee(b, server, "Lucía Martín", "madrid", "remote", notes=notes)
    return a, b, ia, ib


def partner_ids(d):
    return sorted(int(e.get_attribute("data-attendee")) for e in d.find_elements(By.CSS_SELECTOR, '[data-testid^="partner-"][data-attendee]'))


def click(d, testid):
    """Scrolls the element to the middle of the viewport (clear of the sticky header), then clicks. The
    lobby redraws itself when its numbers change, which can replace the element between finding it and
    clicking it: then the new one (same test id) is found and clicked."""
    for attempt in range(5):
        el = tid(d, testid)
        try:
            d.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", el)
            el.click()
            return el
        except StaleElementReferenceException:
            if attempt == 4:
                raise


def assert_clean_console(drivers, expected=()):
    """No script errors and no Content-Security-Policy violations in any page so far (`expected`:
    substrings of errors the test caused on purpose)."""
    for d in drivers:
        bad = [e["message"] for e in d.get_log("browser")
               if e["level"] == "SEVERE" and not any(x in e["message"] for x in expected)]
        assert not bad, "browser console errors:\n  " + "\n  ".join(bad)
