#!/usr/bin/env python3
"""Abuse and fault tests against real `mingle serve` processes on 127.0.0.1: the failure modes no
other suite proves (slow and broken clients, floods, bombs, resets, descriptor exhaustion, signals;
README "Testing" lists them), plus the hardening list. Each test prints one line with
its measured figure; the last line is `N passed, N failed`; the exit code is non-zero on failure.

    scripts/abuse.py [--binary PATH] [--only NAME[,NAME]] [--keep]

Proven elsewhere (not repeated here): Origin 403 cases, one-write handshake, plain HTTP to the TLS
port, 426, dead peer 1011 and certificate reload (Tests/MingleServerTests), frame/UTF-8/fragment
rules (Tests/WebSocketTests), Autobahn (scripts/autobahn), fuzzing (scripts/fuzz)."""
import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "abuse"))
sys.path.insert(0, os.path.join(HERE, "lib"))
import activation  # noqa: E402
import app_tests  # noqa: E402
import env as abuse_env  # noqa: E402
import frame_tests  # noqa: E402
import http_tests  # noqa: E402
import mingle_proc  # noqa: E402
import start_tests  # noqa: E402
import storm_tests  # noqa: E402

BASE_LIMITS = {"handshakeTimeoutSeconds": abuse_env.HANDSHAKE_TIMEOUT, "slowConsumerTimeoutSeconds": 5}


def plan(e):
    """(name, thunk) in running order; servers start lazily and are shared."""
    cache = {}

    def server(name):
        if name not in cache:
            if name == "plain":
                cache[name] = e.start("plain", {"compression": True, "limits": BASE_LIMITS})
            elif name == "tls":
                cache[name] = e.start("tls", {"limits": BASE_LIMITS}, plain=False)
            elif name == "limit":
                cache[name] = e.start("limit", {"loops": 1, "limits": {"maxConnections": 20}}, event=False)
            elif name == "emfile":
                wrapper = os.path.join(e.workdir, "mingle-nofile-256")
                with open(wrapper, "w") as f:
                    f.write('#!/bin/sh\nexec prlimit --nofile=256 "%s" "$@"\n' % e.binary)
                os.chmod(wrapper, 0o755)
                cache[name] = e.start("emfile", {"loops": 1, "limits": {"handshakeTimeoutSeconds": 30}},
                                      event=False, binary=wrapper)
        return cache[name]

    def admin(name):
        key = name + "-admin"
        if key not in cache:
            cache[key] = abuse_env.admin(server(name))
        return cache[key]

    return [
        ("slowloris plain", lambda: http_tests.slowloris(server("plain"))),
        ("slowloris TLS", lambda: http_tests.slowloris(server("tls"))),
        ("TLS handshake never finished", lambda: http_tests.tls_stalled(server("tls"))),
        ("oversized heads", lambda: http_tests.oversized_heads(server("plain"))),
        ("huge frame lengths", lambda: frame_tests.huge_lengths(server("plain"))),
        ("fragment floods", lambda: frame_tests.fragments(server("plain"))),
        ("decompression bombs", lambda: frame_tests.bombs(server("plain"))),
        ("ping and pong floods", lambda: frame_tests.ping_pong_floods(server("plain"))),
        ("stuck reader during broadcasts", lambda: app_tests.stuck_reader(server("plain"), admin("plain")[0])),
        ("half-closed connections", lambda: http_tests.half_closed(server("plain"))),
        ("resets at random points", lambda: frame_tests.resets(server("plain"), server("tls"))),
        ("connection limit", lambda: http_tests.connection_limit(server("limit"), 20)),
        ("EMFILE", lambda: http_tests.emfile(server("emfile"))),
        ("message flood", lambda: app_tests.flood(server("plain"))),
        ("admin auth", lambda: http_tests.admin_auth(server("tls"), *admin("tls"))),
        ("one owner per port and state directory, loud starts", lambda: start_tests.refused_starts(e, server("plain"))),
        ("SIGTERM under load", lambda: app_tests.sigterm(e)),
        ("SIGHUP with broken files", lambda: app_tests.sighup(e)),
        ("reconnect storm after restart", lambda: storm_tests.reconnect_storm(e)),
        ("restart with socket activation", lambda: activation.restart_with_activation(e)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", help="mingle binary (default: build the release product)")
    ap.add_argument("--only", help="comma-separated test names (substring match)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder with the server logs")
    args = ap.parse_args()
    binary = args.binary or mingle_proc.build("release")
    workdir = tempfile.mkdtemp(prefix="mingle-abuse-")
    e = abuse_env.Env(binary, workdir)
    passed = failed = 0
    started = time.time()
    try:
        for name, thunk in plan(e):
            if args.only and not any(w.strip() in name for w in args.only.split(",")):
                continue
            t0 = time.time()
            try:
                ok, figure = thunk()
            except Exception as ex:  # noqa: BLE001
                ok, figure = False, "error: %r" % ex
                traceback.print_exc()
            print("%s %s: %s (%.1f s)" % ("PASS" if ok else "FAIL", name, figure, time.time() - t0), flush=True)
            passed += ok
            failed += not ok
    finally:
        gone = [s.label for s in e.servers if s.proc.poll() is not None and not s.stopped_on_purpose]
        codes = e.stop_all()
    # Every server a test did not stop must still be running at the end, and all exit 0 (nothing crashed).
    crashed = [label for label, rc in codes.items() if rc not in (0, None)]
    ok = not crashed and not gone
    print("%s servers survived and exited 0: %s" % ("PASS" if ok else "FAIL", ", ".join(
        "%s=%s" % (label, rc) for label, rc in codes.items())))
    passed += ok
    failed += not ok
    print("%d passed, %d failed (%.0f s; logs in %s)" % (passed, failed, time.time() - started,
                                                        workdir if (failed or args.keep) else "removed"))
    if not failed and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
