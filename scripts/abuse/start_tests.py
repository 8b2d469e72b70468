"""O1, one owner and loud starts: `mingle serve` on a port another process holds (another Mingle, or any
listener, with or without SO_REUSEPORT), on a state directory another server uses, or without its web
files, exits non-zero at once with a sentence that names the port, the directory and its holder's pid, or
the web files; the running server notices nothing."""
import json
import os
import socket
import subprocess
import time

import wsraw

START_TIMEOUT = 20.0


def refused_starts(env, running):
    d = os.path.join(env.workdir, "refused-starts")
    os.makedirs(d, exist_ok=True)
    no_web = os.path.join(d, "no-web.json")
    with open(no_web, "w") as f:
        json.dump({"publicDirectory": os.path.join(d, "absent")}, f)

    def start(name, args):
        t = time.time()
        r = subprocess.run([env.binary, "serve", "--host", "127.0.0.1", "--plain", "--no-event"] + args,
                           capture_output=True, text=True, timeout=START_TIMEOUT)
        return r.returncode, r.stdout + r.stderr, time.time() - t

    def fresh(name):
        return ["--state-dir", os.path.join(d, name)]

    foreign = []
    for reuse in (False, True):
        s = socket.socket()
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        foreign.append(s)
    cases = [
        ("port of a running Mingle", ["--port", str(running.port)] + fresh("a"),
         "port %d is already in use" % running.port),
        ("port of another listener", ["--port", str(foreign[0].getsockname()[1])] + fresh("b"),
         "port %d is already in use" % foreign[0].getsockname()[1]),
        ("port of an SO_REUSEPORT listener", ["--port", str(foreign[1].getsockname()[1])] + fresh("c"),
         "port %d is already in use" % foreign[1].getsockname()[1]),
        ("state directory in use", ["--port", "0", "--state-dir", running.state],
         "the state directory %s is in use by process %d" % (running.state, running.pid)),
        ("web files missing", ["--port", "0", "--config", no_web] + fresh("e"), "the web files cannot be loaded from"),
    ]
    results = []
    try:
        for name, args, expected in cases:
            rc, out, took = start(name, args)
            results.append((name, rc, expected in out, took, out.strip().splitlines()[-1:] if out.strip() else []))
    finally:
        for s in foreign:
            s.close()
    # The running server still answers.
    c = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, _, _ = wsraw.read_head(c)
    c.close()
    ok = all(rc not in (0, None) and said for _, rc, said, _, _ in results) and status == 200
    detail = "; ".join("%s: exit %s in %.2f s%s" % (name, rc, took, "" if said else " WITHOUT the message (%s)" % last)
                       for name, rc, said, took, last in results)
    return ok, detail + "; the running server answers %s" % status
