"""Abuse through the mingling protocol and the process: a reader that stops reading during
broadcasts, a message flood from one attendee, SIGTERM under load, SIGHUP with broken files."""
import json
import os
import shutil
import signal
import ssl
import threading
import time

import wsraw
from env import admin, make_certificate, mib

REGIONS = ["viken", "innlandet", "madrid", "lombardia", "dublin"]


def join(server, i, rcvbuf=None):
    ws = wsraw.open_ws(server.port, server.tls, rcvbuf=rcvbuf)
    msg = {"type": "join", "name": "Abuser %03d" % i,
           "attributes": {"region": REGIONS[i % len(REGIONS)], "attendance": "remote"}}
    ws.send(wsraw.frame(1, json.dumps(msg).encode()))
    while True:
        op, payload = ws.next()
        if op == 1 and b'"welcome"' in payload:
            return ws


def messages(ws, kind, count, timeout):
    """Reads until `count` text messages of `kind` arrived; returns the arrival times."""
    got = []
    ws.sock.settimeout(timeout)
    while len(got) < count:
        op, payload = ws.next()
        if op == 1 and json.loads(payload)["type"] == kind:
            got.append(time.time())
    return got


def stuck_reader(server, call, others_n=5, announcements=4000):
    """R1: one attendee with a tiny receive window stops reading while announcements go out:
    it is closed; the others get every announcement with no extra delay; memory bounded."""
    pid = server.pid
    # The healthy readers get a large kernel receive buffer, so a Python thread that loses the
    # GIL for a moment on a busy machine is not mistaken for a slow consumer by the server.
    others = [join(server, i, rcvbuf=4 << 20) for i in range(others_n)]
    stuck = join(server, 99, rcvbuf=4096)
    rss0 = wsraw.rss_kib(pid)
    arrivals = [[] for _ in others]

    def read(i, ws):
        try:
            arrivals[i] = messages(ws, "announcement", announcements, 30)
        except Exception as e:  # noqa: BLE001
            arrivals[i] = e
    threads = [threading.Thread(target=read, args=(i, ws)) for i, ws in enumerate(others)]
    for t in threads:
        t.start()
    text = "Announcement for everyone. " * 37
    start = time.time()
    posted = []
    for i in range(announcements):
        status, _ = call("/api/announce", {"text": "%04d %s" % (i, text[:990])})
        posted.append(time.time())
        if status != 200:
            return False, "announce %d got %d" % (i, status)
    for t in threads:
        t.join(40)
    post_time = time.time() - start
    delays = [a[-1] - posted[-1] for a in arrivals if isinstance(a, list) and len(a) == announcements]
    # The stuck reader: its buffered bytes drain, then the reset/EOF shows the server closed it.
    stuck.sock.setblocking(True)
    code = stuck.close_code(20)
    peak = wsraw.rss_kib(pid) - rss0
    for ws in others:
        ws.close()
    stuck.close()
    ok = len(delays) == others_n and code in ("eof", "reset", 1008) and max(delays) < 1.0 and peak < 8192
    return ok, "%d announcements of 1 KB in %.1f s: stuck reader closed (%s), %d/%d others got all, last one %.0f ms after its POST; RSS %s" % (
        announcements, post_time, code, len(delays), others_n, max(delays or [0]) * 1000, mib(peak))


def flood(server, n=1000):
    """R5: 1,000 messages at once from one attendee: rate_limited errors, then 1008; another
    attendee's round trips are unaffected."""
    flooder = join(server, 1)
    other = join(server, 2)
    rtts = []

    def other_syncs():
        for _ in range(20):
            t0 = time.time()
            other.send(wsraw.frame(1, b'{"type":"sync","clientTime":1}'))
            op, payload = other.next()
            while not (op == 1 and b'"sync"' in payload):
                op, payload = other.next()
            rtts.append(time.time() - t0)
            time.sleep(0.02)
    t = threading.Thread(target=other_syncs)
    t.start()
    start = time.time()
    try:
        flooder.send(b"".join(wsraw.frame(1, b'{"type":"sync","clientTime":%d}' % i) for i in range(n)))
    except (BrokenPipeError, ConnectionResetError):
        pass
    answered = limited = 0
    code = None
    flooder.sock.settimeout(10)
    try:
        while True:
            op, payload = flooder.next()
            if op == 8:
                code = int.from_bytes(payload[:2], "big")
                break
            if op == 1:
                kind = json.loads(payload)
                answered += kind["type"] == "sync"
                limited += kind.get("code") == "rate_limited"
    except (EOFError, OSError):
        code = code or "eof"
    took = time.time() - start
    t.join(10)
    other.close()
    flooder.close()
    ok = code == 1008 and limited > 0 and answered < 100 and len(rtts) == 20 and max(rtts) < 0.2
    return ok, "%d msgs at once: %d answered, %d rate_limited, closed %s in %.2f s; other attendee %d syncs, max RTT %.1f ms" % (
        n, answered, limited, code, took, len(rtts), max(rtts or [0]) * 1000)


def sigterm(env, n=100):
    """R7: SIGTERM with n attendees sending: every one gets 1001, exit 0, journal flushed."""
    server = env.start("sigterm", {"limits": {"handshakeTimeoutSeconds": 3}}, plain=False)
    server.stopped_on_purpose = True
    clients = [join(server, i) for i in range(n)]
    stop = threading.Event()

    def load():
        k = 0
        while not stop.is_set():
            for ws in clients:
                try:
                    ws.send(wsraw.frame(1, b'{"type":"sync","clientTime":%d}' % k))
                except OSError:
                    pass
            k += 1
            time.sleep(0.1)
    t = threading.Thread(target=load)
    t.start()
    time.sleep(1.0)
    call, _ = admin(server)
    status, _ = call("/api/announce", {"text": "last words before the shutdown"})
    start = time.time()
    server.proc.send_signal(signal.SIGTERM)
    stop.set()
    t.join()
    codes = {}
    heard = 0
    for ws in clients:
        c, texts = _until_close(ws)
        codes[c] = codes.get(c, 0) + 1
        heard += any(b"last words" in x for x in texts)
        try:
            ws.send(wsraw.frame(8, b"\x03\xe9"))
        except OSError:
            pass
        ws.close()
    rc = server.proc.wait(15)
    took = time.time() - start
    lines = open(os.path.join(server.state, "journal.jsonl")).read().splitlines()
    parsed = [json.loads(line) for line in lines]
    registered = sum(1 for e in parsed if e["e"] == "attendee_registered")
    ok = codes == {1001: n} and rc == 0 and registered == n and status == 200 and heard == n
    return ok, "%d loaded clients: close codes %s, announcement accepted just before SIGTERM reached %d/%d, exit %s after %.2f s, journal %d lines (%d/%d registrations, all parse)" % (
        n, codes, heard, n, rc, took, len(lines), registered, n)


def _until_close(ws, timeout=10):
    """(close code or 'eof'/'reset'/'timeout', text payloads received before it)."""
    texts = []
    ws.sock.settimeout(timeout)
    try:
        while True:
            op, payload = ws.next()
            if op == 1:
                texts.append(payload)
            elif op == 8:
                return (int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None), texts
    except EOFError:
        return "eof", texts
    except (OSError, ssl.SSLError):
        return "reset", texts


def _cert_fingerprint(port):
    s = wsraw.connect(port, True)
    der = s.getpeercert(binary_form=True)
    s.close()
    return ssl.DER_cert_to_PEM_cert(der)


def sighup(env):
    """SIGHUP with a broken event file and a broken certificate: old ones kept, clear log lines;
    a good certificate is then picked up."""
    d = os.path.join(env.workdir, "sighup")
    os.makedirs(d, exist_ok=True)
    cert, key = make_certificate(d, "a")
    cert_b, key_b = make_certificate(d, "b")
    server = env.start("sighup", {"tls": {"certificate": cert, "privateKey": key}}, plain=False)
    before = _cert_fingerprint(server.port)
    good_event = open(server.event_path).read()
    open(server.event_path, "w").write('{"event": {"id": "x", "name": }')
    shutil.copy(cert, cert + ".good")
    open(cert, "w").write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    server.proc.send_signal(signal.SIGHUP)
    log = _wait_log(server, "event_reload_rejected", "tls_reload_failed")
    ws = wsraw.open_ws(server.port, True)
    _, hello = ws.next()
    ws.close()
    kept_event = json.loads(hello)["event"]["name"] == "Test event"
    kept_cert = _cert_fingerprint(server.port) == before
    open(server.event_path, "w").write(good_event)
    shutil.copy(cert_b, cert)
    shutil.copy(key_b, key)
    server.proc.send_signal(signal.SIGHUP)
    _wait_log(server, "tls_reloaded", "event_reloaded")
    swapped = _cert_fingerprint(server.port) not in (before,)
    lines = [line for line in log.splitlines() if "event_reload_rejected" in line or "tls_reload_failed" in line]
    ok = kept_event and kept_cert and swapped and server.proc.poll() is None and len(lines) >= 2
    return ok, "broken event + certificate: event kept %s, certificate kept %s, %d log lines (e.g. %r); good certificate then swapped in %s" % (
        kept_event, kept_cert, len(lines), lines[0][:110] if lines else "", swapped)


def _wait_log(server, *needles, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = server.read_log()
        if all(n in log for n in needles):
            return log
        time.sleep(0.05)
    return server.read_log()

