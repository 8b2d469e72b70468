#!/usr/bin/env python3
"""The journal fails closed: the state directory on a small tmpfs (mounted here, as root) fills up while a
round runs. Changes are refused with `unavailable` and the engine stays as the journal says; chat goes on;
/readyz says 503 and /metrics and the status say why. Once there is room again the server recovers by
itself, the refused changes can be made, and a restart replays to exactly what was acknowledged.

  sudo python scripts/diskfull.py          # SKIPs with a message where it cannot mount a tmpfs
"""
import asyncio
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import mingle_proc  # noqa: E402
from e2e_clients import CTX, Attendee, check  # noqa: E402

N = 20


def write_event(path):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    event = {
        "event": {"id": "disk", "name": "Disk full", "timeZone": "UTC"},
        "attributes": [{"id": "region", "label": "Region", "required": True,
                        "values": [{"id": r, "label": r} for r in ("viken", "madrid")]}],
        "sessions": [{"id": "s1", "title": "Talk", "start": (now - datetime.timedelta(minutes=30)).strftime(fmt),
                      "end": (now + datetime.timedelta(hours=2)).strftime(fmt),
                      "mingle": {"rounds": 3, "roundSeconds": 1200, "groupSize": 2, "start": "manual"}}],
    }
    with open(path, "w") as f:
        json.dump(event, f)


def http(base, path, token, body=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + token}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def fill(directory):
    """Writes until the file system is full; returns the filler's path."""
    path = os.path.join(directory, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return path


async def scenario(binary, work, state):
    write_event(os.path.join(work, "event.json"))
    port = mingle_proc.free_port()
    args = ["--host", "127.0.0.1", "--port", str(port), "--event", os.path.join(work, "event.json"), "--state-dir", state,
            "--seed", "3"]
    env = {"MINGLE_ADMIN_TOKEN": "diskfull-admin-token-0123456789"}
    token = env["MINGLE_ADMIN_TOKEN"]
    server = mingle_proc.Server(binary, args, os.path.join(work, "server-1.log"), env=env)
    server.wait_listening()
    base, url = "https://127.0.0.1:%d" % port, "wss://127.0.0.1:%d/ws" % port
    people = []
    try:
        for i in range(N):
            p = Attendee(i, ("viken", "madrid")[i % 2])
            await p.open(url, base)
            await p.send(type="join", name=p.name, attributes={"region": p.region}, contact={"email": "d%02d@example.org" % i})
            w = await p.expect("welcome")
            p.id, p.token = w["attendee"]["id"], w["resumeToken"]
            people.append(p)
        check(http(base, "/api/mingling/start", token, {})[0] == 200, "a round starts")
        partner = {}
        for p in people:
            b = await p.expect("breakout")
            partner[p.id] = next(m["id"] for m in b["members"] if m["id"] != p.id)
        by_id = {p.id: p for p in people}
        a = people[0]
        b = by_id[partner[a.id]]

        filler = fill(state)
        # The journal's last page may still have room (the file system allocates whole pages): changes go
        # through, acknowledged, until a write finds the disk full. That one is refused and does not happen.
        acknowledged = 0
        while True:
            await a.send(type="stay_in_touch", **{"with": b.id})
            m = await a.expect_one_of("stay_in_touch_pending", "error")
            if m["type"] == "error":
                pending_at_failure = False
                break
            await a.send(type="withdraw_stay_in_touch", **{"with": b.id})
            m = await a.expect_one_of("stay_in_touch_withdrawn", "error")
            if m["type"] == "error":
                pending_at_failure = True   # the request was acknowledged; its withdrawal was refused
                break
            acknowledged += 1
            check(acknowledged < 200, "the disk fills up", quiet=True)
        check(m["code"] == "unavailable", "a change on a full disk: error unavailable (after %d acknowledged)" % acknowledged)
        status, text = http(base, "/readyz", token)
        check(status == 503 and "journal" in text, "/readyz answers 503 and says why (%s)" % text.strip())
        status, text = http(base, "/metrics", token)
        check(status == 200 and "mingle_journal_writable 0" in text, "/metrics: mingle_journal_writable 0")
        st = json.loads(http(base, "/api/status", token)[1])
        check(st["journal"]["ok"] is False and "No space left" in (st["journal"]["error"] or ""), "the status says: %s" % st["journal"]["error"])
        status, text = http(base, "/api/round/end", token, {})
        check(status == 503 and "unavailable" in text, "an admin command: 503 unavailable")
        late = Attendee(99, "viken")
        await late.open(url, base)
        await late.send(type="join", name="Late", attributes={"region": "viken"})
        check((await late.expect("error"))["code"] == "unavailable", "joining: error unavailable")
        await a.send(type="chat", text="still talking")
        check((await b.expect("chat"))["text"] == "still talking", "chat goes on (relayed, never journaled)")
        await a.send(type="leave_breakout")
        check((await a.expect("error"))["code"] == "unavailable", "leaving the breakout: refused too")

        os.remove(filler)
        began = time.monotonic()
        while http(base, "/readyz", token)[0] != 200:
            if time.monotonic() - began > 10:
                raise AssertionError("the server did not recover within 10 s of the disk having room")
            await asyncio.sleep(0.1)
        check(True, "recovered by itself %.1f s after the disk had room again" % (time.monotonic() - began))
        if not pending_at_failure:
            await a.send(type="stay_in_touch", **{"with": b.id})
            check((await a.expect("stay_in_touch_pending"))["with"] == b.id, "the change works now")
        else:
            await a.send(type="withdraw_stay_in_touch", **{"with": b.id})
            await a.expect("stay_in_touch_withdrawn")
            await a.send(type="stay_in_touch", **{"with": b.id})
            check((await a.expect("stay_in_touch_pending"))["with"] == b.id, "the change works now")
        await late.send(type="join", name="Late", attributes={"region": "viken"})
        late_id = (await late.expect("welcome"))["attendee"]["id"]
        check(http(base, "/api/status", token)[1].count('"inBreakout":%d' % N) >= 1, "everyone is still in a breakout (nothing rolled away)")
        for p in people + [late]:
            await p.close()
    finally:
        rc = server.stop()
    check(rc == 0, "SIGTERM: exit 0")
    journal = open(os.path.join(state, "journal.jsonl")).read()
    check('"e":"journal_resumed"' in journal, "the journal records the outage")

    # A restart replays exactly what was acknowledged.
    server = mingle_proc.Server(binary, args, os.path.join(work, "server-2.log"), env=env)
    server.wait_listening()
    try:
        q = Attendee(0, "viken")
        await q.open(url, base)
        await q.send(type="resume", token=a.token)
        w = await q.expect("welcome")
        check(w["stayInTouch"] == [b.id], "after a restart: the acknowledged request is there, once")
        check(w["breakout"] and partner[a.id] in [m["id"] for m in w["breakout"]["members"]], "after a restart: still in the same breakout")
        st = json.loads(http(base, "/api/status", token)[1])
        check(st["attendees"]["registered"] == N + 1 and late_id == N + 1, "after a restart: %d registrations, none lost, none doubled" % (N + 1))
        check(st["totals"]["roundsRun"] == 1, "after a restart: the refused round end did not happen")
        await q.close()
    finally:
        server.stop()


def main():
    work = tempfile.mkdtemp(prefix="mingle-diskfull-")
    state = os.path.join(work, "state")
    os.makedirs(state)
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", state],
                                                   capture_output=True).returncode == 0
    if not mounted:
        print("SKIP disk full: cannot mount a tmpfs for the state directory (needs root and mount)")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    binary = mingle_proc.build()
    try:
        asyncio.run(scenario(binary, work, state))
    except Exception as e:
        print("disk full FAILED: %r (logs in %s)" % (e, work))
        subprocess.run(["umount", state])
        return 1
    subprocess.run(["umount", state])
    shutil.rmtree(work, ignore_errors=True)
    print("disk full: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
