"""The connection drops (the server restarts mid-round): the page says so honestly, offers to
try now, and comes back by itself with its resume token to the same breakout."""
from selenium.common.exceptions import (ElementNotInteractableException, NoSuchElementException,
                                        StaleElementReferenceException)

from e2e_lib import (DESKTOP, PHONE, assert_clean_console, click, kari_and_lucia, MingleServer, partner_ids, quit_all,
                     shot, tid, wait, wait_view)


def conn_state(d):
    return tid(d, "conn-state").get_attribute("data-state")


def retry_now(d):
    """Presses "try now"; true once pressed, or once the page is connected again by itself. The
    banner is redrawn on every connection attempt, so a button found a moment ago may be gone."""
    try:
        if conn_state(d) == "open":
            return True
        click(d, "retry-now")
        return True
    except (StaleElementReferenceException, ElementNotInteractableException, NoSuchElementException):
        return False


def run(notes):
    server = MingleServer("reconnect", round_seconds=180, rounds=1)
    drivers = []
    try:
        a, b, ia, ib = kari_and_lucia(server, drivers, sizes=(DESKTOP, PHONE), notes=notes)
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        ends_at = tid(a, "countdown").get_attribute("data-ends-at")

        server.proc.stop()
        for d in drivers:
            wait(d, lambda d: conn_state(d) in ("reconnecting", "offline"), what="reconnecting state")
            wait(d, lambda d: tid(d, "banner").is_displayed() and tid(d, "retry-now").is_displayed(), what="banner")
            assert d.execute_script("return document.body.dataset.view") == "breakout", "the page should keep the breakout on screen"
        shot(a, "reconnect-banner-desktop")
        shot(b, "reconnect-banner-phone")

        server.start(server.port)
        wait(a, retry_now, what="retry-now pressed")  # A skips the backoff; B waits for its next attempt
        for d in drivers:
            wait(d, lambda d: conn_state(d) == "open", timeout=30, what="connected again")
            wait_view(d, "breakout")
            wait(d, lambda d: not tid(d, "banner").is_displayed(), what="banner gone")
        assert partner_ids(a) == [ib] and partner_ids(b) == [ia], (partner_ids(a), partner_ids(b))
        assert tid(a, "countdown").get_attribute("data-ends-at") == ends_at, "the round's end moved across the restart"
        text = "still here after the restart"
        tid(b, "chat-input").send_keys(text + "\n")
        wait(a, lambda d: any(e.text == text for e in d.find_elements("css selector", '[data-testid="chat-text"]')),
             what="chat after reconnecting")
        shot(a, "reconnect-breakout-desktop")
        assert_clean_console(drivers, expected=["WebSocket connection to"])
    finally:
        quit_all(drivers)
        server.stop()
