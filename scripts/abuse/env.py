"""The servers the abuse tests run against, each on an ephemeral 127.0.0.1 port with its own
state directory, and a few helpers shared by the test files."""
import http.client
import json
import os
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import mingle_proc  # noqa: E402
import test_event  # noqa: E402

HANDSHAKE_TIMEOUT = 3


def make_certificate(directory, name):
    """A throwaway ECDSA P-256 certificate for localhost (two days)."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost-" + name],
                   check=True, capture_output=True)
    return cert, key


class Env:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.servers = []

    def start(self, name, settings, plain=True, event=True, extra=(), binary=None, listen_socket=None):
        """Starts `mingle serve` with a settings file; returns the running Server (with .port, .pid,
        .state, .event_path, .tls, .label). Every server has its own state directory (one server per
        state directory). With `listen_socket` it is socket-activated on it (see mingle_proc.Server)."""
        d = os.path.join(self.workdir, name)
        os.makedirs(d, exist_ok=True)
        cfg = os.path.join(d, "server.json")
        with open(cfg, "w") as f:
            json.dump(settings, f)
        args = ["--host", "127.0.0.1", "--port", "0", "--config", cfg] + (["--plain"] if plain else [])
        event_path = os.path.join(d, "event.json")
        args += ["--state-dir", os.path.join(d, "var")]
        if event:
            test_event.write(event_path, starts_in=3600)
            args += ["--event", event_path]
        else:
            args += ["--no-event", "--echo"]
        s = mingle_proc.Server(binary or self.binary, args + list(extra), os.path.join(d, "server.log"),
                               listen_socket=listen_socket)
        s.wait_listening()
        s.pid = s.proc.pid
        s.tls = not plain
        s.state = os.path.join(d, "var")
        s.event_path = event_path
        s.dir = d
        s.label = name
        s.binary = binary or self.binary
        s.args = args + list(extra)
        s.listen_socket = listen_socket
        s.stopped_on_purpose = False  # a test that stops its server sets this
        self.servers.append(s)
        return s

    def restart(self, old, label):
        """Starts a new process like `old` (which must have exited) on its port, with its settings,
        event and state directory; its log goes to `label`.log next to the first one. The Server has
        .spawned_at, the time just before the process was started."""
        args = list(old.args)
        args[args.index("--port") + 1] = str(old.port)
        spawned_at = time.time()
        s = mingle_proc.Server(old.binary, args, os.path.join(old.dir, label + ".log"), listen_socket=old.listen_socket)
        s.spawned_at = spawned_at
        for name in ("tls", "state", "event_path", "dir", "binary", "args", "listen_socket"):
            setattr(s, name, getattr(old, name))
        s.label = label
        s.stopped_on_purpose = False
        self.servers.append(s)  # before waiting, so a server that never listens is still stopped
        s.wait_listening()
        s.pid = s.proc.pid
        return s

    def stop_all(self):
        """Stops every server; returns {label: exit code}."""
        codes = {}
        for s in self.servers:
            codes[s.label] = s.stop()
        return codes


def admin(server):
    """A keep-alive connection to the admin API with its bearer token."""
    token = open(os.path.join(server.state, "admin-token")).read().strip()
    if server.tls:
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=_ctx(), timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    def call(path, body=None, auth=True):
        headers = {"Authorization": "Bearer " + token} if auth else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request("POST" if body is not None else "GET", path, json.dumps(body) if body is not None else None,
                     headers)
        r = conn.getresponse()
        return r.status, r.read()
    return call, token


def _ctx():
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def mib(kib):
    return "%+.1f MiB" % (kib / 1024.0)
