#!/usr/bin/env python3
"""QR decode round trip: our encoder against an independent decoder (zbarimg, Debian zbar-tools).

Encodes 50 random room links (seeded; from a short /r/<id> to ~1,200 bytes, versions 1 to ~38;
all four error-correction levels; some non-ASCII, which goes out with a UTF-8 ECI header) with the
`qr-render` tool (Sources/qr-render), then
decodes every symbol twice: the SVG as served (rasterised by rsvg-convert, Debian librsvg2-bin)
and the module matrix drawn directly as a PGM. Each must decode to exactly the input bytes.

Usage: scripts/qr-roundtrip.py [--seed N] [--count N] [--binary PATH] [--keep DIR]
Skips (exit 0, with a message) where zbarimg is missing; without rsvg-convert only the matrix
path runs. Standard library only.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEVELS = "LMQH"
SCALE = 4            # pixels per module in the images handed to the decoder
QUIET_ZONE = 4       # modules of light margin, as the SVG writer draws


def random_links(rng, count):
    """Room links a server could print, of very different lengths."""
    id_chars = "abcdefghijklmnopqrstuvwxyz0123456789-"
    hosts = ["mingle.example.org", "m.example.no", "events.example.com:8443", "127.0.0.1:8080"]
    words = ["workshop", "plenary", "room", "hall", "møterom", "salle-été", "会議室", "b", "2-14"]
    links = []
    for i in range(count):
        host = rng.choice(hosts)
        if i % 10 == 9:          # a few large ones: high versions, version information, many blocks
            room = "".join(rng.choice(id_chars) for _ in range(rng.randrange(300, 1200)))
        elif i % 5 == 4:         # long ids, query strings
            room = "-".join(rng.choice(words) for _ in range(rng.randrange(3, 12)))
            room += "?key=" + "".join(rng.choice(id_chars) for _ in range(rng.randrange(16, 120)))
        else:                    # the usual short link
            room = "".join(rng.choice(id_chars) for _ in range(rng.randrange(1, 40)))
            if rng.random() < 0.3:
                room = rng.choice(words) + "-" + room
        links.append(f"https://{host}/r/{room}")
    return links


def find_binary(explicit):
    if explicit:
        return explicit
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "qr-render")
        if os.path.exists(path):
            return path
    subprocess.run(["swift", "build", "--product", "qr-render"], cwd=ROOT, check=True)
    return os.path.join(ROOT, ".build", "debug", "qr-render")


def write_pgm(matrix_path, pgm_path):
    with open(matrix_path) as f:
        header, *rows = [line.strip() for line in f if line.strip()]
    size = int(header.split()[3])
    assert len(rows) == size and all(len(r) == size for r in rows), matrix_path
    side = (size + 2 * QUIET_ZONE) * SCALE
    pixels = bytearray([255]) * (side * side)
    for r, row in enumerate(rows):
        for c, bit in enumerate(row):
            if bit == "1":
                for dy in range(SCALE):
                    start = ((r + QUIET_ZONE) * SCALE + dy) * side + (c + QUIET_ZONE) * SCALE
                    pixels[start:start + SCALE] = b"\x00" * SCALE
    with open(pgm_path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (side, side) + bytes(pixels))
    return header


def decode(image):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", image],
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        return None
    out = result.stdout
    return out[:-1] if out.endswith(b"\n") else out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--binary")
    parser.add_argument("--keep", help="write the images here and keep them")
    args = parser.parse_args()

    if shutil.which("zbarimg") is None:
        print("SKIP qr round trip: zbarimg not found (apt-get install zbar-tools)")
        return 0
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        print("note: rsvg-convert not found (apt-get install librsvg2-bin): decoding the matrices only, not the SVGs")

    binary = find_binary(args.binary)
    rng = random.Random(args.seed)
    links = random_links(rng, args.count)
    levels = [LEVELS[i % 4] if i % 3 == 0 else "M" for i in range(len(links))]   # M (the default) for most
    work = args.keep or tempfile.mkdtemp(prefix="qr-roundtrip-")
    os.makedirs(work, exist_ok=True)
    passed, failed = 0, 0
    try:
        for level in LEVELS:
            batch = [(i, link) for i, link in enumerate(links) if levels[i] == level]
            if not batch:
                continue
            out = os.path.join(work, level)
            os.makedirs(out, exist_ok=True)
            subprocess.run([binary, "-" + level, out], input="\n".join(l for _, l in batch) + "\n",
                           text=True, check=True)
            for n, (i, link) in enumerate(batch, start=1):
                expected = link.encode("utf-8")
                header = write_pgm(os.path.join(out, f"{n}.txt"), os.path.join(out, f"{n}.pgm"))
                version, _, mask, size = header.split()
                images = [("matrix", os.path.join(out, f"{n}.pgm"))]
                if rsvg:
                    png = os.path.join(out, f"{n}.png")
                    side = (int(size) + 2 * QUIET_ZONE) * SCALE
                    subprocess.run([rsvg, "-w", str(side), "-h", str(side), "-o", png, os.path.join(out, f"{n}.svg")], check=True)
                    images.append(("svg", png))
                for kind, image in images:
                    got = decode(image)
                    if got == expected:
                        passed += 1
                        print(f"ok   #{i:<2} {kind:6} version {version:>2}-{level} mask {mask} {len(expected):4} bytes")
                    else:
                        failed += 1
                        print(f"FAIL #{i:<2} {kind:6} version {version:>2}-{level} mask {mask} {len(expected):4} bytes: "
                              f"{link[:60]!r} decoded as {got[:60] if got else got!r}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"qr round trip (seed {args.seed}, {len(links)} links): {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
