"""The attendee page against WCAG 2.1 A and AA (axe-core) in every view and state of a round - the join form
with its errors, the lobby, a breakout with chat and a call, the round's summary and "Good conversation?", my connections, the dialogs -
each in the light and the dark theme, at desktop and phone size: 0 violations. Then one attendee goes
through a whole round with the keyboard only (Tab, Enter, Space and typing), every focus ring measured."""
from selenium.webdriver.common.keys import Keys

import axe
from e2e_lib import (ACCESS_CODE, DESKTOP, PHONE, assert_clean_console, browser, click, join_attendee, MingleServer, quit_all,
                     set_viewport, tid, tids, wait, wait_view)
from focus import Keyboard


class Tabbing(Keyboard):
    """Keyboard with Tab that goes round the page: past the last element focus leaves the page for a step."""

    def tab_to(self, testid, limit=120):
        for _ in range(limit):
            self.press(Keys.TAB)
            if self.d.execute_script("return document.activeElement === document.body"):
                continue
            if self.ring()["testid"] == testid:
                return
        raise AssertionError("Tab never reached %s" % testid)


def check_everywhere(d, state):
    """axe on the page as it is, in both themes and at both sizes; the page is left as it was found."""
    size = d.viewport
    for width, height, device in ((*DESKTOP, "desktop"), (*PHONE, "phone")):
        set_viewport(d, width, height)
        for scheme in ("light", "dark"):
            axe.set_color_scheme(d, scheme)
            axe.check(d, f"{state}, {scheme}, {device}", quiet=True)
    axe.set_color_scheme(d, "light")
    set_viewport(d, *size)


def keyboard_round(server, kari, lucia_id):
    """Kari, keyboard only: chat, ask to stay in touch, answer "Good conversation?" and see the round's summary."""
    keys = Tabbing(kari)
    keys.tab_to("chat-input")
    kari.switch_to.active_element.send_keys("Hei fra tastaturet")
    keys.press(Keys.ENTER)
    wait(kari, lambda d: any(e.text == "Hei fra tastaturet" for e in tids(d, "chat-text")), what="chat sent by keyboard")
    keys.tab_to(f"stay-{lucia_id}")
    keys.press(Keys.SPACE)
    wait(kari, lambda d: tid(d, f"stay-{lucia_id}").get_attribute("aria-pressed") == "true", what="stay in touch by keyboard")
    server.admin("/api/round/end", {})
    wait_view(kari, "lobby")
    wait(kari, lambda d: tids(d, "feedback-yes"), what="Good conversation? asked")
    check_everywhere(kari, "Good conversation? asked")
    keys.tab_to("feedback-yes")
    keys.press(Keys.SPACE)
    wait(kari, lambda d: tids(d, "feedback-result"), what="the answer by keyboard counted")
    assert kari.switch_to.active_element == tid(kari, "feedback-result"), "focus should stay on the card after answering"
    keys.tab_to(f"summary-stay-{lucia_id}")
    return keys


def run(notes):
    server = MingleServer("a11y", round_seconds=300, rounds=2)
    drivers = []
    try:
        kari = browser(DESKTOP); drivers.append(kari)
        lucia = browser(PHONE); drivers.append(lucia)

        # The join form, with errors: submitted empty.
        kari.get(server.url)
        wait_view(kari, "join")
        wait(kari, lambda d: tid(d, "join-submit").is_enabled(), what="join button enabled")
        click(kari, "join-submit")
        wait(kari, lambda d: tids(d, "join-error") and tid(d, "join-error").is_displayed(), what="join errors shown")
        check_everywhere(kari, "join form with errors")

        # Kari joins with the keyboard only: Tab from the top of the page to each field, type, Enter.
        keys = Tabbing(kari)
        kari.refresh()
        wait_view(kari, "join")
        wait(kari, lambda d: tid(d, "join-submit").is_enabled(), what="join button enabled")
        keys.tab_to("join-name")
        kari.switch_to.active_element.send_keys("Kari Nordmann")
        for field, value in (("join-code", ACCESS_CODE),):
            if tids(kari, field):
                keys.tab_to(field)
                kari.switch_to.active_element.send_keys(value)
        keys.tab_to("join-attr-region")
        kari.switch_to.active_element.send_keys("Viken")
        keys.tab_to("join-attr-attendance")
        kari.switch_to.active_element.send_keys("On site")
        keys.tab_to("join-submit")
        keys.press(Keys.ENTER)
        wait_view(kari, "lobby")
        lucia_id = join_attendee(lucia, server, "Lucía Martín", "madrid", "remote", email="lucia@example.es")
        wait(kari, lambda d: tid(d, "presence-total").text == "2", timeout=20, what="two people here")
        check_everywhere(kari, "lobby")

        # A breakout with chat and a call.
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        tid(lucia, "chat-input").send_keys("Hola, Kari!\n")
        wait(kari, lambda d: any(e.text == "Hola, Kari!" for e in tids(d, "chat-text")), what="chat at Kari")
        click(lucia, "media-audio")
        click(kari, "media-audio")
        check_everywhere(kari, "breakout with chat and a call")
        check_everywhere(lucia, "breakout with chat and a call (the other side)")

        # The report dialog, over the breakout (opened from the partner's "More" menu).
        kari_id = int(kari.execute_script("return document.body.dataset.attendee"))
        lucia.execute_script("arguments[0].open = true", lucia.find_element("css selector", ".more"))
        click(lucia, f"report-{kari_id}")
        wait(lucia, lambda d: tid(d, "dialog").get_attribute("open") is not None, what="the report dialog")
        check_everywhere(lucia, "the report dialog")
        click(lucia, "dialog-cancel")

        keys = keyboard_round(server, kari, lucia_id)
        check_everywhere(kari, "the round's summary")

        # My connections and the delete dialog.
        click(lucia, f"summary-stay-{kari_id}")
        wait(kari, lambda d: tid(d, "contacts-count").text == "1", what="cards exchanged")
        click(kari, "nav-connections")
        wait_view(kari, "connections")
        check_everywhere(kari, "my connections")
        click(kari, "delete-me")
        wait(kari, lambda d: tid(d, "dialog").get_attribute("open") is not None, what="the delete dialog")
        check_everywhere(kari, "the delete dialog")
        click(kari, "dialog-cancel")

        lowest = min(r["contrast"] for r in keys.rings)
        notes.add(f"axe: {len(axe.results())} checks, 0 violations; keyboard round: {len(keys.rings)} focus stops, "
                  f"lowest ring contrast {lowest:.2f}:1")
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
