#!/usr/bin/env python3
"""kill -9 at random moments while 500 attendees in 3 rooms chat, ask to stay in touch, move between rooms
and rounds end and start; after each restart every attendee resumes with its token, and everything the
server acknowledged before the kill must be there: the attendee, its room, its breakout, its pending
requests and exchanged cards, the admin's rounds. A kill loses at most what was not yet acknowledged.

  python scripts/crash.py [--attendees 500] [--kills 20] [--seed N]

Bounded: about 5 s of activity and a restart per kill. Prints the figures at the end.
"""
import argparse
import asyncio
import datetime
import json
import os
import re
import random
import shutil
import signal
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import mingle_proc  # noqa: E402
from e2e_clients import CTX, Admin, Attendee, check, write_event_files  # noqa: E402

ROOMS = ["r1", "r2", "r3"]
REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]


def write_files(workdir, port):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start = (now - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    end = (now + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    event = {
        "event": {"id": "crash", "name": "Crash test", "timeZone": "UTC"},
        "attributes": [{"id": "region", "label": "Region", "required": True,
                        "values": [{"id": r, "label": r} for r in REGIONS]}],
        "rooms": [{"id": r, "title": r, "sessions": [
            {"id": r + "-s", "title": "Talk", "start": start, "end": end,
             "mingle": {"rounds": 20, "roundSeconds": 1800, "groupSize": 2, "start": "manual",
                        "lateJoinWindowSeconds": 5}}]} for r in ROOMS],
    }
    write_event_files(workdir, port, event)


class Person(Attendee):
    """An attendee plus what the server acknowledged to it."""

    def __init__(self, index, region):
        super().__init__(index, region)
        self.pending = set()      # stay_in_touch_pending received, not withdrawn
        self.contacts = set()     # contact received
        self.breakout = None      # the last breakout it was told of, if nothing it heard ended it
        self.awaiting = {}        # requests sent whose answer has not come (by type): died with the server?

    @property
    def uncertain(self):
        return any(self.awaiting.values())

    def asked(self, kind):
        self.awaiting[kind] = self.awaiting.get(kind, 0) + 1

    def answered(self, kind):
        if self.awaiting.get(kind):
            self.awaiting[kind] -= 1


class Crash:
    def __init__(self, binary, workdir, n, kills, rng):
        self.binary, self.workdir, self.n, self.kills, self.rng = binary, workdir, n, kills, rng
        self.port = mingle_proc.free_port()
        self.people = []
        self.figures = {"restarts": 0, "restart_s": [], "resume_s": [], "replayed": [], "checked": 0, "acked_requests": 0,
                        "acked_contacts": 0, "acked_moves": 0, "rounds_started": 0}
        self.server = None
        self.admin = None
        self.admin_in_flight = set()

    def start(self):
        self.server = mingle_proc.Server(self.binary, ["--config", os.path.join(self.workdir, "server.json")],
                                         os.path.join(self.workdir, "server-%d.log" % self.figures["restarts"]), cwd=self.workdir)
        self.server.wait_listening()
        token = open(os.path.join(self.workdir, "var", "admin-token")).read().strip()
        self.admin = Admin("https://127.0.0.1:%d" % self.port, token)

    def compactions(self):
        total = 0
        for i in range(self.figures["restarts"] + 1):
            path = os.path.join(self.workdir, "server-%d.log" % i)
            if os.path.exists(path):
                total += open(path, errors="replace").read().count("journal_compacted")
        return total

    def replayed_lines(self):
        """What the last start replayed after the journal's snapshot (its `journal_replayed` line)."""
        path = os.path.join(self.workdir, "server-%d.log" % self.figures["restarts"])
        found = re.findall(r'journal_replayed.*?events="?(\d+)', open(path, errors="replace").read())
        return int(found[-1]) if found else 0

    @property
    def url(self):
        return "wss://127.0.0.1:%d/ws" % self.port

    @property
    def origin(self):
        return "https://127.0.0.1:%d" % self.port

    def track(self, p, m):
        t = m["type"]
        if t == "breakout":
            p.breakout = m["id"]
        elif t in ("round_ended", "left_breakout", "breakout_closed", "waiting", "unplaced"):
            p.breakout = None
        elif t == "stay_in_touch_pending":
            p.pending.add(m["with"])
            p.answered("stay_in_touch")
        elif t == "stay_in_touch_withdrawn":
            p.pending.discard(m["with"])
        elif t == "contact":
            p.contacts.add(m["card"]["attendee"])
            p.pending.discard(m["card"]["attendee"])
        elif t == "room":
            p.room = m["room"]
            p.answered("enter_room")
            self.figures["acked_moves"] += 1
        elif t == "error":
            p.answered(m.get("request"))

    async def listen(self, p):
        while True:
            m = await p.inbox.get()
            self.track(p, m)

    async def join_all(self):
        for i in range(self.n):
            p = Person(i, REGIONS[i % len(REGIONS)])
            p.room = ROOMS[i % len(ROOMS)]
            await p.open(self.url, self.origin)
            await p.send(type="join", name=p.name, attributes={"region": p.region}, room=p.room,
                         contact={"email": "c%03d@example.org" % i})
            w = await p.expect("welcome")
            p.id, p.token = w["attendee"]["id"], w["resumeToken"]
            self.people.append(p)
        for p in self.people:
            p.listener = asyncio.create_task(self.listen(p))
        for room in ROOMS:
            self.admin.call("/api/rooms/%s/mingling/start" % room, {})
            self.figures["rounds_started"] += 1

    async def act(self, seconds):
        """Random activity until `seconds` pass; the kill comes at a random moment inside it."""
        end = time.monotonic() + seconds
        by_id = {p.id: p for p in self.people}
        while time.monotonic() < end:
            p = self.rng.choice(self.people)
            roll = self.rng.random()
            try:
                if roll < 0.68:
                    await p.send(type="chat", text="hi %d" % self.rng.randrange(1000))
                elif roll < 0.93 and p.breakout is not None:
                    # Ask a breakout partner (known from the last breakout message) to stay in touch.
                    partners = [m["id"] for m in next((m for m in reversed(p.all) if m["type"] == "breakout"), {}).get("members", []) if m["id"] != p.id]
                    if partners:
                        p.asked("stay_in_touch")
                        await p.send(type="stay_in_touch", **{"with": self.rng.choice(partners)})
                elif roll < 0.98:
                    p.asked("enter_room")
                    await p.send(type="enter_room", room=self.rng.choice(ROOMS))
                else:
                    room = self.rng.choice(ROOMS)
                    self.admin_in_flight.add(room)
                    await asyncio.to_thread(self.admin.call, "/api/rooms/%s/round/end" % room, {})
                    self.admin_in_flight.discard(room)
            except Exception:
                pass
            await asyncio.sleep(0.01)
        del by_id

    async def resume_all(self):
        fresh = []
        sem = asyncio.Semaphore(100)

        async def resume(p):
            async with sem:
                q = Person(p.index, p.region)
                q.id, q.token, q.room = p.id, p.token, p.room
                q.pending, q.contacts, q.breakout, q.awaiting = set(p.pending), set(p.contacts), p.breakout, dict(p.awaiting)
                for attempt in range(50):
                    try:
                        await q.open(self.url, self.origin)
                        break
                    except Exception:
                        await asyncio.sleep(0.1)
                await q.send(type="resume", token=p.token)
                return q, await q.expect("welcome")

        results = await asyncio.gather(*(resume(p) for p in self.people))
        for p, (q, w) in zip(self.people, results):
            self.verify(q, w)
            # From here on, the server's word is the new truth.
            q.room, q.breakout = w["room"], (w.get("breakout") or {}).get("id")
            q.contacts = {c["attendee"] for c in w["contacts"]}
            q.pending = set(w["stayInTouch"])
            fresh.append(q)
        for p in self.people:
            p.listener.cancel()
            try:
                await p.ws.close()
            except Exception:
                pass
        self.people = fresh
        for p in self.people:
            p.awaiting = {}
            p.listener = asyncio.create_task(self.listen(p))

    def verify(self, q, w):
        """Everything acknowledged to `q` before the kill is in the welcome after the restart."""
        check(w["attendee"]["id"] == q.id, "the token names the same attendee", quiet=True)
        contacts = {c["attendee"] for c in w["contacts"]}
        requests = set(w["stayInTouch"])
        check(q.contacts <= contacts, "%s: every card it received is still there (%s vs %s)" % (q.name, q.contacts, contacts), quiet=True)
        check(q.pending <= requests | contacts, "%s: every acknowledged request is still there" % q.name, quiet=True)
        if not q.uncertain:
            check(w["room"] == q.room, "%s: in the room it was told (%s vs %s)" % (q.name, q.room, w["room"]), quiet=True)
        if os.environ.get("CRASH_DEBUG"):
            print("DBG", q.name, q.breakout, q.uncertain, q.room, (w.get("breakout") or {}).get("id"))
        if q.breakout is not None and not q.uncertain and q.room not in self.admin_in_flight:
            got = (w.get("breakout") or {}).get("id")
            # Back in the same breakout, or in a later one whose announcement was still in flight at the kill,
            # or in none when something it had not heard of yet ended it (a partner's move, the admin ending
            # the round). Whether every announced breakout survived is checked on the totals (`verify_totals`).
            check(got is None or got >= q.breakout, "%s: back in breakout %s (got %s)" % (q.name, q.breakout, got), quiet=True)
            if got == q.breakout:
                self.figures["checked"] += 1
        self.figures["acked_requests"] += len(q.pending)
        self.figures["acked_contacts"] += len(q.contacts)

    def verify_totals(self, announced):
        """Every breakout announced before the kill is in the journal: ids are numbered in order, so the
        count of breakouts formed reaches the highest id anyone was told."""
        status = self.admin.call("/api/status")
        formed = status["totals"]["breakoutsFormed"]
        check(formed >= announced, "every announced breakout survived (highest id %d, formed %d)" % (announced, formed), quiet=True)
        self.figures["highest_breakout"] = announced

    async def run(self):
        write_files(self.workdir, self.port)
        self.start()
        await self.join_all()
        for k in range(self.kills):
            await self.act(self.rng.uniform(0.5, 4.0))
            began = time.monotonic()
            self.server.stop(sig=signal.SIGKILL)
            announced = max([m["id"] for p in self.people for m in p.all if m["type"] == "breakout"] + [0])
            self.figures["restarts"] += 1
            self.start()
            self.figures["restart_s"].append(time.monotonic() - began)
            self.verify_totals(announced)
            began = time.monotonic()
            await self.resume_all()
            self.figures["resume_s"].append(time.monotonic() - began)
            self.admin_in_flight.clear()
            # Rooms whose round ended start the next one, so breakouts keep forming.
            for room in ROOMS:
                try:
                    self.admin.call("/api/rooms/%s/mingling/start" % room, {})
                    self.figures["rounds_started"] += 1
                except Exception:
                    pass
            replayed = self.replayed_lines()
            self.figures["replayed"].append(replayed)
            print("  kill %d/%d: restart %.2f s (%d journal lines after the snapshot replayed), %d resumed in %.2f s"
                  % (k + 1, self.kills, self.figures["restart_s"][-1], replayed, len(self.people), self.figures["resume_s"][-1]),
                  flush=True)
        status = self.admin.call("/api/status")
        check(status["attendees"]["registered"] == self.n, "all %d registrations survived %d kills" % (self.n, self.kills))
        # The power-loss window as this server measured it since its last start (the kills show nothing about
        # fsync: the kernel keeps what was written; a power loss would lose what waited for its fsync).
        req = urllib.request.Request(self.admin.base + "/metrics", headers={"Authorization": "Bearer " + self.admin.token})
        metrics = urllib.request.urlopen(req, context=CTX, timeout=10).read().decode()
        for line in metrics.splitlines():
            if line.startswith(("mingle_journal_unsynced_wait_max_seconds", "mingle_journal_fsync_max_seconds")):
                name, value = line.split()
                self.figures[name] = float(value)
        for p in self.people:
            await p.close()
        self.server.stop()
        self.verify_connection_log()

    def verify_connection_log(self):
        """Every `accepted` has its `closed` although 20 servers died without writing theirs: each start closed
        what the killed one left open (closedBy crash). Counted per connection id (ids repeat across runs)."""
        var = os.path.join(self.workdir, "var")
        balance, crash, accepted = {}, 0, 0
        for name in sorted(os.listdir(var)):
            if not (name.startswith("connections") and name.endswith(".jsonl")):
                continue
            with open(os.path.join(var, name)) as f:
                for line in f:
                    try:
                        o = json.loads(line)
                    except ValueError:
                        continue
                    if o.get("event") == "accepted":
                        accepted += 1
                        balance[o["conn"]] = balance.get(o["conn"], 0) + 1
                    elif o.get("event") == "closed":
                        balance[o["conn"]] = balance.get(o["conn"], 0) - 1
                        crash += o.get("closedBy") == "crash"
        unclosed = sum(v for v in balance.values() if v > 0)
        check(unclosed == 0 and all(v == 0 for v in balance.values()),
              "connection log: every one of %d accepted connections has exactly one closed line (%d closed by the next "
              "start after a kill -9)" % (accepted, crash))
        self.figures["log_accepted"], self.figures["log_crash_closed"] = accepted, crash


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--attendees", type=int, default=500)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    print("crash loop: %d attendees, %d kill -9, seed %d" % (a.attendees, a.kills, a.seed))
    binary = mingle_proc.build()
    workdir = tempfile.mkdtemp(prefix="mingle-crash-")
    crash = Crash(binary, workdir, a.attendees, a.kills, random.Random(a.seed))
    started = time.monotonic()
    try:
        asyncio.run(crash.run())
    except Exception as e:
        print("crash loop FAILED: %r (logs in %s)" % (e, workdir))
        if crash.server:
            crash.server.stop(sig=signal.SIGKILL)
        return 1
    f = crash.figures
    print("crash loop: passed in %.0f s: %d kills; restart (kill to listening) max %.2f s; all %d resumed, p50 %.2f s, max %.2f s; "
          "%d breakout places, %d pending requests, %d cards and %d room moves acknowledged and found again; "
          "every announced breakout (ids up to %d) in the journal"
          % (time.monotonic() - started, f["restarts"], max(f["restart_s"]), a.attendees, sorted(f["resume_s"])[len(f["resume_s"]) // 2],
             max(f["resume_s"]), f["checked"], f["acked_requests"], f["acked_contacts"], f["acked_moves"], f.get("highest_breakout", 0)))
    print("journal lines replayed per start (after the last snapshot): %s; compactions: %d"
          % (" ".join(str(n) for n in f["replayed"]), crash.compactions()))
    print("connection log: %d connections accepted, each closed once; %d of them closed by the start after a kill -9"
          % (f.get("log_accepted", 0), f.get("log_crash_closed", 0)))
    print("power-loss window since the last restart: longest wait for fsync %.0f ms, longest fsync %.1f ms"
          % (1000 * f.get("mingle_journal_unsynced_wait_max_seconds", 0), 1000 * f.get("mingle_journal_fsync_max_seconds", 0)))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
