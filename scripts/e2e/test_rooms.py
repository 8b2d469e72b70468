"""Rooms in the attendee page: an event with three rooms (a plenary and two parallel workshops).
Joining by a room's link (/r/<room>, the browser follows the 303) names the room before joining and
puts the attendee in it; an address naming a room the event lacks is explained; an attendee in no room picks
one from the list; the lobby shows the attendee's room and every room with what happens there and how
many are in it; switching rooms moves the attendee (the old room's count drops for the one left
behind); a round started in one room through the admin API pairs only that room's attendees; switching
out of a breakout asks first; leaving the room; a reload and a room link bring back the right room."""
import json
import os
from urllib.parse import urlsplit

from selenium.webdriver.common.keys import Keys

import test_event as ev
from e2e_lib import (ACCESS_CODE, DESKTOP, PHONE, REGIONS, MingleServer, ProtocolClient, assert_clean_console, browser,
                     click, full_shot, join, partner_ids, quit_all, set_viewport, shot, tid, tids, view, wait, wait_view)

PLENARY, WS_A, WS_B = "plenary", "ws-a", "ws-b"
TITLES = {PLENARY: "Plenary", WS_A: "Workshop A: Citizen labs", WS_B: "Workshop B: Service design"}
LOCATIONS = {PLENARY: "Auditorium, ground floor", WS_A: "Room 2.14, second floor"}


def write_event(path):
    """The plenary and workshop A run a session now (mingling started by hand); workshop B's session
    starts in 10 minutes with automatic mingling after it."""
    return ev.write(path, access_code=ACCESS_CODE, regions=tuple(REGIONS), name="Rooms test event", rooms=[
        ev.room(PLENARY, TITLES[PLENARY], [
            ev.session("p1", "Welcome: why co-create public services?", -1200, 2400, ev.mingle(rounds=1, round_seconds=120)),
        ], location=LOCATIONS[PLENARY]),
        ev.room(WS_A, TITLES[WS_A], [
            ev.session("a1", "Citizen labs in Madrid", -1200, 2400, ev.mingle(rounds=2, round_seconds=120)),
        ], location=LOCATIONS[WS_A]),
        ev.room(WS_B, TITLES[WS_B], [
            ev.session("b1", "Service design with users", 600, 1800, ev.mingle(rounds=1, round_seconds=60, start="automatic")),
        ]),
    ])


def query(d):
    return urlsplit(d.current_url).query


def live(d):
    return tid(d, "live").get_attribute("textContent")


def my_room(d):
    els = tids(d, "my-room-title")
    return els[0].text if els else None


def room_order(d):
    return [e.get_attribute("data-room") for e in tids(d, "rooms-list")[0].find_elements("css selector", "li.room")]


def count(d, room):
    els = tids(d, f"room-count-{room}")
    return int(els[0].get_attribute("data-count")) if els else None


def room_status(d, room):
    els = tids(d, f"room-status-{room}")
    return els[0].text if els else ""


def dialog_open(d):
    return tid(d, "dialog").get_attribute("open") is not None


def both_sizes(d, name):
    """Full-page screenshots at the desktop and the phone width."""
    paths = [full_shot(d, f"{name}-desktop", DESKTOP[0])]
    w, h = d.viewport
    set_viewport(d, *PHONE)
    try:
        paths.append(full_shot(d, f"{name}-phone"))
    finally:
        set_viewport(d, w, h)
    return paths


# Text in the room chrome against the background it sits on (the first opaque one up the tree).
CONTRAST_JS = """
const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 }; };
const lum = (rgb) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
const bad = []; let checked = 0;
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.offsetParent || !el.textContent.trim()) continue;
  const fg = parse(getComputedStyle(el).color); let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a === 1) bg = c; }
  if (!fg || !bg) continue;
  const [hi, lo] = [lum(fg.rgb), lum(bg.rgb)].sort((x, y) => y - x);
  const ratio = (hi + 0.05) / (lo + 0.05); checked++;
  if (ratio < 4.5) bad.push(`${el.className || el.tagName}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
}
return [checked, bad];
"""
ROOM_TEXT = (".room-title, .room-location, .room-status, .room-detail, .room-count, .room-count-n, .room-here, .room .btn, "
             ".room-bar-label, .room-bar-title, .room-bar-location, .room-bar .btn, .room-error p, .announcement-room, "
             ".join-room p, .rooms-card .h3, .rooms-card .muted")


def check_contrast(d, where, minimum=5):
    """WCAG AA (4.5:1) for the room chrome's text, in the light and the dark theme."""
    for scheme in ("light", "dark"):
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        # Buttons fade their colours (.15 s): measure once the switch of theme has settled.
        wait(d, lambda d: d.execute_script(
            "return document.getAnimations().filter((a) => a instanceof CSSTransition && a.playState === 'running').length") == 0,
            what="colour transitions done")
        checked, bad = d.execute_script(CONTRAST_JS, ROOM_TEXT)
        assert checked >= minimum and not bad, f"{where} ({scheme}): contrast below 4.5:1 in {bad} ({checked} checked)"
        if scheme == "dark":
            full_shot(d, f"{where}-dark")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})


def check_i18n_keys():
    """Every English string has its Norwegian one (the room strings are new)."""
    base = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "Sources", "MingleServer", "Public", "i18n")
    en = json.load(open(os.path.join(base, "en.json")))
    nb = json.load(open(os.path.join(base, "nb.json")))
    assert set(en) == set(nb), f"keys only in en: {sorted(set(en) - set(nb))}, only in nb: {sorted(set(nb) - set(en))}"


def run(notes):
    check_i18n_keys()
    server = MingleServer("rooms", writer=write_event)
    drivers, clients = [], []
    try:
        a = browser(DESKTOP); drivers.append(a)
        b = browser(PHONE); drivers.append(b)

        # An address naming a room the event does not have (a stale `?room=`; the server answers /r/nope
        # itself with a 404): the join form says so before anyone joins.
        b.get(server.origin + "/?room=nope")
        wait_view(b, "join")
        assert query(b) == "room=nope", b.current_url
        wait(b, lambda d: "nope" in tid(d, "join-room-unknown").text, what="unknown room explained in the join form")
        shot(b, "rooms-join-unknown-phone")

        # Joining by a room's link: the 303 leads to /?room=ws-a and the form names the room.
        a.get(server.origin + f"/r/{WS_A}")
        wait_view(a, "join")
        assert query(a) == f"room={WS_A}", a.current_url
        wait(a, lambda d: tid(d, "join-room-title").text == TITLES[WS_A], what="the room in the join form")
        assert tid(a, "join-room-location").text == LOCATIONS[WS_A]
        full_shot(a, "rooms-join-desktop")
        check_contrast(a, "rooms-join", minimum=3)
        join(a, server.origin + f"/r/{WS_A}", "Kari Nordmann", {"region": "viken", "attendance": "onsite"}, code=ACCESS_CODE)
        wait_view(a, "lobby")
        wait(a, lambda d: my_room(d) == TITLES[WS_A], what="A's room on top of the lobby")
        assert tid(a, "my-room-location").text == LOCATIONS[WS_A]
        assert query(a) == f"room={WS_A}", a.current_url
        wait(a, lambda d: "You are in Workshop A" in live(d), what="live region names the room")
        ia = int(a.execute_script("return document.body.dataset.attendee"))

        # B joins from the unknown link: in no room, the lobby asks to pick one and explains the link.
        join(b, server.origin + "/?room=nope", "Lucía Martín", {"region": "madrid", "attendance": "remote"}, code=ACCESS_CODE)
        wait_view(b, "lobby")
        wait(b, lambda d: "nope" in tid(d, "room-error").text, what="unknown room explained in the lobby")
        assert query(b) == "", b.current_url
        assert not tids(b, "my-room") and not tids(b, "presence-total"), "in no room: no room bar, no presence"
        assert tid(b, "lobby-status").text == "Pick a room to mingle in"
        assert tids(b, "rooms")[0].get_attribute("class").count("is-prominent") == 1
        ib = int(b.execute_script("return document.body.dataset.attendee"))
        both_sizes(b, "rooms-pick")
        check_contrast(b, "rooms-pick")

        # B picks workshop A from the list.
        click(b, f"room-enter-{WS_A}")
        wait(b, lambda d: my_room(d) == TITLES[WS_A], what="B in workshop A")
        assert query(b) == f"room={WS_A}"
        assert not tids(b, "room-error"), "the note goes once a room is chosen"
        wait(b, lambda d: "You are now in Workshop A" in live(d), what="B's live region")

        # Two more attendees over the protocol: Giulia in the plenary, Seán in workshop A.
        c = ProtocolClient(server); clients.append(c)
        wc = c.join("Giulia Rossi", "lombardia", room=PLENARY)
        assert wc["type"] == "welcome" and wc["room"] == PLENARY, wc
        dd = ProtocolClient(server); clients.append(dd)
        wd = dd.join("Seán Murphy", "dublin", room=WS_A)
        assert wd["type"] == "welcome" and wd["room"] == WS_A, wd
        ic, id_ = wc["attendee"]["id"], wd["attendee"]["id"]

        # The lobby: presence of A's room, the room list with counts (updated at most every 10 s), the
        # order (mingling soon first), what happens in each room.
        wait(a, lambda d: tid(d, "presence-total").text == "3", what="3 in workshop A")
        wait(a, lambda d: (count(d, WS_A), count(d, PLENARY), count(d, WS_B)) == (3, 1, 0), timeout=25,
             what="room counts 3/1/0")
        assert room_order(a) == [WS_B, PLENARY, WS_A], room_order(a)
        assert room_status(a, WS_B).startswith("Mingling starts in ") and "after “Service design with users”" in room_status(a, WS_B), room_status(a, WS_B)
        assert room_status(a, PLENARY) == "Session running: Welcome: why co-create public services?", room_status(a, PLENARY)
        assert tids(a, f"room-here-{WS_A}") and not tids(a, f"room-enter-{WS_A}"), "A's own room says 'You are here'"
        assert tid(a, f"room-{WS_A}").get_attribute("aria-current") == "true"
        assert tid(a, f"room-enter-{PLENARY}").get_attribute("aria-label") == f"Enter {TITLES[PLENARY]}"
        assert tid(a, "schedule").text.startswith(f"Schedule in {TITLES[WS_A]}"), tid(a, "schedule").text
        assert "Citizen labs in Madrid" in tid(a, "schedule").text and "Welcome" not in tid(a, "schedule").text
        both_sizes(a, "rooms-lobby")
        check_contrast(a, "rooms-lobby")

        # Switching by keyboard: A moves to the plenary; B, left in workshop A, sees the count drop.
        wait(b, lambda d: tid(d, "presence-total").text == "3", what="B sees 3 in workshop A")
        enter = tid(a, f"room-enter-{PLENARY}")
        a.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", enter)
        enter.send_keys(Keys.ENTER)
        assert not dialog_open(a), "no round running: no warning"
        wait(a, lambda d: my_room(d) == TITLES[PLENARY], what="A in the plenary")
        assert query(a) == f"room={PLENARY}"
        wait(a, lambda d: "You are now in Plenary" in live(d), what="A's live region after switching")
        wait(a, lambda d: d.switch_to.active_element.get_attribute("data-testid") == "my-room-title", what="focus on the new room's name")
        wait(b, lambda d: tid(d, "presence-total").text == "2", what="B sees workshop A drop to 2")
        wait(a, lambda d: tid(d, "presence-total").text == "2", what="A sees 2 in the plenary")

        # An announcement to the plenary reaches A, labelled with the room.
        server.admin(f"/api/rooms/{PLENARY}/announce", {"text": "Plenary resumes at 11:00.", "scope": "everyone"})
        wait(a, lambda d: "Plenary resumes" in tid(d, "announcements").text, what="room announcement in A's lobby")
        assert "Plenary" in tid(a, "announcements").find_element("css selector", ".announcement-room").text

        # A round in workshop A only: B and Seán are paired; A and Giulia (plenary) are not.
        server.admin(f"/api/rooms/{WS_A}/mingling/start", {})
        wait_view(b, "breakout")
        assert partner_ids(b) == [id_], partner_ids(b)
        brk = dd.wait_for(lambda m: m["type"] == "breakout", what="Seán's breakout")
        assert sorted(m["id"] for m in brk["members"]) == sorted([ib, id_]) and brk["room"] == WS_A, brk
        assert tid(b, "round-label").get_attribute("textContent").startswith(TITLES[WS_A] + " · Round 1 of 2"), tid(b, "round-label").text
        wait(a, lambda d: room_status(d, WS_A).startswith("Mingling now: round 1 of 2, ") and room_status(d, WS_A).endswith(" left"),
             what="A's list shows workshop A mingling")
        assert room_order(a)[0] == WS_A, room_order(a)
        c.wait_for(lambda m: m["type"] == "rooms" and any(r["id"] == WS_A and r["phase"] == "mingling" for r in m["rooms"]),
                   what="Giulia's room list with workshop A mingling")
        assert view(a) == "lobby" and not c.of_type("round_started") and not c.of_type("breakout"), "the plenary was paired"
        assert not dd.of_type("announcement"), "the plenary's announcement reached workshop A"
        status = server.status()
        by_room = {r["id"]: r for r in status["rooms"]}
        assert [x["members"] for x in by_room[WS_A]["breakouts"]] == [2] and not by_room[PLENARY]["breakouts"], status["rooms"]
        shot(a, "rooms-lobby-mingling-desktop")

        # Switching out of the breakout asks first (and names who is left behind); cancel keeps it.
        click(b, "breakout-switch-room")
        wait(b, lambda d: dialog_open(d), what="switch dialog")
        assert "Seán Murphy" in tid(b, "switch-warning").text, tid(b, "switch-warning").text
        full_shot(b, "rooms-switch-dialog-phone")
        set_viewport(b, *DESKTOP)
        shot(b, "rooms-switch-dialog-desktop")
        set_viewport(b, *PHONE)
        click(b, "dialog-cancel")
        wait(b, lambda d: not dialog_open(d), what="dialog closed")
        assert view(b) == "breakout"
        click(b, "breakout-switch-room")
        wait(b, lambda d: dialog_open(d), what="switch dialog again")
        click(b, "dialog-confirm")  # nothing chosen: refused in the dialog
        assert dialog_open(b), "a switch without a room must not be sent"
        tid(b, f"switch-to-{PLENARY}").click()
        click(b, "dialog-confirm")
        wait_view(b, "lobby")
        wait(b, lambda d: my_room(d) == TITLES[PLENARY], what="B in the plenary")
        left = dd.wait_for(lambda m: m["type"] == "partner_left", what="Seán told his partner left")
        assert left["attendee"] == ib and left["reason"] == "left", left

        # Waiting for a partner in a room whose round runs, switching asks first too. Seán leaves the room,
        # so A, arriving late in workshop A, waits alone (nobody to be grouped with) until A moves on.
        dd.send({"type": "leave_room"})
        dd.wait_for(lambda m: m["type"] == "room" and m["room"] is None, what="Seán in no room")
        click(a, f"room-enter-{WS_A}")
        wait(a, lambda d: my_room(d) == TITLES[WS_A], what="A in workshop A during its round")
        wait(a, lambda d: tid(d, "lobby-detail").text == "We are finding someone for you. This takes a few seconds.",
             what="A waiting for a partner")
        click(a, f"room-enter-{PLENARY}")
        wait(a, lambda d: dialog_open(d), what="switch dialog while waiting")
        assert tid(a, "switch-warning").text == "A round is running in Workshop A: Citizen labs. If you move now, you leave this round.", \
            tid(a, "switch-warning").text
        shot(a, "rooms-switch-waiting-desktop")
        click(a, "dialog-confirm")
        wait(a, lambda d: my_room(d) == TITLES[PLENARY], what="A back in the plenary")

        # Leaving the room: A is in no room, the address loses ?room=, the list asks to pick.
        click(a, "leave-room")
        wait(a, lambda d: not tids(d, "my-room"), what="A out of the room")
        assert query(a) == ""
        assert tid(a, "lobby-status").text == "Pick a room to mingle in"
        wait(a, lambda d: "You left Plenary" in live(d), what="live region after leaving")
        assert not tids(a, "schedule"), "in no room: no schedule"

        # A reload comes back to the same room (B), or to none (A).
        b.refresh()
        wait_view(b, "lobby")
        wait(b, lambda d: my_room(d) == TITLES[PLENARY], what="B back in the plenary after a reload")
        a.refresh()
        wait_view(a, "lobby")
        wait(a, lambda d: tids(d, "rooms") and not tids(d, "my-room"), what="A still in no room after a reload")

        # A registered attendee opening another room's link moves there; an unknown one is explained.
        a.get(server.origin + f"/r/{WS_B}")
        wait_view(a, "lobby")
        wait(a, lambda d: my_room(d) == TITLES[WS_B], what="A in workshop B by its link")
        assert query(a) == f"room={WS_B}"
        a.get(server.origin + "/?room=nope")
        wait_view(a, "lobby")
        wait(a, lambda d: "nope" in tid(d, "room-error").text, what="unknown room explained after a resume")
        assert my_room(a) == TITLES[WS_B] and query(a) == f"room={WS_B}", (my_room(a), a.current_url)
        assert ia and ic

        assert_clean_console(drivers)
    finally:
        for cl in clients:
            cl.close()
        quit_all(drivers)
        server.stop()
