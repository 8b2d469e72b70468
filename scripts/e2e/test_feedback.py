"""Several answers and "Good conversation?" in the page. The join form asks a `multiple` attribute with
checkboxes (required: none ticked is an error named at the group, in English and Norwegian), partners see
every language the other gave (in the event's order), and after the round each page asks once, optionally, "Good conversation?":
one answer is counted (the organisers' numbers say so), skipping sends nothing, and leaving a breakout
early asks at once."""
import json

from e2e_lib import (ACCESS_CODE, DESKTOP, PHONE, MingleServer, assert_clean_console, browser, click,
                     join, join_form_has_attributes, quit_all, shot, tid, tids, wait, wait_view, write_event)


def required_languages(path):
    """The usual test event with its languages question required (as in Config/event.json)."""
    event = write_event(path, round_seconds=300, rounds=2)
    next(a for a in event["attributes"] if a["id"] == "languages")["required"] = True
    with open(path, "w") as f:
        json.dump(event, f, indent=2)
    return event


def alert_text(d):
    el = tid(d, "join-error")
    return el.text if el.is_displayed() else ""


def feedback_counts(server):
    room = server.status()["rooms"][0]
    return room["totals"]["feedback"]


def run(notes):
    server = MingleServer("feedback", writer=required_languages)
    drivers = []
    try:
        kari = browser(DESKTOP); drivers.append(kari)
        lucia = browser(PHONE, lang="nb-NO"); drivers.append(lucia)

        # Required and left empty: the error is on the group, every box marked, the summary links to the first.
        kari.get(server.url)
        wait_view(kari, "join")
        wait(kari, lambda d: tid(d, "join-submit").is_enabled() and join_form_has_attributes(d), what="the form from hello")
        group = tid(kari, "join-attr-languages")
        assert group.tag_name == "fieldset", group.tag_name
        assert group.find_element("css selector", "legend").text == "Languages you can talk in"
        assert [b.get_attribute("value") for b in group.find_elements("css selector", "input[type=checkbox]")] == ["en", "no", "es", "it"]
        tid(kari, "join-name").send_keys("Kari Nordmann")
        click(kari, "join-submit")
        wait(kari, lambda d: tid(d, "error-join-attr-languages").is_displayed(), what="the languages error")
        assert tid(kari, "error-join-attr-languages").text == "Tick at least one option for “Languages you can talk in”."
        assert all(b.get_attribute("aria-invalid") == "true" for b in group.find_elements("css selector", "input"))
        link = tid(kari, "join-error").find_element("css selector", 'a[href="#join-attr-languages-en"]')
        assert "Languages you can talk in" in link.text
        shot(kari, "join-languages-missing")

        join(kari, server.url, "Kari Nordmann", {"region": "viken", "attendance": "onsite", "languages": ["no", "en"]},
             code=ACCESS_CODE)
        wait_view(kari, "lobby")

        # Lucía in Norwegian: the same question, the hint in bokmål.
        lucia.get(server.url)
        wait_view(lucia, "join")
        wait(lucia, lambda d: tid(d, "join-submit").is_enabled() and join_form_has_attributes(d), what="the form from hello")
        assert "minst ett" in tid(lucia, "join-attr-languages").find_element("css selector", ".hint").text
        join(lucia, server.url, "Lucía Martín", {"region": "madrid", "attendance": "remote", "languages": ["es", "en"]},
             code=ACCESS_CODE)
        wait_view(lucia, "lobby")
        lucia_id = int(lucia.execute_script("return document.body.dataset.attendee"))
        kari_id = int(kari.execute_script("return document.body.dataset.attendee"))

        # In the breakout each sees every language the other gave.
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        def partner_attrs(d):
            return [e.get_attribute("textContent") for e in d.find_elements("css selector", ".partner-attrs")]
        wait(kari, lambda d: any("English, Español" in a for a in partner_attrs(d)), what=f"Lucía's languages at Kari ({partner_attrs(kari)})")
        wait(lucia, lambda d: any("English, Norsk" in a for a in partner_attrs(d)), what=f"Kari's languages at Lucía ({partner_attrs(lucia)})")
        assert not tids(kari, "feedback"), "no question while the conversation goes on"

        # The round ends: both pages ask, nobody has answered yet.
        server.admin("/api/round/end", {})
        for d in drivers:
            wait_view(d, "lobby")
            wait(d, lambda d: tids(d, "feedback"), what="Good conversation?")
        assert tid(kari, "feedback").find_element("css selector", "h2").text == "Good conversation?"
        assert tid(lucia, "feedback").find_element("css selector", "h2").text == "En god samtale?"
        wait(kari, lambda d: tid(d, "presence-total").text == "2", what=f"two here (shows {tid(kari, 'presence-total').text})")
        shot(kari, "feedback-asked-desktop")
        shot(lucia, "feedback-asked-phone")
        assert feedback_counts(server) == {"yes": 0, "so_so": 0, "no": 0}, feedback_counts(server)

        # Kari answers "Yes": counted, thanked, focus stays on the card (not lost to the page).
        click(kari, "feedback-yes")
        wait(kari, lambda d: tids(d, "feedback-result"), what="the thank-you")
        assert tid(kari, "feedback-result").text == "Thank you, your answer is counted."
        assert kari.switch_to.active_element == tid(kari, "feedback-result"), "focus should move to the thank-you"
        wait(kari, lambda d: "Thank you" in tid(d, "live").get_attribute("textContent"), what="the thank-you announced")
        assert feedback_counts(server) == {"yes": 1, "so_so": 0, "no": 0}, feedback_counts(server)

        # Lucía skips: the card goes and nothing is sent.
        click(lucia, "feedback-skip")
        wait(lucia, lambda d: not tids(d, "feedback"), what="the question gone after Not now")
        assert feedback_counts(server) == {"yes": 1, "so_so": 0, "no": 0}, feedback_counts(server)

        # Round 2: Lucía leaves her breakout early. It has ended for her, so she is asked at once, and for
        # Kari once the breakout closes around him; each answer counts for round 2.
        # (Round 2 starts by itself after the 10 s pause.)
        for d in drivers:
            wait_view(d, "breakout", timeout=30)
        click(lucia, "leave-breakout")
        if tids(lucia, "dialog-confirm"):
            click(lucia, "dialog-confirm")
        wait_view(lucia, "lobby")
        wait(lucia, lambda d: tids(d, "feedback-so_so"), what="asked after leaving early")
        click(lucia, "feedback-so_so")
        wait(lucia, lambda d: tids(d, "feedback-result"), what="Lucía's thank-you")
        assert tid(lucia, "feedback-result").text == "Takk, svaret ditt er registrert."
        wait_view(kari, "lobby", timeout=30)
        wait(kari, lambda d: tids(d, "feedback-no"), what="Kari asked about round 2")
        click(kari, "feedback-no")
        wait(kari, lambda d: tids(d, "feedback-result"), what="Kari's second thank-you")
        assert feedback_counts(server) == {"yes": 1, "so_so": 1, "no": 1}, feedback_counts(server)
        rounds = server.status()["rooms"][0]["feedbackByRound"]
        assert [(r["round"], r["yes"], r["so_so"], r["no"]) for r in rounds] == [(1, 1, 0, 0), (2, 0, 1, 1)], rounds
        click(kari, "feedback-dismiss")
        wait(kari, lambda d: not tids(d, "feedback"), what="the thank-you closed")
        notes.add(f"feedback: attendees {kari_id} and {lucia_id}, two rounds: yes / skipped, then so-so (left early) / no")
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
