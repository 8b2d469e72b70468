#!/usr/bin/env python3
"""Soak: holds N simulated attendees (default 2,000) over wss against a real `mingle serve` for a
configurable time, going through join, rounds (admin API), chat and random disconnect/reconnect
with resume tokens. Samples the server's RSS and descriptor count; fails on growth beyond noise
after the warm-up, on any lost acknowledged chat (one the sender saw echoed must reach every
other member of its breakout who stayed connected in it), on refused resumes, on unexpected
disconnects, or on any ERROR line in the server log. Run through scripts/soak (uses the venv)."""
import argparse
import asyncio
import json
import os
import random
import shutil
import ssl
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
sys.path.insert(0, HERE)
import mingle_proc  # noqa: E402
import wsraw  # noqa: E402
from soak_checks import judge, write_event  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Stats:
    def __init__(self):
        self.sent = self.acked = self.checked = self.lost = 0
        self.resumes = self.resume_failed = self.unexpected_closes = self.reconnects = 0
        self.errors = {}
        self.lost_examples = []


class Attendee:
    def __init__(self, soak, index):
        self.soak = soak
        self.index = index
        self.region = REGIONS[index % len(REGIONS)]
        self.id = self.token = self.ws = None
        self.gen = 0                 # connection generation, +1 per (re)connect
        self.connected = False
        self.leaving = False
        self.breakout = None         # breakout id as this client last heard it
        self.epoch = 0               # +1 whenever that view changes
        self.received = set()
        self.welcomed = None

    def set_breakout(self, bid):
        members = self.soak.members
        if self.breakout is not None:
            members.get(self.breakout, set()).discard(self)
        if bid is not None:
            members.setdefault(bid, set()).add(self)
        self.breakout = bid
        self.epoch += 1

    async def connect(self):
        self.ws = await connect(self.soak.url, ssl=CTX, origin=self.soak.origin, open_timeout=60,
                                ping_interval=None, max_queue=None, close_timeout=5)
        self.gen += 1
        self.welcomed = asyncio.get_running_loop().create_future()
        asyncio.create_task(self.read(self.ws, self.gen))
        if self.token is None:
            msg = {"type": "join", "name": "Soak %04d" % self.index,
                   "attributes": {"region": self.region, "attendance": "remote"}}
        else:
            msg = {"type": "resume", "token": self.token}
        await self.ws.send(json.dumps(msg))
        await asyncio.wait_for(self.welcomed, 60)

    async def read(self, ws, gen):
        st = self.soak.stats
        try:
            async for raw in ws:
                m = json.loads(raw)
                t = m["type"]
                if t == "welcome":
                    self.id, self.token = m["attendee"]["id"], m["resumeToken"]
                    b = m.get("breakout")
                    self.set_breakout(b["id"] if b else None)
                    self.connected = True
                    if not self.welcomed.done():
                        self.welcomed.set_result(True)
                elif t == "breakout":
                    self.set_breakout(m["id"])
                elif t in ("breakout_closed", "round_ended", "waiting", "unplaced"):
                    self.set_breakout(None)
                elif t == "chat":
                    self.received.add(m["text"])
                    if m["from"] == self.id:
                        c = self.soak.chats.get(m["text"])
                        if c and c["acked"] is None:
                            c["acked"] = time.time()
                            st.acked += 1
                elif t == "error":
                    st.errors[m["code"]] = st.errors.get(m["code"], 0) + 1
                    if m["code"] == "resume_invalid" and not self.welcomed.done():
                        st.resume_failed += 1
                        self.welcomed.set_exception(RuntimeError("resume refused"))
        except Exception:  # noqa: BLE001
            pass
        if gen == self.gen:
            self.connected = False
            if not self.leaving and not self.soak.stopping:
                st.unexpected_closes += 1
                self.soak.log("unexpected close of attendee %s (code %s)" % (self.index, ws.close_code))

    async def chat(self):
        if not self.connected or self.breakout is None:
            return
        self.soak.seq += 1
        text = "c%d-%d" % (self.index, self.soak.seq)
        snapshot = {a.index: (a.gen, a.epoch) for a in self.soak.by_breakout(self.breakout) if a is not self}
        self.soak.chats[text] = {"from": self, "gen": self.gen, "breakout": self.breakout, "members": snapshot,
                                 "acked": None, "checked": False,
                                 "at": time.time()}
        self.soak.stats.sent += 1
        try:
            await self.ws.send(json.dumps({"type": "chat", "text": text}))
        except Exception:  # noqa: BLE001
            pass

    async def blip(self, rng):
        """Drops the connection (abruptly or politely), waits, comes back with the resume token."""
        self.leaving = True
        self.connected = False
        if rng.random() < 0.5:
            self.ws.transport.abort()
        else:
            await self.ws.close()
        await asyncio.sleep(rng.uniform(0.5, 5.0))
        self.leaving = False
        try:
            await self.connect()
            self.soak.stats.resumes += 1
        except Exception as e:  # noqa: BLE001
            self.soak.log("resume of attendee %d failed: %r" % (self.index, e))


class Soak:
    def __init__(self, args, server, workdir):
        self.args = args
        self.server = server
        self.pid = server.proc.pid
        self.url = "wss://127.0.0.1:%d/ws" % server.port
        self.origin = "https://127.0.0.1:%d" % server.port
        self.token = open(os.path.join(workdir, "var", "admin-token")).read().strip()
        self.stats = Stats()
        self.chats = {}
        self.members = {}
        self.seq = 0
        self.stopping = False
        self.pause_chat = False
        self.samples = []
        self.people = []
        self.t0 = time.time()

    def log(self, text):
        print("[%6.1f s] %s" % (time.time() - self.t0, text), flush=True)

    def by_breakout(self, bid):
        return [a for a in self.members.get(bid, ()) if a.connected]

    def admin(self, path, body=None):
        req = urllib.request.Request(self.origin + path, data=json.dumps(body or {}).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + self.token},
                                     method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(req, context=CTX, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def verify(self):
        """Every acked chat not yet checked: each member that kept its connection and its view of
        the breakout from the send until now must have it."""
        st = self.stats
        for text, c in self.chats.items():
            if c["checked"] or c["acked"] is None:
                continue
            c["checked"] = True
            for index, (gen, epoch) in c["members"].items():
                m = self.people[index]
                if m.gen != gen or m.epoch != epoch or not m.connected or m.breakout != c["breakout"]:
                    continue
                st.checked += 1
                if text not in m.received:
                    st.lost += 1
                    if len(st.lost_examples) < 5:
                        st.lost_examples.append("%s not at attendee %d" % (text, index))
        # Unacked chats of senders still connected may yet be echoed; refused ones age out.
        now = time.time()
        self.chats = {t: c for t, c in self.chats.items()
                      if not c["checked"] and c["from"].gen == c["gen"] and now - c["at"] < 30}

    async def sampler(self):
        while not self.stopping:
            self.samples.append((time.time() - self.t0, wsraw.rss_kib(self.pid), wsraw.fd_count(self.pid),
                                 sum(a.connected for a in self.people)))
            await asyncio.sleep(5)

    async def chatter(self):
        rng = random.Random(7)
        per_tick = self.args.attendees * self.args.rate / 10
        carry = 0.0
        while not self.stopping:
            await asyncio.sleep(0.1)
            if self.pause_chat:
                continue
            carry += per_tick
            while carry >= 1:
                carry -= 1
                await rng.choice(self.people).chat()

    async def blipper(self):
        rng = random.Random(11)
        per_second = self.args.attendees * self.args.reconnect_per_minute / 60
        while not self.stopping:
            await asyncio.sleep(1)
            for _ in range(int(per_second) + (rng.random() < per_second % 1)):
                a = rng.choice(self.people)
                if a.connected and not a.leaving:
                    self.stats.reconnects += 1
                    asyncio.create_task(a.blip(rng))

    async def rounds(self, end_at):
        """Starts mingling, then per round: chat, pause the chat, verify, end the round. The
        engine starts the next round itself after its pause between rounds."""
        session, rnd = 1, 0
        while time.time() < end_at - 5:
            if rnd == 0:
                status, body = await asyncio.to_thread(self.admin, "/api/mingling/start", {"session": "s%d" % session})
                if status != 200:
                    raise RuntimeError("mingling start: %s %s" % (status, body))
            rnd += 1
            waited = time.time()
            while time.time() - waited < 30:
                await asyncio.sleep(0.5)
                if sum(1 for a in self.people if a.breakout is not None) > len(self.people) // 2:
                    break
            await asyncio.sleep(1)
            placed = sum(1 for a in self.people if a.breakout is not None)
            self.log("session s%d round %d: %d/%d in breakouts, %d connected, server RSS %.1f MiB, fds %d" % (
                session, rnd, placed, len(self.people), sum(a.connected for a in self.people),
                wsraw.rss_kib(self.pid) / 1024, wsraw.fd_count(self.pid)))
            await asyncio.sleep(max(1.0, min(self.args.round_seconds, end_at - time.time() - 4)))
            self.pause_chat = True
            await asyncio.sleep(3)
            self.verify()
            self.pause_chat = False
            status, body = await asyncio.to_thread(self.admin, "/api/round/end", {})
            if status != 200:
                raise RuntimeError("round end: %s %s" % (status, body))
            if rnd == 20:
                session, rnd = session + 1, 0
            await asyncio.sleep(1)

    async def run(self):
        a = self.args
        self.people = [Attendee(self, i) for i in range(a.attendees)]
        base_fds = wsraw.fd_count(self.pid)
        sampler = asyncio.create_task(self.sampler())
        sem = asyncio.Semaphore(50)

        async def join(p):
            async with sem:
                await p.connect()
        start = time.time()
        await asyncio.gather(*(join(p) for p in self.people))
        self.log("%d attendees joined in %.1f s; server fds %d, RSS %.1f MiB" % (
            len(self.people), time.time() - start, wsraw.fd_count(self.pid), wsraw.rss_kib(self.pid) / 1024))
        end_at = self.t0 + a.minutes * 60
        tasks = [asyncio.create_task(self.chatter()), asyncio.create_task(self.blipper())]
        await self.rounds(end_at)
        self.stopping = True
        for t in tasks:
            t.cancel()
        await asyncio.sleep(6)  # let blips in flight come back
        self.verify()
        sampler.cancel()
        self.samples.append((time.time() - self.t0, wsraw.rss_kib(self.pid), wsraw.fd_count(self.pid),
                             sum(p.connected for p in self.people)))
        await asyncio.gather(*(p.ws.close() for p in self.people if p.ws), return_exceptions=True)
        end_fds = wsraw.settle(self.pid, base_fds, timeout=20)
        return base_fds, end_fds


def main():
    ap = argparse.ArgumentParser(description="Soak test with simulated attendees over wss.")
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--attendees", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=1.0, help="chat messages per attendee per second")
    ap.add_argument("--reconnect-per-minute", type=float, default=0.05, help="share of attendees dropped per minute")
    ap.add_argument("--round-seconds", type=float, default=30, help="chat time per round (plus a 10 s pause)")
    ap.add_argument("--warmup", type=float, help="seconds ignored for growth (default: 2 min, at most 40 %% of the run)")
    ap.add_argument("--binary")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    warmup = args.warmup if args.warmup is not None else min(120, args.minutes * 60 * 0.4)
    binary = args.binary or mingle_proc.build("release")
    workdir = tempfile.mkdtemp(prefix="mingle-soak-")
    rounds = int(args.minutes * 60 / (args.round_seconds + 10)) + 2
    write_event(os.path.join(workdir, "event.json"), sessions=rounds // 20 + 1)
    cfg = os.path.join(workdir, "server.json")
    with open(cfg, "w") as f:
        json.dump({"limits": {"maxConnections": 19500}}, f)
    server = mingle_proc.Server(binary, ["--host", "127.0.0.1", "--port", "0", "--config", cfg,
                                         "--event", os.path.join(workdir, "event.json"),
                                         "--state-dir", os.path.join(workdir, "var")],
                                os.path.join(workdir, "server.log"))
    server.wait_listening()
    soak = Soak(args, server, workdir)
    soak.log("server pid %d on port %d; %d attendees for %.1f min (warm-up %.0f s)" % (
        soak.pid, server.port, args.attendees, args.minutes, warmup))
    try:
        base_fds, end_fds = asyncio.run(soak.run())
    finally:
        rc = server.stop()
    with open(os.path.join(workdir, "samples.csv"), "w") as f:
        f.write("seconds,rss_kib,fds,connected_clients\n")
        for s in soak.samples:
            f.write("%.1f,%d,%d,%d\n" % s)
    failures = judge(soak, base_fds, end_fds, warmup, server.read_log())
    if rc != 0:
        failures.append("server exit %s" % rc)
    print("soak: %s (samples in %s)" % ("passed" if not failures else "FAILED: " + "; ".join(failures),
                                       os.path.join(workdir, "samples.csv") if (failures or args.keep) else "removed"))
    if not failures and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
