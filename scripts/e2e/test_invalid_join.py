"""Joining with invalid input shows clear messages in the page (client-side checks, then the
server's refusal), in the chosen language, and nobody joins."""
from selenium.webdriver.support.ui import Select

from e2e_lib import assert_clean_console, ACCESS_CODE, DESKTOP, PHONE, MingleServer, browser, click, join_form_has_attributes, quit_all, shot, tid, wait, wait_view


def alert_text(d):
    el = tid(d, "join-error")
    return el.text if el.is_displayed() else ""


def run(notes):
    server = MingleServer("join")
    drivers = []
    try:
        d = browser(DESKTOP); drivers.append(d)
        d.get(server.url)
        wait_view(d, "join")
        wait(d, lambda d: tid(d, "join-submit").is_enabled(), what="connected")
        # Nothing filled in, a malformed email and link: every problem is named next to its field.
        tid(d, "join-email").send_keys("not-an-email")
        tid(d, "join-link").send_keys("javascript:alert(1)")
        click(d, "join-submit")
        wait(d, lambda d: "Please fix" in alert_text(d), what="error summary")
        assert tid(d, "error-join-name").text == "Enter your name.", tid(d, "error-join-name").text
        assert "email address" in tid(d, "error-join-email").text
        assert "https://" in tid(d, "error-join-link").text
        assert tid(d, "join-name").get_attribute("aria-invalid") == "true"
        assert d.switch_to.active_element == tid(d, "join-error"), "focus should move to the error summary"
        shot(d, "join-invalid-desktop")

        # The same in Norwegian after switching the language (the form keeps what was typed).
        Select(tid(d, "lang-select")).select_by_value("nb")
        wait(d, lambda d: tid(d, "join-submit").text == "Bli med", what="Norwegian form")
        assert tid(d, "join-email").get_attribute("value") == "not-an-email"
        click(d, "join-submit")
        wait(d, lambda d: "Rett opp" in alert_text(d), what="Norwegian error summary")
        assert tid(d, "error-join-name").text == "Skriv inn navnet ditt."
        Select(tid(d, "lang-select")).select_by_value("en")
        wait(d, lambda d: tid(d, "join-submit").text == "Join", what="English form")

        # Valid-looking input the server refuses (a wrong access code): its refusal is shown in the
        # page and we stay on the form.
        tid(d, "join-email").clear()
        tid(d, "join-link").clear()
        tid(d, "join-name").send_keys("Kari Nordmann")
        wait(d, join_form_has_attributes, what="the event's attributes in the join form (from hello)")
        Select(tid(d, "join-attr-region")).select_by_value("viken")
        Select(tid(d, "join-attr-attendance")).select_by_value("onsite")
        code = tid(d, "join-code")
        code.clear()
        code.send_keys("WRONG-" + ACCESS_CODE)
        click(d, "join-submit")
        wait(d, lambda d: "You have not joined yet" in alert_text(d) and "access code is not right" in alert_text(d),
             what="server refusal: access code")
        assert tid(d, "join-submit").is_enabled(), "the form should be usable again after a refusal"
        assert d.execute_script("return document.body.dataset.view") == "join"
        assert d.execute_script("return localStorage.getItem('mingle.resume')") is None
        shot(d, "join-refused-desktop")

        p = browser(PHONE, lang="nb-NO"); drivers.append(p)
        p.get(server.url + "#code=" + ACCESS_CODE)
        wait_view(p, "join")
        wait(p, lambda d: tid(d, "join-submit").is_enabled(), what="connected")
        assert tid(p, "join-code").get_attribute("value") == ACCESS_CODE, "the join link should prefill the access code"
        click(p, "join-submit")
        wait(p, lambda d: "Rett opp" in alert_text(d), what="Norwegian error summary on the phone")
        shot(p, "join-invalid-phone")
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
