"""Starting and stopping the servers under test, each pinned to CPU 0 (Mingle with --loops N to CPUs
0..N-1) on 127.0.0.1."""
import os
import re
import resource
import signal
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER_CPU = "0"
LOAD_CPU = "1"
# Mingle's connection loops (`--loops`); with more than one, the server may use CPUs 0..N-1 (sharing
# CPU 1 with the load tool on a 2-core machine: per-operation CPU stays comparable, rates do not).
MINGLE_LOOPS = 1


def server_cpus(name):
    if name != "mingle" or MINGLE_LOOPS <= 1:
        return SERVER_CPU
    return ",".join(str(c) for c in range(min(MINGLE_LOOPS, os.cpu_count() or 1)))

# Which transport modes each server takes part in. nginx is a TLS peer only: it terminates TLS in front
# of a plain echo server (Mingle --plain --echo), and its own process is the one measured.
MODES = {
    "mingle": ("ws", "wss", "deflate"),
    "hummingbird": ("ws", "wss", "deflate"),
    "flyingfox": ("ws",),
    "python": ("ws", "wss", "deflate"),
    "nginx": ("wss",),
}

# nginx as Debian ships it, one process (no master), the bench's certificate, TLS 1.2 and 1.3 with
# Mozilla's intermediate suites (as Mingle), WebSocket upgrades proxied to the echo backend. Everything
# else is nginx's default: session tickets on (two per full TLS 1.3 handshake), no session cache.
NGINX_CONFIG = """daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 30000; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream echo {{ server 127.0.0.1:{backend}; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_prefer_server_ciphers off;
        location / {{
            proxy_pass http://echo;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }}
    }}
}}
"""


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One running server: `name` in MODES, `mode` one of ws/wss/deflate."""

    def __init__(self, name, mode, paths, log_dir):
        self.name, self.mode = name, mode
        self.log_path = os.path.join(log_dir, "%s-%s.log" % (name, mode))
        self.backend = None
        if name == "nginx":
            # The plain echo server behind nginx shares CPU 0 with it; only nginx's process is measured.
            self.backend = Server("mingle", "ws", paths, log_dir)
            self.nginx_port = free_port()
            paths = dict(paths, nginx_dir=log_dir, nginx_port=self.nginx_port, nginx_backend=self.backend.port)
        cmd = self.command(name, mode, paths)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["taskset", "-c", server_cpus(name)] + cmd, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=raise_nofile,
                                     env=dict(os.environ, MINGLE_ADMIN_TOKEN=paths.get("admin_token", "")))
        self.port = self.wait_listening()
        self.pid = self.proc.pid  # taskset execs the server, so this is the server's PID

    @staticmethod
    def command(name, mode, p):
        tls = mode == "wss"
        if name == "mingle":
            cmd = [p["mingle"], "serve", "--echo", "--host", "127.0.0.1", "--port", "0", "--loops", str(MINGLE_LOOPS),
                   "--state-dir", p["state_dir"]]
            cmd += ["--event", p["event"]] if p.get("event") else ["--no-event"]
            return cmd + (["--cert", p["cert"], "--key", p["key"]] if tls else ["--plain"])
        if name == "nginx":
            conf = os.path.join(p["nginx_dir"], "nginx-bench.conf")
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.makedirs(os.path.join(p["nginx_dir"], sub), exist_ok=True)
            with open(conf, "w") as f:
                f.write(NGINX_CONFIG.format(dir=p["nginx_dir"], port=p["nginx_port"], backend=p["nginx_backend"],
                                            cert=p["cert"], key=p["key"]))
            return [p.get("nginx", "nginx"), "-c", conf, "-p", p["nginx_dir"]]
        if name == "hummingbird":
            cmd = [p["hummingbird"], "0"]
        elif name == "flyingfox":
            cmd = [p["flyingfox"], "0"]
        elif name == "python":
            cmd = [p["python"], os.path.join(ROOT, "scripts", "bench.d", "py_echo.py"), "0"]
        else:
            raise ValueError(name)
        if tls:
            cmd += ["--cert", p["cert"], "--key", p["key"]]
        if mode == "deflate":
            cmd.append("--deflate")
        return cmd

    def read_log(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def wait_listening(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s:\n%s" % (self.name, self.proc.returncode, self.read_log()[-2000:]))
            if self.name == "nginx":
                port = self.nginx_port
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    return port
                except OSError:
                    time.sleep(0.05)
                    continue
            m = re.search(r"listening .*?port=(\d+)|listening port=(\d+)", self.read_log())
            if m:
                return int(m.group(1) or m.group(2))
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("%s did not start listening:\n%s" % (self.name, self.read_log()[-2000:]))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        if self.backend:
            self.backend.stop()
