"""axe-core in a Selenium-driven Chromium: run the WCAG 2.1 A and AA rules on the page as it is now.

The engine is axe-core's own axe.min.js from the PyPI package selenium-axe-python (installed by
scripts/lib/venv.sh); only that file is used. It is injected through WebDriver, which the page's CSP
(script-src 'self') does not govern, and runs on the live DOM, so every view and state can be checked
where the test has put it: call `check(driver, "label")` after each step.

    import axe
    axe.set_color_scheme(driver, "dark")       # emulates prefers-color-scheme
    axe.check(driver, "dashboard overview, dark, 1280x800")   # raises AssertionError on a violation
    print(axe.summary())                       # one line per checked state with its violation count
"""
import json
import os

# WCAG 2.0 and 2.1, levels A and AA (axe's tags).
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_results = []   # (label, violations, passes, incomplete) for summary()


def axe_source():
    """The text of axe.min.js from the selenium-axe-python package."""
    import selenium_axe_python
    path = os.path.join(os.path.dirname(selenium_axe_python.__file__), "axe-core", "axe.min.js")
    with open(path, encoding="utf-8") as f:
        return f.read()


_SOURCE = None


def inject(driver):
    global _SOURCE
    if driver.execute_script("return typeof window.axe === 'object'"):
        return
    if _SOURCE is None:
        _SOURCE = axe_source()
    driver.execute_script(_SOURCE)


def version(driver):
    inject(driver)
    return driver.execute_script("return axe.version")


def run(driver, tags=WCAG21_AA, context=None, disable=()):
    """Runs axe on `context` (a CSS selector; default the whole document); returns its raw result with
    `violations`, `passes` (counts only) and `incomplete`."""
    inject(driver)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations", "incomplete"]}
    if disable:
        options["rules"] = {r: {"enabled": False} for r in disable}
    script = """
        const done = arguments[arguments.length - 1];
        const ctx = arguments[0] ? document.querySelector(arguments[0]) : document;
        axe.run(ctx, arguments[1]).then((r) => done({
            violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                nodes: v.nodes.map((n) => ({target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary}))})),
            incomplete: r.incomplete.map((v) => ({id: v.id, help: v.help, count: v.nodes.length,
                nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target, html: n.html.slice(0, 200),
                    why: (n.any || []).concat(n.all || []).map((c) => c.message).join(' | ')}))})),
            passes: r.passes.length,
        })).catch((e) => done({error: String(e)}));
    """
    driver.set_script_timeout(60)
    result = driver.execute_async_script(script, context, options)
    if "error" in result:
        raise RuntimeError("axe failed: " + result["error"])
    return result


def describe(violations):
    lines = []
    for v in violations:
        lines.append("  %s (%s): %s" % (v["id"], v["impact"], v["help"]))
        for n in v["nodes"][:5]:
            lines.append("    at %s: %s" % (" ".join(map(str, n["target"])), (n["summary"] or "").replace("\n", " | ")))
            lines.append("       %s" % n["html"])
        if len(v["nodes"]) > 5:
            lines.append("    … and %d more" % (len(v["nodes"]) - 5))
    return "\n".join(lines)


def check(driver, label, tags=WCAG21_AA, context=None, disable=(), quiet=False):
    """Runs axe; records the result for summary(); raises AssertionError naming every violation."""
    r = run(driver, tags=tags, context=context, disable=disable)
    _results.append((label, len(r["violations"]), r["passes"], len(r["incomplete"])))
    if r["violations"]:
        raise AssertionError("axe: %d violation(s) in %s:\n%s" % (len(r["violations"]), label, describe(r["violations"])))
    if not quiet:
        print("  ok: axe (WCAG 2.1 A+AA): 0 violations in %s (%d rules passed)" % (label, r["passes"]))
    return r


def summary():
    """One line per state checked so far: label, violations, rules passed, rules needing review."""
    return "\n".join("  %-70s violations %d, passed %d, to review %d" % row for row in _results)


def results():
    return list(_results)


def set_color_scheme(driver, scheme):
    """Emulates prefers-color-scheme: 'light' or 'dark' (through the DevTools protocol), with reduced motion so
    that no colour is measured halfway through a transition."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": scheme}, {"name": "prefers-reduced-motion", "value": "reduce"}]})


def dump(path):
    with open(path, "w") as f:
        json.dump([{"state": s, "violations": v, "passed": p, "incomplete": i} for s, v, p, i in _results], f, indent=1)
