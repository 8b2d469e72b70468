#!/usr/bin/env python3
"""Real-client interop: Python `websockets` talks to Mingle's /echo over ws:// and wss://,
with and without permessage-deflate, and every message must come back byte-identical.

Run inside the test venv (scripts/test does this): python scripts/interop.py
"""
import asyncio
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import mingle_proc  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

SIZES = [0, 125, 126, 65535, 65536]


def payloads():
    for n in SIZES:
        yield ("text", ("é" * (n // 2) + "a" * (n % 2)))
        yield ("binary", bytes((i * 7 + 3) % 256 for i in range(n)))


async def exercise(url, compression):
    ctx = None
    if url.startswith("wss"):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    async with connect(url, ssl=ctx, compression="deflate" if compression else None,
                       max_size=2 ** 20, open_timeout=10, close_timeout=10) as ws:
        negotiated = ws.response.headers.get("Sec-WebSocket-Extensions")
        if compression and not negotiated:
            raise AssertionError("permessage-deflate was offered but not negotiated")
        if not compression and negotiated:
            raise AssertionError("an extension was negotiated without an offer: %r" % negotiated)
        count = 0
        for kind, message in payloads():
            await ws.send(message)
            reply = await asyncio.wait_for(ws.recv(), 10)
            if type(reply) is not type(message) or reply != message:
                raise AssertionError("%s of %d %s: reply differs" % (kind, len(message), url))
            count += 1
        await ws.close()
        if ws.close_code != 1000:
            raise AssertionError("close code %s" % ws.close_code)
        return count


def main():
    binary = mingle_proc.build()
    os.makedirs(os.path.join(mingle_proc.ROOT, "artifacts"), exist_ok=True)
    failures = 0
    passes = 0
    for transport in ("ws", "wss"):
        port = mingle_proc.free_port()
        flags = ["--host", "127.0.0.1", "--port", str(port), "--echo", "--no-event"]
        if transport == "ws":
            flags.append("--plain")
        log = os.path.join(mingle_proc.ROOT, "artifacts", "interop-%s.log" % transport)
        server = mingle_proc.Server(binary, flags, log)
        try:
            server.wait_listening()
            url = "%s://127.0.0.1:%d/echo" % (transport, port)
            for compression in (False, True):
                label = "%s %s" % (transport, "deflate" if compression else "plain")
                try:
                    n = asyncio.run(exercise(url, compression))
                    print("interop %-12s ok (%d messages byte-identical)" % (label, n))
                    passes += 1
                except Exception as e:  # report every combination, then fail
                    print("interop %-12s FAILED: %r" % (label, e))
                    failures += 1
        finally:
            server.stop()
    print("interop: %d passed, %d failed" % (passes, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
