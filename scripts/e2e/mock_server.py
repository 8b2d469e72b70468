#!/usr/bin/env python3
"""A small stand-in for the Mingle server, for working on the web client before the real `/ws`
endpoint exists. Serves Sources/MingleServer/Public with the real server's CSP and speaks a subset of
ClientProtocol/README.md (plus `hello` on connect, see the client report). Not used by the tests
unless `--mock` is given to them; the tests target the real server.

  python scripts/e2e/mock_server.py --port 8099          # then POST /mock/start, /mock/end
"""
import argparse, asyncio, json, mimetypes, os, secrets, time
from http import HTTPStatus
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PUBLIC = os.path.join(ROOT, "Sources", "MingleServer", "Public")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
now_ms = lambda: int(time.time() * 1000)


def make_event(code=None):
    t = now_ms()
    return {
        "id": "mock-2026", "name": "Improving co-creation in public services", "timeZone": "Europe/Brussels",
        "attributes": [
            {"id": "region", "label": "Your region", "values": [
                {"id": "viken", "label": "Viken (Norway)"}, {"id": "madrid", "label": "Comunidad de Madrid (Spain)"},
                {"id": "lombardia", "label": "Lombardia (Italy)"}, {"id": "dublin", "label": "Dublin Region (Ireland)"}]},
            {"id": "attendance", "label": "How you take part", "values": [
                {"id": "onsite", "label": "On site in Brussels"}, {"id": "remote", "label": "Remote"}]}],
        # One room, as the server describes an event file without rooms.
        "rooms": [{"id": "main", "title": "Improving co-creation in public services", "location": None, "sessions": [
            {"id": "welcome", "title": "Welcome: why co-create public services?", "start": t - 3600_000, "end": t + 120_000,
             "mingle": {"rounds": 3, "roundSeconds": 300, "groupSize": 2, "start": "automatic"}},
            {"id": "case-madrid", "title": "Case: citizen labs in the Comunidad de Madrid", "start": t + 900_000, "end": t + 3600_000,
             "mingle": {"rounds": 2, "roundSeconds": 480, "groupSize": 4, "start": "manual"}},
            {"id": "closing", "title": "Closing and next steps", "start": t + 4500_000, "end": t + 6300_000}]}],
        "accessCodeRequired": code is not None, "iceServers": []}


class Mock:
    def __init__(self, code, round_seconds):
        self.code = code
        self.event = make_event(code)
        self.round_seconds = round_seconds
        self.people = {}   # id -> dict
        self.tokens = {}
        self.next_id = 1
        self.round = 0
        self.ends_at = None
        self.breakouts = {}
        self.requests = set()  # (a, b)

    def pub(self, p):
        return {"id": p["id"], "name": p["name"], "organisation": p.get("organisation"), "attributes": p["attributes"]}

    def phase(self):
        if self.ends_at:
            return {"room": "main", "phase": "mingling", "session": "welcome", "round": self.round, "rounds": 3, "endsAt": self.ends_at, "joiningPaused": False}
        return {"room": "main", "phase": "lobby", "session": None, "round": None, "rounds": None, "endsAt": None, "joiningPaused": False}

    async def send(self, p, msg):
        ws = p.get("ws")
        if ws:
            try:
                await ws.send(json.dumps(msg))
            except Exception:
                pass

    async def presence(self):
        counts = {}
        for p in self.people.values():
            r = p["attributes"].get("region")
            counts[r] = counts.get(r, 0) + 1
        msg = {"type": "presence", "total": len(self.people), "byAttribute": {"region": counts},
               "inBreakouts": sum(1 for p in self.people.values() if p.get("breakout")), "waiting": 0}
        for p in self.people.values():
            await self.send(p, msg)

    def breakout_msg(self, bid):
        b = self.breakouts[bid]
        return {"type": "breakout", "id": bid, "members": [self.pub(self.people[i]) for i in b["members"]],
                "prompt": "Which public service in your region was last redesigned with its users?", "endsAt": self.ends_at}

    async def start_round(self):
        self.round += 1
        started = now_ms()
        self.ends_at = started + self.round_seconds * 1000
        ids = sorted(self.people)
        groups = [ids[i:i + 2] for i in range(0, len(ids) - len(ids) % 2, 2)]
        if len(ids) % 2 and groups:
            groups[-1].append(ids[-1])
        self.breakouts = {}
        for n, g in enumerate(groups, 1):
            self.breakouts[n] = {"members": g}
            for i in g:
                self.people[i]["breakout"] = n
        for p in self.people.values():
            await self.send(p, {"type": "phase", **self.phase()})
            await self.send(p, {"type": "round_started", "session": "welcome", "round": self.round, "rounds": 3,
                                "startedAt": started, "endsAt": self.ends_at, "warningSeconds": 30})
            if p.get("breakout"):
                await self.send(p, self.breakout_msg(p["breakout"]))
        await self.presence()

    async def end_round(self):
        for p in self.people.values():
            b = self.breakouts.get(p.get("breakout"))
            met = [self.pub(self.people[i]) for i in (b["members"] if b else []) if i != p["id"]]
            p["breakout"] = None
            await self.send(p, {"type": "round_ended", "round": self.round, "met": met})
        self.ends_at = None
        for p in self.people.values():
            await self.send(p, {"type": "phase", **self.phase()})

    def welcome(self, p):
        b = p.get("breakout")
        return {"type": "welcome", "attendee": self.pub(p), "resumeToken": p["token"], "serverTime": now_ms(), "room": "main",
                "event": self.event, "phase": self.phase(), "breakout": self.breakout_msg(b) if b else None,
                "contacts": p["contacts"], "stayInTouch": sorted(b for a, b in self.requests if a == p["id"]),
                "privacy": {"retentionDays": 30, "ipLogging": "truncated"}}

    async def handle(self, ws):
        me = None
        await ws.send(json.dumps({"type": "hello", "serverTime": now_ms(), "event": self.event,
                                  "privacy": {"retentionDays": 30, "ipLogging": "truncated"}}))
        try:
            async for raw in ws:
                m = json.loads(raw)
                t = m.get("type")
                err = lambda code: ws.send(json.dumps({"type": "error", "code": code, "message": code, "request": t}))
                if t == "join":
                    if self.code and m.get("accessCode") != self.code:
                        await err("access_code_invalid"); continue
                    pid = self.next_id; self.next_id += 1
                    me = {"id": pid, "name": m["name"], "organisation": m.get("organisation"), "attributes": m["attributes"],
                          "token": secrets.token_urlsafe(12), "ws": ws, "contacts": [], "breakout": None}
                    c = m.get("contact") or {}
                    me["card"] = {k: v for k, v in {"attendee": pid, "name": c.get("name") or m["name"], "organisation": m.get("organisation"),
                                                     "email": c.get("email"), "link": c.get("link")}.items() if v}
                    self.people[pid] = me; self.tokens[me["token"]] = pid
                    await ws.send(json.dumps(self.welcome(me))); await self.presence()
                elif t == "resume":
                    pid = self.tokens.get(m.get("token"))
                    if not pid: await err("resume_invalid"); continue
                    me = self.people[pid]; me["ws"] = ws
                    await ws.send(json.dumps(self.welcome(me)))
                    b = self.breakouts.get(me.get("breakout"))
                    for i in (b["members"] if b else []):
                        if i != pid: await self.send(self.people[i], {"type": "partner_back", "attendee": pid})
                elif me is None:
                    await err("not_joined")
                elif t == "sync":
                    await ws.send(json.dumps({"type": "sync", "clientTime": m.get("clientTime"), "serverTime": now_ms()}))
                elif t in ("chat", "signal", "stay_in_touch", "withdraw_stay_in_touch", "leave_breakout", "report", "block"):
                    b = self.breakouts.get(me.get("breakout"))
                    if not b: await err("not_in_breakout"); continue
                    if t == "chat":
                        for i in b["members"]:
                            await self.send(self.people[i], {"type": "chat", "from": me["id"], "name": me["name"], "text": m["text"], "at": now_ms()})
                    elif t == "signal":
                        if m.get("to") in b["members"]:
                            await self.send(self.people[m["to"]], {"type": "signal", "from": me["id"], "kind": m["kind"], "payload": m["payload"]})
                    elif t == "stay_in_touch":
                        other = m.get("with")
                        self.requests.add((me["id"], other))
                        await ws.send(json.dumps({"type": "stay_in_touch_pending", "with": other}))
                        if (other, me["id"]) in self.requests:
                            o = self.people[other]
                            me["contacts"].append(o["card"]); o["contacts"].append(me["card"])
                            await self.send(me, {"type": "contact", "card": o["card"]})
                            await self.send(o, {"type": "contact", "card": me["card"]})
                    elif t == "withdraw_stay_in_touch":
                        self.requests.discard((me["id"], m.get("with")))
                        await ws.send(json.dumps({"type": "stay_in_touch_withdrawn", "with": m.get("with")}))
                    elif t in ("leave_breakout", "block"):
                        b["members"].remove(me["id"]); me["breakout"] = None
                        for i in b["members"]:
                            await self.send(self.people[i], {"type": "partner_left", "attendee": me["id"], "reason": "left" if t == "leave_breakout" else "blocked"})
                        await ws.send(json.dumps({"type": "breakout_closed", "reason": "left"}))
                        await ws.send(json.dumps({"type": "unplaced"}))
                else:
                    await err("unknown_type")
        finally:
            if me and me.get("ws") is ws:
                me["ws"] = None
                b = self.breakouts.get(me.get("breakout"))
                for i in (b["members"] if b else []):
                    if i != me["id"]:
                        await self.send(self.people[i], {"type": "partner_reconnecting", "attendee": me["id"], "graceEndsAt": now_ms() + 60000})


def static(mock):
    async def process_request(connection, request):
        path = request.path.split("?")[0]
        if path == "/ws":
            return None
        if path in ("/mock/start", "/mock/end"):
            await (mock.start_round() if path == "/mock/start" else mock.end_round())
            return connection.respond(HTTPStatus.OK, "ok\n")
        if path.endswith("/"):
            path += "index.html"
        full = os.path.normpath(os.path.join(PUBLIC, path.lstrip("/")))
        if not full.startswith(PUBLIC) or not os.path.isfile(full):
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        body = open(full, "rb").read()
        ctype = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8",
                 ".svg": "image/svg+xml", ".html": "text/html; charset=utf-8"}.get(os.path.splitext(full)[1], "application/octet-stream")
        headers = Headers([("Content-Type", ctype), ("Content-Length", str(len(body))), ("Content-Security-Policy", CSP),
                           ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache")])
        return Response(200, "OK", headers, body)
    return process_request


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--code", default=None)
    ap.add_argument("--round-seconds", type=int, default=300)
    a = ap.parse_args()
    mock = Mock(a.code, a.round_seconds)
    async with serve(mock.handle, "127.0.0.1", a.port, process_request=static(mock)) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening mock port={port}", flush=True)
        await asyncio.get_running_loop().create_future()

asyncio.run(main())
