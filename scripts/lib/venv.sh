# Source this: makes (once) and activates the Python venv used by the test scripts.
# Lives in .build-venv/ (git-ignored). Packages come from PyPI. selenium-axe-python is there only for its
# copy of axe-core (axe.min.js), which scripts/e2e/axe.py injects into pages under test.
MINGLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINGLE_VENV="$MINGLE_ROOT/.build-venv"
if [ ! -x "$MINGLE_VENV/bin/python" ]; then
    python3 -m venv "$MINGLE_VENV"
fi
if ! "$MINGLE_VENV/bin/python" -c 'import websockets, websocket, selenium, selenium_axe_python' 2>/dev/null; then
    "$MINGLE_VENV/bin/pip" install -q --disable-pip-version-check 'websockets>=13' websocket-client selenium 'selenium-axe-python==2.2.0' >&2
fi
PY="$MINGLE_VENV/bin/python"
