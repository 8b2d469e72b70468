#!/usr/bin/env python3
"""Breakout calls through a real coturn across networks that cannot reach each other.

Run by scripts/turn-test (as root: it makes network namespaces). Topology, all made here and removed
on exit; no namespace has a default route, so nothing leaves them:

  nsA  vA 10.200.1.2/24 --- tA 10.200.1.1/24 -+
  nsB  vB 10.200.2.2/24 --- tB 10.200.2.1/24 -+- nsT: lo 10.200.0.1/32 (coturn's relay address), ip_forward=0
  nsC  vC 10.200.3.2/24 --- tC 10.200.3.1/24 -+       coturn :3478 (and :3578 with a clock 2 h ahead)
                                                      mingle serve 0.0.0.0:8443 (TLS, development certificate)

Each browser (Debian chromium + chromedriver, fake camera and microphone, turn_agent.py) runs inside
its own namespace and opens the page at its side of nsT. The TURN server has one name, `turn.test`,
that each namespace resolves to its own side (/etc/netns/<ns>/hosts: split-horizon, as a real
deployment's DNS would be), so Mingle hands every attendee the same `turn.urls`.

Checks (one PASS/FAIL line each, with what was measured; then "N passed, M failed"):
  isolation       A, B and C reach nsT but not each other or the relay address
  pair-relay      A and B connect; getStats()' selected pair is relay on both sides (relay<->relay),
                  video frames decoded, the page says "through the relay server"; chat works
  ice-restart     A's veth down for 3 s: the call drops and comes back (ICE restart), time measured
  audio-only      A asks for audio only: both ends' video transceivers go inactive
  trio            A, B and C in one breakout: all three calls connect through the relay
  expired         coturn's clock 2 h ahead: every credential is expired for it, coturn answers 401,
                  the page says audio and video could not connect (the relay refused) while chat works
  dashboard       the overview's "Video calls" tile and the room's "Audio and video" panel show the call
                  (axe-core: no WCAG 2.1 AA violation)
  numbers         /api/status and /metrics count the calls (started, connected, relay share, failed,
                  median time to connect) and `mingle logs summary` prints them from the connection log
"""
import argparse
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import e2e_lib  # noqa: E402

ARTIFACTS = os.path.join(ROOT, "artifacts", "turn")
RELAY_IP = "10.200.0.1"
SIDES = {"A": ("10.200.1.2", "10.200.1.1"), "B": ("10.200.2.2", "10.200.2.1"), "C": ("10.200.3.2", "10.200.3.1")}
TURN_PORT, TURN_PORT_SKEWED, MINGLE_PORT = 3478, 3578, 8443
PEOPLE = {"A": ("Kari Nordmann", "viken"), "B": ("Lucía Martín", "madrid"), "C": ("Giulia Rossi", "lombardia")}
ADMIN_TOKEN = "turn-test-admin-token-" + os.urandom(4).hex()

results = []


def check(name, ok, msg):
    results.append(bool(ok))
    print("%s %s: %s" % ("PASS" if ok else "FAIL", name, msg), flush=True)


def sh(*cmd, check=True, timeout=30):
    return subprocess.run(list(cmd), capture_output=True, text=True, check=check, timeout=timeout)


class Net:
    """The namespaces, veths and per-namespace hosts files; everything removed by `close`."""

    def __init__(self, tag):
        self.ns = {k: f"mt{k}-{tag}" for k in ("A", "B", "C", "T")}
        self.made = []

    def up(self):
        for k, ns in self.ns.items():
            if os.path.exists(f"/run/netns/{ns}"):
                raise RuntimeError(f"netns {ns} exists already")
        for k, ns in self.ns.items():
            sh("ip", "netns", "add", ns)
            self.made.append(ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1", check=False)
        t = self.ns["T"]
        sh("ip", "netns", "exec", t, "sysctl", "-qw", "net.ipv4.ip_forward=0")
        sh("ip", "-n", t, "addr", "add", RELAY_IP + "/32", "dev", "lo")
        for k, (peer_ip, t_ip) in SIDES.items():
            ns = self.ns[k]
            sh("ip", "link", "add", "v" + k, "netns", ns, "type", "veth", "peer", "name", "t" + k, "netns", t)
            sh("ip", "-n", ns, "addr", "add", peer_ip + "/24", "dev", "v" + k)
            sh("ip", "-n", t, "addr", "add", t_ip + "/24", "dev", "t" + k)
            sh("ip", "-n", ns, "link", "set", "v" + k, "up")
            sh("ip", "-n", t, "link", "set", "t" + k, "up")
            # Split-horizon name for the TURN server: `ip netns exec` bind-mounts these over /etc.
            os.makedirs(f"/etc/netns/{ns}", exist_ok=True)
            with open(f"/etc/netns/{ns}/hosts", "w") as f:
                f.write(f"127.0.0.1 localhost\n{t_ip} turn.test mingle.test\n")

    def exec(self, k, *cmd):
        return ["ip", "netns", "exec", self.ns[k], *cmd]

    def close(self):
        for ns in self.made:
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for p in pids:
                try:
                    os.kill(int(p), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
        time.sleep(0.3)
        for ns in self.made:
            sh("ip", "netns", "del", ns, check=False)
            shutil.rmtree(f"/etc/netns/{ns}", ignore_errors=True)


class Agent:
    """A browser in a namespace (turn_agent.py), driven over its stdin/stdout."""

    def __init__(self, net, side, py, log_dir):
        self.side = side
        self.errlog = open(os.path.join(log_dir, f"agent-{side}.log"), "w")
        self.proc = subprocess.Popen(net.exec(side, py, os.path.join(HERE, "turn_agent.py")), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errlog, text=True, bufsize=1)
        self.replies = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.replies.put(json.loads(line))
            except ValueError:
                pass
        self.replies.put(None)

    def call(self, op, timeout=60, **args):
        self.next_id += 1
        self.proc.stdin.write(json.dumps({"id": self.next_id, "op": op, **args}) + "\n")
        self.proc.stdin.flush()
        while True:
            r = self.replies.get(timeout=timeout)
            if r is None:
                raise RuntimeError(f"browser {self.side} ended")
            if r.get("id") == self.next_id:
                break
        if not r.get("ok"):
            raise RuntimeError(f"browser {self.side}: {op}: {r.get('error')}\n{r.get('trace', '')}")
        return r.get("value")

    def js(self, script, *args, timeout=30):
        return self.call("js", timeout=timeout, script=script, args=list(args))

    def stop(self):
        try:
            self.call("quit", timeout=20)
        except Exception:
            pass
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except Exception:
            self.proc.kill()
        self.errlog.close()


def poll(fn, timeout, what, interval=0.2):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


# What getStats() says about every open RTCPeerConnection of a page: state, selected pair, media.
STATS_JS = r"""
const out = [];
for (const pc of (window.__pcs || [])) {
  if (pc.connectionState === 'closed') continue;
  const st = await pc.getStats(); const byId = {}; let sel = null, frames = 0, bytesIn = 0;
  st.forEach((r) => { byId[r.id] = r; });
  st.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) sel = byId[r.selectedCandidatePairId];
    if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0;
    if (r.type === 'inbound-rtp') bytesIn += r.bytesReceived || 0;
  });
  const c = (x) => x ? {type: x.candidateType, address: x.address, port: x.port, protocol: x.protocol, relayProtocol: x.relayProtocol || null} : null;
  out.push({conn: pc.connectionState, ice: pc.iceConnectionState,
            selected: sel ? {local: c(byId[sel.localCandidateId]), remote: c(byId[sel.remoteCandidateId]),
                             responsesReceived: sel.responsesReceived || 0} : null,
            video: pc.getTransceivers().filter((t) => (t.receiver.track || {}).kind === 'video')
                     .map((t) => ({direction: t.direction, current: t.currentDirection})),
            frames, bytesIn});
}
return out;
"""

BADGES_JS = r"""
return [...document.querySelectorAll('[data-testid^="peer-state-"]')].map((b) => ({
  peer: b.dataset.testid.slice('peer-state-'.length), state: b.dataset.state, path: b.dataset.path || null,
  reason: b.dataset.reason || null, text: b.textContent }));
"""


def badges(agent):
    return agent.js(BADGES_JS)


def all_connected(agent, n):
    b = badges(agent)
    return len(b) == n and all(x["state"] == "connected" for x in b) and b


class Scenario:
    """A fresh Mingle server in nsT (its own state directory) with a TURN setting and a group size."""

    def __init__(self, net, work, name, binary, secret, turn_port, group_size):
        self.net, self.name = net, name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        e2e_lib.write_event(os.path.join(self.dir, "event.json"), round_seconds=900, rounds=1, warning_seconds=30,
                            group_size=group_size)
        with open(os.path.join(self.dir, "turn-secret"), "w") as f:
            f.write(secret + "\n")
        os.chmod(os.path.join(self.dir, "turn-secret"), 0o600)
        settings = {
            "event": "event.json", "stateDirectory": "state", "adminToken": ADMIN_TOKEN,
            "listen": {"host": "0.0.0.0", "port": MINGLE_PORT, "tls": True},
            "tls": {"devCertificateDirectory": os.path.join(work, "certs")},
            "turn": {"urls": [f"turn:turn.test:{turn_port}?transport=udp", f"turn:turn.test:{turn_port}?transport=tcp"],
                     "secretFile": "turn-secret", "credentialSeconds": 600},
        }
        with open(os.path.join(self.dir, "server.json"), "w") as f:
            json.dump(settings, f, indent=2)
        check_out = sh(binary, "check-config", os.path.join(self.dir, "server.json"), check=False)
        if check_out.returncode != 0:
            raise RuntimeError("check-config refused the settings:\n" + check_out.stderr)
        self.check_config = check_out.stdout
        self.log_path = os.path.join(self.dir, "mingle.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(net.exec("T", binary, "serve", "--config", "server.json"), cwd=self.dir,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        poll(lambda: "listening" in open(self.log_path).read() or self.proc.poll() is not None, 30, "mingle listening")
        if self.proc.poll() is not None:
            raise RuntimeError("mingle exited:\n" + open(self.log_path).read())

    def url(self, side):
        return f"https://{SIDES[side][1]}:{MINGLE_PORT}/"

    def admin(self, path, body=None):
        cmd = ["curl", "-sk", "--max-time", "10", "-H", f"Authorization: Bearer {ADMIN_TOKEN}"]
        if body is not None:
            cmd += ["-H", "Content-Type: application/json", "-X", "POST", "-d", json.dumps(body)]
        out = sh(*self.net.exec("T", *cmd, f"https://127.0.0.1:{MINGLE_PORT}{path}")).stdout
        return out if path == "/metrics" else json.loads(out or "{}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def call_lines(self):
        path = os.path.join(self.dir, "state", "connections.jsonl")
        lines = [json.loads(x) for x in open(path) if '"event":"call"' in x] if os.path.exists(path) else []
        return lines


def write_coturn(path, work, secret, port, first_relay_port):
    with open(path, "w") as f:
        f.write("\n".join([*(f"listening-ip={t}" for _, t in SIDES.values()),
                           f"relay-ip={RELAY_IP}", f"listening-port={port}", f"min-port={first_relay_port}",
                           f"max-port={first_relay_port + 999}", "realm=mingle.test", "use-auth-secret",
                           f"static-auth-secret={secret}", "fingerprint", "no-dtls", "no-tls", "no-cli",
                           "no-multicast-peers", "no-software-attribute", f"userdb={work}/turndb-{port}",
                           f"pidfile={work}/turnserver-{port}.pid", f"log-file={work}/turnserver-{port}.log",
                           "simple-log", "verbose",
                           # hardened like a production server, except the test's own range
                           "denied-peer-ip=10.0.0.0-10.255.255.255", "denied-peer-ip=172.16.0.0-172.31.255.255",
                           "denied-peer-ip=192.168.0.0-192.168.255.255", "allowed-peer-ip=10.200.0.0-10.200.255.255", ""]))


def outage(net, A, B, seconds, cut=None, heal=None):
    """A's only link down for `seconds` (or `cut()`, `seconds`, `heal()`): what media, the pages and ICE did,
    and when the call was back."""
    cut = cut or (lambda: sh("ip", "-n", net.ns["A"], "link", "set", "vA", "down"))
    heal = heal or (lambda: sh("ip", "-n", net.ns["A"], "link", "set", "vA", "up"))
    pair = {"A": A, "B": B}

    def relay_ports():
        return [s["selected"]["local"]["port"] for ag in (A, B) for s in ag.js(STATS_JS) if s["selected"]]

    def bytes_in(ag):
        return sum(s["bytesIn"] for s in ag.js(STATS_JS))
    ports_before = relay_ports()
    for ag in pair.values():
        ag.js("window.__mark = performance.now(); return true;")
    seen = set()

    def note_states():
        for side, ag in pair.items():
            for b in badges(ag):
                seen.add(f"{side}:{b['state']}")
    cut()
    t_down = time.time()
    time.sleep(0.5)  # what was in flight arrives
    stalled_from = bytes_in(B)
    while time.time() - t_down < seconds:
        note_states()
        time.sleep(0.1)
    stalled_to = bytes_in(B)
    heal()
    t_up = time.time()
    resumed = back = None
    last = stalled_to
    while time.time() - t_up < 45:
        note_states()
        now_bytes = bytes_in(B)
        if resumed is None and now_bytes > last + 2000:
            resumed = time.time() - t_up
        last = now_bytes
        if back is None and all_connected(A, 1) and all_connected(B, 1):
            back = time.time() - t_up
        if resumed is not None and back is not None:
            break
        time.sleep(0.1)
    log_a = A.js("return (window.__pcLog || []).filter((e) => e[0] >= window.__mark).map((e) => [Math.round(e[0] - window.__mark), e[1], e[2]]);")
    ports_after = relay_ports()
    return {"stalled_bytes": stalled_to - stalled_from, "resumed": resumed, "back": back, "seen": sorted(seen),
            "restarted": ports_after != ports_before, "ports": (ports_before, ports_after), "log_a": log_a}


def outage_text(o, seconds, what="vA down"):
    r = o["resumed"]
    return (f"{what} {seconds:.0f} s: media at B stalled ({o['stalled_bytes']} B in the outage's last {seconds - 0.5:.1f} s); "
            f"flowing again {'never' if r is None else f'{r:.1f} s'} after it came back, both pages connected after "
            f"{'never' if o['back'] is None else '%.1f s' % o['back']}; "
            + (f"ICE restarted (new relay ports {o['ports'][0]} -> {o['ports'][1]})" if o["restarted"] else "same candidate pair")
            + f"; A's RTCPeerConnection states (ms after the cut) {o['log_a']}; page badges seen {o['seen']}")


def join_all(sc, agents):
    ids = {}
    for side, ag in agents.items():
        ag.call("get", url="about:blank")
        name, region = PEOPLE[side]
        ag.js("try { localStorage.clear(); } catch (e) {} return true;")
        ids[side] = ag.call("join", timeout=60, url=sc.url(side), name=name, region=region)
    return ids


def in_breakout(agents, timeout=30):
    for side, ag in agents.items():
        poll(lambda: ag.js("return document.body.dataset.view") == "breakout", timeout, f"{side} in the breakout")


def chat(sender, receivers, text):
    sender.call("type", testid="chat-input", text=text)
    sender.call("click", testid="chat-send")
    for r in receivers:
        poll(lambda: text in r.js("return [...document.querySelectorAll('[data-testid=chat-text]')].map((e) => e.textContent).join('|')"),
             15, f"chat {text!r}")
    return True


def relay_pairs(stats):
    return [s for s in stats if s["selected"] and s["selected"]["local"]["type"] == "relay" and s["selected"]["remote"]["type"] == "relay"
            and s["selected"]["responsesReceived"] > 0]


def describe(stats):
    def cand(c):
        return f"{c['type']} {c['address']}:{c['port']}/{c['protocol']}" if c else "?"
    return "; ".join(f"{cand(s['selected']['local'])} <-> {cand(s['selected']['remote'])} frames={s['frames']} in={s['bytesIn']}B"
                     if s["selected"] else f"{s['conn']} (no pair)" for s in stats)


def run_checks(a, net, work, binary, py, secret):
    agents = {}
    sc = None
    figures = {}
    try:
        # --- coturn x2 -----------------------------------------------------------------------------
        turns, turn_cmds, turn_out = [], [], []
        for port, skew, first in ((TURN_PORT, None, 50000), (TURN_PORT_SKEWED, "+2h", 52000)):
            conf = os.path.join(work, f"turnserver-{port}.conf")
            write_coturn(conf, work, secret, port, first)
            cmd = net.exec("T", "turnserver", "-c", conf)
            if skew:
                cmd = net.exec("T", "faketime", "-f", skew, "turnserver", "-c", conf)
            out = open(os.path.join(work, f"turnserver-{port}.out"), "w")
            turns.append(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT))
            turn_cmds.append(cmd)
            turn_out.append(out)
        poll(lambda: all(f"{t}:{p} " in sh(*net.exec("T", "ss", "-Hlnu")).stdout for _, t in SIDES.values()
                         for p in (TURN_PORT, TURN_PORT_SKEWED)), 10, "coturn listening")

        # --- isolation -----------------------------------------------------------------------------
        facts, ok = [], True
        probe = "import socket,sys\ntry:\n s=socket.create_connection((sys.argv[1],int(sys.argv[2])),2); print('open')\nexcept OSError as e: print(e.strerror or e)"
        for k, (ip, t_ip) in SIDES.items():
            r = sh(*net.exec(k, py, "-c", probe, t_ip, str(TURN_PORT)), check=False).stdout.strip()
            ok &= r == "open"
            facts.append(f"{k}->coturn {t_ip}:{TURN_PORT}/tcp {r}")
            for other, (oip, ot) in SIDES.items():
                if other == k:
                    continue
                for dst in (oip, ot):
                    rt = sh("ip", "-n", net.ns[k], "route", "get", dst, check=False)
                    ok &= rt.returncode != 0
            rt = sh("ip", "-n", net.ns[k], "route", "get", RELAY_IP, check=False)
            ok &= rt.returncode != 0
        facts.append("no route from any browser to another's network or to the relay address " + RELAY_IP)
        check("isolation", ok, "; ".join(facts))

        for side in ("A", "B", "C"):
            agents[side] = Agent(net, side, py, work)
            agents[side].call("start", timeout=60, size=[800, 600])
        A, B, C = agents["A"], agents["B"], agents["C"]

        # --- pair-relay ----------------------------------------------------------------------------
        sc = Scenario(net, work, "pair", binary, secret, TURN_PORT, group_size=2)
        pair = {"A": A, "B": B}
        ids = join_all(sc, pair)
        sc.admin("/api/mingling/start", {"session": "s1"})
        in_breakout(pair)
        t_breakout = time.time()
        for ag in pair.values():
            ag.call("click", testid="media-video")
        poll(lambda: all_connected(A, 1) and all_connected(B, 1), 45, "A and B connected")
        t_connected = time.time() - t_breakout
        poll(lambda: all(s["frames"] > 0 for s in A.js(STATS_JS) + B.js(STATS_JS)), 20, "video frames both ways")
        sa, sb = A.js(STATS_JS), B.js(STATS_JS)
        ba, bb = badges(A), badges(B)
        status_a = A.js("return document.querySelector('[data-testid=media-status]').textContent")
        ok = (len(relay_pairs(sa)) == 1 and len(relay_pairs(sb)) == 1 and ba[0]["path"] == "relay" and bb[0]["path"] == "relay"
              and "through the relay server" in status_a and sa[0]["selected"]["local"]["address"] == RELAY_IP)
        A.call("shot", path=os.path.join(ARTIFACTS, "turn-pair-A.png"))
        A.call("axe", timeout=90, label="breakout, call connected through the relay")
        check("pair-relay", ok and chat(A, [B], "Hei fra Viken") and chat(B, [A], "¡Hola desde Madrid!"),
              f"A: {describe(sa)} | B: {describe(sb)} | badges {ba[0]['text']!r}/{bb[0]['text']!r} | status {status_a!r} | "
              f"connected {t_connected:.1f} s after the breakout began (camera on both sides); chat both ways")
        figures["pair_connect_s"] = t_connected

        # --- ice-restart ---------------------------------------------------------------------------
        # A's only link goes down for 3 s: media must stop (the call really is cut) and flow again after,
        # through the relay, with the pages at "connected". Then 12 s: long enough for ICE to notice
        # (disconnected after ~5 s), so the page says "reconnecting", restarts ICE and reports the recovery.
        o = outage(net, A, B, 3.0)
        ok = o["stalled_bytes"] < 2000 and o["resumed"] is not None and o["back"] is not None and len(relay_pairs(A.js(STATS_JS))) == 1
        check("ice-restart", ok, outage_text(o, 3.0))
        figures["outage3_media_back_s"] = o["resumed"]
        o = outage(net, A, B, 12.0)
        ok = (o["stalled_bytes"] < 2000 and o["resumed"] is not None and o["back"] is not None and "A:reconnecting" in o["seen"]
              and any(e[1] == "disconnected" for e in o["log_a"]) and len(relay_pairs(A.js(STATS_JS))) == 1)
        check("ice-restart-long", ok, outage_text(o, 12.0))
        figures["outage12_media_back_s"] = o["resumed"]
        figures["outage12_connected_s"] = o["back"]

        # The relay itself restarts (every allocation is gone): only an ICE restart with new allocations
        # can bring the call back, and the page does it by itself.
        def stop_turn():
            turns[0].terminate()
            turns[0].wait(10)

        def start_turn():
            turns[0] = subprocess.Popen(turn_cmds[0], stdout=turn_out[0], stderr=subprocess.STDOUT)
        o = outage(net, A, B, 8.0, cut=stop_turn, heal=start_turn)
        ok = (o["resumed"] is not None and o["back"] is not None and o["restarted"] and "A:reconnecting" in o["seen"]
              and len(relay_pairs(A.js(STATS_JS))) == 1 and badges(A)[0]["path"] == "relay" and badges(B)[0]["path"] == "relay")
        check("ice-restart-relay-lost", ok, outage_text(o, 8.0, "coturn stopped (its allocations gone), started again after"))
        figures["relay_lost_connected_s"] = o["back"]

        # --- audio-only ----------------------------------------------------------------------------
        A.call("click", testid="media-audio-only")

        def inactive():
            va = [v for s in A.js(STATS_JS) for v in s["video"]]
            vb = [v for s in B.js(STATS_JS) for v in s["video"]]
            return va and vb and all(v["current"] == "inactive" for v in va + vb) and (va, vb)
        dirs = poll(inactive, 20, "video transceivers inactive on both sides")
        pressed = A.js("return document.querySelector('[data-testid=media-audio-only]').getAttribute('aria-pressed')")
        local_video = A.js("return !!(document.querySelector('[data-testid=local-video]').srcObject)")
        check("audio-only", pressed == "true" and not local_video and all_connected(A, 1),
              f"A's video transceivers {dirs[0]}, B's {dirs[1]}; A's camera off, button pressed, call still connected")
        A.call("shot", path=os.path.join(ARTIFACTS, "turn-audio-only-A.png"))
        status_pair = sc.admin("/api/status")
        metrics_pair = sc.admin("/metrics")

        # --- dashboard -----------------------------------------------------------------------------
        # What the organisers see of this call (A's page leaves the breakout for the dashboard).
        A.call("admin", timeout=60, url=sc.url("A"), token=ADMIN_TOKEN)
        text_of = "return (document.querySelector(`[data-testid=\"${arguments[0]}\"]`) || {}).textContent || ''"
        tile = poll(lambda: "1 of 1 connected" in A.js(text_of, "tile-videoCalls") and A.js(text_of, "tile-videoCalls-sub"), 20,
                    "the Video calls tile")
        panel = {k: A.js(text_of, f"room-calls-{k}") for k in ("started", "connected", "relayed", "failed", "recovered", "median")}
        A.js("document.querySelector('[data-testid=room-calls]').scrollIntoView(); return true;")
        A.call("shot", path=os.path.join(ARTIFACTS, "turn-dashboard-calls.png"))
        A.js("document.querySelector('[data-testid=tile-videoCalls]').scrollIntoView({block: 'center'}); return true;")
        A.call("shot", path=os.path.join(ARTIFACTS, "turn-dashboard-tile.png"))
        axe_dash = A.call("axe", timeout=90, label="dashboard with a relayed call")
        check("dashboard", "through the relay (100" in tile and panel["relayed"].startswith("1") and panel["started"] == "1"
              and panel["median"].endswith(" s"),
              f"overview tile 'Video calls': {A.js(text_of, 'tile-videoCalls')!r} / {tile!r}; the room's panel {panel}; "
              f"axe (WCAG 2.1 AA, light and dark): {sum(v for _, v in axe_dash[-2:])} violations")
        sc.stop()
        pair_lines = sc.call_lines()
        only = set(a.only.split(","))
        if not {"trio", "expired"} <= only:
            return figures

        # --- trio ----------------------------------------------------------------------------------
        sc = Scenario(net, work, "trio", binary, secret, TURN_PORT, group_size=3)
        trio = {"A": A, "B": B, "C": C}
        join_all(sc, trio)
        sc.admin("/api/mingling/start", {"session": "s1"})
        in_breakout(trio)
        t0 = time.time()
        for ag in trio.values():
            ag.call("click", testid="media-audio")
        poll(lambda: all(all_connected(ag, 2) for ag in trio.values()), 60, "all three connected to both others")
        t_trio = time.time() - t0
        stats = {k: ag.js(STATS_JS) for k, ag in trio.items()}
        C.call("shot", path=os.path.join(ARTIFACTS, "turn-trio-C.png"))
        check("trio", all(len(relay_pairs(s)) == 2 for s in stats.values()),
              f"6 connections (3 calls, each seen from both ends), all relay<->relay: "
              + " | ".join(f"{k}: {len(relay_pairs(s))} of {len(s)} relay" for k, s in stats.items())
              + f"; all up {t_trio:.1f} s after the microphones were turned on")
        status_trio = sc.admin("/api/status")
        sc.stop()
        trio_lines = sc.call_lines()

        # --- expired -------------------------------------------------------------------------------
        sc = Scenario(net, work, "expired", binary, secret, TURN_PORT_SKEWED, group_size=2)
        join_all(sc, pair)
        sc.admin("/api/mingling/start", {"session": "s1"})
        in_breakout(pair)
        t0 = time.time()
        for ag in pair.values():
            ag.call("click", testid="media-audio")

        def failed():
            xs = badges(A) + badges(B)
            return len(xs) == 2 and all(x["state"] == "failed" for x in xs) and xs
        xs = poll(failed, 60, "both pages say the call failed")
        t_failed = time.time() - t0
        text = A.js("return document.querySelector('[data-testid=media-status]').textContent")
        retry_shown = A.js("return !document.querySelector('[data-testid=media-retry]').hidden")
        chat_ok = chat(A, [B], "Can you hear me?") and chat(B, [A], "No, but chat works")
        log401 = [x for x in open(os.path.join(work, f"turnserver-{TURN_PORT_SKEWED}.log"), errors="replace")
                  if "401" in x and "user <>" not in x]
        A.call("shot", path=os.path.join(ARTIFACTS, "turn-expired-A.png"))
        axe_summary = A.call("axe", timeout=90, label="breakout, call failed (relay refused)")
        check("expired", all(x["reason"] == "relay_refused" for x in xs) and "could not connect" in text and "Chat still works" in text
              and retry_shown and chat_ok and log401,
              f"coturn (clock +2 h): {len(log401)} x 401 to the signed requests, e.g. {log401[0].strip()[-90:]!r}; "
              f"both pages failed after {t_failed:.1f} s, reason {[x['reason'] for x in xs]}; A says {text!r}; "
              f"'Try again' shown; chat both ways; axe-core (WCAG 2.1 AA, light and dark) on the connected and the failed "
              f"call: {len(axe_summary)} states, {sum(v for _, v in axe_summary)} violations" if log401 else f"no 401 in coturn's log; pages {xs}; text {text!r}")
        status_expired = sc.admin("/api/status")
        sc.stop()
        expired_lines = sc.call_lines()

        # --- numbers -------------------------------------------------------------------------------
        cp = status_pair["rooms"][0]["calls"]
        ct = status_trio["rooms"][0]["calls"]
        ce = status_expired["rooms"][0]["calls"]
        # `mingle logs summary` reads each event's connection log (the three servers are three events).
        summaries = {}
        for name in ("pair", "trio", "expired"):
            out = sh(binary, "logs", "summary", os.path.join(work, name, "state", "connections.jsonl")).stdout
            summaries[name] = " / ".join(x.strip() for x in out.splitlines() if x.startswith(("Video calls", "  failed because")))
        connect_ms = sorted(x["ms"] for x in pair_lines + trio_lines if x.get("outcome") == "connected")
        recovered_ms = [x["ms"] for x in pair_lines if x.get("outcome") == "recovered"]
        ok = (cp["started"] == 1 and cp["connected"] == 1 and cp["relayed"] == 1 and cp["relayPercent"] == 100
              and cp["recovered"] >= 1 and ct["started"] == 3 and ct["connected"] == 3 and ct["relayed"] == 3
              and ce["started"] == 1 and ce["failed"] == 1 and ce["failures"].get("relay_refused") == 1
              and 'mingle_calls_total{outcome="relayed"} 1' in metrics_pair
              and "1 started, 1 connected (1 through the relay, 100%), 0 failed" in summaries["pair"]
              and "3 started, 3 connected (3 through the relay, 100%), 0 failed" in summaries["trio"]
              and "1 started, 0 connected, 1 failed" in summaries["expired"] and "relay_refused 1" in summaries["expired"])
        check("numbers", ok,
              f"pair {json.dumps(cp)}; trio {json.dumps(ct)}; expired {json.dumps(ce)}; "
              f"browsers' times to connect {connect_ms} ms; ICE restart recovery reported {recovered_ms} ms; "
              f"logs summary: {summaries}")
        figures.update(connect_ms=connect_ms, recovered_ms=recovered_ms, summaries=summaries,
                       trio_s=t_trio, expired_failed_s=t_failed, check_config=sc.check_config.splitlines()[1:3])
        for side, ag in agents.items():
            bad = [x for x in ag.call("console") if "WebSocket connection to" not in x]
            if bad:
                print(f"note: console errors at {side}: {bad[:3]}", flush=True)
        return figures
    finally:
        if sc:
            sc.stop()
        for ag in agents.values():
            ag.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--py", default=sys.executable)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--only", default="pair,trio,expired", help="scenarios to run (the numbers check needs all three)")
    a = ap.parse_args()
    os.makedirs(ARTIFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="mingle-turn.")
    secret = os.urandom(16).hex()
    net = Net(os.getpid())
    t0 = time.time()
    stopping = []

    def on_signal(sig, _):
        stopping.append(sig)
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)
    figures = {}
    try:
        net.up()
        print(f"setup: namespaces {' '.join(net.ns.values())}", flush=True)
        figures = run_checks(a, net, work, a.binary, a.py, secret) or {}
    except KeyboardInterrupt:
        check("run", False, "interrupted")
    except Exception as e:
        import traceback
        traceback.print_exc()
        check("run", False, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    finally:
        net.close()
        # coturn and mingle logs next to the screenshots, for the record
        for name in os.listdir(work):
            src = os.path.join(work, name)
            if name.endswith((".log", ".out", ".conf")):
                shutil.copy(src, ARTIFACTS)
            for sub in ("pair", "trio", "expired"):
                if name == sub and os.path.exists(os.path.join(src, "mingle.log")):
                    shutil.copy(os.path.join(src, "mingle.log"), os.path.join(ARTIFACTS, f"mingle-{sub}.log"))
        passed = sum(results)
        if all(results) and results and not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept: {work}")
    if figures:
        print("figures: " + json.dumps(figures), flush=True)
    print(f"total {time.time() - t0:.1f} s")
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
