#!/usr/bin/env python3
"""Pairing end to end over real wss: 40 scripted attendees whose regions and languages are skewed (many from
Viken speaking Norwegian and English, Spaniards who speak only Spanish, Dutch and Irish speakers few), one room
mingling under three rules: share a language, then mix regions, then mix on-site and remote. Three rounds are
driven through the admin API.

In every round: every group shares a language (read from the attendees' own `breakout` messages, whose
`languages` are arrays); the groups that mix regions and attendance are exactly what the engine reported in the
room's `quality` (`/api/rooms`), never above its `best`; nobody meets anyone twice. After each round most attendees
answer "Good conversation?" (one tries twice and is refused; nobody is told of anyone else's answer); the room's
status, `/metrics` and `mingle logs summary` count them per round, and a restarted server reports the same
quality and counts from its journal.

Run inside the test venv (scripts/test does): python scripts/e2e_pairing.py
"""
import asyncio
import datetime
import os
import re
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from e2e_clients import CTX, Admin, Attendee, ScriptedServer, check, write_event_files, run_main  # noqa: E402

SEED = 20261216
ROUNDS = 3
ANSWERS = ["yes", "so_so", "no"]

# (region, languages, how many): skewed on purpose. The Spanish-only speakers can talk only with Spanish
# speakers (the Lombards who speak Spanish, two Dutch who do); the Irish speak English and Irish.
POPULATION = [
    ("viken", ["no", "en"], 10),
    ("viken", ["no"], 3),
    ("madrid", ["es"], 7),
    ("madrid", ["es", "en"], 5),
    ("dublin", ["en", "ga"], 5),
    ("lombardia", ["it", "es"], 3),
    ("lombardia", ["it", "en"], 2),
    ("noord-brabant", ["nl", "en"], 3),
    ("noord-brabant", ["nl", "es", "en"], 2),
]
REGIONS = ["viken", "madrid", "dublin", "lombardia", "noord-brabant"]
LANGUAGES = ["en", "no", "es", "it", "nl", "ga"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def write_files(workdir, port):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    event = {
        "event": {"id": "pairing-e2e", "name": "Pairing e2e", "timeZone": "Europe/Brussels"},
        "attributes": [
            {"id": "region", "label": "Region", "required": True, "values": [{"id": r, "label": r.title()} for r in REGIONS]},
            {"id": "attendance", "label": "Attendance", "required": True,
             "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
            {"id": "languages", "label": "Languages you can talk in", "required": True, "multiple": True,
             "values": [{"id": lang, "label": lang} for lang in LANGUAGES]},
        ],
        "sessions": [{"id": "talk", "title": "Talk", "start": iso(now - datetime.timedelta(minutes=30)),
                      "end": iso(now + datetime.timedelta(hours=2)),
                      "mingle": {"rounds": ROUNDS, "roundSeconds": 900, "groupSize": 2, "start": "manual",
                                 "lateJoinWindowSeconds": 0,
                                 "pairing": [{"attribute": "languages", "policy": "share"},
                                             {"attribute": "region", "policy": "mix"},
                                             {"attribute": "attendance", "policy": "mix"}]}}],
    }
    write_event_files(workdir, port, event)


async def take(p, *types, timeout=20):
    """The next message of one of `types` after the last one taken from `p` (all messages stay in `p.all`, so
    one that arrived while waiting for another is not lost); an `error` not asked for fails."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        while p.cursor < len(p.all):
            m = p.all[p.cursor]
            p.cursor += 1
            if m["type"] in types:
                return m
            if m["type"] == "error":
                raise AssertionError("%s got %r while waiting for %s" % (p.name, m, types))
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("%s: no %s within %d s" % (p.name, types, timeout))
        await asyncio.sleep(0.01)


def mixes(group, attribute):
    values = [m["attributes"][attribute] for m in group]
    return any(v != values[0] for v in values)


def shared(group):
    common = set(group[0]["attributes"]["languages"])
    for m in group[1:]:
        common &= set(m["attributes"]["languages"])
    return common


class Run(ScriptedServer):
    def __init__(self, binary, workdir):
        super().__init__(binary, workdir, SEED)
        self.people = []
        self.by_id = {}
        self.met = set()
        self.expected = {}  # round -> {answer: count}

    def metrics(self, token):
        req = urllib.request.Request(self.base + "/metrics", headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, context=CTX, timeout=20) as r:
            return r.read().decode()

    async def join_all(self):
        index = 0
        for region, languages, count in POPULATION:
            for _ in range(count):
                p = Attendee(index, region)
                p.languages = languages
                p.attendance = "remote" if index % 3 == 2 else "onsite"
                p.cursor = 0
                await p.open("wss://127.0.0.1:%d/ws" % self.port, self.base)
                await p.send(type="join", name=p.name,
                             attributes={"region": region, "attendance": p.attendance, "languages": languages})
                w = await take(p, "welcome")
                p.id = w["attendee"]["id"]
                check(w["attendee"]["attributes"]["languages"] == languages and w["attendee"]["attributes"]["region"] == region,
                      "welcome shows languages as an array, region as a string", quiet=True)
                self.people.append(p)
                self.by_id[p.id] = p
                index += 1
        check(len(self.people) == 40, "40 attendees joined over wss with their languages")

    async def round(self, number, admin):
        groups = {}
        for p in self.people:
            b = await take(p, "breakout")
            groups[b["id"]] = b["members"]
        members = sorted(m["id"] for g in groups.values() for m in g)
        check(members == sorted(self.by_id), "round %d: everyone placed once" % number, quiet=True)
        sharing = sum(1 for g in groups.values() if shared(g))
        check(sharing == len(groups), "round %d: all %d groups share a language" % (number, len(groups)))
        pairs = set()
        for g in groups.values():
            ids = [m["id"] for m in g]
            pairs |= {frozenset((a, b)) for i, a in enumerate(ids) for b in ids[i + 1:]}
        check(not (pairs & self.met), "round %d: nobody meets anyone twice" % number, quiet=True)
        self.met |= pairs
        room = admin.call("/api/rooms")["rooms"][0]
        quality = {q["attribute"]: q for q in room["quality"]}
        check(room["round"] == number and [q["attribute"] for q in room["quality"]] == ["languages", "region", "attendance"],
              "round %d: the room reports quality per rule, in the plan's order" % number, quiet=True)
        observed = {"languages": sharing, "region": sum(1 for g in groups.values() if mixes(g, "region")),
                    "attendance": sum(1 for g in groups.values() if mixes(g, "attendance"))}
        for attribute, q in quality.items():
            check(q["groups"] == len(groups) and q["satisfied"] == observed[attribute] and q["satisfied"] <= q["best"],
                  "round %d: %s: %s %d of %d groups (best possible %d), as the engine reported" % (
                      number, attribute, q["policy"], q["satisfied"], q["groups"], q["best"]))
        check(quality["languages"]["alone"] == 0, "round %d: nobody shares a language with no one" % number, quiet=True)
        return groups

    async def feedback(self, number, groups, admin):
        admin.call("/api/round/end", {})
        for p in self.people:
            await take(p, "round_ended")
        counts = {a: 0 for a in ANSWERS}
        breakout_of = {m["id"]: b for b, g in groups.items() for m in g}
        for i, p in enumerate(self.people):
            if (i + number) % 5 == 0:
                continue  # the question is optional
            answer = ANSWERS[(i * 7 + number) % 3]
            await p.send(type="feedback", breakout=breakout_of[p.id], answer=answer)
            got = await take(p, "feedback_recorded")
            check(got["breakout"] == breakout_of[p.id] and got["answer"] == answer, "recorded", quiet=True)
            counts[answer] += 1
        twice = next(p for i, p in enumerate(self.people) if (i + number) % 5 != 0)
        await twice.send(type="feedback", breakout=breakout_of[twice.id], answer="yes")
        refused = await take(twice, "error")
        check(refused["code"] == "feedback_already_given", "round %d: a second answer is refused" % number, quiet=True)
        stranger = next(p for p in self.people if p.id not in [m["id"] for m in groups[breakout_of[twice.id]]])
        await stranger.send(type="feedback", breakout=breakout_of[twice.id], answer="no")
        check((await take(stranger, "error"))["code"] == "unknown_breakout",
              "round %d: feedback only for a breakout one was in" % number, quiet=True)
        self.expected[number] = counts
        check(True, "round %d: %d answers (yes %d, so-so %d, no %d), each confirmed to its sender only" % (
            number, sum(counts.values()), counts["yes"], counts["so_so"], counts["no"]))

    def check_counts(self, admin, token, when):
        room = admin.call("/api/rooms")["rooms"][0]
        total = {a: sum(c[a] for c in self.expected.values()) for a in ANSWERS}
        check(room["totals"]["feedback"] == total, "%s: the room's status counts %s" % (when, total))
        by_round = [{"session": "talk", "round": r, **self.expected[r]} for r in sorted(self.expected)]
        check(room["feedbackByRound"] == by_round, "%s: and per round" % when, quiet=True)
        text = self.metrics(token)
        for answer in ANSWERS:
            line = 'mingle_room_feedback_total{room="main",answer="%s"} %d' % (answer, total[answer])
            check(line in text, "%s: /metrics %s" % (when, line), quiet=answer != "yes")
        return room

    async def scenario(self):
        write_files(self.workdir, self.port)
        server = self.start_server(1)
        token = open(os.path.join(self.workdir, "var", "admin-token")).read().strip()
        admin = Admin(self.base, token)
        try:
            await self.join_all()
            for p in self.people:
                for m in p.all:
                    if m["type"] == "feedback_recorded":
                        raise AssertionError("feedback before any round")
            admin.call("/api/mingling/start", {})
            for number in range(1, ROUNDS + 1):
                groups = await self.round(number, admin)
                await self.feedback(number, groups, admin)
            told = [m for p in self.people for m in p.all if m["type"] == "feedback_recorded"]
            check(len(told) == sum(sum(c.values()) for c in self.expected.values()),
                  "nobody was told of anyone else's answer", quiet=True)
            before = self.check_counts(admin, token, "live")
            for p in self.people:
                await p.close()
            rc = server.stop()
            check(rc == 0, "SIGTERM: exit 0", quiet=True)
            server = self.start_server(2)
            after = self.check_counts(admin, token, "after a restart")
            check(after["quality"] == before["quality"], "after a restart: the last round's quality is the same")
        finally:
            server.stop()
        summary = subprocess.run([self.binary, "logs", "summary", "--journal", "var/journal.jsonl", "var/connections.jsonl"],
                                 cwd=self.workdir, capture_output=True, text=True)
        check(summary.returncode == 0, "mingle logs summary runs", quiet=True)
        table = summary.stdout[summary.stdout.find("Good conversation?"):]
        print("\n".join("    " + line for line in table.splitlines() if re.match(r"\s*(Good conversation|main|talk round)", line)))
        total = {a: sum(c[a] for c in self.expected.values()) for a in ANSWERS}
        row = re.search(r"^\s*main\s+(\d+)\s+(\d+)\s+(\d+)\s*$", table, re.M)
        check(row is not None and [int(x) for x in row.groups()] == [total["yes"], total["so_so"], total["no"]],
              "mingle logs summary prints the room's answers from the journal")
        for r, counts in self.expected.items():
            line = re.search(r"^\s*talk round %d\s+(\d+)\s+(\d+)\s+(\d+)\s*$" % r, table, re.M)
            check(line is not None and [int(x) for x in line.groups()] == [counts["yes"], counts["so_so"], counts["no"]],
                  "... and round %d's" % r, quiet=True)


async def main_async(binary, root):
    run = Run(binary, root)
    await run.scenario()


def main():
    return run_main("e2e pairing", main_async, "mingle-pairing-")


if __name__ == "__main__":
    sys.exit(main())
