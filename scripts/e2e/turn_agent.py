"""One attendee's headless Chromium inside a network namespace, driven by scripts/e2e/test_turn.py.

Runs as `ip netns exec NS python turn_agent.py`, so chromedriver, its loopback control port and the
browser all live in that namespace (the page reaches the Mingle server and coturn only through the
namespace's own veth). Commands arrive one JSON object per line on stdin and are answered one JSON
line each on stdout: pipes, not sockets, so taking the namespace's network down never cuts the test
off from its browser.

  {"id": 1, "op": "start", "size": [800, 600]}          -> {"id": 1, "ok": true}
  {"id": 2, "op": "join", "url": ..., "name": ..., "region": ...}   -> attendee id
  {"id": 3, "op": "js", "script": "return ...", "args": []}         -> the script's value (promises awaited)
  {"id": 4, "op": "admin", "url": ..., "token": ...}                -> signed in at /admin, on the overview
  {"id": 4, "op": "click", "testid": "media-video"}
  {"id": 5, "op": "type", "testid": "chat-input", "text": "hi"}
  {"id": 6, "op": "shot", "path": "/tmp/x.png"}
  {"id": 7, "op": "axe", "label": "..."}                             -> axe-core (WCAG 2.1 AA), light and dark
  {"id": 8, "op": "console"}                                          -> severe console lines
  {"id": 9, "op": "quit"}

Every RTCPeerConnection the page makes is recorded in `window.__pcs` (a script added before any of
the page's own, through the DevTools protocol, so the page's CSP is untouched) for getStats()."""
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import e2e_lib  # noqa: E402

PC_SPY = """
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__pcs) return;
  window.__pcs = [];
  window.__pcLog = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      // Every state change with its time, so the test can tell what the page went through.
      const note = () => window.__pcLog.push([Math.round(performance.now()), this.connectionState, this.iceConnectionState]);
      this.addEventListener('connectionstatechange', note);
      this.addEventListener('iceconnectionstatechange', note);
    }
  };
})();
"""


class Site:
    def __init__(self, url):
        self.url = url


def main():
    d = None
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        op, reply = msg.get("op"), {"id": msg.get("id"), "ok": True}
        try:
            if op == "start":
                d = e2e_lib.browser(tuple(msg.get("size", (800, 600))), extra=msg.get("flags", []))
                d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PC_SPY})
            elif op == "join":
                reply["value"] = e2e_lib.join_attendee(d, Site(msg["url"]), msg["name"], msg["region"],
                                                       msg.get("attendance", "remote"))
            elif op == "admin":
                # The organisers' dashboard, signed in with the admin token.
                d.get(msg["url"] + "admin")
                e2e_lib.wait(d, lambda d: e2e_lib.tids(d, "login-token"), what="the sign-in form")
                e2e_lib.tid(d, "login-token").send_keys(msg["token"])
                e2e_lib.tid(d, "login-button").click()
                e2e_lib.wait(d, lambda d: e2e_lib.tids(d, "view-overview") and e2e_lib.tid(d, "view-overview").is_displayed(),
                             what="the overview")
            elif op == "get":
                d.get(msg["url"])
            elif op == "js":
                reply["value"] = d.execute_script(msg["script"], *msg.get("args", []))
            elif op == "click":
                e2e_lib.click(d, msg["testid"])
            elif op == "type":
                el = e2e_lib.tid(d, msg["testid"])
                el.send_keys(msg["text"])
            elif op == "shot":
                d.save_screenshot(msg["path"])
            elif op == "axe":
                # WCAG 2.1 A + AA on the page as it is (light and dark); raises with the violations.
                import axe
                for scheme in ("light", "dark"):
                    axe.set_color_scheme(d, scheme)
                    axe.check(d, f"{msg['label']}, {scheme}", quiet=True)
                axe.set_color_scheme(d, "light")
                reply["value"] = [[label, violations] for label, violations, _, _ in axe.results()]
            elif op == "console":
                reply["value"] = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
            elif op == "quit":
                if d:
                    try:
                        d.execute_script("for (const pc of window.__pcs || []) pc.close();")
                    except Exception:
                        pass
                    d.quit()
                d = None
                print(json.dumps(reply), flush=True)
                return
            else:
                raise ValueError(f"unknown op {op}")
        except Exception as e:  # the orchestrator decides what a failure means
            reply = {"id": msg.get("id"), "ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
                     "trace": traceback.format_exc(limit=3)}
        print(json.dumps(reply), flush=True)
    if d:
        d.quit()


if __name__ == "__main__":
    main()
