#!/usr/bin/env python3
"""Many events behind HAProxy: scripts/deploy/haproxy.cfg in front of 3 Mingle processes, one per event, on
two "nodes" (loopback addresses), each started with the command line of scripts/deploy/mingle@.service.

For each TLS mode (haproxy: TLS ends at HAProxy, Mingle plain behind it; mingle: passthrough by SNI, each
event's process terminates TLS with its own certificate):
  routing    host names and (mode haproxy) path prefixes reach the right event, health checks see all UP,
             unknown names are refused, http redirects to https, X-Forwarded-For reaches Mingle
  join       300 attendees over wss through HAProxy (100 per event; in mode haproxy half by host name,
             half under /e/<event>/), certificates verified against the test CA
  round      a round in each event started through HAProxy (admin API, bearer token): everyone placed
  kill -9    one event's process killed, restarted once HAProxy's health checks marked it DOWN: only its
             attendees drop, all resume into their breakouts once it is UP again; the other events see no
             close and chat on
  rolling    each event's process in turn: SIGTERM (its attendees get 1001), restart, all resume into
             their breakouts: 0 failed resumes; the others see nothing
  browser    (mode haproxy) headless Chromium under /e/cocreation/ and by host name: the attendee page
             joins over its WebSocket, the dashboard signs in and goes live, the room's screen shows its
             QR code and link with the prefix; no console errors

  python scripts/cluster_test.py --binary .build/debug/mingle [--modes haproxy,mingle] [--attendees 300]
                                 [--no-browser] [--keep]

Prints one PASS/FAIL line per step with what it measured, then `N passed, M failed`. Every process it
starts is stopped by PID; the work directory is removed unless a step failed or --keep.
"""
import argparse
import asyncio
import datetime
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEPLOY = os.path.join(HERE, "deploy")
sys.path.insert(0, os.path.join(HERE, "lib"))
import mingle_proc  # noqa: E402
from e2e_clients import Attendee  # noqa: E402

TOKEN = "cluster-admin-token-" + os.urandom(6).hex()
SHARED = "mingle.example.org"
REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]
TIMEOUT = 20


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else 0.0


def ms(seconds):
    return "%.0f ms" % (1000 * seconds)


# ---------------------------------------------------------------------------------------------------
# The deployment files, read as they are checked in

def events_from_config():
    """[(event, node variable, port)] from haproxy.cfg's backends; the maps must name the same events."""
    cfg = open(os.path.join(DEPLOY, "haproxy.cfg")).read()
    found = re.findall(r'backend ev_([a-z0-9_-]+)\n\s+server \S+ "\$\{(MINGLE_NODE\d)-[^}]*\}:(\d+)"', cfg)
    hosts = dict(l.split() for l in open(os.path.join(DEPLOY, "hosts.map")) if l.strip() and not l.startswith("#"))
    paths = dict(l.split() for l in open(os.path.join(DEPLOY, "paths.map")) if l.strip() and not l.startswith("#"))
    for event, _, _ in found:
        assert hosts.get(event + ".example.org") == "ev_" + event, "hosts.map lacks " + event
        assert paths.get("/e/%s/" % event) == "ev_" + event, "paths.map lacks " + event
    return [(e, n, int(p)) for e, n, p in found]


def unit_command(binary, etc, lib, event):
    """ExecStart and ExecStartPre of mingle@.service for `event`, with /etc/mingle and /var/lib/mingle moved."""
    unit = open(os.path.join(DEPLOY, "mingle@.service")).read()

    def line(key):
        cmd = re.search(r"^%s=(.*)$" % key, unit, re.M).group(1)
        cmd = cmd.replace("/usr/local/lib/mingle/mingle", binary).replace("/etc/mingle", etc).replace("/var/lib/mingle", lib)
        return shlex.split(cmd.replace("%i", event))
    return line("ExecStartPre"), line("ExecStart")


# ---------------------------------------------------------------------------------------------------
# Certificates (a test CA made per run: nothing in the repository expires)

def make_certs(d, events):
    os.makedirs(os.path.join(d, "front"), exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    run("req", "-x509", *ec, "-days", "2", "-subj", "/CN=Mingle cluster test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.crt")

    def leaf(name, san):
        run("req", *ec, "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr")
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n" % san)
        run("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", name + ".ext", "-out", name + ".crt")
    leaf("front", "DNS:*.example.org,DNS:" + SHARED)
    with open(os.path.join(d, "front", "front.pem"), "w") as f:
        f.write(open(os.path.join(d, "front.crt")).read() + open(os.path.join(d, "front.key")).read())
    for event, _, _ in events:
        leaf(event, "DNS:%s.example.org" % event)


# ---------------------------------------------------------------------------------------------------
# Processes

class Node:
    """One event's Mingle process, started as mingle@<event> would be."""

    def __init__(self, cluster, event, node_var, port):
        self.cluster, self.event, self.port = cluster, event, port
        self.host = cluster.nodes[node_var]
        self.etc = os.path.join(cluster.work, "etc", event)
        self.starts = 0
        self.server = None
        os.makedirs(self.etc, exist_ok=True)

    def write_files(self, mode):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+00:00")  # noqa: E731
        event = {
            "event": {"id": self.event, "name": "Event " + self.event, "timeZone": "Europe/Oslo"},
            "attributes": [
                {"id": "region", "label": "Region", "required": True, "values": [{"id": r, "label": r.title()} for r in REGIONS]},
                {"id": "attendance", "label": "Attendance", "required": True,
                 "values": [{"id": "onsite", "label": "On site"}, {"id": "remote", "label": "Remote"}]}],
            "sessions": [{"id": "s1", "title": "Opening", "start": iso(now - datetime.timedelta(minutes=30)),
                          "end": iso(now + datetime.timedelta(hours=2)),
                          "mingle": {"rounds": 3, "roundSeconds": 1800, "groupSize": 2, "start": "manual", "lateJoinWindowSeconds": 5}}],
            "access": {"mode": "open"},
        }
        settings = {"event": "event.json", "basePath": "/e/" + self.event, "adminToken": TOKEN, "loops": 1,
                    "listen": {"host": self.host, "port": self.port, "tls": mode == "mingle"}}
        if mode == "mingle":
            certs = self.cluster.certs
            settings["tls"] = {"certificate": os.path.join(certs, self.event + ".crt"), "privateKey": os.path.join(certs, self.event + ".key")}
        else:
            settings["proxy"] = {"forwardedForHeader": "X-Forwarded-For"}
        json.dump(event, open(os.path.join(self.etc, "event.json"), "w"), indent=1)
        json.dump(settings, open(os.path.join(self.etc, "server.json"), "w"), indent=1)

    def start(self):
        pre, cmd = unit_command(self.cluster.binary, os.path.join(self.cluster.work, "etc"), os.path.join(self.cluster.work, "lib"), self.event)
        if self.starts == 0:
            out = subprocess.run(pre, capture_output=True, text=True)
            assert out.returncode == 0, "ExecStartPre (check-config) refused %s: %s" % (self.event, out.stdout + out.stderr)
        self.starts += 1
        assert cmd[1] == "serve", cmd
        log = os.path.join(self.cluster.work, "%s-%d.log" % (self.event, self.starts))
        self.server = mingle_proc.Server(cmd[0], cmd[2:], log)
        self.server.wait_listening()
        return self

    @property
    def pid(self):
        return self.server.proc.pid

    def stop(self, sig=signal.SIGTERM):
        return self.server.stop(sig=sig) if self.server else None


class HAProxy:
    def __init__(self, cluster, mode):
        self.cluster = cluster
        self.run_dir = os.path.join(cluster.work, "haproxy-" + mode)
        os.makedirs(self.run_dir, exist_ok=True)
        env = dict(os.environ, MINGLE_TLS=mode, MINGLE_BIND="%s:%d" % (cluster.front, cluster.tls_port),
                   MINGLE_HTTP_BIND="%s:%d" % (cluster.front, cluster.http_port), MINGLE_CERTS=os.path.join(cluster.certs, "front") + "/",
                   MINGLE_MAPS=DEPLOY, MINGLE_BACKEND_CA=os.path.join(cluster.certs, "ca.crt"), MINGLE_RUN=self.run_dir,
                   MINGLE_LOG="stdout", MINGLE_MAXCONN="4000", **{k: v for k, v in cluster.nodes.items()})
        cfg = os.path.join(DEPLOY, "haproxy.cfg")
        check = subprocess.run(["haproxy", "-c", "-f", cfg], env=env, capture_output=True, text=True)
        assert check.returncode == 0 and "WARNING" not in check.stdout + check.stderr, "haproxy -c: " + check.stdout + check.stderr
        self.log_path = os.path.join(self.run_dir, "haproxy.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", cfg], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def states(self):
        """{server name: status} from the admin socket ("UP", "DOWN", "UP 1/2"...)."""
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        try:
            s.connect(os.path.join(self.run_dir, "admin.sock"))
            s.sendall(b"show stat\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            return {}
        finally:
            s.close()
        out = {}
        for line in data.decode().splitlines():
            f = line.split(",")
            if len(f) > 17 and f[0].startswith("ev_") and f[1] not in ("FRONTEND", "BACKEND"):
                out[f[1]] = f[17]
        return out

    def wait_state(self, server, want, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.states().get(server, "").startswith(want):
                return True
            time.sleep(0.05)
        raise AssertionError("HAProxy: %s not %s within %d s (%s)" % (server, want, timeout, self.states()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------------------------------------------
# Attendees

class Member(Attendee):
    """A scripted attendee of one event reached by one route, who notices when its socket closes."""

    def __init__(self, index, event, route):
        super().__init__(index, REGIONS[index % len(REGIONS)])
        self.event, self.route = event, route
        self.breakout = None
        self.attempts = 0

    async def open(self, url, origin, ctx):
        await super().open(url, origin, ctx, proxy=None, compression=None)


class Cluster:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.work = tempfile.mkdtemp(prefix="mingle-cluster-")
        self.certs = os.path.join(self.work, "certs")
        net = "127.%d.%d" % (random.randrange(20, 250), random.randrange(1, 250))
        self.front = net + ".1"
        self.nodes = {"MINGLE_NODE1": net + ".11", "MINGLE_NODE2": net + ".12"}
        self.events = events_from_config()
        self.tls_port, self.http_port = self.free_port(), self.free_port()
        self.ctx = None
        self.passed = self.failed = 0
        self.haproxy = None
        self.nodes_by_event = {}

    def free_port(self):
        with socket.socket() as s:
            s.bind((self.front, 0))
            return s.getsockname()[1]

    def resolve_example_org(self):
        """Every *.example.org name resolves to HAProxy's address (this process only; Chromium gets
        --host-resolver-rules): URLs, Host headers, SNI and certificate checks are the real ones."""
        real = socket.getaddrinfo
        front = self.front

        def getaddrinfo(host, port, *a, **k):
            if isinstance(host, str) and host.endswith(".example.org"):
                host = front
            return real(host, port, *a, **k)
        socket.getaddrinfo = getaddrinfo

    def step(self, name, fn):
        started = time.monotonic()
        try:
            detail = fn()
        except BaseException as e:
            self.failed += 1
            print("FAIL %s (%.1f s): %s: %s" % (name, time.monotonic() - started, type(e).__name__, str(e)[:2000]), flush=True)
            if isinstance(e, KeyboardInterrupt):
                raise
            return False
        self.passed += 1
        print("PASS %s (%.1f s): %s" % (name, time.monotonic() - started, detail), flush=True)
        return True

    # -- URLs ------------------------------------------------------------------------------------

    def base_url(self, event, route):
        if route == "path":
            return "https://%s:%d/e/%s" % (SHARED, self.tls_port, event)
        return "https://%s.example.org:%d" % (event, self.tls_port)

    def ws_url(self, event, route):
        return self.base_url(event, route).replace("https://", "wss://") + "/ws"

    def origin(self, event, route):
        return "https://%s:%d" % (SHARED if route == "path" else event + ".example.org", self.tls_port)

    def api(self, event, route, path, body=None):
        req = urllib.request.Request(self.base_url(event, route) + path, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=TIMEOUT) as r:
            return json.loads(r.read() or b"{}")

    # -- one TLS mode ----------------------------------------------------------------------------

    def run_mode(self, mode):
        print("\n== TLS %s: %s" % ("at HAProxy (Mingle plain behind it)" if mode == "haproxy" else "passed through (SNI routing, Mingle's own TLS)", mode), flush=True)
        routes = ["host", "path"] if mode == "haproxy" else ["host"]
        self.nodes_by_event = {}
        shutil.rmtree(os.path.join(self.work, "lib"), ignore_errors=True)
        ok = self.step("start (%s): 3 events as mingle@<event>, HAProxy, health checks" % mode, lambda: self.start(mode))
        loop = asyncio.new_event_loop()
        try:
            if ok:
                ok = self.step("routing (%s)" % mode, lambda: loop.run_until_complete(self.routing(mode, routes)))
            if ok:
                ok = self.step("join (%s)" % mode, lambda: loop.run_until_complete(self.join(routes)))
            if ok:
                ok = self.step("round (%s)" % mode, lambda: loop.run_until_complete(self.round(routes)))
            if ok:
                victim = self.events[1][0]
                ok = self.step("kill -9 %s (%s)" % (victim, mode), lambda: loop.run_until_complete(self.kill_and_restart(victim)))
            if ok:
                ok = self.step("rolling restart (%s)" % mode, lambda: loop.run_until_complete(self.rolling_restart()))
            if ok and mode == "haproxy" and not self.args.no_browser:
                ok = self.step("browser under /e/%s/ and by host name (%s)" % (self.events[0][0], mode), self.browser)
            loop.run_until_complete(self.close_all())
        finally:
            loop.close()
            for n in self.nodes_by_event.values():
                n.stop()
            if self.haproxy:
                self.haproxy.stop()
                self.haproxy = None
        return ok

    def start(self, mode):
        began = time.monotonic()
        for event, node_var, port in self.events:
            n = Node(self, event, node_var, port)
            n.write_files(mode)
            self.nodes_by_event[event] = n.start()
        listening = time.monotonic() - began
        self.haproxy = HAProxy(self, mode)
        for event, _, _ in self.events:
            self.haproxy.wait_state(event, "UP")
        placement = ", ".join("%s on %s:%d" % (e, self.nodes_by_event[e].host, p) for e, _, p in self.events)
        return "%s; listening after %.2f s, all UP in HAProxy after %.2f s" % (placement, listening, time.monotonic() - began)

    async def routing(self, mode, routes):
        seen = []
        for event, _, _ in self.events:
            for route in routes:
                m = Member(0, event, route)
                await m.open(self.ws_url(event, route), self.origin(event, route), self.ctx)
                hello = await m.expect("hello")
                assert hello["event"]["name"] == "Event " + event, "%s by %s reached %r" % (event, route, hello["event"]["name"])
                await m.ws.close()
                seen.append("%s by %s" % (event, route))
        notes = []
        if mode == "haproxy":
            status, body = self.raw_https("nosuch.example.org", "/")
            assert status == 404 and "No such event" in body, (status, body)
            status, _ = self.raw_https(SHARED, "/e/nosuch/")
            assert status == 404, status
            status, location = self.raw_https(SHARED, "/e/%s" % self.events[0][0], header="Location")
            assert status == 301 and location == "/e/%s/" % self.events[0][0], (status, location)
            c = http.client.HTTPConnection(self.front, self.http_port, timeout=5)
            c.request("GET", "/e/x/", headers={"Host": SHARED})
            r = c.getresponse()
            assert r.status == 301 and r.getheader("Location", "").startswith("https://" + SHARED), (r.status, r.getheader("Location"))
            c.close()
            notes.append("unknown name and /e/nosuch/ 404, /e/<event> 301 to /e/<event>/, http 301 to https")
            # proxy.forwardedForHeader: Mingle logs the client's address that HAProxy added.
            path = os.path.join(self.work, "lib", self.events[0][0], "connections.jsonl")
            deadline = time.monotonic() + 3   # the connection log reaches its file within 250 ms
            while True:
                upgrades = [json.loads(l) for l in open(path).read().splitlines() if '"upgrade"' in l]
                if len(upgrades) >= len(routes) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert upgrades and all(u.get("forwardedFor", "").startswith("127.") for u in upgrades), upgrades[:2]
            assert any(u["path"].startswith("/e/") for u in upgrades) and any(u["path"] == "/ws" for u in upgrades)
            notes.append("X-Forwarded-For in Mingle's connection log (%s)" % upgrades[0]["forwardedFor"])
        else:
            try:
                self.raw_https("nosuch.example.org", "/")
                raise AssertionError("an unknown SNI name got an answer")
            except (ssl.SSLError, ConnectionError, OSError) as e:
                notes.append("unknown SNI name refused (%s)" % type(e).__name__)
            served = self.raw_https_cert(self.events[0][0] + ".example.org")
            assert served == open(os.path.join(self.certs, self.events[0][0] + ".crt")).read().strip(), "not the event's own certificate"
            notes.append("each event serves its own certificate")
        return "%s; %s" % (", ".join(seen), "; ".join(notes))

    def raw_https(self, host, path, header=None):
        c = http.client.HTTPSConnection(host, self.tls_port, context=self.ctx, timeout=5)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read().decode(errors="replace")
            return r.status, (r.getheader(header) if header else body)
        finally:
            c.close()

    def raw_https_cert(self, host):
        with socket.create_connection((self.front, self.tls_port), timeout=5) as s:
            with self.ctx.wrap_socket(s, server_hostname=host) as t:
                return ssl.DER_cert_to_PEM_cert(t.getpeercert(True)).strip()

    async def join(self, routes):
        self.members = []
        per_event = self.args.attendees // len(self.events)
        for event, _, _ in self.events:
            for i in range(per_event):
                self.members.append(Member(i, event, routes[i % len(routes)]))
        sem = asyncio.Semaphore(50)
        times = []

        async def join(m):
            async with sem:
                began = time.monotonic()
                await m.open(self.ws_url(m.event, m.route), self.origin(m.event, m.route), self.ctx)
                await m.send(type="join", name="%s %03d" % (m.event, m.index),
                             attributes={"region": m.region, "attendance": "onsite" if m.index % 3 else "remote"})
                w = await m.expect("welcome")
                m.id, m.token = w["attendee"]["id"], w["resumeToken"]
                times.append(time.monotonic() - began)
        began = time.monotonic()
        await asyncio.gather(*(join(m) for m in self.members))
        took = time.monotonic() - began
        by_route = {r: sum(1 for m in self.members if m.route == r) for r in routes}
        return "%d attendees over wss through HAProxy in %.2f s (%s); connect+TLS+join p50 %s, p99 %s" % (
            len(self.members), took, ", ".join("%d by %s" % (n, r) for r, n in by_route.items()),
            ms(percentile(times, 50)), ms(percentile(times, 99)))

    async def round(self, routes):
        began = time.monotonic()
        for i, (event, _, _) in enumerate(self.events):
            route = routes[i % len(routes)]
            await asyncio.to_thread(self.api, event, route, "/api/mingling/start", {"session": "s1"})
        breakouts = await asyncio.gather(*(m.expect("breakout") for m in self.members))
        took = time.monotonic() - began
        for m, b in zip(self.members, breakouts):
            m.breakout = b["id"]
        counts = {}
        for event, _, _ in self.events:
            rooms = (await asyncio.to_thread(self.api, event, "host", "/api/rooms"))["rooms"]
            counts[event] = sum(len(r["breakouts"]) for r in rooms)
            placed = {m.breakout for m in self.members if m.event == event}
            assert counts[event] == len(placed), (event, counts[event], len(placed))
        return "a round in each event (admin API through HAProxy): %d breakouts (%s), all %d placed %s after the first start" % (
            sum(counts.values()), ", ".join("%s %d" % kv for kv in counts.items()), len(self.members), ms(took))

    async def resume(self, m, deadline):
        """Reconnects like the page does (backoff from 0.25 s, jitter) and resumes with the token: the
        welcome must put it back into the breakout it was in. Returns (seconds since its socket closed,
        failure or None)."""
        began = m.closed_at or time.monotonic()
        delay = 0.25
        while time.monotonic() < deadline:
            m.attempts += 1
            try:
                await m.open(self.ws_url(m.event, m.route), self.origin(m.event, m.route), self.ctx)
                await m.send(type="resume", token=m.token)
                w = await m.expect_one_of("welcome", "error", timeout=10)
            except Exception:
                if m.ws is not None:
                    try:
                        await m.ws.close()
                    except Exception:
                        pass
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 2.0)
                continue
            if w["type"] == "error":
                return time.monotonic() - began, "refused: %s" % w.get("code")
            got = (w.get("breakout") or {}).get("id")
            if w["attendee"]["id"] != m.id or got != m.breakout:
                return time.monotonic() - began, "attendee %s back in breakout %s, expected %s" % (w["attendee"]["id"], got, m.breakout)
            return time.monotonic() - began, None
        return time.monotonic() - began, "no welcome before the deadline"

    async def chat_check(self, events):
        """In each of `events`, one breakout's members chat: the partner hears it (they never noticed)."""
        for event in events:
            a = next(m for m in self.members if m.event == event)
            b = next(m for m in self.members if m.event == event and m.breakout == a.breakout and m is not a)
            text = "still here %d" % random.randrange(10 ** 6)
            await a.send(type="chat", text=text)
            while True:
                msg = await b.expect("chat")
                if msg.get("text") == text:
                    break

    async def restart_event(self, event, sig):
        """Stops `event`'s process with `sig`, starts it again, resumes its attendees; the others must
        see nothing. Returns the figures."""
        node = self.nodes_by_event[event]
        mine = [m for m in self.members if m.event == event]
        others = [m for m in self.members if m.event != event]
        for m in self.members:
            m.attempts = 0
        t0 = time.monotonic()
        down_at = up_at = None
        rc = await asyncio.to_thread(node.stop, sig)
        stopped = time.monotonic() - t0
        while any(m.closed_at is None for m in mine) and time.monotonic() - t0 < 10:
            await asyncio.sleep(0.02)
        dropped = [m for m in mine if m.closed_at is not None]
        codes = sorted({m.close_code for m in dropped})
        # The pages start reconnecting at once; the process comes back after HAProxy has marked it DOWN
        # (kill -9), or at once (SIGTERM: `systemctl restart`).
        deadline = time.monotonic() + 60
        resumes = [asyncio.ensure_future(self.resume(m, deadline)) for m in mine]
        if sig == signal.SIGKILL:
            # Long enough for HAProxy's health checks to see it gone (a node that takes a while to come
            # back): new connections get HAProxy's 503 at once, and it must be marked UP again after.
            while time.monotonic() - t0 < 15 and not self.haproxy.states().get(event, "").startswith("DOWN"):
                await asyncio.sleep(0.05)
            down_at = time.monotonic() - t0
        restart_began = time.monotonic()
        await asyncio.to_thread(node.start)
        listening = time.monotonic() - t0
        # HAProxy's view, while the attendees come back.
        while not all(r.done() for r in resumes) and time.monotonic() < deadline:
            state = self.haproxy.states().get(event, "")
            if down_at is None and state.startswith("DOWN"):
                down_at = time.monotonic() - t0
            if down_at is not None and up_at is None and state.startswith("UP"):
                up_at = time.monotonic() - restart_began
            await asyncio.sleep(0.05)
        results = await asyncio.gather(*resumes)
        failures = [(m.name, f) for m, (_, f) in zip(mine, results) if f]
        others_closed = [m.name for m in others if m.closed_at is not None]
        assert len(dropped) == len(mine), "%d of %d of %s's attendees saw their socket close" % (len(dropped), len(mine), event)
        assert not others_closed, "other events' attendees were disconnected: %s" % others_closed[:5]
        await self.chat_check([e for e, _, _ in self.events if e != event])
        return {"event": event, "rc": rc, "mine": len(mine), "others": len(others), "codes": codes, "stopped": stopped,
                "listening": listening, "down": down_at, "up": up_at, "resumed": len(mine) - len(failures),
                "failures": failures, "p50": percentile([t for t, _ in results], 50), "max": max(t for t, _ in results),
                "all_back": time.monotonic() - t0 if not failures else None, "attempts": sum(m.attempts for m in mine)}

    @staticmethod
    def describe(f):
        haproxy = ("HAProxy marked it DOWN %.1f s after the stop, UP %.1f s after the restart" % (f["down"], f["up"])
                   if f["down"] is not None and f["up"] is not None else
                   "HAProxy: %s" % ("DOWN seen" if f["down"] is not None else "back before a check failed"))
        return ("%s: %d/%d of its attendees dropped (close %s), 0/%d of the others; listening again %.2f s after the stop; %s; "
                "%d/%d resumed into their breakouts (%d connection attempts), p50 %.2f s, max %.2f s after their socket closed; "
                "failed resumes %d; the other events chat on" % (
                    f["event"], f["mine"], f["mine"], "/".join(map(str, f["codes"])), f["others"], f["listening"], haproxy,
                    f["resumed"], f["mine"], f["attempts"], f["p50"], f["max"], len(f["failures"])))

    async def kill_and_restart(self, victim):
        f = await self.restart_event(victim, signal.SIGKILL)
        assert not f["failures"], "failed resumes: %s" % f["failures"][:5]
        assert f["codes"] == [1006], "a kill -9 gives no close frame: %s" % f["codes"]
        return "kill -9 " + self.describe(f)

    async def rolling_restart(self):
        lines, failed = [], 0
        began = time.monotonic()
        for event, _, _ in self.events:
            f = await self.restart_event(event, signal.SIGTERM)
            failed += len(f["failures"])
            assert f["codes"] == [1001], "SIGTERM closes with 1001: %s" % f["codes"]
            assert f["rc"] == 0, "exit code after SIGTERM: %s" % f["rc"]
            lines.append(self.describe(f))
        assert failed == 0, "failed resumes: %d" % failed
        for event, _, _ in self.events:
            status = await asyncio.to_thread(self.api, event, "host", "/api/status")
            assert status["attendees"]["registered"] == len([m for m in self.members if m.event == event]), status["attendees"]
        return "%d events one after another in %.1f s, 0 failed resumes:\n      %s" % (len(self.events), time.monotonic() - began, "\n      ".join(lines))

    async def close_all(self):
        for m in getattr(self, "members", []):
            try:
                await m.ws.close()
            except Exception:
                pass

    # -- a real browser --------------------------------------------------------------------------

    def browser(self):
        sys.path.insert(0, os.path.join(HERE, "e2e"))
        import e2e_lib
        from selenium.webdriver.common.by import By
        if not e2e_lib.chromium_available():
            return "SKIP: no chromium/chromedriver"
        event = self.events[0][0]
        prefixed = "https://%s:%d/e/%s/" % (SHARED, self.tls_port, event)
        by_host = "https://%s.example.org:%d/" % (event, self.tls_port)
        d = e2e_lib.browser(extra=["--host-resolver-rules=MAP *.example.org %s" % self.front])
        notes = []
        try:
            # The attendee page under the prefix: its assets, its WebSocket and its join.
            e2e_lib.join(d, prefixed, "Kari Nordmann", {"region": "viken", "attendance": "onsite"})
            e2e_lib.wait_view(d, "lobby")
            assert d.execute_script("return document.baseURI") == prefixed
            notes.append("attendee page at /e/%s/ joined over wss://%s/e/%s/ws" % (event, SHARED, event))
            # The same event by its host name: base "/".
            e2e_lib.join(d, by_host, "Lucía Martín", {"region": "madrid", "attendance": "remote"})
            e2e_lib.wait_view(d, "lobby")
            assert d.execute_script("return document.baseURI") == by_host
            notes.append("and at %s.example.org/" % event)
            # The dashboard under the prefix: sign in, the feed goes live, the room's links keep the prefix.
            d.get(prefixed + "admin")
            e2e_lib.tid(d, "login-token").send_keys(TOKEN)
            e2e_lib.tid(d, "login-button").click()
            e2e_lib.wait(d, lambda d: e2e_lib.tid(d, "feed-state").get_attribute("data-state") == "open", what="the dashboard's live feed")
            assert d.current_url == prefixed + "admin", d.current_url
            cookies = d.get_cookies()
            assert any(c["name"] == "mingle_admin" and c["path"] == "/e/" + event for c in cookies), cookies
            link = e2e_lib.wait(d, lambda d: next((e.get_attribute("href") for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="room-display-link"]')
                                                   if "/display?key=" in (e.get_attribute("href") or "")), None), what="the screen's link")
            assert link.startswith(prefixed + "r/main/display?key="), link
            notes.append("dashboard signed in (cookie Path=/e/%s), live" % event)
            # The room's screen: QR code and link with the prefix, live over its feed.
            d.get(link)
            e2e_lib.wait(d, lambda d: d.execute_script(
                "const q = document.querySelector('[data-testid=qr]'); return q && q.complete && q.naturalWidth > 0"), what="the QR code")
            qr = e2e_lib.tid(d, "qr").get_attribute("src")
            assert qr == prefixed + "r/main/qr.svg", qr
            e2e_lib.wait(d, lambda d: e2e_lib.tid(d, "link").text.replace("\n", "") == "%s:%d/e/%s/r/main" % (SHARED, self.tls_port, event),
                         what="the room's link on the screen")
            notes.append("screen shows %s" % e2e_lib.tid(d, "link").text.replace("\n", ""))
            e2e_lib.shot(d, "cluster-display-under-base-path")
            bad = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE" and "status of 401" not in e["message"]]
            assert not bad, "console errors: %s" % bad
        finally:
            e2e_lib.quit_all([d])
        return "; ".join(notes) + "; no console errors"

    def run(self):
        self.resolve_example_org()
        make_certs(self.certs, self.events)
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.crt"))
        print("cluster test: %d events %s, nodes %s, HAProxy on %s:%d (https) and :%d (http), work %s" % (
            len(self.events), [e for e, _, _ in self.events], sorted(self.nodes.values()), self.front, self.tls_port, self.http_port, self.work), flush=True)
        ok = self.step("systemd unit parses (systemd-analyze verify)", self.verify_unit)
        for mode in self.args.modes.split(","):
            ok = self.run_mode(mode) and ok
        return ok

    def verify_unit(self):
        if not shutil.which("systemd-analyze"):
            return "SKIP: no systemd-analyze"
        d = os.path.join(self.work, "unit")
        os.makedirs(d, exist_ok=True)
        text = open(os.path.join(DEPLOY, "mingle@.service")).read().replace("/usr/local/lib/mingle/mingle", self.binary)
        path = os.path.join(d, "mingle@%s.service" % self.events[0][0])
        open(path, "w").write(text)
        out = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
        assert out.returncode == 0 and not out.stderr.strip(), out.stderr
        return "mingle@%s.service: no findings" % self.events[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--modes", default="haproxy,mingle")
    ap.add_argument("--attendees", type=int, default=300)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    def interrupted(*_):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, interrupted)
    cluster = Cluster(args)
    began = time.monotonic()
    try:
        cluster.run()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        cluster.failed += 1
    print("\ntotal %.1f s; work directory %s" % (time.monotonic() - began, cluster.work if (cluster.failed or args.keep) else "removed"))
    if not cluster.failed and not args.keep:
        shutil.rmtree(cluster.work, ignore_errors=True)
    print("%d passed, %d failed" % (cluster.passed, cluster.failed))
    return 1 if cluster.failed else 0


if __name__ == "__main__":
    sys.exit(main())
