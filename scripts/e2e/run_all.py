"""Runs the browser end-to-end tests; one line per test, then `N passed, N failed`.
Usage: run_all.py [test_name ...]"""
import importlib
import sys
import time
import traceback

import e2e_lib

TESTS = ["test_round", "test_webrtc", "test_reload", "test_reconnect", "test_safety", "test_invalid_join", "test_export",
         "test_rooms", "test_room_display", "test_data_rights", "test_feedback", "test_a11y"]


def main(names):
    if not e2e_lib.chromium_available():
        print(f"SKIP all: chromium or chromedriver missing ({e2e_lib.CHROMIUM}, {e2e_lib.CHROMEDRIVER})")
        print("0 passed, 0 failed")
        return 0
    passed = failed = 0
    for name in names or TESTS:
        notes = set()
        started = time.time()
        try:
            importlib.import_module(name).run(notes)
        except e2e_lib.Skip as e:
            print(f"SKIP {name}: {e}", flush=True)
            continue
        except BaseException as e:
            failed += 1
            print(f"FAIL {name} ({time.time() - started:.1f} s): {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True)
            traceback.print_exc(file=sys.stderr)
        else:
            passed += 1
            print(f"PASS {name} ({time.time() - started:.1f} s)", flush=True)
        for n in sorted(notes):
            print(f"     note: {n}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
