"""TLS at HAProxy (scripts/deploy/haproxy.cfg's default mode) for sizing the proxy's node: HAProxy 2.6 with one
thread, pinned to CPU 0 with Mingle (plain, --echo) behind it; the load tool on CPU 1 measures HAProxy's own
CPU per full TLS 1.3 handshake + upgrade and its memory per open wss connection (`--server-pid` is HAProxy)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import servers

CONFIG = """global
    maxconn 9000
    nbthread 1
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind 127.0.0.1:{port} ssl crt {pem} alpn http/1.1
    option forwardfor
    default_backend mingle
backend mingle
    server m 127.0.0.1:{backend}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HAProxy:
    def __init__(self, tmp, cert, key, backend_port):
        self.port = free_port()
        pem = os.path.join(tmp, "haproxy.pem")
        with open(pem, "w") as f:
            f.write(open(cert).read() + open(key).read())
        cfg = os.path.join(tmp, "haproxy-bench.cfg")
        with open(cfg, "w") as f:
            f.write(CONFIG.format(port=self.port, pem=pem, backend=backend_port))
        self.log = open(os.path.join(tmp, "haproxy-bench.log"), "wb")
        self.proc = subprocess.Popen(["taskset", "-c", servers.SERVER_CPU, "haproxy", "-db", "-f", cfg],
                                     stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=servers.raise_nofile)
        self.pid = self.proc.pid
        self.name = "haproxy"
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("haproxy did not start listening")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run(paths, tmp, cases):
    """{case id: result} for the handshake_wss and idle_wss cases, HAProxy being the measured server."""
    from bench import run_load  # noqa: late import
    if not shutil.which("haproxy"):
        print("[haproxy] skipped: no haproxy", file=sys.stderr)
        return {}
    out = {}
    for cid, mode, args, _ in cases:
        if cid not in ("handshake_wss", "idle_wss"):
            continue
        mingle = servers.Server("mingle", "ws", paths, tmp)
        proxy = HAProxy(tmp, paths["cert"], paths["key"], mingle.port)
        try:
            time.sleep(0.3)
            out[cid] = run_load(paths, proxy, args)
        finally:
            proxy.stop()
            mingle.stop()
        print("[haproxy] %s: %s" % (cid, out[cid]), file=sys.stderr, flush=True)
    return out
