"""Runs Mingle and its peers side by side (see scripts/bench --help)."""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402

ROOT = servers.ROOT
BASELINE = os.path.join(ROOT, "scripts", "bench-baseline.json")
PEERS = ["hummingbird", "flyingfox", "python", "nginx"]
TITLES = {"hummingbird": "Hummingbird", "flyingfox": "FlyingFox", "python": "Python", "nginx": "nginx"}


def cases(quick, big):
    """(id, mode, mingle-bench arguments, metrics as (key, better), the checked metric)."""
    d = ["--duration", "2" if quick else "5", "--warmup", "1"]
    idle_n = "2000" if quick else "5000"
    out = [
        ("echo_ws", "ws", ["echo", "-c", "50", "-p", "1", "-s", "32"] + d,
         [("server_cpu_us_per_msg", "lower"), ("latency_us_p99", "lower"), ("msgs_per_s", "higher")]),
        ("echo_wss", "wss", ["echo", "-c", "50", "-p", "1", "-s", "32", "--tls"] + d,
         [("server_cpu_us_per_msg", "lower"), ("latency_us_p99", "lower"), ("msgs_per_s", "higher")]),
        ("echo_deflate", "deflate", ["echo", "-c", "50", "-p", "1", "-s", "32", "--deflate"] + d,
         [("server_cpu_us_per_msg", "lower"), ("latency_us_p99", "lower"), ("msgs_per_s", "higher")]),
        ("idle_ws", "ws", ["idle", "-n", idle_n, "--sources", "4", "--duration", "2", "--warmup", "2"],
         [("server_kib_per_conn", "lower"), ("handshake_us_p50", "lower"), ("handshake_us_p99", "lower")]),
        ("idle_wss", "wss", ["idle", "-n", idle_n, "--sources", "4", "--tls", "--duration", "2", "--warmup", "2"],
         [("server_kib_per_conn", "lower"), ("handshake_us_p50", "lower"), ("handshake_us_p99", "lower")]),
        ("handshake_ws", "ws", ["handshake", "-c", "16", "--sources", "8"] + d,
         [("handshakes_per_s", "higher"), ("server_cpu_us_per_handshake", "lower"), ("capacity_per_s", "higher")]),
        ("handshake_wss", "wss", ["handshake", "-c", "16", "--sources", "8", "--tls"] + d,
         [("handshakes_per_s", "higher"), ("server_cpu_us_per_handshake", "lower"), ("capacity_per_s", "higher")]),
        # Returning browsers: each connection offers the ticket of the one before (TLS 1.3 resumption,
        # psk_dhe_ke as browsers send it, so still one X25519 exchange).
        ("handshake_wss_resumed", "wss", ["handshake", "-c", "16", "--sources", "8", "--tls", "--resume"] + d,
         [("handshakes_per_s", "higher"), ("server_cpu_us_per_handshake", "lower"), ("capacity_per_s", "higher")]),
    ]
    if big:
        out.append(("idle_wss_19k", "wss", ["idle", "-n", "19000", "--sources", "8", "--tls", "--concurrency", "100",
                                            "--duration", "5", "--warmup", "3", "--timeout", "300"],
                    [("server_kib_per_conn", "lower"), ("open", "higher"), ("handshake_us_p99", "lower")]))
    return out


def sh(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, cwd=ROOT, check=True, **kw)


def build(skip):
    paths = {"mingle": os.path.join(ROOT, ".build/release/mingle"),
             "bench": os.path.join(ROOT, ".build/release/mingle-bench"),
             "hummingbird": os.path.join(ROOT, "scripts/peers/.build/release/HummingbirdEcho"),
             "flyingfox": os.path.join(ROOT, "scripts/peers/.build/release/FlyingFoxEcho"),
             "python": os.environ.get("PY", sys.executable),
             "nginx": shutil.which("nginx") or "/usr/sbin/nginx"}
    if not skip:
        for product in ("mingle", "mingle-bench"):
            sh(["swift", "build", "-c", "release", "--product", product], stdout=sys.stderr)
        sh(["swift", "build", "-c", "release", "--package-path", "scripts/peers"], stdout=sys.stderr)
    return paths


def make_certificate(directory):
    """An ECDSA P-256 certificate for 127.0.0.1, made per run (nothing that expires is committed)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def run_load(paths, server, args, extra_timeout=60):
    cmd = ["taskset", "-c", servers.LOAD_CPU, paths["bench"]] + args + [
        "--port", str(server.port), "--server-pid", str(server.pid), "--label", server.name]
    budget = extra_timeout + sum(float(args[i + 1]) for i, a in enumerate(args) if a in ("--duration", "--warmup"))
    budget += float(args[args.index("--timeout") + 1]) if "--timeout" in args else 60
    print("+ " + " ".join(cmd[3:]), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=budget, preexec_fn=servers.raise_nofile)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        raise RuntimeError("mingle-bench failed (%s): %s" % (p.returncode, p.stderr[-1500:]))
    res = json.loads(lines[-1])
    # What one core of the server could do if the load tool were not the limit: 1 / CPU per operation.
    for per, cap in (("server_cpu_us_per_msg", "capacity_msgs_per_s"), ("server_cpu_us_per_handshake", "capacity_per_s")):
        if res.get(per):
            res[cap] = 1e6 / res[per]
    return res


def measure(paths, selected, names, runs, log_dir):
    """results[case][server] = list of JSON results, servers alternating from run to run."""
    results = {}
    for r in range(runs):
        for cid, mode, args, metrics in selected:
            if cid.endswith("_19k") and r > 0:
                continue  # the big idle run is long: once per invocation
            order = [n for n in names if mode in servers.MODES[n] and (n == "mingle" or cid != "idle_wss_19k")]
            order = order[r % len(order):] + order[:r % len(order)]
            for name in order:
                server = servers.Server(name, mode, paths, log_dir)
                try:
                    time.sleep(0.3)
                    res = run_load(paths, server, args)
                finally:
                    server.stop()
                results.setdefault(cid, {}).setdefault(name, []).append(res)
                brief = ", ".join("%s=%s" % (k, res.get(k)) for k, _ in metrics)
                print("[run %d/%d] %s %s: %s errors=%s" % (r + 1, runs, cid, name, brief, res.get("errors")),
                      file=sys.stderr, flush=True)
    return results


def medians(results, selected):
    out = {}
    for cid, _, _, metrics in selected:
        for name, runs in results.get(cid, {}).items():
            for key, _ in metrics:
                vals = [x[key] for x in runs if x.get(key) is not None]
                if vals:
                    out.setdefault(cid, {}).setdefault(name, {})[key] = statistics.median(vals)
            out.setdefault(cid, {}).setdefault(name, {})["errors"] = sum(x.get("errors", 0) for x in runs)
    return out


def ratios(med, selected):
    out = {}
    for cid, _, _, metrics in selected:
        m = med.get(cid, {}).get("mingle", {})
        for peer in PEERS:
            p = med.get(cid, {}).get(peer)
            if not p:
                continue
            for key, _ in metrics:
                if m.get(key) is not None and p.get(key):
                    out["%s/%s/%s" % (cid, peer, key)] = m[key] / p[key]
    return out


def measured_noise(results, rat, selected):
    """Per checked metric: the largest relative distance of one run's ratio (run i of Mingle over run i
    of the peer) from the stored ratio, over every peer: the run-to-run noise on this machine."""
    worst = {}
    for key, _ in checked_keys(rat, selected):
        cid, peer, metric = key.split("/")
        for m, p in zip(results[cid]["mingle"], results[cid][peer]):
            if m.get(metric) is not None and p.get(metric):
                worst[metric] = max(worst.get(metric, 0.0), abs((m[metric] / p[metric]) / rat[key] - 1))
    return worst


def resumption_ratios(med):
    """Per server: server CPU per resumed TLS handshake over that of a full one (medians, same run)."""
    full, resumed = med.get("handshake_wss", {}), med.get("handshake_wss_resumed", {})
    out = {}
    for name, r in resumed.items():
        a, b = r.get("server_cpu_us_per_handshake"), full.get(name, {}).get("server_cpu_us_per_handshake")
        if a and b:
            out[name] = a / b
    return out


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def table(med, rat, selected):
    lines = ["| case | metric | better | Mingle | " + " | ".join("%s | ratio" % TITLES[p] for p in PEERS) + " |",
             "|---|---|---|---:|" + "---:|---:|" * len(PEERS)]
    for cid, _, _, metrics in selected:
        if cid not in med:
            continue
        for key, better in metrics:
            row = [cid, key, better, fmt(med[cid].get("mingle", {}).get(key))]
            for peer in PEERS:
                row.append(fmt(med[cid].get(peer, {}).get(key)))
                r = rat.get("%s/%s/%s" % (cid, peer, key))
                row.append(("%.2fx" % r) if r is not None else "-")
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def machine():
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Linux %s" % (cpu, os.cpu_count(), platform.release())


CHECKED = {"echo": "server_cpu_us_per_msg", "idle": "server_kib_per_conn", "handshake": "server_cpu_us_per_handshake"}


def checked_keys(rat, selected):
    keys = []
    for cid, _, _, metrics in selected:
        want = CHECKED[cid.split("_")[0]]
        better = dict(metrics)[want]
        keys += [(k, better) for k in rat if k.startswith(cid + "/") and k.endswith("/" + want)]
    return keys


def check(rat, selected):
    with open(BASELINE) as f:
        base = json.load(f)
    failures = []
    for key, better in checked_keys(rat, selected):
        if key not in base["ratios"]:
            continue
        margin = base["margins"][key.split("/")[2]]
        b, now = base["ratios"][key], rat[key]
        worse = now > b * (1 + margin) if better == "lower" else now < b * (1 - margin)
        status = "REGRESSED" if worse else "ok"
        print("%-55s baseline %.3f now %.3f (%s, margin %.0f%%) %s" % (key, b, now, better, margin * 100, status))
        if worse:
            failures.append(key)
    return failures


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    ap.add_argument("--runs", type=int, default=3, help="runs per case and server (median taken)")
    ap.add_argument("--quick", action="store_true", help="shorter runs, fewer idle connections")
    ap.add_argument("--cases", default="", help="comma-separated case ids (default: all)")
    ap.add_argument("--servers", default="mingle," + ",".join(PEERS), help="comma-separated servers")
    ap.add_argument("--big", action="store_true", help="also 19,000 idle wss connections and 10,000 attendees")
    ap.add_argument("--attendees", type=int, default=0, help="run the attendees scenario with N attendees")
    ap.add_argument("--rooms", type=int, default=1, help="attendees spread over this many rooms whose rounds start at once")
    ap.add_argument("--attendees-tls", action="store_true", help="the attendees scenario over wss (a full TLS handshake each)")
    ap.add_argument("--storm", action="store_true",
                    help="the wss join storm: the attendees scenario over wss (a full TLS 1.3 handshake each), joins as fast as "
                         "the load tool can (1,000 in progress), then a network blip in which all reconnect at once with their "
                         "TLS session tickets and resume tokens (default 10,000 attendees; --attendees N to change)")
    ap.add_argument("--loops", type=int, default=1, help="Mingle's connection loops (pinned to CPUs 0..N-1; default 1)")
    ap.add_argument("--haproxy", action="store_true",
                    help="also TLS at HAProxy in front of plain Mingle: HAProxy's CPU per handshake and KiB per wss connection")
    ap.add_argument("--check", action="store_true", help="compare Mingle's ratios with scripts/bench-baseline.json")
    ap.add_argument("--update-baseline", action="store_true", help="write the ratios as the new baseline")
    ap.add_argument("--margin", type=float, help="noise margin to store with --update-baseline")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--out", help="write all results as JSON here")
    ap.add_argument("--from-results", help="re-read a JSON file written by --out instead of measuring")
    a = ap.parse_args()
    if a.runs < 1 or a.runs > 9:
        ap.error("--runs must be 1...9")

    servers.MINGLE_LOOPS = a.loops
    names = [n for n in a.servers.split(",") if n]
    if "nginx" in names and not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        print("[nginx] skipped: not installed (apt-get install nginx-light)", file=sys.stderr)
        names.remove("nginx")
    selected = [c for c in cases(a.quick, a.big) if not a.cases or c[0] in a.cases.split(",")]
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="mingle-bench-")
    attendees = None
    if a.from_results:
        with open(a.from_results) as f:
            saved = json.load(f)
        results, attendees, a.runs = saved["results"], saved.get("attendees"), saved["runs"]
        selected = [c for c in cases(False, True) if c[0] in results]
    else:
        paths = build(a.no_build)
        paths["cert"], paths["key"] = make_certificate(tmp)
        paths["state_dir"] = os.path.join(tmp, "state")
        results = measure(paths, selected, names, a.runs, tmp) if selected else {}
    if not a.from_results and (a.attendees or a.storm or (a.big and (not a.cases or "attendees" in a.cases))):
        import attendees as att
        attendees = att.run(paths, tmp, a.attendees or 10000, quick=a.quick, rooms=a.rooms, tls=a.attendees_tls or a.storm,
                            blip=a.storm, concurrency=1000 if a.storm else 200)
    proxied = None
    if a.haproxy and not a.from_results:
        import haproxy_tls
        proxied = haproxy_tls.run(paths, tmp, selected)
    med = medians(results, selected)
    rat = ratios(med, selected)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if a.from_results:
        when = saved["date"]
    print("\nMingle vs peers, medians of %d run(s), %s; %s; servers pinned to CPU %s (Mingle --loops %d: CPU %s), load tool to CPU %s; %.0f s"
          % (a.runs, when, machine(), servers.SERVER_CPU, a.loops, servers.server_cpus("mingle"), servers.LOAD_CPU, time.time() - started))
    print("ratio = Mingle / peer (below 1 is better for 'lower', above 1 for 'higher')\n")
    if med:
        print(table(med, rat, selected))
    resumption = resumption_ratios(med)
    if resumption:
        print("\nresumed / full TLS handshake, server CPU, same run: " +
              ", ".join("%s %.2fx" % (TITLES.get(n, n), r) for n, r in resumption.items()))
    if attendees:
        print("\nattendees: " + json.dumps(attendees))
    if proxied:
        for cid, res in proxied.items():
            print("\nTLS at HAProxy, %s (HAProxy's own figures): %s" % (cid, json.dumps(res)))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"date": when, "machine": machine(), "runs": a.runs, "results": results, "medians": med,
                       "ratios": rat, "resumption": resumption, "attendees": attendees, "loops": a.loops, "haproxy": proxied}, f, indent=1)
    status = 0
    if a.check:
        failures = check(rat, selected)
        print("check: %s" % ("FAILED: " + ", ".join(failures) if failures else "passed"))
        status = 1 if failures else 0
    if a.update_baseline:
        keep = {k: round(rat[k], 4) for k, _ in checked_keys(rat, selected)}
        noise = measured_noise(results, rat, selected)
        # 1.5 times the noise seen, at least 10%: a regression must stand out of what three runs showed.
        margins = {m: (a.margin if a.margin is not None else max(0.10, round(n * 1.5 + 0.005, 2)))
                   for m, n in noise.items()}
        for m in sorted(noise):
            print("run-to-run noise of %s ratios: %.1f%%; margin stored: %.0f%%" % (m, noise[m] * 100, margins[m] * 100))
        base = {"date": when, "machine": machine(), "runs": a.runs, "quick": a.quick,
                "measured_noise": {m: round(n, 4) for m, n in noise.items()}, "margins": margins, "ratios": keep}
        with open(BASELINE, "w") as f:
            json.dump(base, f, indent=1, sort_keys=True)
            f.write("\n")
        print("baseline written to %s" % os.path.relpath(BASELINE, ROOT))
    shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
