"""Shared helpers for the browser end-to-end tests: Chromium via Selenium, explicit waits on DOM
state, screenshots into artifacts/e2e/, and the Mingle server under test."""
import json
import os
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
ARTIFACTS = os.path.join(ROOT, "artifacts", "e2e")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = (1000, 700)
PHONE = (360, 740)


class Skip(Exception):
    """The environment cannot run this test (reported as SKIP, not as a failure)."""


def chromium_available():
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


def browser(size=DESKTOP, lang="en-GB", extra=()):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for f in ["--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={size[0]},{size[1]}",
              "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--ignore-certificate-errors", "--allow-loopback-in-peer-connection",
              "--disable-features=WebRtcHideLocalIpsWithMdns", f"--lang={lang}", "--hide-scrollbars", *extra]:
        o.add_argument(f)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=o)
    set_viewport(d, *size)
    return d


def set_viewport(d, width, height):
    """Exact CSS viewport (the window size would include browser chrome)."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    d.viewport = (width, height)


def tid(d, testid, root=None):
    return (root or d).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def tids(d, testid, root=None):
    return (root or d).find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def wait(d, cond, timeout=15, what="condition"):
    """Waits for `cond(d)` to be truthy; on timeout raises with `what` and the browser console."""
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.1, ignored_exceptions=(Exception,)).until(cond)
    except Exception as e:
        raise AssertionError(f"timed out waiting for {what}; console:\n{console(d)}") from e


def console(d):
    try:
        return "\n".join(f"  {e['level']}: {e['message']}" for e in d.get_log("browser")[-15:])
    except Exception:
        return "  (no log)"


def view(d):
    return d.execute_script("return document.body.dataset.view || ''")


def wait_view(d, name, timeout=15):
    return wait(d, lambda d: view(d) == name, timeout, f"view {name!r} (now {view(d)!r})")


def visible(d, testid):
    els = tids(d, testid)
    return els[0] if els and els[0].is_displayed() else None


def join(d, url, name, attributes, organisation=None, email=None, link=None, code=None):
    d.get(url)
    wait_view(d, "join")
    wait(d, lambda d: tid(d, "join-submit").is_enabled(), what="join button enabled (connected)")
    tid(d, "join-name").send_keys(name)
    for attr, value in attributes.items():
        Select(tid(d, f"join-attr-{attr}")).select_by_value(value)
    if organisation:
        tid(d, "join-org").send_keys(organisation)
    if email:
        tid(d, "join-email").send_keys(email)
    if link:
        tid(d, "join-link").send_keys(link)
    if code is not None:
        field = tid(d, "join-code")
        field.clear()
        field.send_keys(code)
    tid(d, "join-submit").click()


def attendee_id(d):
    v = d.execute_script("return document.body.dataset.attendee || ''")
    return int(v) if v else None


def shot(d, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + ".png")
    d.save_screenshot(path)
    return path


def full_shot(d, name, width=None):
    """Screenshot of the whole page height (window resized temporarily)."""
    w, h = d.viewport
    height = d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    set_viewport(d, width or w, max(h, min(height, 2400)))
    try:
        return shot(d, name)
    finally:
        set_viewport(d, w, h)


def quit_all(drivers):
    for d in drivers:
        try:
            d.quit()
        except Exception:
            pass
