"""Two browsers in one breakout reach a connected RTCPeerConnection with the fake camera and
microphone, signalled through the server, and each decodes the other's video."""
from e2e_lib import assert_clean_console, DESKTOP, PHONE, MingleServer, browser, click, join_attendee, quit_all, shot, tid, wait, wait_view


def decoded_frames(d, other):
    return d.execute_script(
        "const v = document.querySelector(`[data-testid=\"remote-video-${arguments[0]}\"]`);"
        "return v && v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0;", other)


def run(notes):
    server = MingleServer("webrtc", round_seconds=120, rounds=1)
    drivers = []
    try:
        a = browser(DESKTOP); drivers.append(a)
        b = browser(PHONE); drivers.append(b)
        ia = join_attendee(a, server, "Kari Nordmann", "viken", "onsite", notes=notes)
        ib = join_attendee(b, server, "Lucía Martín", "madrid", "remote", notes=notes)
        server.admin("/api/mingling/start", {"session": "s1"})
        for d in drivers:
            wait_view(d, "breakout")
        # Nothing is asked of the camera or microphone until the attendee presses a button.
        for d in drivers:
            assert d.execute_script("return document.querySelectorAll('[data-testid=local-video]')[0].srcObject") is None
        click(a, "media-video")
        click(b, "media-audio")
        wait(a, lambda d: tid(d, f"peer-state-{ib}").get_attribute("data-state") == "connected", timeout=30,
             what="peer connection connected at A")
        wait(b, lambda d: tid(d, f"peer-state-{ia}").get_attribute("data-state") == "connected", timeout=30,
             what="peer connection connected at B")
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
        assert_clean_console(drivers)
    finally:
        quit_all(drivers)
        server.stop()
