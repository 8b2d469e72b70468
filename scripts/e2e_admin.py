#!/usr/bin/env python3
"""The admin dashboard in a real browser (headless Chromium through Selenium) over wss.

An organiser signs in at /admin with the token, watches the numbers change while scripted
attendees (Python websockets) join, starts mingling with the dashboard's button, sees the round
run, extends it, and sends an announcement that arrives on every attendee's socket and in an
attendee's browser (the web client, joined through its form). Screenshots
go to artifacts/admin-login.png and artifacts/admin-dashboard.png. Afterwards the connection log
must hold one accepted and one closed line per connection, and /metrics must pass promtool
(when it is installed).

Run inside the test venv (scripts/test does): python scripts/e2e_admin.py
"""
import json
import os
import queue
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
import mingle_proc  # noqa: E402
import test_event  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from websockets.sync.client import connect  # noqa: E402
import e2e_lib  # noqa: E402  (the attendee page's selectors)

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
N = 12
TOKEN = "e2e-admin-token-" + os.urandom(8).hex()
ARTIFACTS = os.path.join(mingle_proc.ROOT, "artifacts")
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("  ok: " + what)


class Attendee:
    def __init__(self, index, url, origin):
        self.index = index
        self.inbox = queue.Queue()
        self.ws = connect(url, ssl=CTX, origin=origin, open_timeout=20)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for raw in self.ws:
                self.inbox.put(json.loads(raw))
        except Exception:
            pass

    def send(self, **m):
        self.ws.send(json.dumps(m))

    def expect(self, type_, timeout=20):
        deadline = time.time() + timeout
        while True:
            m = self.inbox.get(timeout=max(0.01, deadline - time.time()))
            if m["type"] == type_:
                return m


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for f in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1400", "--ignore-certificate-errors"]:
        o.add_argument(f)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=o)


def text(d, id_):
    return d.find_element(By.ID, id_).text


def wait_text(d, id_, pred, what, timeout=20):
    WebDriverWait(d, timeout).until(lambda d: pred(text(d, id_)))
    print("  ok: dashboard shows %s (%s = %s)" % (what, id_, text(d, id_)))


def run(binary, workdir):
    test_event.write(os.path.join(workdir, "event.json"), starts_in=3600, round_seconds=120, regions=REGIONS)
    port = mingle_proc.free_port()
    state = os.path.join(workdir, "var")
    server = mingle_proc.Server(binary, ["--host", "127.0.0.1", "--port", str(port), "--event",
                                         os.path.join(workdir, "event.json"), "--state-dir", state],
                                os.path.join(workdir, "server.log"), env={"MINGLE_ADMIN_TOKEN": TOKEN})
    server.wait_listening()
    base = "https://127.0.0.1:%d" % port
    d = browser()
    guest = browser()
    people = []
    try:
        # Unauthenticated: the login form, nothing else.
        d.get(base + "/admin")
        WebDriverWait(d, 10).until(lambda d: d.find_elements(By.ID, "token"))
        check(not d.find_elements(By.ID, "k-connected"), "without a session /admin shows only the login form")
        d.save_screenshot(os.path.join(ARTIFACTS, "admin-login.png"))
        d.find_element(By.ID, "token").send_keys("wrong-token")
        d.find_element(By.ID, "login-button").click()
        WebDriverWait(d, 10).until(lambda d: "login=failed" in d.current_url)
        WebDriverWait(d, 10).until(lambda d: d.find_element(By.ID, "login-error").is_displayed())
        check("not right" in text(d, "login-error"), "a wrong token is refused")
        d.find_element(By.ID, "token").send_keys(TOKEN)
        d.find_element(By.ID, "login-button").click()
        WebDriverWait(d, 10).until(lambda d: d.find_elements(By.ID, "k-connected"))
        cookie = d.get_cookie("mingle_admin")
        check(cookie and cookie["httpOnly"] and cookie["secure"] and cookie.get("sameSite") == "Strict",
              "the session cookie is HttpOnly, Secure, SameSite=Strict")
        WebDriverWait(d, 10).until(lambda d: "on" in d.find_element(By.ID, "feed-state").get_attribute("class"))
        wait_text(d, "k-connected", lambda t: t == "0", "nobody connected yet")
        wait_text(d, "event-name", lambda t: t == "Test event", "the event's name")

        for i in range(N):
            p = Attendee(i, "wss://127.0.0.1:%d/ws" % port, base)
            p.send(type="join", name="Attendee %02d" % i, attributes={"region": REGIONS[i % 5], "attendance": "remote"},
                   contact={"email": "a%02d@example.org" % i})
            p.id = p.expect("welcome")["attendee"]["id"]
            people.append(p)
        wait_text(d, "k-connected", lambda t: t == str(N), "%d attendees connected" % N)
        # One more attendee, in a real browser through the attendee page's join form.
        e2e_lib.join(guest, base + "/", "Browser Guest", {"region": "dublin", "attendance": "onsite"})
        e2e_lib.wait_view(guest, "lobby")
        wait_text(d, "k-connected", lambda t: t == str(N + 1), "%d attendees connected" % (N + 1))
        wait_text(d, "k-lobby", lambda t: t == str(N + 1), "all of them in the lobby")
        bars = d.find_elements(By.CSS_SELECTOR, "#chart-regions rect")
        check(len(bars) == 5, "the region chart has one bar per region (%d)" % len(bars))

        d.find_element(By.ID, "c-start").click()
        for p in people:
            p.breakout = [m["id"] for m in p.expect("breakout")["members"]]
        wait_text(d, "k-rounds", lambda t: t == "1", "one round run")
        wait_text(d, "k-inbreakout", lambda t: t == str(N + 1), "everyone in a breakout")
        wait_text(d, "k-pairs", lambda t: int(t) >= (N + 1) // 2, "pairs formed")
        wait_text(d, "phase-badge", lambda t: t.lower() == "mingling", "the mingling phase")
        WebDriverWait(d, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#b-rows tr")) == (N + 1) // 2)
        print("  ok: the breakout table lists every breakout (a trio for the odd one)")

        d.find_element(By.ID, "c-extend-seconds").clear()
        d.find_element(By.ID, "c-extend-seconds").send_keys("60")
        d.find_element(By.ID, "c-extend").click()
        people[0].expect("round_extended")
        print("  ok: extending the round from the dashboard reaches attendees")

        for i, p in enumerate(people[:4]):
            p.send(type="chat", text="hello %d" % i)
        partner = next(m for m in people[0].breakout if m != people[0].id)
        people[0].send(type="report", about=partner, reason="test report from e2e")
        wait_text(d, "k-reports", lambda t: t == "1", "the report counted")
        WebDriverWait(d, 10).until(lambda d: "test report from e2e" in text(d, "r-rows"))
        print("  ok: the report is listed with its reason")

        msg = "Coffee is served in the atrium"
        d.find_element(By.ID, "a-text").send_keys(msg)
        d.find_element(By.ID, "a-send").click()
        got = [p.expect("announcement")["text"] for p in people]
        check(all(t == msg for t in got), "the announcement arrived on all %d attendee sockets" % N)
        # In the lobby it is listed; in a breakout it shows in the page's banner.
        WebDriverWait(guest, 15).until(lambda g: msg in g.find_element(By.TAG_NAME, "body").text)
        print("  ok: the announcement shows in the attendee's browser")
        guest.save_screenshot(os.path.join(ARTIFACTS, "admin-announcement-attendee.png"))
        wait_text(d, "c-result", lambda t: "announcement: done" in t, "the announcement confirmed")
        wait_text(d, "s-mps", lambda t: t != "–", "messages per second")
        time.sleep(2.5)  # let the charts collect a few more one-second samples for the screenshot
        d.save_screenshot(os.path.join(ARTIFACTS, "admin-dashboard.png"))
        print("  ok: screenshots in artifacts/admin-login.png and artifacts/admin-dashboard.png")

        # Operators' endpoints.
        req = urllib.request.Request(base + "/metrics", headers={"Authorization": "Bearer " + TOKEN})
        metrics = urllib.request.urlopen(req, context=CTX, timeout=10).read()
        check(b'mingle_attendees{state="in_breakout"} %d' % (N + 1) in metrics, "/metrics counts attendees in breakouts")
        if shutil.which("promtool"):
            r = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True)
            check(r.returncode == 0, "promtool check metrics passes (%s)" % (r.stdout + r.stderr).decode().strip())
        for p in people:
            p.ws.close()
    finally:
        d.quit()
        guest.quit()
        rc = server.stop()
    check(rc == 0, "server exits 0 on SIGTERM")
    lines = [json.loads(x) for x in open(os.path.join(state, "connections.jsonl")).read().splitlines()]
    accepted = {x["conn"] for x in lines if x["event"] == "accepted"}
    closed = [x["conn"] for x in lines if x["event"] == "closed"]
    check(accepted and sorted(accepted) == sorted(closed), "connection log: one accepted and one closed line for each of %d connections" % len(accepted))
    joined = [x for x in lines if x["event"] == "joined"]
    check(len(joined) >= N + 1, "connection log: joined lines with attendee ids (%d)" % len(joined))
    check(all(x.get("remote") == "127.0.0.0" for x in lines if x["event"] == "accepted"), "connection log: addresses truncated")
    check(not any(TOKEN in x for x in open(os.path.join(state, "connections.jsonl"))), "connection log never holds the token")


def main():
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        print("e2e admin: SKIPPED (apt-get install chromium chromium-driver)")
        return 0
    os.makedirs(ARTIFACTS, exist_ok=True)
    binary = mingle_proc.build()
    workdir = tempfile.mkdtemp(prefix="mingle-e2e-admin-")
    try:
        run(binary, workdir)
    except Exception as e:
        print("e2e admin FAILED: %r (logs in %s)" % (e, workdir))
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("e2e admin: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
