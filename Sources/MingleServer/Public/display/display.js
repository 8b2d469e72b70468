// The room display: the projector page for one physical room, served at /r/<room-id>/display
// (also /display/index.html?room=<room-id>, for previews). It shows the room, a QR code to the
// room's link, the room's state in large type and how many people are in it. No names or other
// personal data ever reach this page.
//
// Socket: wss?://<host>/r/<room-id>/display/ws + this page's own query string (the display key
// `?key=...` travels that way; a signed-in admin's cookie works too). The page sends nothing; the
// server sends one message on open and another whenever anything in it changes:
//
//   {"type": "display",
//    "serverTime": <ms since the epoch, when sent>,
//    "room": {"id": "workshop-a", "title": "…", "location": "Room 2.14" | null},
//    "link": "https://host/r/workshop-a",
//    "phase": "lobby" | "session" | "mingling",
//    "session": {"id": "…", "title": "…"} | null,           the session in this room now
//    "nextMingling": {"session": "<session id>", "title": "<session title>", "startsAt": <ms> | null} | null,
//    "round": <n> | null, "rounds": <m> | null,              during mingling
//    "endsAt": <ms> | null,                                  end of the running round
//    "nextRoundAt": <ms> | null,                             between rounds: start of the next
//    "minglingDone": true | false,                           this room's mingling is over for the day
//    "present": 37,                                          attendees in this room now
//    "inBreakouts": 30,                                      of them, in a conversation now
//    "byAttendance": {"onsite": 21, "remote": 16}}           {} when the event has no `attendance`
//                                                            attribute: those counts are then hidden
//
// nextMingling without "title" is read as the first draft had it ("session" holding the title);
// a null startsAt reads "Mingling starts soon". Other fields (startedAt, warningSeconds, …) are
// ignored, as are messages of another type.
// Times are the server's; countdowns tick here every second
// against serverTime (offset = serverTime - local clock at arrival, refreshed by every message).
// A dropped socket is reopened with exponential backoff (1 s doubling to 30 s, with jitter) and a
// small "reconnecting" note shows until the next message arrives.
// Language: ?lang=nb|en, else the browser's languages, else English (strings.js).

import { roughServerTime, serverNow, formatSeconds } from '../js/clock.js';
import { socketURL } from '../js/paths.js';
import { t, loadStrings, roomFromLocation, shortLink, showLink, qrPath } from './strings.js';

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** Longer titles get a smaller type size (display.css `[data-long="true"]`), so they fit in two or three lines. */
const LONG_TITLE_CHARS = 36;

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const params = new URLSearchParams(location.search);
const roomId = roomFromLocation('display', params);

let latest = null;          // the last display message
let tickTimer = null;
let announcedKey = null;

// MARK: Reading the message defensively

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v) => (typeof v === 'string' ? v : '');
const count = (v) => Math.max(0, Math.floor(num(v) ?? 0));

// MARK: What to show

/**
 * The state in three lines (a label, the main line, an optional sub line), the server time it
 * counts down to (or null) and a key that changes when the state does (for announcements).
 * `main` is a countdown when `deadline` is set: `{time}` in it is filled on every tick.
 */
function describe(msg, now) {
  const round = num(msg.round);
  const rounds = num(msg.rounds);
  const endsAt = num(msg.endsAt);
  const nextRoundAt = num(msg.nextRoundAt);
  const next = msg.nextMingling && typeof msg.nextMingling === 'object' ? msg.nextMingling : null;
  const startsAt = next ? num(next.startsAt) : null;
  const nextSession = next ? (str(next.title) || str(next.session)) : '';
  const session = msg.session && typeof msg.session === 'object' ? str(msg.session.title) : '';

  if (msg.minglingDone === true) {
    return { key: 'done', label: '', main: t('stateDone'), kind: 'text', deadline: null };
  }
  if (msg.phase === 'mingling') {
    if (round !== null && endsAt !== null) {
      const values = { round, rounds: rounds ?? round };
      const sub = t('stateInBreakouts', { count: count(msg.inBreakouts) });
      if (endsAt > now) return { key: `round-${round}`, label: t('stateRoundEndsIn', values), main: '{time}', kind: 'time', sub, deadline: endsAt };
      return { key: `round-${round}-ending`, label: t('stateRoundEnding', values), main: formatSeconds(0), kind: 'time', deadline: null };
    }
    if (nextRoundAt !== null) {
      if (nextRoundAt > now) return { key: `between-${round}`, label: t('stateBetweenRounds'), main: '{time}', kind: 'time', deadline: nextRoundAt };
      return { key: `between-${round}-now`, label: t('stateBetweenRoundsNow'), main: formatSeconds(0), kind: 'time', deadline: null };
    }
    const label = round !== null ? t('stateRound', { round, rounds: rounds ?? round }) : '';
    return { key: `mingling-${round}`, label, main: t('stateMinglingNow'), kind: 'text', deadline: null };
  }
  if (msg.phase === 'session') {
    let sub = '';
    let deadline = null;
    if (startsAt !== null && startsAt > now) { sub = t('stateMinglingAfterIn'); deadline = startsAt; }
    else if (next) sub = t('stateMinglingAfter');
    return { key: `session-${session}`, label: t('stateSession'), main: session, kind: 'text', sub, deadline };
  }
  // Lobby: before (or between) sessions.
  if (startsAt !== null && startsAt > now) {
    const sub = nextSession ? t('stateAfterSession', { session: nextSession }) : '';
    return { key: `starts-${startsAt}`, label: t('stateStartsIn'), main: '{time}', kind: 'time', sub, deadline: startsAt };
  }
  if (next) return { key: 'starts-soon', label: '', main: t('stateStartsSoon'), kind: 'text', deadline: null };
  return { key: 'welcome', label: '', main: t('stateWelcome'), kind: 'text', deadline: null };
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
  el.hidden = text === '';
}

function render() {
  clearTimeout(tickTimer);
  tickTimer = null;
  if (!latest) return;
  const msg = latest;
  const now = serverNow();
  const state = describe(msg, now);
  const left = state.deadline === null ? 0 : Math.max(0, Math.ceil((state.deadline - now) / 1000));
  const time = formatSeconds(left);

  const section = $('state');
  section.dataset.phase = msg.minglingDone === true ? 'done' : str(msg.phase);
  setText($('state-label'), state.label);
  const main = $('state-main');
  setText(main, state.main.replace('{time}', time));
  main.dataset.kind = state.kind;
  main.dataset.long = String(state.kind === 'text' && state.main.length > LONG_TITLE_CHARS);
  if (state.deadline !== null) main.dataset.seconds = String(left); else delete main.dataset.seconds;
  setText($('state-sub'), (state.sub || '').replace('{time}', time));

  if (state.key !== announcedKey) {
    // Announce a new state once (not every second of its countdown).
    announcedKey = state.key;
    announce([state.label, state.main.replace('{time}', time), (state.sub || '').replace('{time}', time)].filter(Boolean).join(' '));
  }

  if (state.deadline !== null) {
    // Tick just after the next whole second of server time, so the digits change on the second.
    const msLeft = state.deadline - serverNow();
    const untilNextSecond = ((msLeft % 1000) + 1000) % 1000 || 1000;
    tickTimer = setTimeout(render, msLeft > 0 ? untilNextSecond + 15 : 1000);
  }
}

function announce(text) {
  const region = $('live');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 60);
}

function receive(msg) {
  if (typeof msg.serverTime === 'number') roughServerTime(msg.serverTime);
  latest = msg;

  const room = msg.room && typeof msg.room === 'object' ? msg.room : {};
  const title = str(room.title) || str(room.id) || roomId;
  setText($('room-title'), title);
  $('room-title').dataset.long = String(title.length > LONG_TITLE_CHARS);
  setText($('room-location'), str(room.location));
  document.title = t('documentTitle', { room: title });

  const link = str(msg.link);
  showLink($('link'), link);
  const qr = $('qr');
  qr.alt = link ? t('qrAlt', { link: shortLink(link) }) : t('qrAltNoLink');
  const id = str(room.id) || roomId;
  const src = qrPath(id);
  if (id && qr.getAttribute('src') !== src) qr.src = src;

  const present = count(msg.present);
  const attendance = msg.byAttendance && typeof msg.byAttendance === 'object' ? msg.byAttendance : {};
  const mingling = msg.phase === 'mingling' && msg.minglingDone !== true;
  $('count-present').textContent = String(present);
  $('count-present-label').textContent = mingling ? t('countMingling') : t('countHere');
  $('count-onsite').textContent = String(count(attendance.onsite));
  $('count-remote').textContent = String(count(attendance.remote));
  const hybrid = 'onsite' in attendance || 'remote' in attendance;
  $('count-onsite').parentElement.hidden = !hybrid;
  $('count-remote').parentElement.hidden = !hybrid;
  $('counts').hidden = false;

  render();
}

// MARK: Socket

let attempt = 0;
let retryTimer = null;

function feedURL() {
  return socketURL(`r/${encodeURIComponent(roomId)}/display/ws${location.search}`);
}

function showConnection(state) {
  const note = $('conn-note');
  note.dataset.state = state;
  setText(note, state === 'open' ? '' : t(state === 'connecting' ? 'connConnecting' : 'connReconnecting'));
}

function connect() {
  clearTimeout(retryTimer);
  let ws;
  try {
    ws = new WebSocket(feedURL());
  } catch {
    scheduleRetry();
    return;
  }
  ws.addEventListener('message', (ev) => {
    if (typeof ev.data !== 'string') return;
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (!msg || typeof msg !== 'object' || msg.type !== 'display') return;
    // Only a message proves the server took us (a refused key closes right after opening).
    attempt = 0;
    showConnection('open');
    receive(msg);
  });
  ws.addEventListener('close', () => scheduleRetry());
}

function scheduleRetry() {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  const delay = Math.round(base / 2 + Math.random() * base / 2);
  attempt += 1;
  showConnection('reconnecting');
  retryTimer = setTimeout(connect, delay);
}

// MARK: Keep the projector awake

async function keepAwake() {
  try {
    if ('wakeLock' in navigator && document.visibilityState === 'visible') await navigator.wakeLock.request('screen');
  } catch { /* not allowed here (e.g. plain http): the projector's own settings apply */ }
}

async function start() {
  await loadStrings(params);
  document.title = t('documentTitle', { room: roomId || 'Mingle' });
  setText($('room-title'), roomId);
  if (roomId) {
    const qr = $('qr');
    qr.alt = t('qrAltNoLink');
    qr.src = qrPath(roomId);
  }
  if (!roomId) return;   // no /r/<room-id>/ in the address and no ?room=: nothing to follow
  showConnection('connecting');
  connect();
  keepAwake();
  document.addEventListener('visibilitychange', keepAwake);
}

start();
