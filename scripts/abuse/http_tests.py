"""Abuse before and around the HTTP head: slowloris (plain and TLS), stalled TLS handshakes,
oversized heads, half-closed sockets, the connection limit and descriptor exhaustion."""
import http.client
import select
import socket
import ssl
import time

import wsraw
from env import HANDSHAKE_TIMEOUT, mib


def fresh_client_seconds(port, tls):
    """Time for a new client to get its 101 on /ws."""
    start = time.time()
    ws = wsraw.open_ws(port, tls, timeout=5)
    took = time.time() - start
    ws.close()
    return took


def slowloris(server, n=200):
    """H8: `n` connections dribble one header byte a second; each must be closed at the handshake
    deadline while a fresh client still gets in fast."""
    pid, port = server.pid, server.port
    base_fds = wsraw.fd_count(pid)
    request = b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    socks, opened, sent, closed_at = [], {}, {}, {}
    for _ in range(n):
        t0 = time.time()
        s = wsraw.connect(port, server.tls)
        s.setblocking(False)
        socks.append(s)
        opened[s] = t0
        sent[s] = 0
    fresh = None
    start = time.time()
    next_drip = start
    while len(closed_at) < n and time.time() - start < HANDSHAKE_TIMEOUT + 6:
        now = time.time()
        if now >= next_drip:
            for s in socks:
                if s not in closed_at and sent[s] < len(request):
                    try:
                        s.send(request[sent[s]:sent[s] + 1])
                        sent[s] += 1
                    except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                        pass
                    except OSError:
                        closed_at[s] = time.time() - opened[s]
            next_drip = now + 1.0
        if fresh is None and now - start > 1.0:
            fresh = fresh_client_seconds(port, server.tls)
        ready, _, _ = select.select([s for s in socks if s not in closed_at], [], [], 0.05)
        for s in ready:
            try:
                while True:
                    data = s.recv(65536)
                    if not data:
                        closed_at[s] = time.time() - opened[s]
                        break
            except (BlockingIOError, ssl.SSLWantReadError):
                pass
            except (OSError, ssl.SSLError):
                closed_at[s] = time.time() - opened[s]
    for s in socks:
        s.close()
    fds = wsraw.settle(pid, base_fds)
    times = sorted(closed_at.values())
    ok = (len(times) == n and times[0] >= HANDSHAKE_TIMEOUT - 0.3 and times[-1] <= HANDSHAKE_TIMEOUT + 1.5
          and fresh is not None and fresh < 1.0 and fds <= base_fds)
    figure = "%d/%d closed at %.2f-%.2f s (deadline %d s), fresh client 101 in %s, fds %d -> %d" % (
        len(times), n, times[0] if times else 0, times[-1] if times else 0, HANDSHAKE_TIMEOUT,
        "%.0f ms" % (fresh * 1000) if fresh is not None else "never", base_fds, fds)
    return ok, figure


def tls_stalled(server, n=40):
    """H9: TCP connect then silence, or half a ClientHello: closed at the deadline, fds back."""
    pid, port = server.pid, server.port
    base_fds = wsraw.fd_count(pid)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = wsraw.CTX.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.sendall(hello[:len(hello) // 2])
        socks.append((time.time(), s))
    times = []
    for t0, s in socks:
        left = HANDSHAKE_TIMEOUT + 3 - (time.time() - t0)
        took = wsraw.closed_within(s, max(left, 0.1))
        times.append(None if took is None else time.time() - t0)
        s.close()
    fds = wsraw.settle(pid, base_fds)
    closed = [t for t in times if t is not None]
    ok = (len(closed) == n and min(closed) >= HANDSHAKE_TIMEOUT - 0.3 and max(closed) <= HANDSHAKE_TIMEOUT + 1.5
          and fds <= base_fds)
    return ok, "%d/%d (silent and half ClientHello) closed at %.2f-%.2f s, fds %d -> %d" % (
        len(closed), n, min(closed or [0]), max(closed or [0]), base_fds, fds)


def oversized_heads(server):
    """H6: request line > 8 KiB -> 414; header line > 8 KiB, > 64 headers, head > 16 KiB -> 431."""
    pid = server.pid
    cases = [
        ("line 9 KiB", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("header 9 KiB", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
        ("65 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(65)) + b"\r\n", 431),
        ("head 18 KiB", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-P%d: %s\r\n" % (i, b"c" * 6000) for i in range(3)) + b"\r\n", 431),
        ("1 MiB of header bytes", b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"d" * (1 << 20), 431),
    ]
    rss0 = wsraw.rss_kib(pid)
    got = []
    for label, data, want in cases:
        for _ in range(20):
            s = wsraw.connect(server.port, server.tls)
            try:
                s.sendall(data)
            except OSError:
                pass
            try:
                status, _, _ = wsraw.read_head(s)
            except (OSError, ConnectionError):
                status = "closed"
            s.close()
        got.append((label, status, want))
    growth = wsraw.rss_kib(pid) - rss0
    ok = all(s == w for _, s, w in got) and growth < 2048
    return ok, ", ".join("%s %s" % (label, status) for label, status, _ in got) + "; RSS %s over 100 requests" % mib(growth)


def half_closed(server, n=50):
    """Half-closed sockets: a request then FIN still gets its answer; a WebSocket Close then FIN
    gets the echo; FIN mid-head or on an open WebSocket closes the connection; fds back."""
    pid, port = server.pid, server.port
    base = wsraw.fd_count(pid)
    answered = echoed = ended = 0
    for _ in range(n):
        s = wsraw.connect(port, False)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        status, _, _ = wsraw.read_head(s)
        answered += status == 200 and wsraw.closed_within(s, 5) is not None
        s.close()

        ws = wsraw.open_ws(port, False)
        ws.send(wsraw.frame(8, b"\x03\xe8"))
        ws.sock.shutdown(socket.SHUT_WR)
        echoed += ws.close_code(5) == 1000
        ws.close()

        ws = wsraw.open_ws(port, False)
        ws.sock.shutdown(socket.SHUT_WR)
        code = ws.close_code(5)
        ws.close()
        s = wsraw.connect(port, False)
        s.sendall(b"GET /heal")
        s.shutdown(socket.SHUT_WR)
        ended += code in ("eof", "reset", 1000, 1001, 1006) and wsraw.closed_within(s, 5) is not None
        s.close()
    fds = wsraw.settle(pid, base)
    ok = answered == n and echoed == n and ended == n and fds <= base
    return ok, "GET+FIN answered %d/%d, Close+FIN echoed 1000 %d/%d, FIN mid-head/open ws closed %d/%d, fds %d -> %d" % (
        answered, n, echoed, n, ended, n, base, fds)


def connection_limit(server, limit):
    """R4: with `limit` connections open the next one gets 503 at once; after they close, service resumes."""
    held = []
    for _ in range(limit):
        s = wsraw.connect(server.port, False)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        wsraw.read_head(s)
        held.append(s)
    start = time.time()
    extra = wsraw.connect(server.port, False)
    try:
        status, _, _ = wsraw.read_head(extra)
    except (OSError, ConnectionError):
        status = "closed"
    took = time.time() - start
    extra.close()
    for s in held:
        s.close()
    time.sleep(0.2)
    s = wsraw.connect(server.port, False)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    after, _, _ = wsraw.read_head(s)
    s.close()
    ok = status == 503 and took < 1 and after == 200
    return ok, "%d held, #%d got %s in %.0f ms; after closing them /healthz %s" % (
        limit, limit + 1, status, took * 1000, after)


def emfile(server, total=300):
    """R4: under `prlimit --nofile=256` the accept loop must not spin on EMFILE, open connections
    keep working, and it recovers once descriptors are free."""
    pid, port = server.pid, server.port
    echo = wsraw.open_ws(port, False, path="/echo")
    socks = []
    for _ in range(total):
        socks.append(socket.create_connection(("127.0.0.1", port)))
    time.sleep(0.5)
    accepted = wsraw.fd_count(pid)
    cpu0, t0 = wsraw.cpu_seconds(pid), time.time()
    time.sleep(2.0)
    cpu = (wsraw.cpu_seconds(pid) - cpu0) / (time.time() - t0)
    echo.send(wsraw.frame(1, b"still here"))
    op, payload = echo.next()
    alive = op == 1 and payload == b"still here"
    for s in socks:
        wsraw.reset(s)
    start = time.time()
    recovered = None
    while time.time() - start < 5 and recovered is None:
        try:
            s = wsraw.connect(port, False, timeout=1)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, _ = wsraw.read_head(s)
            s.close()
            if status == 200:
                recovered = time.time() - start
        except (OSError, ConnectionError):
            time.sleep(0.05)
    echo.close()
    ok = cpu < 0.10 and alive and recovered is not None
    return ok, "%d connects at nofile=256: %d fds in use, CPU %.1f %% over 2 s while full, open echo %s, new client served %s after freeing" % (
        total, accepted, cpu * 100, "works" if alive else "BROKEN",
        "%.0f ms" % (recovered * 1000) if recovered is not None else "never")


def admin_auth(server, call, token):
    """H2 (admin side): no or wrong token -> 401; wrong guesses from one address are slowed down (429 with a
    growing Retry-After after five), but the right token and the session cookie from that same address are
    never refused (issue 12.10: organisers share the venue's address); the token never appears in the log."""
    s1, _ = call("/api/status", auth=False)

    def connection():
        if server.tls:
            return http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=wsraw.CTX)
        return http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)

    def request(method, path, headers, body=None):
        c = connection()
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status, r.getheader("Retry-After"), r.getheader("Set-Cookie"), r.getheader("Location")

    wrong = [request("GET", "/api/status", {"Authorization": "Bearer " + "x" * len(token)}) for _ in range(8)]
    statuses = [w[0] for w in wrong]
    s3, _ = call("/api/status")
    login = request("POST", "/admin/login", {"Content-Type": "application/x-www-form-urlencoded"}, "token=" + token)
    cookie = (login[2] or "").split(";")[0]
    with_cookie = request("GET", "/api/status", {"Cookie": cookie})[0] if cookie else None
    after = request("GET", "/api/status", {"Authorization": "Bearer " + "y" * len(token)})
    leaked = token in server.read_log()
    ok = (s1 == 401 and statuses[:5] == [401] * 5 and statuses[5:] == [429] * 3 and s3 == 200 and login[0] == 303
          and with_cookie == 200 and after[0] == 429 and not leaked)
    return ok, ("no token %d; 8 wrong tokens %s (Retry-After %s); then the right token %d, login %d, its cookie %s, "
                "a wrong token still %d (Retry-After %s); token in log: %s") % (
        s1, "/".join(map(str, statuses)), "/".join(w[1] for w in wrong if w[1]), s3, login[0], with_cookie, after[0],
        after[1], "yes" if leaked else "no")
