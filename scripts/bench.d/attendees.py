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


def write_event(path):
    """One session running now with a manual mingling plan of one long round of pairs."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    event = {
        "event": {"id": "bench", "name": "Benchmark event", "timeZone": "Europe/Oslo"},
        "attributes": [
            {"id": "region", "label": "Region", "required": True,
             "values": [{"id": r, "label": r.title()} for r in REGIONS]},
            {"id": "attendance", "label": "Attendance", "required": True,
             "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
        ],
        "sessions": [
            {"id": "s1", "title": "Benchmark session", "start": iso(now - datetime.timedelta(minutes=5)),
             "end": iso(now + datetime.timedelta(hours=2)),
             "mingle": {"rounds": 1, "roundSeconds": 600, "groupSize": 2, "pairBy": "region", "policy": "mix",
                        "prompts": ["What brought you here?"], "warningSeconds": 30, "start": "manual"}},
        ],
        "access": {"mode": "open"},
        "iceServers": [],
        "privacy": {"retentionDays": 30, "ipLogging": "truncated"},
    }
    with open(path, "w") as f:
        json.dump(event, f, indent=2)


def run(paths, tmp, n, quick=False, tls=False, runner=None):
    from bench import run_load  # noqa: late import, bench imports this module lazily
    state = os.path.join(tmp, "attendees-state-%d" % n)
    os.makedirs(state, exist_ok=True)
    event = os.path.join(tmp, "attendees-event.json")
    write_event(event)
    token = secrets.token_hex(16)
    p = dict(paths, event=event, state_dir=state, admin_token=token)
    server = servers.Server("mingle", "wss" if tls else "ws", p, tmp)
    try:
        args = ["attendees", "-n", str(n), "--admin-token", token, "--sources", "8", "--concurrency", "200",
                "--chat-seconds", "4" if quick else "8", "--timeout", "240",
                "--regions", ",".join(REGIONS), "--path", "/ws", "--duration", "1", "--warmup", "0"]
        if tls:
            args.append("--tls")
        result = run_load(p, server, args, extra_timeout=120)
    finally:
        server.stop()
    print("[attendees] %s" % json.dumps(result), file=sys.stderr, flush=True)
    return result
