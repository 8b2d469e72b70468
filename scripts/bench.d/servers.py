"""Starting and stopping the servers under test, each pinned to CPU 0 (Mingle with --loops N to CPUs
0..N-1) on 127.0.0.1."""
import os
import re
import resource
import signal
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

# Which transport modes each server takes part in.
MODES = {
    "mingle": ("ws", "wss", "deflate"),
    "hummingbird": ("ws", "wss", "deflate"),
    "flyingfox": ("ws",),
    "python": ("ws", "wss", "deflate"),
}


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """One running server: `name` in MODES, `mode` one of ws/wss/deflate."""

    def __init__(self, name, mode, paths, log_dir):
        self.name, self.mode = name, mode
        self.log_path = os.path.join(log_dir, "%s-%s.log" % (name, mode))
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
