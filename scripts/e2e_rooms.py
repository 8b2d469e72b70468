#!/usr/bin/env python3
"""Rooms end to end over real wss: 90 scripted attendees in 3 parallel rooms, rounds overlapping in time,
attendees switching rooms (between rounds and in the middle of one), contact exchange across rooms.

The same scenario runs twice with the same seed: once straight through, once with a SIGTERM and a restart
in the middle of the rounds, everyone resuming with their token. After the restart point every message each
attendee receives must be the same in both runs (times aside, and the restart's own messages: welcome,
partner_reconnecting/partner_back, presence and room-list snapshots), and no pair may meet twice anywhere in
the event.

Run inside the test venv (scripts/test does): python scripts/e2e_rooms.py
"""
import datetime
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from e2e_clients import run_main, Admin, Attendee, ScriptedServer, check, write_event_files  # noqa: E402

ROOMS = ["r1", "r2", "r3"]
PER_ROOM = 30
REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
SEED = 20261203
# Messages that depend on time or on the restart itself, not on what the engine decided.
SNAPSHOTS = {"hello", "welcome", "rooms", "presence", "sync", "partner_reconnecting", "partner_back"}
TIMES = {"at", "serverTime", "startedAt", "endsAt", "eligibleAt", "graceEndsAt", "nextRoundAt", "resumeToken"}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def write_files(workdir, port):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = iso(now - datetime.timedelta(minutes=30)), iso(now + datetime.timedelta(hours=2))
    rooms = [{"id": r, "title": "Room " + r, "location": "Floor %d" % (i + 1), "sessions": [
        {"id": r + "-talk", "title": "Talk in " + r, "start": start, "end": end,
         "mingle": {"rounds": 3, "roundSeconds": 900, "groupSize": 2, "pairBy": "region", "policy": "mix",
                    "prompts": ["Why are you here?", "What would you change?", "Whom should you meet?"],
                    "start": "manual", "lateJoinWindowSeconds": 0}}]} for i, r in enumerate(ROOMS)]
    event = {
        "event": {"id": "rooms-e2e", "name": "Rooms e2e", "timeZone": "Europe/Brussels"},
        "attributes": [{"id": "region", "label": "Region", "required": True,
                        "values": [{"id": r, "label": r.title()} for r in REGIONS]}],
        "rooms": rooms,
    }
    write_event_files(workdir, port, event)


def normalise(message):
    return {k: v for k, v in message.items() if k not in TIMES}


class Run(ScriptedServer):
    """One pass of the scenario; `restart` adds the SIGTERM and restart at the checkpoint."""

    def __init__(self, binary, workdir, restart):
        super().__init__(binary, workdir, SEED)
        self.restart = restart
        self.people = []
        self.by_id = {}
        self.checkpoint = {}
        self.restart_seconds = None

    def in_room(self, room):
        return [p for p in self.people if p.room == room]

    async def placed(self, people):
        """Waits for each one's breakout; returns the breakouts by id."""
        groups = {}
        for p in people:
            b = await p.expect("breakout")
            groups[b["id"]] = [m["id"] for m in b["members"]]
        return groups

    async def chat_in_turn(self, groups):
        """The first member of each breakout says hello; its echo comes back before the next one speaks."""
        for members in groups.values():
            speaker = self.by_id[members[0]]
            await speaker.send(type="chat", text="hello from %s" % speaker.name)
            await speaker.expect("chat")
            for other in members[1:]:
                await self.by_id[other].expect("chat")

    async def move(self, person, room):
        await person.send(type="enter_room", room=room)
        got = await person.expect("room")
        check(got["room"] == room, "%s moved to %s" % (person.name, room), quiet=True)
        person.room = room

    async def end_round(self, admin, room, last=False):
        admin.call("/api/rooms/%s/round/end" % room, {})
        for p in self.in_room(room):
            await p.expect("round_ended")
        if not last:
            for p in self.in_room(room):
                await p.expect("round_started")

    async def scenario(self):
        write_files(self.workdir, self.port)
        server = self.start_server(1)
        token = open(os.path.join(self.workdir, "var", "admin-token")).read().strip()
        admin = Admin(self.base, token)
        try:
            for i in range(PER_ROOM * len(ROOMS)):
                p = Attendee(i, REGIONS[i % len(REGIONS)])
                p.room = ROOMS[i % len(ROOMS)]
                p.history = []
                await p.open(self.url, self.base)
                await p.send(type="join", name=p.name, attributes={"region": p.region}, room=p.room,
                             contact={"email": "a%02d@example.org" % i})
                w = await p.expect("welcome")
                p.id, p.token = w["attendee"]["id"], w["resumeToken"]
                check(w["room"] == p.room, "joined into the room of the link", quiet=True)
                self.people.append(p)
                self.by_id[p.id] = p
            # Rounds overlap: r1, r2 and r3 all run at once.
            for room in ROOMS:
                admin.call("/api/rooms/%s/mingling/start" % room, {})
                groups = await self.placed(self.in_room(room))
                members = {a for g in groups.values() for a in g}
                check(members == {p.id for p in self.in_room(room)}, "%s: round 1 pairs exactly the room's attendees" % room)
                await self.chat_in_turn(groups)
                if room == "r1":
                    a, b = list(groups.values())[0][:2]
                    await self.by_id[a].send(type="stay_in_touch", **{"with": b})
                    await self.by_id[a].expect("stay_in_touch_pending")
                    await self.by_id[b].send(type="stay_in_touch", **{"with": a})
                    check((await self.by_id[a].expect("contact"))["card"]["attendee"] == b, "mutual stay in touch in r1")
            # r2 ends its round while r1 and r3 run on; four of its people move to r3 between rounds, where
            # a round runs: they are grouped among themselves (arrivals wait for a partner).
            admin.call("/api/rooms/r2/round/end", {})
            for p in self.in_room("r2"):
                await p.expect("round_ended")
            movers = self.in_room("r2")[:4]
            for n, p in enumerate(movers):
                await self.move(p, "r3")
                if n % 2 == 1:
                    await p.expect("breakout")
                    await movers[n - 1].expect("breakout")
            for p in self.in_room("r2"):
                await p.expect("breakout")
            # Checkpoint: every room has a round running and everyone is in a breakout.
            if self.restart:
                began = time.monotonic()
                rc = server.stop()
                check(rc == 0, "SIGTERM in the middle of the rounds: exit 0")
                server = self.start_server(2)
                fresh = []
                for p in self.people:
                    q = Attendee(p.index, p.region)
                    q.room, q.id, q.token = p.room, p.id, p.token
                    q.history = p.all
                    await q.open(self.url, self.base)
                    await q.send(type="resume", token=p.token)
                    w = await q.expect("welcome")
                    check(w["attendee"]["id"] == p.id and w["room"] == p.room and w["breakout"],
                          "%s resumes into its room and breakout" % p.name, quiet=True)
                    fresh.append(q)
                self.restart_seconds = time.monotonic() - began
                check(True, "all %d attendees resumed into their breakouts %.1f s after the SIGTERM" % (len(fresh), self.restart_seconds))
                for old in self.people:
                    await old.close()
                self.people = fresh
                self.by_id = {p.id: p for p in fresh}
            self.checkpoint = {p.id: len(p.all) for p in self.people}
            # After the checkpoint: chat, rounds end and start in each room at different moments, two of r1's
            # people leave their breakouts for r2 mid-round, contacts across rooms.
            for room in ROOMS:
                groups = {}
                for p in self.in_room(room):
                    # The breakout each is in: the last one announced (in a breakout message or a welcome).
                    seen = [m for m in p.history + p.all if m["type"] == "breakout"]
                    seen += [m["breakout"] for m in p.all if m["type"] == "welcome" and m.get("breakout")]
                    groups[seen[-1]["id"]] = [m["id"] for m in seen[-1]["members"]]
                await self.chat_in_turn(groups)
            await self.end_round(admin, "r1")
            await self.placed(self.in_room("r1"))
            leavers = self.in_room("r1")[:2]
            for p in leavers:
                await self.move(p, "r2")
            await leavers[1].expect("breakout")
            await leavers[0].expect("breakout")
            await self.end_round(admin, "r3")
            await self.placed(self.in_room("r3"))
            a = self.in_room("r3")[0]
            met = [m for m in a.all if m["type"] == "round_ended"][-1]["met"]
            if met:
                other = self.by_id[met[0]["id"]]
                await a.send(type="stay_in_touch", **{"with": other.id})
                await a.expect("stay_in_touch_pending")
                await other.send(type="stay_in_touch", **{"with": a.id})
                await a.expect("contact")
            for room in ROOMS:
                admin.call("/api/rooms/%s/mingling/stop" % room, {})
                for p in self.in_room(room):
                    await p.expect("round_ended")
            status = admin.call("/api/status")
            check(status["totals"]["contactExchanges"] == 2, "status counts the 2 exchanges")
            for p in self.people:
                await p.close()
        finally:
            server.stop()

    def after_checkpoint(self):
        return {p.id: [normalise(m) for m in p.all[self.checkpoint[p.id]:] if m["type"] not in SNAPSHOTS] for p in self.people}

    def pairs(self):
        """Every pair that shared a breakout, with how often (breakouts seen by any member, counted once)."""
        seen = {}
        for p in self.people:
            for m in p.history + p.all:
                if m["type"] == "breakout":
                    seen[m["id"]] = [x["id"] for x in m["members"]]
        counts = {}
        for members in seen.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    counts[frozenset((a, b))] = counts.get(frozenset((a, b)), 0) + 1
        return counts


async def main_async(binary, root):
    runs = {}
    for restart in (False, True):
        workdir = os.path.join(root, "restart" if restart else "straight")
        os.makedirs(workdir)
        print("run %s" % ("with a restart" if restart else "straight through"))
        run = Run(binary, workdir, restart)
        await run.scenario()
        repeats = [pair for pair, n in run.pairs().items() if n > 1]
        check(not repeats, "no pair met twice anywhere in the event (%d pairs)" % len(run.pairs()))
        runs[restart] = run
    straight, restarted = runs[False].after_checkpoint(), runs[True].after_checkpoint()
    different = [a for a in straight if straight[a] != restarted.get(a)]
    for a in different[:3]:
        print("  attendee %d straight:  %s" % (a, json.dumps(straight[a])[:600]))
        print("  attendee %d restarted: %s" % (a, json.dumps(restarted.get(a))[:600]))
    total = sum(len(v) for v in straight.values())
    check(not different and total > 0,
          "after the restart every attendee got the same %d messages as without it (%d attendees)" % (total, len(straight)))


def main():
    return run_main("e2e rooms", main_async, "mingle-rooms-")


if __name__ == "__main__":
    sys.exit(main())
