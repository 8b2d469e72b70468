"""Report, block and leave from the breakout, and organisers' announcements: the report reaches the
organisers, a block ends the breakout for both sides, an announcement shows in the page."""
from e2e_lib import assert_clean_console, click, kari_and_lucia, MingleServer, quit_all, shot, tid, wait, wait_view


def run(notes):
    server = MingleServer("safety", round_seconds=180, rounds=1)
    drivers = []
    try:
        a, b, ia, ib = kari_and_lucia(server, drivers, notes=notes)

        server.admin("/api/announce", {"text": "Coffee is served in the foyer.", "scope": "everyone"})
        for d in drivers:
            wait(d, lambda d: "Coffee is served" in tid(d, "announcements").text, what="announcement in the lobby")
        shot(a, "safety-lobby-announcement-desktop")

        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")

        # Report, through the dialog (keyboard-first: the reason field has focus).
        a.find_element("css selector", f'[data-testid="partner-{ib}"] details.more summary').click()
        click(a, f"report-{ib}")
        wait(a, lambda d: d.switch_to.active_element == tid(d, "report-reason"), what="focus in the report dialog")
        click(a, "dialog-confirm")  # empty: refused in the dialog
        assert tid(a, "dialog").get_attribute("open") is not None, "an empty report must not be sent"
        tid(a, "report-reason").send_keys("Kept talking over me.")
        shot(a, "safety-report-dialog-desktop")
        click(a, "dialog-confirm")
        wait(a, lambda d: tid(d, "dialog").get_attribute("open") is None, what="dialog closed")
        reports = server.admin("/api/reports")
        items = reports.get("reports", reports if isinstance(reports, list) else [])
        assert any(r.get("about") == ib and r.get("reason") == "Kept talking over me." for r in items), reports

        # Block: both leave the breakout; the blocked side is told its partner left.
        a.find_element("css selector", f'[data-testid="partner-{ib}"] details.more summary').click()
        click(a, f"block-{ib}")
        click(a, "dialog-confirm")
        wait(b, lambda d: d.execute_script("return document.body.dataset.view") == "lobby"
             or tid(d, f"partner-status-{ia}").get_attribute("data-status") == "left", what="B sees A leave")
        wait_view(a, "lobby")
        shot(b, "safety-after-block-desktop")
        assert "Blocked" in tid(a, "live").get_attribute("textContent")
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
