"""Keyboard-only checks in a Selenium-driven Chromium: Tab, Enter and Space, with every focus stop's ring
measured (WCAG 2.4.7 focus visible, and a ring of at least 3:1 against what is behind it, as in
WCAG 2.2's 2.4.13 focus appearance).

    k = Keyboard(driver)
    k.tab_to("room-start")      # Tab until the element with data-testid="room-start" has the focus
    k.press(Keys.SPACE)
    stops, lowest = k.ring_pass()   # every focusable element of the page, from the skip link on
"""
import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

MIN_CONTRAST = 3.0
MIN_WIDTH_PX = 2.0

RING_JS = """
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    // The ring is drawn outside the element (outline-offset), over whatever is behind it.
    let p = el.parentElement, bg = null;
    while (p && !bg) {
        const b = getComputedStyle(p).backgroundColor;
        if (b && b !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(b)) bg = b;
        p = p.parentElement;
    }
    return {testid: el.dataset.testid || el.id || el.tagName.toLowerCase(), tag: el.tagName,
            style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor,
            offset: parseFloat(cs.outlineOffset), bg: bg || 'rgb(255, 255, 255)'};
"""


def rgb(css):
    """(r, g, b) in 0...255 from a computed colour: rgb()/rgba(), or color(srgb r g b) with 0...1 channels
    (what Chrome reports for color-mix()). Alpha is ignored."""
    numbers = [float(x) for x in re.findall(r"[\d.]+", css)]
    if css.startswith("color(srgb"):
        return tuple(round(v * 255) for v in numbers[:3])
    return tuple(int(v) for v in numbers[:3])


def luminance(c):
    def ch(v):
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Keyboard:
    """Tab, Enter and Space only; every stop's focus ring is measured and kept in `rings`."""

    def __init__(self, d):
        self.d = d
        self.rings = []

    def press(self, key):
        ActionChains(self.d).send_keys(key).perform()

    def ring(self):
        r = self.d.execute_script(RING_JS)
        ratio = contrast(rgb(r["color"]), rgb(r["bg"]))
        r["contrast"] = ratio
        self.rings.append(r)
        if r["style"] in ("none", "hidden") or r["width"] < MIN_WIDTH_PX or ratio < MIN_CONTRAST:
            raise AssertionError("focus on %s is not visible enough: %s" % (r["testid"], r))
        return r

    def tab_to(self, testid, limit=80):
        for _ in range(limit):
            self.press(Keys.TAB)
            r = self.ring()
            if r["testid"] == testid:
                return r
        raise AssertionError("Tab never reached %s" % testid)

    def ring_pass(self, start=".skip-link", limit=150):
        """Tabs from `start` through every focusable element; returns (stops, lowest contrast)."""
        # Chrome's Tab goes on from where the focus last was (even after blur()), so start somewhere known.
        d = self.d
        d.execute_script("document.querySelector(arguments[0]).focus()", start)
        first, seen = len(self.rings), set()
        for _ in range(limit):
            self.press(Keys.TAB)
            if d.execute_script("return document.activeElement === document.body || !document.activeElement"):
                break
            element = d.execute_script("return document.activeElement")
            if element.id in seen:   # wrapped around
                break
            seen.add(element.id)
            self.ring()
        stops = self.rings[first:]
        return len(stops), min((r["contrast"] for r in stops), default=0)
