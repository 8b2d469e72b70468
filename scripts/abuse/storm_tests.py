"""S3, the reconnect storm: 2,000 attendees joined over wss, the server restarted (SIGTERM, exit 0,
a new process on the same port and state directory), then every attendee reconnects at once and
resumes with its token, the way browsers come back after a failover. One asyncio task per
attendee on the `websockets` library (imported here only, so the rest of the suite runs without it).

Passes when every attendee is resumed as the same attendee within STORM_BUDGET seconds of the new
process's start, neither process crashed, neither log has an ERROR line and the listening sockets
have a backlog of at least MIN_BACKLOG. Retries (short exponential backoff, as the browser client
does) are allowed and reported."""
import asyncio
import json
import os
import random
import resource
import signal
import ssl
import subprocess
import time

import wsraw

ATTENDEES = 2000
STORM_BUDGET = 15.0             # seconds from the new process's start to the last resumed attendee
MIN_BACKLOG = 1024              # listen(2) backlog the storm needs (reliability.md S3)
JOIN_CONCURRENCY = 100          # joins in flight before the restart (spread, not a storm)
JOIN_PHASE_TIMEOUT = 40.0
EXIT_TIMEOUT = 20.0             # SIGTERM until the old process is gone
ATTEMPT_TIMEOUT = 10.0          # one connect + TLS + upgrade + resume
GIVE_UP_AFTER = 20.0            # a client stops retrying this long after the burst (measured, not hung)
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 2.0
CLOSE_TIMEOUT = 15.0

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Refused(Exception):
    """The server answered the join or resume with an error message (e.g. resume_invalid)."""


class Client:
    def __init__(self, index):
        self.index = index
        self.id = self.token = self.ws = None
        self.close_code = None          # how the server closed the pre-restart connection
        self.drained = None             # the task reading the current connection
        self.attempts = 0
        self.errors = []                # reasons of failed reconnect attempts
        self.resumed_id = None
        self.resumed_at = None
        self.latency = None
        self.failure = None


def reconnect_storm(env, n=ATTENDEES):
    try:
        import websockets  # noqa: F401
    except ImportError:
        return False, "needs the `websockets` package: run with the venv (source scripts/lib/venv.sh; $PY scripts/abuse.py)"
    _raise_nofile(2 * n + 512)
    server = env.start("storm", {}, plain=False)
    server.stopped_on_purpose = True
    return asyncio.run(_storm(env, server, n))


async def _storm(env, server, n):
    from websockets.asyncio.client import connect
    url, origin = "wss://127.0.0.1:%d/ws" % server.port, "https://127.0.0.1:%d" % server.port
    clients = [Client(i) for i in range(n)]

    async def session(msg):
        """Connects, sends `msg` (join or resume), waits for the welcome; returns (ws, welcome)."""
        ws = await connect(url, ssl=CTX, origin=origin, open_timeout=None, ping_interval=None,
                           close_timeout=2, max_queue=None, compression=None)
        try:
            await ws.send(json.dumps(msg))
            while True:
                m = json.loads(await ws.recv())
                if m["type"] == "welcome":
                    return ws, m
                if m["type"] == "error":
                    raise Refused(m.get("code"))
        except BaseException:
            ws.transport.abort()
            raise

    async def drain(c, ws):
        """Reads (and drops) whatever the server sends until the connection ends."""
        try:
            async for _ in ws:
                pass
        except Exception:  # noqa: BLE001
            pass
        c.close_code = ws.close_code

    # 1. Join everyone, a bounded number at a time.
    sem = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def join(c):
        msg = {"type": "join", "name": "Storm %04d" % c.index,
               "attributes": {"region": REGIONS[c.index % len(REGIONS)], "attendance": "remote"}}
        async with sem:
            c.ws, m = await asyncio.wait_for(session(msg), 20)
        c.id, c.token = m["attendee"]["id"], m["resumeToken"]
        c.drained = asyncio.create_task(drain(c, c.ws))
    t = time.time()
    try:
        joined = await asyncio.wait_for(asyncio.gather(*(join(c) for c in clients), return_exceptions=True),
                                        JOIN_PHASE_TIMEOUT)
    except asyncio.TimeoutError:
        return False, "joining %d attendees took over %.0f s" % (n, JOIN_PHASE_TIMEOUT)
    join_time = time.time() - t
    bad = [r for r in joined if isinstance(r, BaseException)]
    if bad or len({c.id for c in clients}) != n:
        return False, "%d of %d joins failed (first: %r)" % (len(bad), n, bad[0] if bad else "duplicate ids")

    # 2. Restart: SIGTERM, exit 0 while the clients answer the closes, a new process on the port.
    server.proc.send_signal(signal.SIGTERM)
    try:
        rc = await asyncio.to_thread(server.proc.wait, EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, "the server did not exit within %.0f s of SIGTERM with %d attendees" % (EXIT_TIMEOUT, n)
    stop_time = time.time() - t - join_time
    await asyncio.wait([c.drained for c in clients], timeout=10)
    codes = {}
    for c in clients:
        codes[c.close_code] = codes.get(c.close_code, 0) + 1
    overflows0 = _listen_overflows()
    try:
        new = await asyncio.to_thread(env.restart, server, "storm-restarted")
    except RuntimeError as e:
        return False, "exit %s, then the restart on port %d failed: %s" % (rc, server.port, str(e)[-300:])
    listening_after = time.time() - new.spawned_at
    backlogs = _backlogs(new.port)

    # 3. The storm: every client at once, each retrying with backoff until resumed or out of time.
    rng = random.Random(3)
    server_cpu0, client_cpu0 = wsraw.cpu_seconds(new.pid), time.process_time()
    burst = time.time()

    async def come_back(c):
        delay = BACKOFF_FIRST
        start = time.time()
        while True:
            c.attempts += 1
            try:
                c.ws, m = await asyncio.wait_for(session({"type": "resume", "token": c.token}), ATTEMPT_TIMEOUT)
            except Refused as e:
                c.failure = "refused %s" % e
                return
            except Exception as e:  # noqa: BLE001  (connect errors, resets, timeouts: retry)
                c.errors.append(type(e).__name__)
                if time.time() + delay - burst > GIVE_UP_AFTER:
                    c.failure = "gave up after %d attempts (%s)" % (c.attempts, type(e).__name__)
                    return
                await asyncio.sleep(delay * (0.5 + rng.random() / 2))
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            c.resumed_at = time.time()
            c.latency = c.resumed_at - start
            c.resumed_id = m["attendee"]["id"]
            c.drained = asyncio.create_task(drain(c, c.ws))
            return
    try:
        await asyncio.wait_for(asyncio.gather(*(come_back(c) for c in clients)), GIVE_UP_AFTER + ATTEMPT_TIMEOUT + 5)
    except asyncio.TimeoutError:
        pass
    alive = new.proc.poll() is None
    server_cpu = wsraw.cpu_seconds(new.pid) - server_cpu0 if alive else float("nan")
    client_cpu = time.process_time() - client_cpu0
    overflows = _listen_overflows() - overflows0 if overflows0 is not None else None

    # 4. Hang up politely; the restarted server keeps running for the suite's final check.
    open_ws = [c.ws for c in clients if c.ws is not None and c.resumed_at is not None]
    try:
        await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in open_ws), return_exceptions=True), CLOSE_TIMEOUT)
    except asyncio.TimeoutError:
        for ws in open_ws:
            ws.transport.abort()

    resumed = [c for c in clients if c.resumed_at is not None]
    same = sum(1 for c in resumed if c.resumed_id == c.id)
    refused = sum(1 for c in clients if c.failure and c.failure.startswith("refused"))
    gave_up = sum(1 for c in clients if c.failure and not c.failure.startswith("refused"))
    retries = sum(c.attempts - 1 for c in clients)
    kinds = {}
    for c in clients:
        for k in c.errors:
            kinds[k] = kinds.get(k, 0) + 1
    last = max(c.resumed_at for c in resumed) - new.spawned_at if resumed else float("inf")
    lat = sorted(c.latency for c in resumed) or [float("nan")]
    errors = _error_lines(server) + _error_lines(new)
    ok = (same == n and last <= STORM_BUDGET and rc == 0 and alive and not errors
          and bool(backlogs) and min(backlogs) >= MIN_BACKLOG)
    detail = ("%s/%s resumed as the same attendee %.1f s after the restart (listening after %.2f s; reconnect "
              "p50 %.2f s, p99 %.2f s, max %.2f s; CPU meanwhile: server %.1f s, test client %.1f s), %d retries%s, "
              "%d refused, %d gave up; before: %s joined in %.1f s, SIGTERM closes %s, exit %s after %.1f s; "
              "backlog %s, kernel listen overflows %s; server %s, ERROR lines %d") % (
        format(same, ","), format(n, ","), last, listening_after, _pct(lat, 50), _pct(lat, 99), lat[-1],
        server_cpu, client_cpu, retries, " %s" % kinds if kinds else "", refused, gave_up, format(n, ","),
        join_time, codes, rc, stop_time,
        "/".join(str(b) for b in backlogs) or "not found", "+%d" % overflows if overflows is not None else "n/a",
        "alive" if alive else "exited %s" % new.proc.returncode, len(errors))
    examples = [c.failure for c in clients if c.failure][:2] + [line[:160] for line in errors[:2]]
    if examples:
        detail += "; e.g. " + " | ".join(examples)
    return ok, detail


def _pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


def _raise_nofile(needed):
    """Each client holds a descriptor; the servers started from here inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard == resource.RLIM_INFINITY else max(soft, min(hard, 4 * needed)), hard))


def _backlogs(port):
    """The backlog of each socket listening on 127.0.0.1:port (Send-Q of a LISTEN row in `ss -ltn`)."""
    out = subprocess.run(["ss", "-ltn", "sport = :%d" % port], capture_output=True, text=True, timeout=10).stdout
    rows = [line.split() for line in out.splitlines() if line.startswith("LISTEN")]
    return sorted(int(r[2]) for r in rows if r[3].endswith(":%d" % port))


def _listen_overflows():
    """TcpExt ListenOverflows (accept queue full, SYN or ACK dropped) for the whole network namespace."""
    try:
        with open("/proc/net/netstat") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:]))
            return int(table.get("ListenOverflows", 0))
    return None


def _error_lines(server):
    return [line for line in server.read_log().splitlines() if " ERROR " in line or '"level":"error"' in line]
