"""A room on the venue's screen, against the real server: the display page opens with the room's key from
the admin API (401 without it), shows the room, a QR code that the server made and the room's state in large
type, follows a round started by the admin live, and never shows a name; the printable poster fills itself.
Screenshots at 1920x1080 (display) and A4-ish (poster) in artifacts/e2e/."""
import datetime
import json
import os
import ssl
import tempfile
import urllib.error
import urllib.request

import mingle_proc
from e2e_lib import ADMIN_TOKEN, ARTIFACTS, ProtocolClient, assert_clean_console, browser, iso, quit_all, shot, tid, wait

ROOMS = [("main-hall", "Main hall", "Ground floor"), ("lab", "Service design lab", "Room 2.14")]


class RoomsServer:
    """`mingle serve` on a two-room event whose sessions run now (manual mingling)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mingle-e2e-display-")
        now = datetime.datetime.now(datetime.timezone.utc)
        event = {
            "event": {"id": "display", "name": "Regions and cities day", "timeZone": "Europe/Brussels"},
            "attributes": [
                {"id": "region", "label": "Region", "required": True,
                 "values": [{"id": "viken", "label": "Viken"}, {"id": "madrid", "label": "Madrid"}]},
                {"id": "attendance", "label": "How you take part", "required": True,
                 "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
            ],
            "rooms": [{"id": r, "title": t, "location": l, "sessions": [
                {"id": r + "-talk", "title": "Talk in " + t, "start": iso(now - datetime.timedelta(minutes=20)),
                 "end": iso(now + datetime.timedelta(minutes=40)),
                 "mingle": {"rounds": 2, "roundSeconds": 300, "groupSize": 2, "start": "manual"}}]} for r, t, l in ROOMS],
        }
        self.event_path = os.path.join(self.dir, "event.json")
        with open(self.event_path, "w") as f:
            json.dump(event, f)
        os.makedirs(ARTIFACTS, exist_ok=True)
        binary = os.environ.get("MINGLE_BIN") or mingle_proc.build()
        self.proc = mingle_proc.Server(binary, ["--host", "127.0.0.1", "--port", "0", "--event", self.event_path,
                                                "--state-dir", os.path.join(self.dir, "state"), "--seed", "7"],
                                       os.path.join(ARTIFACTS, "room-display-server.log"), env={"MINGLE_ADMIN_TOKEN": ADMIN_TOKEN})
        self.port = self.proc.wait_listening()
        self.origin = f"https://127.0.0.1:{self.port}"
        self.url = self.origin + "/"

    def request(self, path, body=None, token=True):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if token else {}
        req = urllib.request.Request(self.origin + path, data=data, method="POST" if data is not None else "GET", headers=headers)
        try:
            with urllib.request.urlopen(req, context=ssl._create_unverified_context(), timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def admin(self, path, body=None):
        status, raw = self.request(path, body)
        assert status == 200, (path, status, raw)
        return json.loads(raw or b"{}")

    def stop(self):
        self.proc.stop()


def run(notes):
    server = RoomsServer()
    drivers, clients = [], []
    try:
        access = server.admin("/api/rooms/lab/display")
        assert access["display"] == f"/r/lab/display?key={access['key']}", access
        assert server.request("/r/lab/display", token=False)[0] == 401, "the display needs the room's key"
        assert server.request(f"/r/main-hall/display?key={access['key']}", token=False)[0] == 401, "a key opens one room only"
        status, svg = server.request("/r/lab/qr.svg", token=False)
        assert status == 200 and b"<svg" in svg, "the server makes the QR code"

        # Three people in the lab, two on site: what the screen counts (never their names).
        for name, region, attendance in [("Kari Nordmann", "viken", "onsite"), ("Lucía Martín", "madrid", "onsite"),
                                         ("Ola Remote", "viken", "remote")]:
            c = ProtocolClient(server)
            clients.append(c)
            c.send({"type": "join", "name": name, "attributes": {"region": region, "attendance": attendance}, "room": "lab"})
            c.wait_for(lambda m: m["type"] == "welcome", what="welcome")

        d = browser(size=(1920, 1080))
        drivers.append(d)
        d.get(server.origin + access["display"])
        body = lambda d: d.find_element("tag name", "body").text
        wait(d, lambda d: "Service design lab" in body(d) and "Room 2.14" in body(d), what="room title and location")
        wait(d, lambda d: "3" in body(d) and "2" in body(d), what="counts on the screen")
        wait(d, lambda d: d.execute_script("const i = document.querySelector('img'); return !!i && i.complete && i.naturalWidth > 0"),
             what="the QR code image loaded")
        shot(d, "room-display-session-1920")
        server.admin("/api/rooms/lab/mingling/start", {})
        wait(d, lambda d: "1" in body(d) and ("Round" in body(d) or "round" in body(d)), what="the round on the screen, live")
        shot(d, "room-display-round-1920")
        for name in ("Kari", "Lucía", "Ola"):
            assert name not in body(d), f"a name on the room's screen: {name}"

        p = browser(size=(1240, 1754))
        drivers.append(p)
        p.get(server.origin + access["poster"])
        wait(p, lambda d: "Service design lab" in body(d) and f"/r/lab" in body(d), what="poster title and link")
        shot(p, "room-poster")
        assert_clean_console(drivers)
    finally:
        for c in clients:
            c.close()
        quit_all(drivers)
        server.stop()
