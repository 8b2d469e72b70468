"""The attendees scenario: Mingle on a generated event, N simulated attendees, admin-driven round."""
import datetime
import json
import os
import secrets
import sys

import servers

REGIONS = ("viken", "innlandet", "madrid", "lombardia", "dublin", "noord-brabant", "ile-de-france", "other")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def write_event(path, rooms=1):
    """One session running now (in each of `rooms` rooms, room-0...) with a manual mingling plan of one long
    round of pairs."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    def session(sid):
        return {"id": sid, "title": "Benchmark session", "start": iso(now - datetime.timedelta(minutes=5)),
                "end": iso(now + datetime.timedelta(hours=2)),
                "mingle": {"rounds": 1, "roundSeconds": 600, "groupSize": 2, "pairBy": "region", "policy": "mix",
                           "prompts": ["What brought you here?"], "warningSeconds": 30, "start": "manual"}}
    event = {
        "event": {"id": "bench", "name": "Benchmark event", "timeZone": "Europe/Oslo"},
        "attributes": [
            {"id": "region", "label": "Region", "required": True,
             "values": [{"id": r, "label": r.title()} for r in REGIONS]},
            {"id": "attendance", "label": "Attendance", "required": True,
             "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
        ],
        "access": {"mode": "open"},
        "iceServers": [],
        "privacy": {"retentionDays": 30, "ipLogging": "truncated"},
    }
    if rooms > 1:
        event["rooms"] = [{"id": "room-%d" % r, "title": "Room %d" % r, "sessions": [session("s%d" % r)]} for r in range(rooms)]
    else:
        event["sessions"] = [session("s1")]
    with open(path, "w") as f:
        json.dump(event, f, indent=2)


def proc_figures(pid):
    """VmRSS and VmHWM (KiB) and user + system CPU seconds of a process, from /proc."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def run(paths, tmp, n, quick=False, tls=False, runner=None, rooms=1, blip=False, concurrency=200):
    from bench import run_load  # noqa: late import, bench imports this module lazily
    state = os.path.join(tmp, "attendees-state-%d-%d" % (n, rooms))
    os.makedirs(state, exist_ok=True)
    event = os.path.join(tmp, "attendees-event-%d.json" % rooms)
    write_event(event, rooms)
    token = secrets.token_hex(16)
    p = dict(paths, event=event, state_dir=state, admin_token=token)
    server = servers.Server("mingle", "wss" if tls else "ws", p, tmp)
    before = proc_figures(server.pid)
    try:
        args = ["attendees", "-n", str(n), "--admin-token", token, "--sources", "8", "--concurrency", str(concurrency),
                "--chat-seconds", "4" if quick else "8", "--timeout", "240",
                "--regions", ",".join(REGIONS), "--path", "/ws", "--duration", "1", "--warmup", "0", "--rooms", str(rooms)]
        if tls:
            args.append("--tls")
        if blip:
            args.append("--blip")
        result = run_load(p, server, args, extra_timeout=120)
        after = proc_figures(server.pid)
        # Sizing figures (docs/sizing.md): the server's peak memory above its idle start per attendee, and
        # its CPU for the whole scenario (TLS handshakes if any, joins, the round, chat, resumes) per attendee.
        joined = max(1, result.get("joined") or n)
        result["loops"] = servers.MINGLE_LOOPS
        result["server_rss_start_kib"] = before["VmRSS"]
        result["server_rss_peak_kib"] = after["VmHWM"]
        result["server_kib_per_attendee"] = round((after["VmHWM"] - before["VmRSS"]) / joined, 2)
        result["server_cpu_s"] = round(after["cpu_s"] - before["cpu_s"], 3)
        result["server_cpu_ms_per_attendee"] = round(1000 * (after["cpu_s"] - before["cpu_s"]) / joined, 3)
    finally:
        server.stop()
    print("[attendees] %s" % json.dumps(result), file=sys.stderr, flush=True)
    return result
