#!/usr/bin/env python3
"""The admin dashboard in a real browser (headless Chromium through Selenium) over wss.

Part 1, a one-room event: an organiser signs in at /admin (a wrong token first), watches the numbers
change while 12 scripted attendees (Python websockets) and one browser attendee join, sees the only
room right in the overview (no extra click), starts mingling with the room's button, sees the round,
its breakouts and countdown, extends it, sees a report, and sends an announcement to everyone that
arrives on every attendee's socket and in the attendee's browser. /metrics must pass promtool (when it
is installed) and the connection log must hold one accepted and one closed line per connection.

Part 2, a three-room event: the overview lists every room (title, location, state in words, numbers);
a room's link leads to its view, whose session picker offers only that room's sessions; starting a
round there places only that room's attendees, shows its breakouts and a countdown that counts down,
ends it, and reports a refusal in words; the room's screen link carries the room's display key and
agrees with /api/rooms/<room>/display, opens in a new tab, and so does the poster; the page switches
to Norwegian. Then a keyboard-only pass (Tab, Enter and Space only): skip link, open a room, start
mingling, end the round, with a visible focus ring of at least 3:1 against its background on every
stop, in the light and the dark theme.

axe-core (WCAG 2.1 A and AA) runs on every view and state: the sign-in form with an error, the
overview with data (one room, and three rooms), a room's view with breakouts, the controls after a
refusal, in Norwegian; each in the light and the dark theme at 1280x800 and 390x844: 0 violations.
Screenshots go to artifacts/admin-*.png, axe's results to artifacts/admin-axe.json.

Run inside the test venv (scripts/test does): python scripts/e2e_admin.py
"""
import asyncio
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "e2e"))
import mingle_proc  # noqa: E402
import test_event  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402
import e2e_clients  # noqa: E402
import axe  # noqa: E402
from focus import Keyboard  # noqa: E402
import e2e_lib  # noqa: E402  (the attendee page's selectors, the browser)
from e2e_lib import tid, tids  # noqa: E402

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
N = 12
TOKEN = "e2e-admin-token-" + os.urandom(8).hex()
ARTIFACTS = os.path.join(mingle_proc.ROOT, "artifacts")
DESKTOP = (1280, 800)
PHONE = (390, 844)
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE
# Console lines a dashboard may log without a fault: the sign-in page is served with 401, and a refused
# command is an HTTP 4xx the page reports in words.
# The room's screen opened in a new tab asks for /favicon.ico, which the server does not have.
EXPECTED_CONSOLE = re.compile(r"status of (401|400|409) |/favicon\.ico ")


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("  ok: " + what)


class Attendee:
    """One scripted attendee over wss (the protocol, no browser): the asyncio client of scripts/lib, driven
    from this synchronous test through an event loop in a thread. (websockets' threaded sync client
    sometimes stalled for 10 s before sending its upgrade request over TLS, about 1 connect in 100,
    and got the server's 408; the asyncio client never did in 600.)"""

    loop = None

    @classmethod
    def run(cls, coro, timeout=30):
        if cls.loop is None:
            cls.loop = asyncio.new_event_loop()
            threading.Thread(target=cls.loop.run_forever, daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coro, cls.loop).result(timeout)

    def __init__(self, index, url, origin, room=None):
        self.room = room
        self.client = e2e_clients.Attendee(index, REGIONS[index % 5])
        self.run(self.client.open(url, origin))

    def send(self, **m):
        self.run(self.client.send(**m))

    def expect(self, type_, timeout=20):
        return self.run(self.client.expect(type_, timeout), timeout + 5)

    def got(self, type_, within=1.0):
        """Whether a message of `type_` arrives within `within` seconds (others are dropped)."""
        try:
            self.expect(type_, timeout=within)
            return True
        except AssertionError:
            return False

    def close(self):
        self.run(self.client.close())


def join_all(port, base, rooms):
    """One scripted attendee per entry of `rooms` (a room id, or None for the only room)."""
    people = []
    for i, room in enumerate(rooms):
        p = Attendee(i, "wss://127.0.0.1:%d/ws" % port, base, room)
        m = {"type": "join", "name": "Attendee %02d" % i, "attributes": {"region": REGIONS[i % 5], "attendance": "remote"},
             "contact": {"email": "a%02d@example.org" % i}}
        if room:
            m["room"] = room
        p.send(**m)
        p.id = p.expect("welcome")["attendee"]["id"]
        people.append(p)
    return people


def text(d, testid):
    return tid(d, testid).text


def wait_text(d, testid, pred, what, timeout=20):
    e2e_lib.wait(d, lambda d: pred(text(d, testid)), timeout, what)
    print("  ok: dashboard shows %s (%s = %r)" % (what, testid, text(d, testid)))


def tile(d, key):
    return text(d, "tile-" + key)


def api(base, path, body=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + TOKEN}, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, context=CTX, timeout=10) as r:
        return json.loads(r.read())


def http_status(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url), context=CTX, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def console_faults(d):
    """Console errors other than the expected HTTP statuses (CSP violations, script errors)."""
    try:
        logs = d.get_log("browser")
    except Exception:
        return []
    return [e["message"] for e in logs if e["level"] == "SEVERE" and not EXPECTED_CONSOLE.search(e["message"])]


def screenshot(d, name, full=False):
    path = os.path.join(ARTIFACTS, "admin-%s.png" % name)
    if full:
        w, h = d.viewport
        height = d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        e2e_lib.set_viewport(d, w, max(h, min(height, 4000)))
        time.sleep(0.4)
        d.save_screenshot(path)
        e2e_lib.set_viewport(d, w, h)
    else:
        d.save_screenshot(path)
    return path


def settle(d):
    """After a viewport or theme change: wait for the page's debounced chart redraw and two frames."""
    time.sleep(0.3)
    d.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")


def axe_matrix(d, label, before=None, shots=None):
    """axe on the page as it is, in both themes, at desktop and phone size; back to light desktop after.
    `shots`: a name for screenshots of each (admin-<name>-<scheme>-<width>.png)."""
    for scheme in ("light", "dark"):
        axe.set_color_scheme(d, scheme)
        for size in (DESKTOP, PHONE):
            e2e_lib.set_viewport(d, *size)
            settle(d)
            if before:
                before(d)
            axe.check(d, "%s, %s, %dx%d" % (label, scheme, size[0], size[1]))
            if shots:
                screenshot(d, "%s-%s-%d" % (shots, scheme, size[0]))
    axe.set_color_scheme(d, "light")
    e2e_lib.set_viewport(d, *DESKTOP)
    settle(d)


def open_chart_tables(d):
    for det in d.find_elements(By.CSS_SELECTOR, '[data-testid^="chart-table-"]'):
        if det.is_displayed() and not det.get_attribute("open"):
            d.execute_script("arguments[0].open = true", det)


def sign_in(d, base, wrong_first=False):
    d.get(base + "/admin")
    e2e_lib.wait(d, lambda d: d.find_elements(By.ID, "token"), what="the sign-in form")
    check(not tids(d, "view-overview"), "without a session /admin shows only the sign-in form")
    if wrong_first:
        screenshot(d, "login")
        tid(d, "login-token").send_keys("wrong-token")
        tid(d, "login-button").click()
        e2e_lib.wait(d, lambda d: "login=failed" in d.current_url, what="the refusal")
        e2e_lib.wait(d, lambda d: tid(d, "login-error").is_displayed(), what="the error shown")
        check("not right" in text(d, "login-error"), "a wrong token is refused in words")
        check(tid(d, "login-token").get_attribute("aria-invalid") == "true"
              and tid(d, "login-token").get_attribute("aria-describedby") == "login-error",
              "the token field is marked invalid and described by the error")
        axe_matrix(d, "sign-in with an error")
        screenshot(d, "login-error")
    tid(d, "login-token").send_keys(TOKEN)
    tid(d, "login-button").click()
    e2e_lib.wait(d, lambda d: tids(d, "view-overview") and tid(d, "view-overview").is_displayed(), what="the overview")
    e2e_lib.wait(d, lambda d: tid(d, "feed-state").get_attribute("data-state") == "open", what="the live feed")
    check(text(d, "feed-text").startswith("Live"), "the feed's state is said in words (%r)" % text(d, "feed-text"))


# ----------------------------------------------------------------------------------------------------
# Part 1: one room


def one_room(binary, workdir):
    os.makedirs(workdir)
    test_event.write(os.path.join(workdir, "event.json"), starts_in=3600, round_seconds=120, regions=REGIONS)
    port = mingle_proc.free_port()
    state = os.path.join(workdir, "var")
    server = mingle_proc.Server(binary, ["--host", "127.0.0.1", "--port", str(port), "--event",
                                         os.path.join(workdir, "event.json"), "--state-dir", state],
                                os.path.join(workdir, "server.log"), env={"MINGLE_ADMIN_TOKEN": TOKEN})
    server.wait_listening()
    base = "https://127.0.0.1:%d" % port
    d = e2e_lib.browser(size=DESKTOP)
    guest = e2e_lib.browser()
    people = []
    try:
        sign_in(d, base, wrong_first=True)
        cookie = d.get_cookie("mingle_admin")
        check(cookie and cookie["httpOnly"] and cookie["secure"] and cookie.get("sameSite") == "Strict",
              "the session cookie is HttpOnly, Secure, SameSite=Strict")
        wait_text(d, "tile-connected", lambda t: t == "0", "nobody connected yet")
        wait_text(d, "event-name", lambda t: t == "Test event", "the event's name")
        check(tid(d, "rooms-section").get_attribute("hidden") is not None
              and tid(d, "room-view").is_displayed() and tid(d, "room-title").tag_name == "h2",
              "a one-room event shows its room in the overview, without a rooms list or an extra click")

        people = join_all(port, base, [None] * N)
        wait_text(d, "tile-connected", lambda t: t == str(N), "%d attendees connected" % N)
        # One more attendee, in a real browser through the attendee page's join form.
        e2e_lib.join(guest, base + "/", "Browser Guest", {"region": "dublin", "attendance": "onsite"})
        e2e_lib.wait_view(guest, "lobby")
        wait_text(d, "tile-connected", lambda t: t == str(N + 1), "%d attendees connected" % (N + 1))
        wait_text(d, "room-num-inLobby", lambda t: t == str(N + 1), "all of them in the room's lobby")
        bars = d.find_elements(By.CSS_SELECTOR, '[data-testid="chart-svg-by-attribute"] rect')
        check(len(bars) == 5, "the region chart has one bar per region (%d)" % len(bars))
        e2e_lib.wait(d, lambda d: text(d, "chart-summary-attendees").startswith("Now: Connected %d," % (N + 1)),
                     what="the chart's summary with the newest sample")
        svg = tid(d, "chart-svg-attendees")
        check(svg.get_attribute("role") == "img" and svg.get_attribute("aria-labelledby") == "cap-attendees sum-attendees",
              "the attendees chart is an image named by its caption and a summary of its newest values (%r)"
              % text(d, "chart-summary-attendees"))

        tid(d, "room-start").click()
        for p in people:
            p.breakout = [m["id"] for m in p.expect("breakout")["members"]]
        wait_text(d, "room-result", lambda t: t.endswith(": done."), "the start confirmed in words")
        wait_text(d, "tile-roundsRun", lambda t: t == "1", "one round run")
        wait_text(d, "tile-inBreakouts", lambda t: t == str(N + 1), "everyone in a breakout")
        wait_text(d, "tile-pairsMet", lambda t: int(t) >= (N + 1) // 2, "pairs formed")
        wait_text(d, "room-view-state", lambda t: t.startswith("MINGLING") and "Round 1 of 3" in t, "the mingling phase in words")
        e2e_lib.wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="room-breakout-rows"] tr')) == (N + 1) // 2,
                     what="one row per breakout")
        print("  ok: the breakout table lists every breakout (a trio for the odd one)")

        tid(d, "room-extend-seconds").clear()
        tid(d, "room-extend-seconds").send_keys("60")
        tid(d, "room-extend").click()
        people[0].expect("round_extended")
        print("  ok: extending the round from the dashboard reaches attendees")

        for i, p in enumerate(people[:4]):
            p.send(type="chat", text="hello %d" % i)
        partner = next(m for m in people[0].breakout if m != people[0].id)
        people[0].send(type="report", about=partner, reason="test report from e2e")
        wait_text(d, "tile-reports", lambda t: t == "1", "the report counted")
        e2e_lib.wait(d, lambda d: "test report from e2e" in text(d, "reports-rows"), what="the report listed")
        print("  ok: the report is listed with its reason")

        msg = "Coffee is served in the atrium"
        tid(d, "event-announce-text").send_keys(msg)
        tid(d, "event-announce-send").click()
        got = [p.expect("announcement")["text"] for p in people]
        check(all(t == msg for t in got), "the announcement arrived on all %d attendee sockets" % N)
        e2e_lib.wait(guest, lambda g: msg in g.find_element(By.TAG_NAME, "body").text, what="the announcement on the page")
        print("  ok: the announcement shows in the attendee's browser")
        guest.save_screenshot(os.path.join(ARTIFACTS, "admin-announcement-attendee.png"))
        wait_text(d, "event-result", lambda t: t == "Announcement to everyone: done.", "the announcement confirmed")
        time.sleep(2.5)  # a few more one-second samples for the charts in the screenshot
        screenshot(d, "overview", full=True)
        axe_matrix(d, "one-room overview with data and a round", before=lambda d: open_chart_tables(d))
        check(all(tids(d, "chart-table-" + c) for c in ("attendees", "by-attribute", "messages", "bytes", "lag", "memory")),
              "every chart has its table alternative")
        rows = d.find_elements(By.CSS_SELECTOR, '[data-testid="chart-table-attendees"] tbody tr')
        check(rows and rows[0].find_element(By.TAG_NAME, "th").text and len(rows[0].find_elements(By.TAG_NAME, "td")) == 4,
              "the attendees chart's table has a time and four values a row (%d rows)" % len(rows))
        faults = console_faults(d)
        check(not faults, "no console errors or CSP violations in the dashboard (%s)" % faults)

        req = urllib.request.Request(base + "/metrics", headers={"Authorization": "Bearer " + TOKEN})
        metrics = urllib.request.urlopen(req, context=CTX, timeout=10).read()
        check(b'mingle_attendees{state="in_breakout"} %d' % (N + 1) in metrics, "/metrics counts attendees in breakouts")
        if shutil.which("promtool"):
            r = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True)
            check(r.returncode == 0, "promtool check metrics passes (%s)" % (r.stdout + r.stderr).decode().strip())
        for p in people:
            p.close()
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


# ----------------------------------------------------------------------------------------------------
# Part 2: three rooms

ROOMS = (("r1", "Room one", "Floor 1"), ("r2", "Room two", "Floor 2"), ("r3", "Room three", None))


def card(d, room):
    return d.find_element(By.CSS_SELECTOR, '[data-testid="room-card"][data-room="%s"]' % room)


def countdown_seconds(value):
    m = re.fullmatch(r"(\d+):(\d\d)", value.strip())
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def three_rooms(binary, workdir):
    os.makedirs(workdir)
    rooms = [test_event.room(rid, title, [
        test_event.session(rid + "-talk", "Talk in " + title, -1800, 7200,
                           test_event.mingle(rounds=3, round_seconds=300, late_join_seconds=0)),
        test_event.session(rid + "-later", "Later in " + title, 3 * 3600, 4 * 3600, test_event.mingle(rounds=1)),
    ], location=location) for rid, title, location in ROOMS]
    test_event.write(os.path.join(workdir, "event.json"), regions=REGIONS, rooms=rooms, name="Rooms event")
    port = mingle_proc.free_port()
    # A long pause between rounds keeps "between rounds" on screen long enough to check it.
    with open(os.path.join(workdir, "server.json"), "w") as f:
        json.dump({"event": "event.json", "stateDirectory": "var", "listen": {"host": "127.0.0.1", "port": port},
                   "tls": {"devCertificateDirectory": "certs"}, "mingling": {"pauseBetweenRoundsSeconds": 120}}, f)
    server = mingle_proc.Server(binary, ["--config", os.path.join(workdir, "server.json")],
                                os.path.join(workdir, "server.log"), env={"MINGLE_ADMIN_TOKEN": TOKEN}, cwd=workdir)
    server.wait_listening()
    base = "https://127.0.0.1:%d" % port
    d = e2e_lib.browser(size=DESKTOP)
    people = []
    try:
        sign_in(d, base)
        people = join_all(port, base, ["r1"] * 4 + ["r2"] * 4 + ["r3"] * 2)
        by_room = {r: [p for p in people if p.room == r] for r, _, _ in ROOMS}
        e2e_lib.wait(d, lambda d: len(tids(d, "room-card")) == 3, what="three room cards")
        e2e_lib.wait(d, lambda d: card(d, "r1").find_element(By.CSS_SELECTOR, '[data-testid="room-present"]').text == "4",
                     what="r1's attendees counted")
        c1 = card(d, "r1")
        check(c1.find_element(By.CSS_SELECTOR, "h3 a").text == "Room one" and "Floor 1" in c1.text
              and c1.find_element(By.CSS_SELECTOR, '[data-testid="room-state"]').text.startswith("SESSION")
              and "is running" in c1.text,
              "a room's card shows its title, location and state in words")
        check([c.get_attribute("data-room") for c in tids(d, "room-card")] == ["r1", "r2", "r3"], "the rooms in the plan's order")
        screenshot(d, "rooms", full=True)
        axe_matrix(d, "three-room overview", before=lambda d: open_chart_tables(d), shots="rooms")

        # A room's own view, from its card.
        card(d, "r1").find_element(By.CSS_SELECTOR, '[data-testid="room-link"]').click()
        e2e_lib.wait(d, lambda d: tid(d, "view-room").is_displayed() and text(d, "room-title") == "Room one", what="r1's view")
        check(d.execute_script("return document.activeElement.dataset.testid") == "room-title",
              "opening a room moves the focus to its heading")
        options = [o.get_attribute("value") for o in Select(tid(d, "room-session")).options]
        check(options == ["", "r1-talk", "r1-later"], "the session picker offers only the room's sessions (%s)" % options)
        Select(tid(d, "room-session")).select_by_value("r1-talk")
        tid(d, "room-start").click()
        for p in by_room["r1"]:
            p.breakout = [m["id"] for m in p.expect("breakout")["members"]]
        check(not any(p.got("breakout", within=0.5) for p in by_room["r2"] + by_room["r3"]),
              "starting in r1 places only r1's attendees")
        wait_text(d, "room-result", lambda t: t == "Start mingling in Room one: done.", "the start confirmed in words")
        e2e_lib.wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="room-breakout-rows"] tr')) == 2,
                     what="r1's two breakouts")
        wait_text(d, "room-view-state", lambda t: "Round 1 of 3 is running" in t, "round 1 of 3 running")
        first = countdown_seconds(text(d, "room-countdown"))
        e2e_lib.wait(d, lambda d: (countdown_seconds(text(d, "room-countdown")) or first) < first - 1, what="the countdown moving")
        check(first is not None and 290 <= first <= 300 and countdown_seconds(text(d, "room-countdown")) < first,
              "the round's countdown counts down (%d s, then %s)" % (first, text(d, "room-countdown")))
        row = d.find_elements(By.CSS_SELECTOR, '[data-testid="room-breakout-rows"] tr')[0]
        check(countdown_seconds(row.find_elements(By.TAG_NAME, "td")[-1].text) is not None, "each breakout shows its time left")
        screenshot(d, "room", full=True)
        axe_matrix(d, "a room's view with breakouts", shots="room")

        # The screen and the poster.
        display = api(base, "/api/rooms/r1/display")
        link = tid(d, "room-display-link")
        check(link.get_attribute("href") == base + display["display"] and ("key=" + display["key"]) in link.get_attribute("href")
              and link.get_attribute("target") == "_blank",
              "'Open the room's screen' carries the room's key, agrees with /api/rooms/r1/display and opens a new tab")
        check(tid(d, "room-display-url").get_attribute("value") == base + display["display"],
              "the projector PC's link is the whole URL, ready to copy")
        check(tid(d, "room-poster-link").get_attribute("href") == base + display["poster"], "'Print the poster' is the poster's link")
        check(d.find_element(By.CSS_SELECTOR, '[data-testid="room-view"]').get_attribute("data-display-key") == display["key"],
              "the view holds the same key as the API")
        statuses = (http_status(base + display["display"]), http_status(base + display["poster"]),
                    http_status(base + "/r/r1/display?key=wrong"))
        check(statuses == (200, 200, 401), "with the key the screen and the poster open without a session, with a wrong key 401")
        main = d.current_window_handle
        for testid, url, what in (("room-display-link", display["display"], "screen"), ("room-poster-link", display["poster"], "poster")):
            tid(d, testid).click()
            e2e_lib.wait(d, lambda d: len(d.window_handles) == 2, what="a new tab")
            d.switch_to.window([w for w in d.window_handles if w != main][0])
            e2e_lib.wait(d, lambda d: d.current_url == base + url and "Room one" in d.find_element(By.TAG_NAME, "body").text,
                         what="the room's %s" % what)
            check(True, "the %s's link opened the room's %s in a new tab (%s)" % (what, what, d.current_url.replace(display["key"], "<key>")))
            d.close()
            d.switch_to.window(main)

        # End the round; refusals in words.
        tid(d, "room-end").click()
        for p in by_room["r1"]:
            p.expect("round_ended")
        wait_text(d, "room-result", lambda t: t == "End the round in Room one: done.", "the round's end confirmed")
        wait_text(d, "room-view-state", lambda t: "Round 1 of 3 is over" in t, "between rounds, in words")
        tid(d, "room-end").click()
        wait_text(d, "room-result", lambda t: t == "End the round in Room one: refused. No round is running in this room.",
                  "ending a round that is not running is refused, with the reason in words")
        tid(d, "room-start").click()
        wait_text(d, "room-result", lambda t: t == "Start mingling in Room one: refused. Mingling is already running in this room.",
                  "starting again is refused, with the reason in words")
        check(tid(d, "room-result").get_attribute("data-code") == "mingling_already_running", "the refusal keeps the API's code")
        screenshot(d, "room-refused")
        axe_matrix(d, "a room's controls after a refusal")

        # Norwegian.
        Select(tid(d, "lang-select")).select_by_value("nb")
        e2e_lib.wait(d, lambda d: d.execute_script("return document.documentElement.lang") == "nb", what="Norwegian")
        wait_text(d, "room-view-state", lambda t: "Runde 1 av 3 er over" in t, "the room's state in Norwegian")
        check(tid(d, "room-start").text == "Start minglingen" and text(d, "feed-text").startswith("Direkte"),
              "controls and the feed's state in Norwegian")
        screenshot(d, "room-nb")
        axe.check(d, "a room's view in Norwegian, light, 1280x800")
        Select(tid(d, "lang-select")).select_by_value("en")
        e2e_lib.wait(d, lambda d: tid(d, "room-start").text == "Start mingling", what="English again")

        tid(d, "back-to-rooms").click()
        e2e_lib.wait(d, lambda d: tid(d, "view-overview").is_displayed(), what="the overview")
        check(d.execute_script("return document.activeElement.closest('[data-room]')?.dataset.room") == "r1",
              "back in the overview the focus is on the room we came from")
        st = card(d, "r1").find_element(By.CSS_SELECTOR, '[data-testid="room-state"]').text
        check(st.startswith("MINGLING") and card(d, "r1").find_element(By.CSS_SELECTOR, '[data-testid="room-round"]').text == "1 of 3",
              "r1's card shows mingling, round 1 of 3 (%r)" % st)

        keyboard_pass(d, base, by_room["r2"])
        faults = console_faults(d)
        check(not faults, "no console errors or CSP violations in the dashboard (%s)" % faults)
        for p in people:
            p.close()
    finally:
        d.quit()
        rc = server.stop()
    check(rc == 0, "server exits 0 on SIGTERM")


# ----------------------------------------------------------------------------------------------------
# Keyboard only

def keyboard_pass(d, base, r2_people):
    """From a fresh load: skip link, open r2, start mingling, end the round, by keyboard alone."""
    d.get(base + "/admin")
    e2e_lib.wait(d, lambda d: tid(d, "feed-state").get_attribute("data-state") == "open" and len(tids(d, "room-card")) == 3,
                 what="the dashboard")
    k = Keyboard(d)
    k.press(Keys.TAB)
    check(d.execute_script("return document.activeElement.className") == "skip-link" and k.ring(),
          "the first Tab reaches the skip link, with a visible ring")
    k.press(Keys.ENTER)
    check(d.execute_script("return document.activeElement.id") == "main", "Enter on the skip link moves to the content")
    for _ in range(20):
        k.press(Keys.TAB)
        k.ring()
        if d.execute_script("return document.activeElement.closest('[data-room]')?.dataset.room") == "r2":
            break
    else:
        raise AssertionError("Tab never reached r2's link")
    k.press(Keys.ENTER)
    e2e_lib.wait(d, lambda d: tid(d, "view-room").is_displayed() and text(d, "room-title") == "Room two", what="r2's view")
    check(d.execute_script("return document.activeElement.dataset.testid") == "room-title", "Enter on r2's link opens its view")
    k.tab_to("room-start")
    k.press(Keys.SPACE)
    for p in r2_people:
        p.expect("breakout")
    wait_text(d, "room-result", lambda t: t == "Start mingling in Room two: done.", "Space on Start mingling started r2's round")
    k.tab_to("room-end")
    k.press(Keys.SPACE)
    for p in r2_people:
        p.expect("round_ended")
    wait_text(d, "room-result", lambda t: t == "End the round in Room two: done.", "Space on End round ended it")
    # Then every focusable element of the room's view and of the overview, in both themes.
    lowest = {}
    for scheme in ("light", "dark"):
        axe.set_color_scheme(d, scheme)
        for view in ("#/rooms/r2", "#/"):
            d.execute_script("location.hash = arguments[0]", view)
            settle(d)
            stops, lowest[(scheme, view)] = k.ring_pass()
            check(stops >= 10, "%d focus stops on %s, %s" % (stops, view, scheme))
    axe.set_color_scheme(d, "light")
    check(True, "keyboard only: %d focus stops, every ring visible (outline >= 2px), lowest contrast against what is behind "
          "it: %s" % (len(k.rings), ", ".join("%s %s %.2f:1" % (s, v, c) for (s, v), c in lowest.items())))
    with open(os.path.join(ARTIFACTS, "admin-focus-rings.json"), "w") as f:
        json.dump(k.rings, f, indent=1)


def main():
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        print("e2e admin: SKIPPED (apt-get install chromium chromium-driver)")
        return 0
    os.makedirs(ARTIFACTS, exist_ok=True)
    binary = mingle_proc.build()
    workdir = tempfile.mkdtemp(prefix="mingle-e2e-admin-")
    try:
        print("one room:")
        one_room(binary, os.path.join(workdir, "one"))
        print("three rooms:")
        three_rooms(binary, os.path.join(workdir, "three"))
    except Exception as e:
        print("e2e admin FAILED: %s (logs in %s)" % (e, workdir))
        print(axe.summary())
        return 1
    finally:
        axe.dump(os.path.join(ARTIFACTS, "admin-axe.json"))
    print("axe-core (WCAG 2.1 A+AA) per state:")
    print(axe.summary())
    shutil.rmtree(workdir, ignore_errors=True)
    print("e2e admin: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
