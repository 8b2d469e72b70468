#!/usr/bin/env bash
# Profiles the release server with callgrind under one load-tool scenario (instruction counts are
# repeatable whatever else the machine does). Usage:
#   scripts/bench.d/profile.sh OUT_DIR plain|tls -- mingle-bench arguments (without --port)
# e.g. scripts/bench.d/profile.sh /tmp/prof plain -- echo -c 50 -p 1 -s 32 --duration 3 --warmup 1
# With PROFILE_EVENT=FILE the server runs that event instead of --no-event (for the attendees
# scenario; pass the admin token in MINGLE_ADMIN_TOKEN and to mingle-bench). PROFILE_BINARY=PATH
# profiles another build of mingle (e.g. one made from an older commit) with the same load tool.
# Writes OUT_DIR/callgrind.out and OUT_DIR/annotate.txt (inclusive, then self cost).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$1"; mode="$2"; shift 3
mkdir -p "$out"
rm -f "$out/callgrind.out" "$out/server.log"
transport=(--plain)
if [ "$mode" = tls ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/key.pem" -out "$out/cert.pem" \
        -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    transport=(--cert "$out/cert.pem" --key "$out/key.pem")
fi
ulimit -n "$(ulimit -Hn)"
event_args=(--no-event)
[ -n "${PROFILE_EVENT:-}" ] && event_args=(--event "$PROFILE_EVENT")
# valgrind 3.19 cannot read this toolchain's DWARF 5; the symbol table is enough for function costs.
objcopy --strip-debug "${PROFILE_BINARY:-.build/release/mingle}" "$out/mingle"
# The web files travel with the binary (a start without them stops, saying so).
binary_dir=$(dirname "${PROFILE_BINARY:-.build/release/mingle}")
rm -rf "$out"/*.resources; cp -r "$binary_dir"/*.resources "$out/"
taskset -c 0 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" \
    "$out/mingle" serve --echo "${event_args[@]}" --host 127.0.0.1 --port 0 --loops 1 --state-dir "$out/state" \
    "${transport[@]}" >"$out/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q 'listening .*port=' "$out/server.log" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o 'listening .*port=[0-9]*' "$out/server.log" | grep -o 'port=[0-9]*' | cut -d= -f2)
extra=(); [ "$mode" = tls ] && extra=(--tls)
# Count only the steady state: the counters are zeroed once the load tool has warmed up (its
# --warmup, instrumentation switched on) and stop when it ends, so start-up (dynamic linking,
# conformance caches) is left out.
taskset -c 1 .build/release/mingle-bench "$@" "${extra[@]}" --port "$port" --server-pid "$pid" --timeout 120 \
    > "$out/result.json" &
bench=$!
warm=$(printf '%s\n' "$@" | grep -A1 -x -- --warmup | tail -1)
sleep "${warm:-1}"
callgrind_control -i on "$pid" >/dev/null
wait "$bench"
callgrind_control -i off "$pid" >/dev/null
cat "$out/result.json"
kill -TERM "$pid"; wait "$pid" || true
data="$out/callgrind.out"
# `|| true`: head closes the pipe early, and under pipefail callgrind_annotate's SIGPIPE ended the script.
callgrind_annotate --inclusive=yes "$data" 2>/dev/null | head -70 > "$out/annotate.txt" || true
# Per operation: the instruction total over what the load tool counted in the same window.
total=$(callgrind_annotate "$data" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
ops=$(grep -o '"\(handshakes\|messages\|joined\)":[0-9]*' "$out/result.json" | head -1 | cut -d: -f2)
[ -n "$ops" ] && [ "$ops" -gt 0 ] && echo "instructions per operation: $((total / ops)) ($total over $ops)" | tee -a "$out/annotate.txt"
echo "--- self" >> "$out/annotate.txt"
callgrind_annotate "$data" 2>/dev/null | head -50 >> "$out/annotate.txt" || true
echo "profile: $out/annotate.txt"
