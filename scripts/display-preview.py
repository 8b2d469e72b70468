#!/usr/bin/env python3
"""The room display page and the room poster, checked without the Mingle server.

A fake server on 127.0.0.1 serves Sources/MingleServer/Public as the real one does (the same
Content-Security-Policy, read from SecurityHeaders.swift), plus what the server adds per room:
  /r/<room>/display          -> Public/display/index.html
  /r/<room>/poster           -> Public/display/poster.html
  /r/<room>/qr.svg           -> a QR code made by qr-render (Sources/QRCode)
  /r/<room>/poster.json      -> {"room": {...}, "link": "..."}
  /r/<room>/display/ws?...   -> WebSocket sending `display` messages (scenario from ?scenario=)
The pages, the feed and poster.json answer 401 without `?key=` (as RoomAccess does); the QR code is public.
Headless Chromium (Selenium) then checks each state of the display at 1920x1080 (English and
Norwegian), live updates, the local countdown, reconnecting, the poster on screen and in print,
and runs axe-core (WCAG 2.1 A + AA rules) on both pages. Screenshots: artifacts/display/.

The server's clock is set an hour ahead of the browser's, so the countdowns only come out right
if the page uses serverTime.

Usage: scripts/display-preview.py [--shots DIR] [--serve]   (--serve: keep serving, print URLs)
Needs the venv (scripts/lib/venv.sh: websockets, selenium) and Debian's chromium + chromium-driver;
SKIPs without the browser. axe-core comes from the test venv (selenium-axe-python, scripts/lib/venv.sh).
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC = os.path.join(ROOT, "Sources", "MingleServer", "Public")
sys.path.insert(0, os.path.join(ROOT, "scripts", "e2e"))   # e2e_lib: the browser helpers

ROOM = {"id": "workshop-a", "title": "Workshop A: Designing for trust", "location": "Room 2.14"}
LINK = "https://mingle.example.org/r/workshop-a"
SERVER_SKEW_MS = 3_600_000          # the fake server's clock runs an hour ahead of the browser's
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
         ".png": "image/png", ".ico": "image/x-icon"}


def content_security_policy():
    """The server's own policy, so a page that works here also works there."""
    source = open(os.path.join(ROOT, "Sources", "MingleServer", "HTTP", "SecurityHeaders.swift")).read()
    block = source.split("defaultContentSecurityPolicy =", 1)[1].split("\n\n", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def server_now():
    return int(time.time() * 1000) + SERVER_SKEW_MS


def display_message(scenario):
    """One `display` message per scenario, times relative to the server's now."""
    now = server_now()
    base = {"type": "display", "serverTime": now, "room": ROOM, "link": LINK, "phase": "lobby",
            "session": None, "nextMingling": None, "round": None, "rounds": None, "endsAt": None,
            "nextRoundAt": None, "minglingDone": False, "present": 0, "inBreakouts": 0,
            "byAttendance": {"onsite": 0, "remote": 0}}
    session = {"id": "trust", "title": "Designing for trust: consent in hybrid rooms"}
    # As the server writes it: nextMingling names the session by id and title.
    next_mingling = {"session": session["id"], "title": session["title"]}
    if scenario == "lobby":
        base.update(nextMingling={**next_mingling, "startsAt": now + 180_000}, present=12,
                    byAttendance={"onsite": 9, "remote": 3})
    elif scenario == "session":
        base.update(phase="session", session=session, nextMingling={**next_mingling, "startsAt": now + 42 * 60_000},
                    present=31, byAttendance={"onsite": 19, "remote": 12})
    elif scenario in ("round", "drop"):
        base.update(phase="mingling", session=None, round=2, rounds=3, endsAt=now + 134_000, present=37,
                    inBreakouts=30, byAttendance={"onsite": 21, "remote": 16})
    elif scenario == "between":
        base.update(phase="mingling", round=2, rounds=3, nextRoundAt=now + 8_400, present=37, inBreakouts=0,
                    byAttendance={"onsite": 21, "remote": 16})
    elif scenario == "done":     # an event without an `attendance` attribute: no on-site/remote counts
        base.update(minglingDone=True, present=6, byAttendance={})
    elif scenario == "long":
        base.update(room={"id": "workshop-a", "title": "Verkstad for berekraftig mobilitet i distrikta: "
                          "korleis samarbeider kommunar, fylke og næringsliv?", "location": "Auditorium Aurora, 3. etasje"},
                    phase="session", session={"id": "x", "title": "Panel: Lokale løysingar som verkar – "
                                              "erfaringar frå Vestland, Nordland og Finnmark"},
                    nextMingling=None, present=142, byAttendance={"onsite": 118, "remote": 24})
    return base


class FakeServer:
    def __init__(self, qr_svg):
        self.qr_svg = qr_svg
        self.csp = content_security_policy()
        self.requests = []            # paths of WebSocket requests, query included
        self.sockets = set()
        self.dropped = set()          # scenarios whose first socket was already dropped
        self.loop = None
        self.port = None
        self.ready = threading.Event()
        self.stop_event = None

    # HTTP

    def response(self, status, body, content_type):
        headers = Headers()
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(body))
        headers["Content-Security-Policy"] = self.csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-cache"
        reason = {200: "OK", 401: "Unauthorized", 404: "Not Found"}[status]
        return Response(status, reason, headers, body)

    def file(self, path):
        full = os.path.realpath(os.path.join(PUBLIC, path.lstrip("/")))
        if not full.startswith(os.path.realpath(PUBLIC) + os.sep) or not os.path.isfile(full):
            return self.response(404, b"not found\n", "text/plain")
        with open(full, "rb") as f:
            return self.response(200, f.read(), TYPES.get(os.path.splitext(full)[1], "application/octet-stream"))

    def process_request(self, connection, request):
        path, _, query = request.path.partition("?")
        m = re.fullmatch(r"/r/([^/]+)(/.*)?", path)
        if m:
            room, rest = m.group(1), m.group(2) or ""
            if room != ROOM["id"]:
                return self.response(404, b"no such room\n", "text/plain")
            keyed = rest.rstrip("/") in ("/display", "/display/ws", "/poster", "/poster.json")
            if keyed and not re.search(r"(^|&)key=[^&]+", query):
                return self.response(401, b"This page needs the room's display key.\n", "text/plain")
            if rest == "/display/ws":
                self.requests.append(request.path)
                return None                                   # go on with the WebSocket handshake
            if rest in ("/display", "/display/"):
                return self.file("display/index.html")
            if rest in ("/poster", "/poster/"):
                return self.file("display/poster.html")
            if rest == "/qr.svg":
                return self.response(200, self.qr_svg, "image/svg+xml")
            if rest == "/poster.json":
                poster = {"room": ROOM, "event": "Hybrid Futures 2026", "link": LINK}
                return self.response(200, json.dumps(poster).encode(), "application/json")
            return self.response(404, b"not found\n", "text/plain")
        if path.endswith("/"):
            path += "index.html"
        return self.file(path)

    # WebSocket

    async def handler(self, ws):
        query = ws.request.path.partition("?")[2]
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        scenario = params.get("scenario", "round")
        self.sockets.add(ws)
        try:
            await ws.send(json.dumps(display_message(scenario)))
            if scenario == "drop" and scenario not in self.dropped:
                self.dropped.add(scenario)
                await asyncio.sleep(1.5)
                await ws.close(1001, "going away")
                return
            await ws.wait_closed()
        finally:
            self.sockets.discard(ws)

    async def broadcast(self, message):
        for ws in list(self.sockets):
            await ws.send(json.dumps(message))

    def push(self, message):
        asyncio.run_coroutine_threadsafe(self.broadcast(message), self.loop).result(5)

    async def main(self):
        self.loop = asyncio.get_running_loop()
        self.stop_event = asyncio.Event()
        async with serve(self.handler, "127.0.0.1", 0, process_request=self.process_request) as server:
            self.port = server.sockets[0].getsockname()[1]
            self.ready.set()
            await self.stop_event.wait()

    def start(self):
        threading.Thread(target=lambda: asyncio.run(self.main()), daemon=True).start()
        self.ready.wait(10)
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.loop:
            self.loop.call_soon_threadsafe(self.stop_event.set)


def make_qr_svg():
    binary = None
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "qr-render")
        if os.path.exists(path):
            binary = path
            break
    if binary is None:
        subprocess.run(["swift", "build", "--product", "qr-render"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        binary = os.path.join(ROOT, ".build", "debug", "qr-render")
    out = tempfile.mkdtemp(prefix="display-preview-")
    subprocess.run([binary, out], input=LINK + "\n", text=True, check=True)
    with open(os.path.join(out, "1.svg"), "rb") as f:
        svg = f.read()
    shutil.rmtree(out, ignore_errors=True)
    return svg


def axe_source():
    """axe.min.js from the test venv's selenium-axe-python (the one copy, shared with scripts/e2e/axe.py)."""
    sys.path.insert(0, os.path.join(ROOT, "scripts", "e2e"))
    try:
        import axe
        return axe.axe_source()
    except Exception as e:   # a venv without it: the other checks still run
        print(f"note: axe-core unavailable ({e}); accessibility checks skipped")
        return None


class Checks:
    def __init__(self, shots):
        self.shots = shots
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def run(self, name, fn):
        try:
            note = fn()
            self.passed += 1
            print(f"PASS {name}" + (f": {note}" if note else ""))
        except SkipCheck as e:
            self.skipped += 1
            print(f"SKIP {name}: {e}")
        except Exception as e:
            self.failed += 1
            print(f"FAIL {name}: {e}")
            traceback.print_exc(limit=3)


class SkipCheck(Exception):
    pass


# MARK: The checks (Selenium)

def run_checks(checks, server, room_url, axe, e2e):
    from selenium.webdriver.common.by import By

    def open_display(d, query):
        d.get(f"{room_url}/display?{query}")
        e2e.wait(d, lambda d: e2e.tid(d, "state-main").text.strip() != "", what="the display's first state")
        e2e.wait(d, lambda d: d.execute_script("const i = document.querySelector('[data-testid=qr]');"
                                               "return i.complete && i.naturalWidth > 0"), what="the QR code image")

    def text(d, testid):
        return e2e.tid(d, testid).text.strip()

    def shot(d, name):
        path = os.path.join(checks.shots, name + ".png")
        d.save_screenshot(path)
        return path

    def no_console_errors(d):
        errors = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, f"console errors: {errors}"

    def run_axe(d):
        if axe is None:
            raise SkipCheck("axe-core unavailable")
        d.execute_script(axe)
        result = d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})), passes: r.passes.length,"
            " version: axe.version}))"
            ".catch(e => done({error: String(e)}));", AXE_TAGS)
        assert "error" not in result, result.get("error")
        assert not result["violations"], json.dumps(result["violations"], indent=1, ensure_ascii=False)
        return f"axe {result['version']}: 0 violations ({'/'.join(AXE_TAGS)}), {result['passes']} rules passed"

    def same_keys():
        folder = os.path.join(PUBLIC, "display", "i18n")
        tables = {name: json.load(open(os.path.join(folder, name), encoding="utf-8")) for name in sorted(os.listdir(folder))}
        keys = {name: set(table) for name, table in tables.items()}
        english = keys["en.json"]
        for name, k in keys.items():
            assert k == english, f"{name}: missing {sorted(english - k)}, extra {sorted(k - english)}"
        used = set(re.findall(r"""\bt\('(\w+)'""", "".join(open(os.path.join(PUBLIC, "display", f)).read()
                                                        for f in ("display.js", "poster.js"))))
        used |= {m for f in ("index.html", "poster.html")
                 for m in re.findall(r'data-i18n(?:-attr="[\w-]+:|=")(\w+)"', open(os.path.join(PUBLIC, "display", f)).read())}
        assert used <= english, f"used but not translated: {sorted(used - english)}"
        return f"{len(tables)} languages, {len(english)} keys each, {len(used)} used"
    checks.run("strings: every language has every key the pages use", same_keys)

    d = e2e.browser(size=(1920, 1080), lang="en-GB")
    d.set_script_timeout(30)
    try:
        def round_en():
            open_display(d, "key=s3cret&scenario=round&lang=en")
            assert text(d, "room-title") == ROOM["title"], text(d, "room-title")
            assert text(d, "room-location") == "Room 2.14"
            assert text(d, "state-label") == "Round 2 of 3 ends in", text(d, "state-label")
            minutes, seconds = text(d, "state-main").split(":")
            left = int(minutes) * 60 + int(seconds)
            assert 128 <= left <= 134, f"{text(d, 'state-main')} is not about 2:14 (server clock an hour ahead)"
            counts = e2e.tid(d, "counts").text.replace("\n", " ")
            assert counts == "37 mingling 21 on site 16 remote", counts
            assert text(d, "state-sub") == "In conversations now: 30", text(d, "state-sub")
            assert text(d, "link") == "mingle.example.org/r/workshop-a"
            alt = e2e.tid(d, "qr").get_attribute("alt")
            assert alt == "QR code for mingle.example.org/r/workshop-a", alt
            assert e2e.tid(d, "qr").get_attribute("src").endswith("/r/workshop-a/qr.svg")
            assert d.title == f"{ROOM['title']} · Mingle", d.title
            assert not e2e.tid(d, "conn-note").is_displayed()
            no_console_errors(d)
            return shot(d, "display-round-en")
        checks.run("display: round 2 of 3 (en)", round_en)

        def key_travels():
            paths = [p for p in server.requests if "scenario=round" in p]
            assert paths and paths[-1] == "/r/workshop-a/display/ws?key=s3cret&scenario=round&lang=en", server.requests
            return paths[-1]
        checks.run("display: the page's query string (the display key) goes to the socket", key_travels)

        def ticks():
            before = int(e2e.tid(d, "state-main").get_attribute("data-seconds"))
            time.sleep(2.3)
            after = int(e2e.tid(d, "state-main").get_attribute("data-seconds"))
            assert 1 <= before - after <= 3, f"{before} -> {after}"
            return f"{before} s -> {after} s after 2.3 s"
        checks.run("display: the countdown ticks locally", ticks)

        checks.run("display: axe on the round state", lambda: run_axe(d))

        def live_update():
            msg = display_message("between")
            server.push(msg)
            e2e.wait(d, lambda d: text(d, "state-label") == "Between rounds: next round in", what="the between-rounds state")
            assert re.fullmatch(r"0:0[6-9]", text(d, "state-main")), text(d, "state-main")
            assert not e2e.tid(d, "state-sub").is_displayed(), "no conversations between rounds"
            e2e.wait(d, lambda d: "Between rounds" in e2e.tid(d, "live").get_attribute("textContent"), what="the announcement")
            path = shot(d, "display-between-en")
            e2e.wait(d, lambda d: text(d, "state-main") == "0:00", timeout=12, what="the countdown reaching 0:00")
            assert text(d, "state-label") == "Between rounds: next round starting", text(d, "state-label")
            return path
        checks.run("display: a pushed message updates the page live (between rounds)", live_update)

        def scenario(name, lang, expect_label, expect_main, shot_name):
            def check():
                open_display(d, f"key=s3cret&scenario={name}&lang={lang}")
                label, main = text(d, "state-label"), text(d, "state-main")
                assert label == expect_label, f"label {label!r}"
                assert re.fullmatch(expect_main, main), f"main {main!r}"
                assert d.execute_script("return document.documentElement.lang") == lang
                no_console_errors(d)
                return shot(d, shot_name)
            return check

        checks.run("display: lobby, mingling starts in 3:00 (nb)",
                   scenario("lobby", "nb", "Minglingen starter om", r"(3:00|2:5\d)", "display-lobby-nb"))
        checks.run("display: axe on the lobby state (nb)", lambda: run_axe(d))
        checks.run("display: lobby (en)", scenario("lobby", "en", "Mingling starts in", r"(3:00|2:5\d)", "display-lobby-en"))

        def next_by_title():
            sub = text(d, "state-sub")
            assert sub == "after “Designing for trust: consent in hybrid rooms”", sub
        checks.run("display: the next mingling's session by title", next_by_title)
        checks.run("display: session (en)", scenario("session", "en", "Session", r"Designing for trust: consent in hybrid rooms", "display-session-en"))
        checks.run("display: axe on the session state", lambda: run_axe(d))
        checks.run("display: round (nb)", scenario("round", "nb", "Runde 2 av 3 slutter om", r"2:1\d|2:0\d", "display-round-nb"))
        checks.run("display: mingling is over (en)", scenario("done", "en", "", r"Mingling is over – thank you", "display-done-en"))

        def no_attendance():
            counts = e2e.tid(d, "counts").text.replace("\n", " ")
            assert counts == "6 joined", counts
        checks.run("display: no on-site/remote counts when the event does not ask", no_attendance)
        checks.run("display: mingling is over (nb)", scenario("done", "nb", "", r"Minglingen er over – takk for nå", "display-done-nb"))
        checks.run("display: axe on the done state", lambda: run_axe(d))
        checks.run("display: long Norwegian titles fit (nb)", scenario("long", "nb", "Økt", r"Panel: Lokale .*", "display-long-nb"))

        def fits():
            # Nothing may spill past the 1920x1080 screen, nor the left column into the QR code's panel.
            over = d.execute_script(
                "const join = document.querySelector('.join').getBoundingClientRect();"
                "const left = ['.room', '.state', '.counts'].flatMap(s => [...document.querySelectorAll(s + ', ' + s + ' *')]);"
                "return [...document.querySelectorAll('.stage *')].filter(e => { const r = e.getBoundingClientRect();"
                " return r.width > 0 && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1"
                "   || (left.includes(e) && r.right > join.left)); }).map(e => e.className)")
            assert not over, over
        checks.run("display: the long titles stay on the screen", fits)

        def portrait():
            e2e.set_viewport(d, 1080, 1920)
            try:
                open_display(d, "key=s3cret&scenario=round&lang=en")
                wide = d.execute_script("return document.documentElement.scrollWidth")
                assert wide <= 1080, f"{wide} px wide"
                return shot(d, "display-portrait-en")
            finally:
                e2e.set_viewport(d, 1920, 1080)
        checks.run("display: a portrait screen stacks the columns", portrait)

        def reconnects():
            d.get(f"{room_url}/display?key=s3cret&scenario=drop&lang=en")
            e2e.wait(d, lambda d: text(d, "state-label") == "Round 2 of 3 ends in", what="the first message")
            e2e.wait(d, lambda d: e2e.tid(d, "conn-note").is_displayed(), timeout=10, what="the reconnecting note")
            note = text(d, "conn-note")
            assert note == "Reconnecting…", note
            path = shot(d, "display-reconnecting-en")
            e2e.wait(d, lambda d: not e2e.tid(d, "conn-note").is_displayed(), timeout=10, what="the note to go after reconnecting")
            assert text(d, "state-label") == "Round 2 of 3 ends in"
            drops = [p for p in server.requests if "scenario=drop" in p]
            assert len(drops) == 2, drops
            return path
        checks.run("display: a dropped socket reconnects, with a note meanwhile", reconnects)

        def preview_path():
            base = room_url.rsplit("/r/", 1)[0]
            d.get(f"{base}/display/index.html?room=workshop-a&key=s3cret&scenario=session&lang=en")
            e2e.wait(d, lambda d: text(d, "state-label") == "Session", what="the session state via ?room=")
            assert e2e.tid(d, "qr").get_attribute("src").endswith("/r/workshop-a/qr.svg")
        checks.run("display: also works as /display/index.html?room=<id>", preview_path)

        def browser_language():
            nb = e2e.browser(size=(1920, 1080), lang="nb-NO")
            try:
                nb.get(f"{room_url}/display?key=s3cret&scenario=round")
                e2e.wait(nb, lambda d: e2e.tid(d, "state-label").text.strip() == "Runde 2 av 3 slutter om", what="Norwegian from the browser")
            finally:
                nb.quit()
        checks.run("display: language from the browser without ?lang", browser_language)

        # The poster: A4 at 96 dpi is 794 x 1123 CSS pixels.
        def poster(lang, scan, print_label):
            def check():
                e2e.set_viewport(d, 900, 1240)
                d.get(f"{room_url}/poster?key=s3cret&lang={lang}")
                e2e.wait(d, lambda d: not e2e.tid(d, "print").get_attribute("disabled"), what="the poster to load")
                e2e.wait(d, lambda d: d.execute_script("const i = document.querySelector('[data-testid=poster-qr]');"
                                                       "return i.complete && i.naturalWidth > 0"), what="the poster's QR code")
                assert text(d, "poster-title") == ROOM["title"]
                assert text(d, "poster-location") == "Room 2.14"
                assert text(d, "poster-event") == "Hybrid Futures 2026", text(d, "poster-event")
                assert text(d, "poster-link") == "mingle.example.org/r/workshop-a"
                assert text(d, "poster-scan") == scan, text(d, "poster-scan")
                assert text(d, "print") == print_label
                assert e2e.tid(d, "print").is_displayed()
                no_console_errors(d)
                return shot(d, f"poster-screen-{lang}")
            return check
        checks.run("poster: on screen (en)", poster("en", "Scan to meet the people in this room after the session", "Print"))
        checks.run("poster: axe (en)", lambda: run_axe(d))
        checks.run("poster: on screen (nb)", poster("nb", "Skann for å møte folkene i dette rommet etter økten", "Skriv ut"))
        checks.run("poster: axe (nb)", lambda: run_axe(d))

        def printed():
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            try:
                assert not e2e.tid(d, "toolbar").is_displayed(), "the Print button shows in print"
            finally:
                d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            import base64
            pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pages == 1, f"{pages} pages"
            path = os.path.join(checks.shots, "poster-print-nb.pdf")
            with open(path, "wb") as f:
                f.write(pdf)
            if shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", path, path[:-4]], check=True)
                path = path[:-4] + ".png"
            return f"1 A4 page, {path}"
        checks.run("poster: prints on one A4 page without the button", printed)
    finally:
        d.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", default=os.path.join(ROOT, "artifacts", "display"))
    parser.add_argument("--serve", action="store_true", help="only serve (Ctrl-C to stop)")
    args = parser.parse_args()

    server = FakeServer(make_qr_svg())
    base = server.start()
    room_url = f"{base}/r/{ROOM['id']}"
    if args.serve:
        print(f"display: {room_url}/display?key=preview&scenario=round   (lobby, session, between, done, drop, long)")
        print(f"poster:  {room_url}/poster?key=preview")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0

    import e2e_lib
    if not e2e_lib.chromium_available():
        print(f"SKIP display preview: chromium or chromedriver missing ({e2e_lib.CHROMIUM}, {e2e_lib.CHROMEDRIVER})")
        print("display preview: 0 passed, 0 failed")
        return 0
    os.makedirs(args.shots, exist_ok=True)
    checks = Checks(args.shots)
    try:
        run_checks(checks, server, room_url, axe_source(), e2e_lib)
    finally:
        server.stop()
    print(f"display preview: {checks.passed} passed, {checks.failed} failed" + (f", {checks.skipped} skipped" if checks.skipped else ""))
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
