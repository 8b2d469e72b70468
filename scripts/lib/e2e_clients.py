"""Scripted attendees and an admin client for the end-to-end scripts (wss with the development certificate)."""
import asyncio
import json
import os
import ssl
import time
import urllib.request

import mingle_proc

from websockets.asyncio.client import connect

TIMEOUT = 20

CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Attendee:
    """One attendee's socket: every message kept in `all`, and waited for by type with `expect`."""

    def __init__(self, index, region):
        self.index = index
        self.region = region
        self.name = "Attendee %02d" % index
        self.inbox = asyncio.Queue()
        self.all = []
        self.id = None
        self.token = None
        self.ws = None
        self.room = None
        self.closed_at = None  # time.monotonic() when the socket closed, and its close code
        self.close_code = None

    async def open(self, url, origin, ctx=CTX, **options):
        """Connects (a fresh inbox: what the last socket left unread is dropped); `options` go to `connect`."""
        self.inbox = asyncio.Queue()
        self.closed_at = self.close_code = None
        self.ws = await connect(url, ssl=ctx, origin=origin, open_timeout=TIMEOUT, **options)
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                m = json.loads(raw)
                self.all.append(m)
                await self.inbox.put(m)
        except Exception:
            pass
        self.closed_at = time.monotonic()
        self.close_code = self.ws.close_code or 1006

    async def send(self, **message):
        await self.ws.send(json.dumps(message))

    async def expect(self, type_, timeout=TIMEOUT):
        """Next message of `type_` (others are kept in `all`)."""
        while True:
            try:
                m = await asyncio.wait_for(self.inbox.get(), timeout)
            except asyncio.TimeoutError:
                raise AssertionError("%s: no %s within %d s" % (self.name, type_, timeout))
            if m["type"] == type_:
                return m
            if m["type"] == "error":
                raise AssertionError("%s got error %r while waiting for %s" % (self.name, m, type_))

    async def expect_one_of(self, *types, timeout=TIMEOUT):
        """The next message whose type is one of `types` (an `error` counts when listed)."""
        while True:
            try:
                m = await asyncio.wait_for(self.inbox.get(), timeout)
            except asyncio.TimeoutError:
                raise AssertionError("%s: none of %s within %d s" % (self.name, types, timeout))
            if m["type"] in types:
                return m

    async def close(self):
        await self.ws.close()


class Admin:
    """The admin API with the bearer token (POST when a body is given, else GET)."""

    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, path, body=None):
        req = urllib.request.Request(self.base + path, data=json.dumps(body or {}).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + self.token}, method="POST" if body is not None else "GET")
        with urllib.request.urlopen(req, context=CTX, timeout=TIMEOUT) as r:
            return json.loads(r.read())


def run_main(name, scenario, prefix):
    """Builds mingle, runs `scenario(binary, workdir)` (a coroutine function) in a fresh temporary folder,
    prints `<name>: passed` or what failed (keeping the folder's logs), and returns the exit status."""
    import shutil
    import tempfile
    import mingle_proc
    binary = mingle_proc.build()
    workdir = tempfile.mkdtemp(prefix=prefix)
    try:
        asyncio.run(scenario(binary, workdir))
    except Exception as e:
        print("%s FAILED: %r (logs in %s)" % (name, e, workdir))
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("%s: passed" % name)
    return 0


def check(cond, what, quiet=False):
    if not cond:
        raise AssertionError(what)
    if not quiet:
        print("  ok: " + what)


def write_event_files(workdir, port, event):
    """The event file and the settings every scripted run uses: TLS with a development certificate on
    127.0.0.1:`port`, state in `var`, one second between rounds."""
    with open(os.path.join(workdir, "event.json"), "w") as f:
        json.dump(event, f)
    settings = {"event": "event.json", "stateDirectory": "var", "listen": {"host": "127.0.0.1", "port": port},
                "tls": {"devCertificateDirectory": "certs"}, "mingling": {"pauseBetweenRoundsSeconds": 1}}
    with open(os.path.join(workdir, "server.json"), "w") as f:
        json.dump(settings, f)


class ScriptedServer:
    """`mingle serve --config <workdir>/server.json --seed SEED` on `port`, its log in the work directory."""

    def __init__(self, binary, workdir, seed):
        self.binary, self.workdir, self.seed = binary, workdir, seed
        self.port = mingle_proc.free_port()

    def start_server(self, n):
        server = mingle_proc.Server(self.binary, ["--config", os.path.join(self.workdir, "server.json"), "--seed", str(self.seed)],
                                    os.path.join(self.workdir, "server-%d.log" % n), cwd=self.workdir)
        server.wait_listening()
        return server

    @property
    def base(self):
        return "https://127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "wss://127.0.0.1:%d/ws" % self.port
