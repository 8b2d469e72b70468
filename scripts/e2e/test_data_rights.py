"""An attendee's rights in the page: "Download my data" saves everything the server holds about them as JSON;
"Delete me" asks first, says what happens, then deletes: their partner sees them leave, the cards the partner
received stay with the partner (after a reload too), and no file in the server's state directory holds the
deleted attendee's name or email any more."""
import glob
import json
import os
import tempfile
import time

from e2e_lib import (DESKTOP, assert_clean_console, browser, click, join_attendee, MingleServer, quit_all, shot, tid, tids,
                     wait, wait_view)


def files_containing(directory, needles):
    found = []
    for path in glob.glob(os.path.join(directory, "**", "*"), recursive=True):
        if os.path.isfile(path):
            text = open(path, "rb").read().decode("utf-8", "replace")
            found += [f"{os.path.relpath(path, directory)}: {n}" for n in needles if n in text]
    return found


def run(notes):
    server = MingleServer("rights", round_seconds=180, rounds=1)
    drivers = []
    downloads = tempfile.mkdtemp(prefix="mingle-rights-")
    try:
        a = browser(DESKTOP); drivers.append(a)
        b = browser(DESKTOP); drivers.append(b)
        kari_email = "kari.rights@example.org"
        ia = join_attendee(a, server, "Kari Nordmann", "viken", "onsite", organisation="Viken fylkeskommune", email=kari_email)
        ib = join_attendee(b, server, "Lucía Martín", "madrid", "remote", email="lucia@example.es")
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        click(a, f"stay-{ib}")
        click(b, f"stay-{ia}")
        wait(b, lambda d: tid(d, "contacts-count").text == "1", what="Lucía got Kari's card")
        state_dir = os.path.join(server.dir, "state")
        assert files_containing(state_dir, ["Kari Nordmann"]), "the journal holds Kari before she asks"

        # Download my data: a JSON file with her registration and what she received.
        a.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        click(a, "nav-connections")
        wait_view(a, "connections")
        click(a, "download-my-data")
        wait(a, lambda d: glob.glob(os.path.join(downloads, "*-my-data.json")), what="my data downloaded")
        mine = json.load(open(glob.glob(os.path.join(downloads, "*-my-data.json"))[0]))
        assert mine["attendee"]["name"] == "Kari Nordmann" and mine["attendee"]["id"] == ia, mine
        assert [m["id"] for m in mine["met"]] == [ib], mine["met"]
        shot(a, "rights-connections-desktop")

        # Delete me: a dialog says what happens; cancel keeps everything, confirm deletes.
        click(a, "delete-me")
        wait(a, lambda d: tid(d, "dialog").get_attribute("open") is not None, what="the confirmation")
        text = tid(a, "dialog").text
        assert "cannot be undone" in text and "stay with the people who received them" in text, text
        shot(a, "rights-delete-dialog-desktop")
        click(a, "dialog-cancel")
        assert not tids(a, "deleted")
        click(a, "delete-me")
        click(a, "dialog-confirm")
        wait(a, lambda d: tids(d, "deleted") and tid(d, "deleted").is_displayed(), what="the page says it is done")
        assert a.execute_script("return localStorage.getItem('mingle.resume')") in (None, ""), "the token is forgotten"
        wait(b, lambda d: tid(d, f"partner-status-{ia}").get_attribute("data-status") == "left", what="Lucía sees Kari leave")
        assert not files_containing(state_dir, ["Kari Nordmann", kari_email]), files_containing(state_dir, ["Kari Nordmann", kari_email])

        # Lucía keeps the card she was given, on her device, after a reload too.
        b.refresh()
        wait(b, lambda d: tid(d, "contacts-count").text == "1", what="Lucía still has Kari's card after a reload")
        click(b, "nav-connections")
        wait_view(b, "connections")
        assert "Kari" in tid(b, "contact-name").text
        assert_clean_console(drivers, expected=["WebSocket connection to"])
    finally:
        quit_all(drivers)
        server.stop()
