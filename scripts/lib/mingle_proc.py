"""Start and stop a Mingle server for scripts and tests (127.0.0.1 only, ephemeral ports)."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(configuration="debug"):
    """Builds the `mingle` product; returns the binary path."""
    cmd = ["swift", "build", "-c", configuration, "--product", "mingle"]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=sys.stderr)
    out = subprocess.run(cmd + ["--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return os.path.join(out.stdout.strip().splitlines()[-1], "mingle")


class Server:
    """A running `mingle serve`; its stderr goes to `log_path`."""

    def __init__(self, binary, args, log_path, env=None, cwd=ROOT):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen([binary, "serve"] + args, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, **(env or {})))
        self.port = None

    def wait_listening(self, timeout=30):
        """Waits until the log says it listens; returns the port."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %s; log:\n%s" % (self.proc.returncode, self.read_log()))
            # `--log-format text` (the default) or `json`.
            m = re.search(r'listening .*?port=(\d+)|"event":"listening".*?"port":"(\d+)"', self.read_log())
            if m:
                self.port = int(m.group(1) or m.group(2))
                return self.port
            time.sleep(0.05)
        raise RuntimeError("server did not start listening; log:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode
