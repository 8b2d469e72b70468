"""Two browsers in one breakout reach a connected RTCPeerConnection with the fake camera and
microphone, signalled through the server, and each decodes the other's video; the page says the call is
direct (host candidates on loopback: no STUN or TURN server here) and reports it to the server; after
one of them loses its connection to the server and resumes, the two connect again with the camera still
on. (Calls through a TURN relay across networks: scripts/turn-test.)"""
from e2e_lib import (DESKTOP, PHONE, assert_clean_console, click, kari_and_lucia, MingleServer, quit_all, shot, tid,
                     wait, wait_view)


def decoded_frames(d, other):
    return d.execute_script(
        "const v = document.querySelector(`[data-testid=\"remote-video-${arguments[0]}\"]`);"
        "return v && v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0;", other)


def peer_state(d, other, attribute="data-state"):
    els = d.find_elements("css selector", f'[data-testid="peer-state-{other}"]:not([data-old])')
    return els[0].get_attribute(attribute) if els else None


def run(notes):
    server = MingleServer("webrtc", round_seconds=180, rounds=1)
    drivers = []
    try:
        a, b, ia, ib = kari_and_lucia(server, drivers, sizes=(DESKTOP, PHONE), notes=notes)
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        # Nothing is asked of the camera or microphone until the attendee presses a button.
        for d in drivers:
            assert d.execute_script("return document.querySelector('[data-testid=local-video]').srcObject") is None
        click(a, "media-video")
        click(b, "media-audio")
        wait(a, lambda d: peer_state(d, ib) == "connected", timeout=30, what="peer connection connected at A")
        wait(b, lambda d: peer_state(d, ia) == "connected", timeout=30, what="peer connection connected at B")
        # Host candidates on loopback: the selected pair is direct, and the page says so.
        for d, other in ((a, ib), (b, ia)):
            assert peer_state(d, other, "data-path") == "direct", peer_state(d, other, "data-path")
        wait(a, lambda d: "Connected directly with" in tid(d, "media-status").text, what="status says connected directly")
        # Both pages reported the call; the server counts it once, as direct.
        calls = wait(a, lambda d: (server.status()["rooms"][0]["calls"] or None)
                     if server.status()["rooms"][0]["calls"]["connected"] == 1 else None, what="the call in /api/status")
        assert calls["started"] == 1 and calls["relayed"] == 0 and calls["relayPercent"] == 0, calls
        notes.add(f"direct call: time to connect {calls['medianConnectMs']} ms (as the page measured it)")
        # A sends video (fake camera): B decodes frames. B is audio-only: A gets its audio track.
        wait(b, lambda d: decoded_frames(d, ia) > 0, timeout=20, what="decoded video frames at B")
        wait(a, lambda d: d.execute_script(
            "const v = document.querySelector(`[data-testid=\"remote-video-${arguments[0]}\"]`);"
            "return v && v.srcObject && v.srcObject.getAudioTracks().length > 0;", ib), timeout=20, what="audio track at A")
        # Then B turns its camera on too: renegotiation from the polite side.
        click(b, "media-video")
        wait(a, lambda d: decoded_frames(d, ib) > 0, timeout=20, what="decoded video frames at A after renegotiation")
        shot(a, "webrtc-breakout-desktop")
        shot(b, "webrtc-breakout-phone")

        # The server restarts, so both signalling sockets drop (the pages stay): both resume and
        # rebuild the call. The old tiles are marked to tell them from the new connections.
        for d, other in ((a, ib), (b, ia)):
            d.execute_script("document.querySelector(`[data-testid=\"peer-state-${arguments[0]}\"]`).dataset.old = '1'", other)
        server.restart()
        for d in drivers:
            wait(d, lambda d: tid(d, "conn-state").get_attribute("data-state") == "open", timeout=30, what="reconnected")
        wait(a, lambda d: peer_state(d, ib) == "connected", timeout=30, what="connected again at A")
        wait(b, lambda d: peer_state(d, ia) == "connected", timeout=30, what="connected again at B")
        wait(b, lambda d: decoded_frames(d, ia) > 0, timeout=20, what="video again at B")
        assert b.execute_script("return !!document.querySelector('[data-testid=local-video]').srcObject"), "camera should stay on"
        assert_clean_console(drivers, expected=["WebSocket connection to"])
    finally:
        quit_all(drivers)
        server.stop()
