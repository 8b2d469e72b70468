"""Writes an event file for tests: one session that ends `starts_in` seconds from now, with
automatic mingling right after it, plus a later manual session. With `rooms` (built with `room`,
`session` and `mingle` below) the event has those rooms instead of the top-level sessions."""
import datetime
import json


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def mingle(rounds=2, round_seconds=60, start="manual", group_size=2, pair_by="region", policy="mix",
           warning_seconds=10, late_join_seconds=5, prompts=("What brought you here?",)):
    """A session's mingling plan (Config/README.md, `mingle`)."""
    return {"rounds": rounds, "roundSeconds": round_seconds, "groupSize": group_size, "pairBy": pair_by,
            "policy": policy, "prompts": list(prompts), "warningSeconds": warning_seconds, "start": start,
            "lateJoinWindowSeconds": late_join_seconds}


def session(id, title, starts_in, ends_in, mingle=None):
    """A session from `starts_in` to `ends_in` seconds from now (negative: in the past)."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    s = {"id": id, "title": title, "start": iso(now + datetime.timedelta(seconds=starts_in)),
         "end": iso(now + datetime.timedelta(seconds=ends_in))}
    if mingle is not None:
        s["mingle"] = mingle
    return s


def room(id, title, sessions, location=None):
    """One room of a multi-room event: its link is /r/<id>."""
    r = {"id": id, "title": title, "sessions": list(sessions)}
    if location is not None:
        r["location"] = location
    return r


def write(path, starts_in=3, rounds=3, round_seconds=30, group_size=2, policy="mix", access_code=None,
          regions=("viken", "innlandet", "madrid", "lombardia", "dublin"), rooms=None, name="Test event"):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    end = now + datetime.timedelta(seconds=starts_in)
    event = {
        "event": {"id": "test-event", "name": name, "timeZone": "Europe/Oslo"},
        "attributes": [
            {"id": "region", "label": "Region", "required": True,
             "values": [{"id": r, "label": r.title()} for r in regions]},
            {"id": "attendance", "label": "Attendance", "required": True,
             "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]},
        ],
        "sessions": [
            {"id": "s1", "title": "First session", "start": iso(now - datetime.timedelta(minutes=30)), "end": iso(end),
             "mingle": {"rounds": rounds, "roundSeconds": round_seconds, "groupSize": group_size, "pairBy": "region",
                        "policy": policy, "prompts": ["What brought you here?", "What will you try next?"],
                        "warningSeconds": 10, "start": "automatic", "lateJoinWindowSeconds": 5}},
            {"id": "s2", "title": "Second session", "start": iso(now + datetime.timedelta(hours=2)),
             "end": iso(now + datetime.timedelta(hours=3)),
             "mingle": {"rounds": 1, "roundSeconds": 60, "groupSize": 2, "pairBy": "region", "policy": "mix",
                        "start": "manual"}},
        ],
        "access": {"mode": "code", "code": access_code} if access_code else {"mode": "open"},
        "iceServers": [],
        "privacy": {"retentionDays": 30, "ipLogging": "truncated"},
    }
    if rooms is not None:
        del event["sessions"]
        event["rooms"] = list(rooms)
    with open(path, "w") as f:
        json.dump(event, f, indent=2)
    return event

