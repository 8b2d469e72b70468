"""S4, restart without refusing anyone: what `systemctl restart mingle` does with scripts/mingle.socket.
This process plays systemd: it binds and listens on 127.0.0.1:ephemeral itself and keeps the socket open;
`mingle serve` is started socket-activated on it (fd 3, LISTEN_FDS=1, LISTEN_PID = the server's own pid,
through mingle_proc's exec wrapper). 2,000 attendees join over wss; then the server gets SIGTERM and, once
it has exited (the state directory's lock allows one server at a time, as systemd's stop-then-start does),
a new one is started on the same inherited socket. Meanwhile every attendee, told 1001 by the old server,
comes back at once with its token, and newcomers keep joining: their connections wait in the held socket's
backlog while no process serves.

Passes when no connection is refused (ECONNREFUSED) at any moment, every attendee is resumed as the same
attendee, every newcomer joins, the old server exits 0, the new one runs, and neither log has an ERROR
line. Prints the resume time (from the old server's close to the new server's welcome) p50/p99/max."""
import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import time

import storm_tests

ATTENDEES = 2000
BACKLOG = 4096                  # what scripts/mingle.socket asks for (Backlog=4096)
JOIN_CONCURRENCY = 100
JOIN_PHASE_TIMEOUT = 60.0
EXIT_TIMEOUT = 20.0             # SIGTERM until the old process is gone (systemd's TimeoutStopSec is 20 s)
ATTEMPT_TIMEOUT = 30.0          # one connect + TLS + upgrade + resume: includes the wait in the backlog
RESUME_BUDGET = 60.0            # from SIGTERM until the last attendee is back
NEWCOMER_INTERVAL = 0.02        # one new attendee every 20 ms from the SIGTERM until everyone is back
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 2.0
CLOSE_TIMEOUT = 15.0

CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Person:
    def __init__(self, index):
        self.index = index
        self.id = self.token = self.ws = None
        self.close_code = None
        self.closed_at = None        # when the old server's close reached it
        self.resumed_at = None
        self.resumed_id = None
        self.refused = 0             # ECONNREFUSED while trying to come back
        self.errors = []             # other failed attempts (resets of connections the old server still took...)
        self.failure = None


def restart_with_activation(env, n=ATTENDEES):
    try:
        import websockets  # noqa: F401
    except ImportError:
        return False, "needs the `websockets` package: run with the venv (source scripts/lib/venv.sh; $PY scripts/abuse.py)"
    storm_tests._raise_nofile(2 * n + 1024)
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    held.bind(("127.0.0.1", 0))
    held.listen(BACKLOG)
    server = env.start("activation", {}, plain=False, listen_socket=held)
    server.stopped_on_purpose = True
    try:
        return asyncio.run(_run(env, server, held, n))
    finally:
        # The new server (if any) keeps its own copy of the socket; the suite's final check stops it.
        held.close()


async def _run(env, server, held, n):
    from websockets.asyncio.client import connect
    port = held.getsockname()[1]
    if server.port != port:
        return False, "the server listens on %s, not on the socket it was handed (%d)" % (server.port, port)
    url, origin = "wss://127.0.0.1:%d/ws" % port, "https://127.0.0.1:%d" % port

    class Refused(Exception):
        pass

    async def session(msg):
        ws = await connect(url, ssl=CTX, origin=origin, open_timeout=None, ping_interval=None, close_timeout=2,
                           max_queue=None, compression=None)
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

    async def drain(ws):
        try:
            async for _ in ws:
                pass
        except Exception:  # noqa: BLE001
            pass

    def join_msg(name, i):
        return {"type": "join", "name": name, "attributes": {"region": storm_tests.REGIONS[i % len(storm_tests.REGIONS)],
                                                            "attendance": "remote"}}

    async def until_welcome(p, msg):
        """Tries until welcomed: each ECONNREFUSED is counted (it must never happen), other failures retried."""
        delay = BACKOFF_FIRST
        while True:
            try:
                return await asyncio.wait_for(session(msg), ATTEMPT_TIMEOUT)
            except Refused:
                raise
            except ConnectionRefusedError:
                p.refused += 1
            except Exception as e:  # noqa: BLE001
                p.errors.append(type(e).__name__)
            if time.monotonic() - sigterm_at > RESUME_BUDGET:
                raise TimeoutError("gave up after %d refused, %s" % (p.refused, p.errors[-3:]))
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    # 1. Everyone joins (a spread, not a storm).
    people = [Person(i) for i in range(n)]
    sem = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def join(p):
        async with sem:
            p.ws, m = await asyncio.wait_for(session(join_msg("Activation %04d" % p.index, p.index)), 30)
        p.id, p.token = m["attendee"]["id"], m["resumeToken"]
    t = time.monotonic()
    try:
        joined = await asyncio.wait_for(asyncio.gather(*(join(p) for p in people), return_exceptions=True), JOIN_PHASE_TIMEOUT)
    except asyncio.TimeoutError:
        return False, "joining %d attendees took over %.0f s" % (n, JOIN_PHASE_TIMEOUT)
    bad = [r for r in joined if isinstance(r, BaseException)]
    if bad:
        return False, "%d of %d joins failed (first: %r)" % (len(bad), n, bad[0])
    join_time = time.monotonic() - t

    # 2. Each attendee comes back as soon as its connection ends, as the browser client does.
    sigterm_at = float("inf")

    async def live(p):
        await drain(p.ws)
        p.close_code = p.ws.close_code
        p.closed_at = time.monotonic()
        try:
            p.ws, m = await until_welcome(p, {"type": "resume", "token": p.token})
        except Exception as e:  # noqa: BLE001
            p.failure = repr(e)
            return
        p.resumed_at = time.monotonic()
        p.resumed_id = m["attendee"]["id"]
    tasks = [asyncio.create_task(live(p)) for p in people]

    newcomers = []

    async def newcomer(i):
        p = Person(n + i)
        newcomers.append(p)
        try:
            p.ws, m = await until_welcome(p, join_msg("Newcomer %04d" % i, i))
            p.resumed_at, p.id = time.monotonic(), m["attendee"]["id"]
        except Exception as e:  # noqa: BLE001
            p.failure = repr(e)

    async def keep_arriving(stop):
        spawned = []
        i = 0
        while not stop.is_set():
            spawned.append(asyncio.create_task(newcomer(i)))
            i += 1
            try:
                await asyncio.wait_for(stop.wait(), NEWCOMER_INTERVAL)
            except asyncio.TimeoutError:
                pass
        await asyncio.gather(*spawned)

    # 3. The restart, as systemd does it: stop (SIGTERM, wait for the exit), then start on the held socket.
    stop_arrivals = asyncio.Event()
    sigterm_at = time.monotonic()
    arrivals = asyncio.create_task(keep_arriving(stop_arrivals))
    server.proc.send_signal(signal.SIGTERM)
    try:
        rc = await asyncio.to_thread(server.proc.wait, EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, "the server did not exit within %.0f s of SIGTERM with %d attendees" % (EXIT_TIMEOUT, n)
    exited_at = time.monotonic()
    try:
        new = await asyncio.to_thread(env.restart, server, "activation-restarted")
    except RuntimeError as e:
        return False, "exit %s, then the restart on the inherited socket failed: %s" % (rc, str(e)[-300:])
    serving_at = time.monotonic()
    cpu0, client_cpu0 = storm_tests.wsraw.cpu_seconds(new.pid), time.process_time()

    # 4. Everyone back.
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), RESUME_BUDGET + ATTEMPT_TIMEOUT)
    except asyncio.TimeoutError:
        pass
    all_back_at = time.monotonic()
    stop_arrivals.set()
    try:
        await asyncio.wait_for(arrivals, ATTEMPT_TIMEOUT + 5)
    except asyncio.TimeoutError:
        pass
    alive = new.proc.poll() is None
    server_cpu = storm_tests.wsraw.cpu_seconds(new.pid) - cpu0 if alive else float("nan")
    client_cpu = time.process_time() - client_cpu0
    # No process served between the old server's last line and the new one's `listening` (server clocks;
    # the client's own view is slowed by its 2,000 TLS handshakes on the same two cores).
    gap = _log_time(new.read_log(), " INFO listening ") - _log_time(server.read_log(), " INFO stopped")

    # 5. Hang up politely; the new server keeps running for the suite's final check.
    open_ws = [p.ws for p in people + newcomers if p.ws is not None and p.resumed_at is not None]
    try:
        await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in open_ws), return_exceptions=True), CLOSE_TIMEOUT)
    except asyncio.TimeoutError:
        for ws in open_ws:
            ws.transport.abort()

    everyone = people + newcomers
    refused = sum(p.refused for p in everyone)
    same = sum(1 for p in people if p.resumed_at is not None and p.resumed_id == p.id)
    welcomed = sum(1 for p in newcomers if p.resumed_at is not None)
    lat = sorted(p.resumed_at - p.closed_at for p in people if p.resumed_at is not None) or [float("nan")]
    codes = {}
    for p in people:
        codes[p.close_code] = codes.get(p.close_code, 0) + 1
    kinds = {}
    for p in everyone:
        for k in p.errors:
            kinds[k] = kinds.get(k, 0) + 1
    errors = storm_tests._error_lines(server) + storm_tests._error_lines(new)
    ok = refused == 0 and same == n and welcomed == len(newcomers) and rc == 0 and alive and not errors
    detail = ("%d connections refused; %s/%s resumed as the same attendee, resume p50 %.2f s, p99 %.2f s, max %.2f s "
              "(from the old server's close to the new one's welcome); %d/%d newcomers joined during the restart; "
              "SIGTERM to exit %.2f s (exit %s, closes %s), no server for %.2f s (old server's stopped line to the new "
              "one's listening line; %.2f s as the test saw it), SIGTERM to everyone back %.1f s; other failed attempts %s; "
              "CPU meanwhile: new server %.1f s, test client %.1f s; before: %s joined in %.1f s; ERROR lines %d") % (
        refused, format(same, ","), format(n, ","), storm_tests._pct(lat, 50), storm_tests._pct(lat, 99), lat[-1],
        welcomed, len(newcomers), exited_at - sigterm_at, rc, codes, gap, serving_at - exited_at, all_back_at - sigterm_at,
        kinds or "none", server_cpu, client_cpu, format(n, ","), join_time, len(errors))
    examples = [p.failure for p in everyone if p.failure][:2] + [line[:160] for line in errors[:2]]
    if examples:
        detail += "; e.g. " + " | ".join(examples)
    return ok, detail


def _log_time(text, marker):
    """The time of the first server log line containing `marker` (text log format), in seconds."""
    import datetime
    for line in text.splitlines():
        if marker in line:
            stamp = line.split(" ", 1)[0].rstrip("Z")
            return datetime.datetime.fromisoformat(stamp).replace(tzinfo=datetime.timezone.utc).timestamp()
    return float("nan")
