"""Abuse inside the WebSocket: huge declared lengths, fragment floods, decompression bombs,
ping/pong floods and resets at random points (descriptors and memory counted before and after)."""
import random
import socket
import ssl
import struct
import threading
import time

import wsraw
from env import mib

SYNC = b'{"type":"sync","clientTime":1}'


def _warm(server, tls=False, extensions=None):
    """A few ordinary connections first so one-time buffers are not counted as growth."""
    for _ in range(5):
        ws = wsraw.open_ws(server.port, tls, extensions=extensions)
        ws.send(wsraw.frame(1, SYNC))
        ws.next()
        ws.close()


def huge_lengths(server, repeat=30):
    """F9: 64-bit length with the top bit set -> 1002; 2^60 -> 1009; 64 KiB + 1 -> 1009; before
    allocating: RSS grows < 1 MiB over all of them."""
    pid = server.pid
    _warm(server)
    rss0 = wsraw.rss_kib(pid)
    cases = [("top bit", 1 << 63, 1002), ("2^60", 1 << 60, 1009), ("64 KiB+1", 65537, 1009)]
    got = {}
    for label, length, want in cases:
        codes = set()
        for _ in range(repeat):
            ws = wsraw.open_ws(server.port, False)
            head = struct.pack("!BBQ", 0x82, 0x80 | 127, length) + b"\x11\x22\x33\x44"
            ws.send(head + b"\x00" * 1024)
            codes.add(ws.close_code(5))
            ws.close()
        got[label] = (codes, want)
    growth = wsraw.rss_kib(pid) - rss0
    ok = all(codes == {want} for codes, want in got.values()) and growth < 1024
    return ok, ", ".join("%s %s" % (k, "/".join(str(c) for c in v[0])) for k, v in got.items()) + \
        "; RSS %s over %d connections" % (mib(growth), 3 * repeat)


def _send_tolerant(ws, data):
    try:
        ws.send(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def fragments(server):
    """F10: 100,000 one-byte fragments -> 1008 at the fragment limit; 2,000 empty fragments ->
    1008; a 64 KiB + 1 message in 2 fragments -> 1009; memory bounded."""
    pid = server.pid
    _warm(server)
    rss0 = wsraw.rss_kib(pid)
    results = []
    for label, frames in [
        ("100k x 1 B", [wsraw.frame(1, b"a", fin=False)] + [wsraw.frame(0, b"a", fin=False)] * 99_999),
        ("2000 empty", [wsraw.frame(1, b"", fin=False)] + [wsraw.frame(0, b"", fin=False)] * 1_999),
        ("2 x 32 KiB+1", [wsraw.frame(1, b"a" * 32768, fin=False), wsraw.frame(0, b"a" * 32769)]),
    ]:
        start = time.time()
        ws = wsraw.open_ws(server.port, False)
        t = threading.Thread(target=_send_tolerant, args=(ws, b"".join(frames)))
        t.start()
        code = ws.close_code(10)
        t.join(10)
        ws.close()
        results.append((label, code, time.time() - start))
    growth = wsraw.rss_kib(pid) - rss0
    ok = [c for _, c, _ in results] == [1008, 1008, 1009] and growth < 2048
    return ok, ", ".join("%s %s in %.2f s" % r for r in results) + "; RSS %s" % mib(growth)


def bombs(server):
    """C1/C2: a 16 KiB frame that inflates to 16 MiB, a ~64 KiB one to 64 MiB, and the 16 MiB bomb
    spread over fragments: 1009 each, RSS growth < 2 MiB."""
    pid = server.pid
    offer = "permessage-deflate; client_max_window_bits"
    _warm(server, extensions=offer)
    small = wsraw.deflate_message(b"\x00" * (16 << 20))
    big = wsraw.deflate_message(b"\x00" * (64 << 20))
    third = len(small) // 3
    cases = [
        ("16 MiB in %d B" % len(small), [wsraw.frame(1, small, rsv1=True)]),
        ("64 MiB in %d B" % len(big), [wsraw.frame(1, big, rsv1=True)]),
        ("16 MiB over 3 fragments", [wsraw.frame(1, small[:third], fin=False, rsv1=True),
                                     wsraw.frame(0, small[third:2 * third], fin=False),
                                     wsraw.frame(0, small[2 * third:])]),
    ]
    rss0 = wsraw.rss_kib(pid)
    peak = rss0
    results = []
    negotiated = True
    for label, frames in cases:
        for _ in range(5):
            ws = wsraw.open_ws(server.port, False, extensions=offer)
            negotiated &= "permessage-deflate" in ws.head
            start = time.time()
            _send_tolerant(ws, b"".join(frames))
            code = ws.close_code(10)
            took = time.time() - start
            peak = max(peak, wsraw.rss_kib(pid))
            ws.close()
        results.append((label, code, took * 1000))
    growth = wsraw.rss_kib(pid) - rss0
    ok = negotiated and all(c == 1009 for _, c, _ in results) and growth < 2048
    return ok, ", ".join("%s -> %s in %.0f ms" % r for r in results) + \
        "; RSS %s after 15 bombs (peak %s)" % (mib(growth), mib(peak - rss0))


def ping_pong_floods(server):
    """F11: 10,000 pings as fast as they can be written (pongs answered, or 1008), then 100,000
    unsolicited pongs: RSS flat, the connection still answers."""
    pid = server.pid
    _warm(server)
    ws = wsraw.open_ws(server.port, False)
    ws.next()  # hello
    rss0 = wsraw.rss_kib(pid)
    n = 10_000
    pongs = {"n": 0, "close": None}

    def reader():
        ws.sock.settimeout(10)
        try:
            while pongs["n"] < n:
                op, _ = ws.next()
                if op == 10:
                    pongs["n"] += 1
                elif op == 8:
                    pongs["close"] = "close"
                    return
        except (EOFError, OSError):
            pongs["close"] = "eof"
    t = threading.Thread(target=reader)
    t.start()
    start = time.time()
    ws.send(b"".join(wsraw.frame(9, b"p%07d" % i) for i in range(n)))
    t.join(15)
    ping_time = time.time() - start
    rss1 = wsraw.rss_kib(pid)
    start = time.time()
    ws.send(wsraw.frame(10, b"unsolicited pong") * 100_000)
    ws.send(wsraw.frame(1, SYNC))
    ws.sock.settimeout(10)
    op, payload = ws.next()
    while op != 1:
        op, payload = ws.next()
    pong_time = time.time() - start
    alive = b'"sync"' in payload
    rss2 = wsraw.rss_kib(pid)
    ws.close()
    ok = (pongs["n"] == n or pongs["close"] == "close") and alive and rss1 - rss0 < 1024 and rss2 - rss1 < 1024
    return ok, "%d pings -> %d pongs in %.2f s (RSS %s); 100k pongs in %.2f s (RSS %s), then sync %s" % (
        n, pongs["n"], ping_time, mib(rss1 - rss0), pong_time, mib(rss2 - rss1), "answered" if alive else "LOST")


def _conversation(port):
    """Bytes of a plain session with compression: upgrade, a sync, a compressed message."""
    body = wsraw.frame(1, SYNC) + wsraw.frame(1, wsraw.deflate_message(SYNC * 200), rsv1=True)
    return wsraw.upgrade_request(port, extensions="permessage-deflate"), body


def _tls_pieces(port, rng):
    """Drives a TLS client through memory BIOs so the cut can fall anywhere: mid-handshake
    (inside a record) or inside the ciphertext of the request or a frame."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = wsraw.CTX.wrap_bio(inc, out, server_hostname="localhost")
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    phase = rng.random()
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    if phase < 0.3:
        s.sendall(hello[:rng.randrange(len(hello) + 1)])
        return s
    s.sendall(hello)
    while True:
        data = s.recv(65536)
        if not data:
            return s
        inc.write(data)
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            pending = out.read()
            if pending:
                s.sendall(pending)
    fin = out.read()
    if phase < 0.45:
        s.sendall(fin[:rng.randrange(len(fin) + 1)])
        return s
    s.sendall(fin)
    head, body = wsraw.upgrade_request(port), wsraw.frame(1, SYNC * 50)
    obj.write(head + body)
    cipher = out.read()
    s.sendall(cipher[:rng.randrange(len(cipher) + 1)])
    return s


def resets(plain, tls, plain_n=8000, tls_n=2000, seed=6455):
    """R8: RST at random points (mid-handshake, mid-TLS record, mid-frame, mid-inflate): the
    descriptor count returns to baseline and RSS stays flat."""
    rng = random.Random(seed)
    _warm(plain, extensions="permessage-deflate")
    results = []
    for server, n in ((plain, plain_n), (tls, tls_n)):
        pid = server.pid
        base_fds, rss0 = wsraw.fd_count(pid), wsraw.rss_kib(pid)
        start = time.time()
        for _ in range(n):
            if server is plain:
                head, body = _conversation(server.port)
                s = wsraw.connect(server.port, False)
                data = head + body
                cut = rng.randrange(len(data) + 1)
                s.sendall(data[:cut])
                if cut > len(head) and rng.random() < 0.5:
                    time.sleep(0.001)  # let the server reach the upgrade before the reset
            else:
                s = _tls_pieces(server.port, rng)
            wsraw.reset(s)
        fds = wsraw.settle(pid, base_fds)
        results.append((n, "plain" if server is plain else "TLS", time.time() - start, base_fds, fds,
                        wsraw.rss_kib(pid) - rss0))
    ok = all(fds <= base for _, _, _, base, fds, _ in results) and all(g < 4096 for *_, g in results)
    return ok, "; ".join("%d %s resets in %.1f s: fds %d -> %d, RSS %s" % (n, k, t, b, f, mib(g))
                         for n, k, t, b, f, g in results)
