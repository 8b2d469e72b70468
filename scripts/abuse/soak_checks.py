"""The soak's event file and its verdict: the RSS and descriptor curve, lost acknowledged
chats, resumes, unexpected closes and ERROR lines in the server log."""
import datetime
import json

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]


def write_event(path, sessions):
    """Sessions that all ended an hour ago, each with 20 manual rounds the soak ends itself."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    def iso(t):
        return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    plan = []
    for k in range(sessions):
        start = now - datetime.timedelta(hours=10) + datetime.timedelta(minutes=30 * k)
        plan.append({"id": "s%d" % (k + 1), "title": "Session %d" % (k + 1), "start": iso(start),
                     "end": iso(start + datetime.timedelta(minutes=20)),
                     "mingle": {"rounds": 20, "roundSeconds": 1800, "groupSize": 3, "pairBy": "region",
                                "policy": "mix", "start": "manual", "warningSeconds": 10}})
    event = {
        "event": {"id": "soak", "name": "Soak event", "timeZone": "Europe/Oslo"},
        "attributes": [{"id": "region", "label": "Region", "required": True,
                        "values": [{"id": r, "label": r.title()} for r in REGIONS]},
                       {"id": "attendance", "label": "Attendance", "required": True,
                        "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]}],
        "sessions": plan, "access": {"mode": "open"}, "iceServers": [],
        "privacy": {"retentionDays": 30, "ipLogging": "truncated"},
    }
    with open(path, "w") as f:
        json.dump(event, f)



def judge(soak, base_fds, end_fds, warmup, server_log):
    st = soak.stats
    after = [s for s in soak.samples if s[0] >= warmup]
    if len(after) < 4:
        after = soak.samples[len(soak.samples) // 2:]
    first = sum(s[1] for s in after[:3]) / len(after[:3])
    last = sum(s[1] for s in after[-3:]) / len(after[-3:])
    growth = last - first
    allowed = max(first * 0.05, 2048)
    fd_first = after[0][2] - after[0][3]
    fd_last = after[-1][2] - after[-1][3]
    start, peak, end = soak.samples[0], max(soak.samples, key=lambda s: s[1]), soak.samples[-1]
    errors = [line for line in server_log.splitlines() if " ERROR " in line or '"level":"error"' in line]
    print("RSS  start %.1f MiB (t=%.0f s), peak %.1f MiB (t=%.0f s), end %.1f MiB (t=%.0f s); after warm-up %.1f -> %.1f MiB (%+.1f MiB, allowed %.1f)" % (
        start[1] / 1024, start[0], peak[1] / 1024, peak[0], end[1] / 1024, end[0], first / 1024, last / 1024,
        growth / 1024, allowed / 1024))
    print("fds  start %d, peak %d, end %d with clients; fds minus connected clients after warm-up %d -> %d; after all closed %d (baseline %d)" % (
        start[2], max(s[2] for s in soak.samples), end[2], fd_first, fd_last, end_fds, base_fds))
    print("chat sent %d, acked %d, deliveries checked %d, lost %d %s" % (
        st.sent, st.acked, st.checked, st.lost, st.lost_examples))
    print("reconnects %d (resumed %d, refused %d), unexpected closes %d, error replies %s, server ERROR lines %d" % (
        st.reconnects, st.resumes, st.resume_failed, st.unexpected_closes, st.errors, len(errors)))
    for line in errors[:5]:
        print("  " + line)
    failures = []
    if growth > allowed:
        failures.append("RSS grew %.1f MiB after warm-up" % (growth / 1024))
    if fd_last - fd_first > 20 or end_fds > base_fds:
        failures.append("descriptors leaked")
    if st.lost or st.checked == 0:
        failures.append("lost acknowledged chats: %d of %d" % (st.lost, st.checked))
    if st.resume_failed or st.unexpected_closes:
        failures.append("refused resumes or unexpected closes")
    if errors:
        failures.append("server logged errors")
    bad = {k: v for k, v in st.errors.items() if k not in ("not_in_breakout",)}
    if bad:
        failures.append("unexpected error replies %s" % bad)
    return failures
