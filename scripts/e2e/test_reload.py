"""A browser reloads mid-round and comes back, through its resume token, to the same breakout;
its partner sees it leave and return, and chat still flows both ways."""
import os

from e2e_lib import (assert_clean_console, browser, click, kari_and_lucia, MingleServer, partner_ids, quit_all, shot,
                     tid, tids, wait, wait_view)


def run(notes):
    server = MingleServer("reload", round_seconds=120, rounds=1)
    drivers = []
    try:
        a, b, ia, ib = kari_and_lucia(server, drivers, notes=notes)
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        before = tid(a, "countdown").get_attribute("data-ends-at")
        assert partner_ids(a) == [ib] and partner_ids(b) == [ia]
        first = f"before the reload {os.urandom(2).hex()}"
        tid(a, "chat-input").send_keys(first + "\n")
        wait(b, lambda d: any(e.text == first for e in tids(d, "chat-text")), what="chat before reload")

        a.refresh()
        wait_view(a, "breakout")
        assert partner_ids(a) == [ib], partner_ids(a)
        assert tid(a, "countdown").get_attribute("data-ends-at") == before, "a different round end after the reload"
        wait(b, lambda d: tid(d, f"partner-status-{ia}").get_attribute("data-status") == "here", what="partner back at B")
        wait(b, lambda d: "Kari Nordmann is back" in tid(d, "live").get_attribute("textContent"), what="live region: partner back")
        second = f"after the reload {os.urandom(2).hex()}"
        tid(a, "chat-input").send_keys(second + "\n")
        wait(b, lambda d: any(e.text == second for e in tids(d, "chat-text")), what="chat after reload at B")
        third = f"welcome back {os.urandom(2).hex()}"
        tid(b, "chat-input").send_keys(third + "\n")
        wait(a, lambda d: any(e.text == third for e in tids(d, "chat-text")), what="chat after reload at A")
        shot(a, "reload-breakout-desktop")
        click(a, "nav-connections")
        wait_view(a, "connections")
        shot(a, "reload-connections-desktop")
        click(a, "nav-event")
        wait_view(a, "breakout")
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
