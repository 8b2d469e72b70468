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


# What systemd does for a socket-activated service, in one exec: the listening socket becomes fd 3 and
# LISTEN_PID names the process itself (exec keeps the pid), LISTEN_FDS=1 (sd_listen_fds(3)).
ACTIVATION_WRAPPER = ("import os, sys; os.dup2(int(sys.argv[1]), 3); "
                      "os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS='1'); os.execv(sys.argv[2], sys.argv[2:])")


class Server:
    """A running `mingle serve`; its stderr goes to `log_path`. With `listen_socket` (a listening socket the
    caller keeps open, as systemd keeps a .socket unit's), the server is started socket-activated on it."""

    def __init__(self, binary, args, log_path, env=None, cwd=ROOT, listen_socket=None):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        cmd, fds = [binary, "serve"] + args, ()
        if listen_socket is not None:
            fd = listen_socket.fileno()
            cmd, fds = [sys.executable, "-c", ACTIVATION_WRAPPER, str(fd)] + cmd, (fd,)
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, pass_fds=fds,
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
