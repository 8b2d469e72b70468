"""Three browsers from different regions (and one protocol-level attendee, so that there are two
breakouts) go through a whole round: grouping as the server says, chat only within the breakout,
the countdown against the server's end time, mutual and one-sided stay in touch, vCard/CSV
downloads, and everyone back in the lobby when the round ends."""
import os
import time

from e2e_lib import (assert_clean_console, By, DESKTOP, PHONE, ARTIFACTS, MingleServer, ProtocolClient, browser, click, full_shot, join_attendee,
                     partner_ids, quit_all, shot, tid, tids, wait, wait_view)

ROUND_SECONDS = 30


def chat_texts(d):
    return [e.text for e in tids(d, "chat-text")]


def run(notes):
    server = MingleServer("round", round_seconds=ROUND_SECONDS, rounds=1, warning_seconds=10)
    drivers = []
    spare = None
    try:
        a = browser(DESKTOP); drivers.append(a)
        b = browser(DESKTOP, lang="nb-NO"); drivers.append(b)
        c = browser(PHONE); drivers.append(c)
        people = {}
        people[join_attendee(a, server, "Kari Nordmann", "viken", "onsite", "Viken fylkeskommune", "kari@example.org", "https://viken.no", notes)] = a
        people[join_attendee(b, server, "Lucía Martín", "madrid", "remote", "Comunidad de Madrid", "lucia@example.es", None, notes)] = b
        people[join_attendee(c, server, "Giulia Rossi", "lombardia", "remote", "Regione Lombardia", "giulia@example.it", None, notes)] = c
        spare = ProtocolClient(server)
        w = spare.join("Aoife Byrne", "dublin", email="aoife@example.ie")
        assert w["type"] == "welcome", w
        spare_id = w["attendee"]["id"]
        names_by_id = dict(zip(people, ["Kari Nordmann", "Lucía Martín", "Giulia Rossi"]))
        names_by_id[spare_id] = "Aoife Byrne"
        for d in drivers:
            wait(d, lambda d: tid(d, "presence-total").text == "4", what="presence total 4")
            # One room (the event file has no rooms): no room list, no room bar, the address untouched.
            assert not tids(d, "rooms") and not tids(d, "my-room") and "room=" not in d.current_url, "room chrome in a one-room event"
            assert tid(d, "schedule").find_element(By.TAG_NAME, "h2").get_attribute("textContent") in ("Schedule", "Program")
        shot(a, "round-lobby-desktop")
        shot(c, "round-lobby-phone")

        server.admin("/api/mingling/start", {"session": "s1"})
        started = spare.wait_for(lambda m: m["type"] == "round_started", what="round_started")
        ends_at = started["endsAt"]
        for d in drivers:
            wait_view(d, "breakout")

        # Groups: what each page shows must be the server's breakouts, seen the same from every side.
        groups = {i: frozenset([i, *partner_ids(d)]) for i, d in people.items()}
        spare_breakout = spare.wait_for(lambda m: m["type"] == "breakout", what="breakout")
        groups[spare_id] = frozenset(m["id"] for m in spare_breakout["members"])
        for i, g in groups.items():
            for j in g:
                assert groups[j] == g, f"attendee {i} sees group {sorted(g)} but {j} sees {sorted(groups[j])}"
        distinct = set(groups.values())
        status = server.status()
        breakouts = [b for room in status["rooms"] for b in room["breakouts"]]
        assert sorted(len(g) for g in distinct) == sorted(b["members"] for b in breakouts), (distinct, breakouts)
        assert len(distinct) == 2 and all(len(g) == 2 for g in distinct), f"expected two pairs, got {distinct}"

        # The ARIA live region tells who the partner is.
        for i, d in people.items():
            partner = next(j for j in groups[i] if j != i)
            wait(d, lambda d: names_by_id[partner] in tid(d, "live").get_attribute("textContent"), what=f"live region names the partner at {i}")

        # The countdown: the server's endsAt, and the digits within a second of it.
        def shown_seconds(d):
            m, s = tid(d, "countdown").text.split(":")
            return int(m) * 60 + int(s)

        def check_countdown():
            for i, d in people.items():
                el = tid(d, "countdown")
                assert int(el.get_attribute("data-ends-at")) == ends_at, (el.get_attribute("data-ends-at"), ends_at)
                shown = shown_seconds(d)
                expected = ends_at / 1000 - time.time()
                assert abs(shown - expected) <= 1.0, f"attendee {i}: countdown shows {shown} s, server says {expected:.2f} s left"
        check_countdown()

        # Chat reaches only the sender's breakout.
        sender_id = next(iter(people))
        mine = groups[sender_id]
        other = next(g for g in distinct if g != mine)
        text = f"Hei fra Viken {os.urandom(3).hex()}"
        tid(people[sender_id], "chat-input").send_keys(text + "\n")
        for i in mine:
            if i in people:
                wait(people[i], lambda d: text in chat_texts(d), what=f"chat at attendee {i}")
            else:
                spare.wait_for(lambda m: m["type"] == "chat" and m["text"] == text, what="chat at protocol attendee")
        reply = f"Hola desde el otro grupo {os.urandom(3).hex()}"
        other_sender = next((i for i in other if i in people), None)
        if other_sender is not None:
            tid(people[other_sender], "chat-input").send_keys(reply + "\n")
        else:
            spare.send({"type": "chat", "text": reply})
        for i in other:
            if i in people:
                wait(people[i], lambda d: reply in chat_texts(d), what=f"chat at attendee {i}")
                assert text not in chat_texts(people[i]), f"chat leaked to attendee {i} in another breakout"
            else:
                spare.wait_for(lambda m: m["type"] == "chat" and m["text"] == reply, what="reply at protocol attendee")
                assert not any(m["type"] == "chat" and m["text"] == text for m in spare.of_type("chat")), "chat leaked"
        for i in mine:
            if i in people:
                assert reply not in chat_texts(people[i]), f"chat from the other breakout reached attendee {i}"

        # Stay in touch: mutual in one breakout (both get the other's card), one-sided in the other (nothing).
        def ask(i, other_id):
            if i in people:
                click(people[i], f"stay-{other_id}")
                wait(people[i], lambda d: tid(d, f"stay-{other_id}").get_attribute("data-state") in ("pending", "exchanged"),
                     what=f"stay in touch pending at {i}")
            else:
                spare.send({"type": "stay_in_touch", "with": other_id})
                spare.wait_for(lambda m: m["type"] in ("stay_in_touch_pending", "contact"), what="pending")

        browser_pair = next((g for g in distinct if all(i in people for i in g)), None)
        mutual = browser_pair or mine
        one_sided = next(g for g in distinct if g != mutual)
        x, y = sorted(mutual)
        ask(x, y)
        ask(y, x)
        names = names_by_id
        for me, them in ((x, y), (y, x)):
            if me in people:
                d = people[me]
                wait(d, lambda d: tid(d, "contacts-count").text == "1", what=f"card at attendee {me}")
                wait(d, lambda d: tid(d, f"stay-{them}").get_attribute("data-state") == "exchanged", what="exchanged state")
            else:
                card = spare.wait_for(lambda m: m["type"] == "contact", what="contact card")["card"]
                assert card["attendee"] == them and card["name"] == names[them], card
        p, q = sorted(one_sided)
        asker, silent = (p, q) if p in people else (q, p)
        ask(asker, silent)
        # Still in step with the server's clock a few seconds later (the countdown keeps ticking).
        wait(a, lambda d: shown_seconds(d) <= ROUND_SECONDS - 3, what="the countdown to tick three seconds")
        check_countdown()
        shot(people[x] if x in people else people[y], "round-breakout-desktop")
        shot(c, "round-breakout-phone")
        full_shot(c, "round-breakout-phone-full")

        # A warning before the end, then the round ends by itself; everyone is back in the lobby.
        for i, d in people.items():
            wait(d, lambda d: tid(d, "ending-soon").is_displayed(), timeout=ROUND_SECONDS, what=f"ending-soon warning at {i}")
        shot(c, "round-breakout-ending-phone")
        for i, d in people.items():
            wait_view(d, "lobby", timeout=ROUND_SECONDS + 15)
            wait(d, lambda d: len(tids(d, "round-summary")) == 1, what="round summary")
        spare.wait_for(lambda m: m["type"] == "round_ended", what="round_ended")
        if asker in people:
            assert tid(people[asker], "contacts-count").text == "0", "one-sided stay in touch gave a card"
        if silent in people:
            assert tid(people[silent], "contacts-count").text == "0", "one-sided stay in touch gave a card"
        else:
            assert not spare.of_type("contact"), "one-sided stay in touch gave the silent side a card"
        shot(a, "round-lobby-after-desktop")
        shot(c, "round-lobby-after-phone")

        # My connections, and the downloads.
        d = people[x] if x in people else people[y]
        them = y if d is people.get(x) else x
        click(d, "nav-connections")
        wait_view(d, "connections")
        cards = [e.text for e in tids(d, "contact-name")]
        assert cards == [names[them]], cards
        shot(d, "round-connections-desktop")
        downloads = os.path.join(ARTIFACTS, "downloads")
        os.makedirs(downloads, exist_ok=True)
        for f in os.listdir(downloads):
            os.remove(os.path.join(downloads, f))
        d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        click(d, "download-vcard")
        click(d, "download-csv")
        wait(d, lambda _: sorted(f.rsplit(".", 1)[-1] for f in os.listdir(downloads)) == ["csv", "vcf"], what="downloads")
        vcf = open(os.path.join(downloads, next(f for f in os.listdir(downloads) if f.endswith(".vcf"))), "rb").read().decode()
        csv = open(os.path.join(downloads, next(f for f in os.listdir(downloads) if f.endswith(".csv"))), "rb").read().decode()
        assert vcf.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and f"FN:{names[them]}\r\n" in vcf and vcf.endswith("END:VCARD\r\n"), vcf
        assert csv.split("\r\n")[0] in ("Name,Organisation,Email,Link", "Navn,Organisasjon,E-post,Lenke") and names[them] in csv, csv
        click(c, "nav-connections")
        wait_view(c, "connections")
        shot(c, "round-connections-phone")
        assert_clean_console(drivers)
    finally:
        if spare:
            spare.close()
        quit_all(drivers)
        server.stop()
