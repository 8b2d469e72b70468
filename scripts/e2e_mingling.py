#!/usr/bin/env python3
"""End-to-end mingling over real wss: 30 scripted attendees from several regions join, an
organiser runs three rounds through the admin API, and the test checks pairings, chat isolation
between breakouts, contact exchange only on mutual consent, the journal, and that a restart
keeps everything (resume token, contacts, no repeated pairs).

Run inside the test venv (scripts/test does): python scripts/e2e_mingling.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import mingle_proc  # noqa: E402
import test_event  # noqa: E402
from e2e_clients import run_main, Admin, Attendee, check  # noqa: E402

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
N = 30


async def run_rounds(people, admin, by_id):
    met_pairs = set()
    exchanged = set()
    one_sided = set()
    admin.call("/api/mingling/start", {"session": "s1"})
    for rnd in (1, 2, 3):
        print("round %d" % rnd)
        breakouts = {}
        for p in people:
            m = await p.expect("breakout")
            breakouts.setdefault(m["id"], set()).update(x["id"] for x in m["members"])
            check(p.id in {x["id"] for x in m["members"]}, "%s is in its own breakout" % p.name) if p.index == 0 else None
        groups = list(breakouts.values())
        placed = [a for g in groups for a in g]
        check(sorted(placed) == sorted(p.id for p in people), "round %d: everyone placed exactly once" % rnd)
        check(all(2 <= len(g) <= 3 for g in groups), "round %d: group sizes 2-3 (pairs, a trio for an odd one)" % rnd)
        pairs = {frozenset((a, b)) for g in groups for a in g for b in g if a < b}
        check(not (pairs & met_pairs), "round %d: nobody meets someone twice" % rnd)
        met_pairs |= pairs
        spanning = sum(1 for g in groups if len({by_id[a].region for a in g}) > 1)
        check(spanning == len(groups), "round %d: every group spans regions (%d/%d)" % (rnd, spanning, len(groups)))

        # Chat isolation: every attendee says something unique; only its breakout hears it.
        for p in people:
            await p.send(type="chat", text="hello from %s in round %d" % (p.name, rnd))
        for p in people:
            group = next(g for g in groups if p.id in g)
            expected = {"hello from %s in round %d" % (by_id[a].name, rnd) for a in group}
            got = set()
            while len(got) < len(expected):
                m = await p.expect("chat")
                got.add(m["text"])
                check(m["from"] in group, "%s hears only its breakout" % p.name) if p.index == 0 else None
            check(got == expected, "round %d: %s got exactly its breakout's chat" % (rnd, p.name)) if p.index < 2 else None
            if got != expected:
                raise AssertionError("%s chat: expected %r got %r" % (p.name, expected, got))

        # Stay in touch: in round 1, mutual for the first group, one-sided for the second.
        if rnd == 1:
            g1, g2 = sorted(groups[0])[:2], sorted(groups[1])[:2]
            await by_id[g1[0]].send(type="stay_in_touch", **{"with": g1[1]})
            await by_id[g1[1]].send(type="stay_in_touch", **{"with": g1[0]})
            await by_id[g2[0]].send(type="stay_in_touch", **{"with": g2[1]})
            c1 = await by_id[g1[0]].expect("contact")
            c2 = await by_id[g1[1]].expect("contact")
            check(c1["card"]["attendee"] == g1[1] and c2["card"]["attendee"] == g1[0], "mutual stay in touch gives both cards")
            check(c1["card"].get("email") == "a%02d@example.org" % by_id[g1[1]].index, "the card carries the email given at join")
            await by_id[g2[0]].expect("stay_in_touch_pending")
            exchanged.add(frozenset(g1))
            one_sided.add((g2[0], g2[1]))
        admin.call("/api/round/end", {})
        for p in people:
            m = await p.expect("round_ended")
            if p.index == 0:
                check(len(m["met"]) >= 1, "round_ended lists whom you met")
    for p in people:
        await p.expect("phase")
    # The one-sided request revealed nothing.
    a, b = next(iter(one_sided))
    check(not any(m["type"] == "contact" for m in by_id[a].all + by_id[b].all), "one-sided stay in touch reveals nothing")
    return met_pairs, exchanged


async def main_async(binary, workdir):
    test_event.write(os.path.join(workdir, "event.json"), starts_in=3600, regions=REGIONS)
    port = mingle_proc.free_port()
    args = ["--host", "127.0.0.1", "--port", str(port), "--event", os.path.join(workdir, "event.json"),
            "--state-dir", os.path.join(workdir, "var")]
    server = mingle_proc.Server(binary, args, os.path.join(workdir, "server-1.log"))
    server.wait_listening()
    token = open(os.path.join(workdir, "var", "admin-token")).read().strip()
    base = "https://127.0.0.1:%d" % port
    url = "wss://127.0.0.1:%d/ws" % port
    admin = Admin(base, token)
    people = [Attendee(i, REGIONS[i % len(REGIONS)]) for i in range(N)]
    try:
        for p in people:
            await p.open(url, base)
            await p.send(type="join", name=p.name, attributes={"region": p.region, "attendance": "remote"},
                         organisation="Org %d" % p.index, contact={"email": "a%02d@example.org" % p.index})
            w = await p.expect("welcome")
            p.id, p.token = w["attendee"]["id"], w["resumeToken"]
        by_id = {p.id: p for p in people}
        check(len(by_id) == N, "%d attendees joined with distinct ids" % N)
        met, exchanged = await run_rounds(people, admin, by_id)
        status = admin.call("/api/status")
        check(status["totals"]["roundsRun"] == 3, "admin status counts 3 rounds")
        check(status["totals"]["contactExchanges"] == 1, "admin status counts 1 contact exchange")
        for p in people:
            await p.close()
    finally:
        rc = server.stop()
    check(rc == 0, "server exits 0 on SIGTERM")

    journal = open(os.path.join(workdir, "var", "journal.jsonl")).read().splitlines()
    kinds = [json.loads(line)["e"] for line in journal]
    check(kinds.count("attendee_registered") == N, "journal has every registration")
    check(kinds.count("round_started") == 3, "journal has the three rounds")
    check(kinds.count("contacts_exchanged") == 1, "journal has the one contact exchange")
    check(not any("hello from" in line for line in journal), "journal holds no chat text")
    check(any(k == "admin_action" for k in kinds), "journal records admin actions with their author")

    # Restart on the same journal: the resume token still works and the contact is still there.
    server = mingle_proc.Server(binary, args, os.path.join(workdir, "server-2.log"))
    server.wait_listening()
    try:
        a_id, b_id = sorted(next(iter(exchanged)))
        p = next(x for x in people if x.id == a_id)
        q = Attendee(p.index, p.region)
        await q.open(url, base)
        await q.send(type="resume", token=p.token)
        w = await q.expect("welcome")
        check(w["attendee"]["id"] == a_id, "after a restart the resume token still names the attendee")
        check([c["attendee"] for c in w["contacts"]] == [b_id], "after a restart the exchanged card is still there")
        await q.close()
        log = server.read_log()
        check("journal_replayed" in log, "the server replayed its journal")
    finally:
        server.stop()


def main():
    return run_main("e2e mingling", main_async, "mingle-e2e-")


if __name__ == "__main__":
    sys.exit(main())
