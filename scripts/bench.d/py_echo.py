"""Python `websockets` echo server for scripts/bench: echo on every path.

Usage: py_echo.py PORT [--cert CERT --key KEY] [--deflate]
Prints `listening port=N` once it accepts connections. Compression is off unless --deflate
(websockets enables permessage-deflate by default; the plain runs compare plain echo)."""
import asyncio
import ssl
import sys

from websockets.asyncio.server import serve


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def main():
    args = sys.argv[1:]
    port = int(args[0])
    tls = None
    if "--cert" in args:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args[args.index("--cert") + 1], args[args.index("--key") + 1])
    compression = "deflate" if "--deflate" in args else None
    async with serve(echo, "127.0.0.1", port, ssl=tls, compression=compression, max_size=1 << 22,
                     ping_interval=None) as server:
        bound = server.sockets[0].getsockname()[1]
        print("listening port=%d" % bound, flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main())
