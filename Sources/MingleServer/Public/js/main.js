// Wires the pieces: connection -> store -> views, plus the side effects of server messages
// (resume token, clock sync, WebRTC, live announcements).

import { Connection, storedToken, storeToken } from './connection.js';
import { state, receive, update, subscribe, others, memberById } from './store.js';
import { initI18n, t, setLanguage, language, languages, onLanguageChange, applyStatic } from './i18n.js';
import { roughServerTime, syncReply } from './clock.js';
import { announce } from './live.js';
import { Mesh } from './webrtc.js';
import { h, replaceChildren, $ } from './dom.js';
import { renderJoin, showServerError } from './views/join.js';
import { renderLobby, stopLobby } from './views/lobby.js';
import { renderBreakout, leaveBreakoutView } from './views/breakout.js';
import { renderConnections } from './views/connections.js';
import { closeDialog, openDialog } from './views/dialog.js';
import { download } from './export.js';
import { eventRooms, isMultiRoom, roomInfo, linkRoom, setLinkRoom } from './rooms.js';

const SYNC_INTERVAL_MS = 30_000;
let syncTimer = null;
let currentView = null;
let bannerTimer = null;
/** The room asked for with `enter_room` (from the link or the list), until `room` or an error answers. */
let pendingRoom = null;
/** After the attendee's room changed: put focus on the new room's name (or the room list) once drawn. */
let focusRoom = false;

const conn = new Connection({
  url: Connection.defaultURL(),
  onMessage: handle,
  onState: (s, detail) => update({ conn: { state: s, retryAt: detail.retryAt ?? null, code: detail.code ?? null } }),
  onOpen: () => {
    const token = storedToken();
    if (!token) return;
    update({ joining: true });
    conn.send({ type: 'resume', token });
  },
});

function send(msg) {
  const ok = conn.send(msg);
  if (!ok) flash(t('notConnected'));
  return ok;
}

const mesh = new Mesh({ send: (msg) => conn.send(msg) });

function goneSet() {
  return new Set(Object.entries(state.partners).filter(([, p]) => p.status === 'left').map(([id]) => Number(id)));
}

function startSync() {
  clearInterval(syncTimer);
  const ask = () => conn.send({ type: 'sync', clientTime: Date.now() });
  ask();
  setTimeout(ask, 1000);
  setTimeout(ask, 2500);
  syncTimer = setInterval(ask, SYNC_INTERVAL_MS);
}

function nameOf(id) {
  return memberById(id)?.name ?? '';
}

function roomTitle(id) {
  return roomInfo(state.event ?? state.info?.event, id)?.title ?? id ?? '';
}

/** The address says the attendee's room (`?room=`), so a reload comes back to it. One room: left alone. */
function syncLink() {
  if (isMultiRoom(state.event)) setLinkRoom(state.room);
}

/** The room a `join` carries: the link's, when the event has it (or when the event is not known yet). */
function roomForJoin() {
  const id = linkRoom();
  if (!id) return null;
  const rooms = eventRooms(state.info?.event);
  if (!rooms.length) return id;
  return rooms.some((r) => r.id === id) ? id : null;
}

/**
 * After `welcome`: a link to another room than the one the attendee is in (a resume from a room's
 * QR code, say) moves them there. A room the event does not have is explained instead.
 */
function followLink() {
  const wanted = linkRoom();
  if (!wanted || wanted === state.room || !isMultiRoom(state.event)) { syncLink(); return; }
  if (!roomInfo(state.event, wanted)) {
    update({ roomError: wanted });
    syncLink();
    return;
  }
  pendingRoom = wanted;
  if (!conn.send({ type: 'enter_room', room: wanted })) pendingRoom = null;
}

function announceRoomChange(from) {
  const multi = isMultiRoom(state.event);
  if (!multi) return;
  if (state.room) announce(t('liveEnteredRoom', { room: roomTitle(state.room) }));
  else announce(t('liveLeftRoom', { room: roomTitle(from) }));
}

function handle(msg) {
  const before = { breakout: state.breakout?.id ?? null, joined: state.joined, room: state.room };
  if (msg.type === 'error') return handleError(msg);
  if (msg.type === 'sync') return syncReply(msg.clientTime, msg.serverTime);
  if (msg.type === 'signal') return mesh.handleSignal(msg);
  if (msg.type === 'turn_credentials') return mesh.setTurn(msg);
  if (msg.type === 'welcome' || msg.type === 'hello') roughServerTime(msg.serverTime);
  receive(msg);
  switch (msg.type) {
    case 'welcome':
      if (msg.resumeToken) storeToken(msg.resumeToken);
      startSync();
      // After a resume our partners get `partner_back` and start fresh connections to us, so the
      // old ones (even if still up) are dropped here to match.
      if (before.joined) mesh.resetPeers();
      if (msg.turn) mesh.setTurn(msg.turn);
      mesh.setRoom(state.me, state.breakout, state.event?.iceServers, goneSet());
      if (!before.joined) announce(state.breakout ? t('liveBackInBreakout') : joinedText());
      followLink();
      break;
    case 'room':
      pendingRoom = null;
      mesh.setRoom(state.me, null);
      syncLink();
      if (before.room !== state.room) {
        closeDialog();
        announceRoomChange(before.room);
        focusRoom = true;
      }
      break;
    case 'left_breakout':
      if (!state.breakout) mesh.setRoom(state.me, null);
      break;
    case 'round_started':
      announce(t('liveRoundStarted', { round: msg.round, rounds: msg.rounds }));
      break;
    case 'breakout': {
      mesh.setRoom(state.me, state.breakout, state.event?.iceServers, goneSet());
      const names = others().map((m) => m.name);
      if (before.breakout !== msg.id) announce(t('liveWith', { names: names.join(', ') }));
      break;
    }
    case 'waiting': announce(t('liveWaiting')); mesh.setRoom(state.me, null); break;
    case 'unplaced': announce(t('lobbyUnplaced')); mesh.setRoom(state.me, null); break;
    case 'round_ending_soon': announce(t('liveEndingSoon')); break;
    case 'round_extended': announce(t('liveExtended')); break;
    case 'round_ended':
      mesh.setRoom(state.me, null);
      closeDialog();
      announce(t('liveRoundEnded'));
      break;
    case 'breakout_closed':
      mesh.setRoom(state.me, null);
      closeDialog();
      announce(t('liveBreakoutClosed'));
      break;
    case 'phase':
      if (msg.phase !== 'mingling') mesh.setRoom(state.me, null);
      break;
    case 'partner_left':
      announce(t('livePartnerLeft', { name: nameOf(msg.attendee) }));
      mesh.setRoom(state.me, state.breakout, state.event?.iceServers, goneSet());
      break;
    case 'partner_reconnecting': announce(t('livePartnerReconnecting', { name: nameOf(msg.attendee) })); break;
    case 'partner_back':
      announce(t('livePartnerBack', { name: nameOf(msg.attendee) }));
      mesh.restartPeer(msg.attendee);
      break;
    case 'contact': announce(t('liveContact', { name: msg.card?.name ?? '' })); break;
    case 'feedback_recorded': announce(t('feedbackThanks')); break;
    case 'announcement': {
      const room = msg.room && isMultiRoom(state.event) ? roomTitle(msg.room) : null;
      const from = room ? t('announcementsFromRoom', { room }) : t('announcementsTitle');
      announce(room ? `${from}: ${msg.text}` : msg.text);
      // Also on screen wherever the attendee is (the lobby keeps the list).
      flash(`${from}: ${msg.text}`, 15_000);
      break;
    }
    case 'my_data':
      download(`${String(state.event?.id || 'mingle').replace(/[^A-Za-z0-9._-]+/g, '-')}-my-data.json`,
        JSON.stringify(msg.data, null, 2), 'application/json;charset=utf-8');
      announce(t('myDataDownloaded'));
      break;
    case 'deleted':
      storeToken(null);
      mesh.setRoom(state.me ?? { id: -1 }, null);
      announce(t('deletedTitle'));
      break;
    case 'removed':
      storeToken(null);
      mesh.setRoom(state.me ?? { id: -1 }, null);
      break;
    default:
  }
}

function joinedText() {
  const event = state.event?.name ?? '';
  if (!isMultiRoom(state.event)) return t('liveJoined', { event });
  return state.room ? t('liveJoinedRoom', { event, room: roomTitle(state.room) }) : t('liveJoinedNoRoom', { event });
}

function handleError(msg) {
  console.info('server refused', msg.request, msg.code, msg.message);
  if (msg.code === 'unknown_room') {
    // The link (or a stale list) named a room the event does not have: say so, drop it from the
    // address, and let the attendee pick from the list (or join without it).
    const asked = pendingRoom ?? linkRoom() ?? '';
    pendingRoom = null;
    setLinkRoom(state.room);
    update({ roomError: asked });
    if (msg.request !== 'join') { announce(t('roomUnknownTitle', { room: asked })); return; }
  }
  if (msg.request === 'enter_room') pendingRoom = null;
  if (msg.code === 'unavailable' && msg.request === 'resume') {
    // The server is up but cannot record the return yet (its journal is failing): say so and try again.
    update({ joining: false });
    flash(t('actionError_unavailable'), 10_000);
    setTimeout(() => { if (!state.joined && storedToken()) conn.send({ type: 'resume', token: storedToken() }); }, 3000);
    return;
  }
  if (msg.code === 'resume_invalid' || (msg.code === 'not_joined' && msg.request !== 'join')) {
    storeToken(null);
    update({ joined: false, joining: false, breakout: null, me: null });
    if (msg.code === 'resume_invalid' && state.me === null) flash(t('resumeInvalid'));
    return;
  }
  if (msg.request === 'join' || (state.joining && !state.joined)) {
    update({ joining: false });
    showServerError(msg.code, msg.message);
    return;
  }
  if (msg.request === 'resume') { update({ joining: false }); return; }
  if (msg.request === 'feedback' && state.feedback) {
    // Answered before (another tab, or before a reload): nothing to ask; too late: say so in the card.
    if (msg.code === 'feedback_already_given') { update({ feedback: { ...state.feedback, status: 'recorded', answer: null } }); return; }
    if (msg.code === 'feedback_closed' || msg.code === 'unknown_breakout') { update({ feedback: { ...state.feedback, status: 'closed' } }); return; }
    update({ feedback: { ...state.feedback, status: 'ask' } });
  }
  // WebRTC signalling, call reports and clock sync failures are not the attendee's doing; the media
  // panel shows the connection state instead.
  if (msg.request === 'signal' || msg.request === 'sync' || msg.request === 'call_report') return;
  const key = `actionError_${msg.code}`;
  flash(t(key) === key ? t('actionError_other') : t(key));
}

/**
 * The protocol answers `leave_breakout` and `block` with no message to the one leaving, so the page
 * goes back to the lobby by itself (a refusal still arrives as an `error`).
 */
function leftLocally(key, reason = 'left') {
  closeDialog();
  mesh.setRoom(state.me, null);
  receive({ type: 'breakout_closed', reason });
  announce(t(key));
}

/** A short-lived message in the banner (refusals of actions, rate limiting). */
function flash(text, ms = 6000) {
  update({ notice: text });
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(() => update({ notice: null }), ms);
}

const actions = {
  join: (message) => {
    const room = roomForJoin();
    if (room) message.room = room;
    update({ joining: true });
    if (!conn.send(message)) { update({ joining: false }); showServerError('not_connected'); }
  },
  chat: (text) => send({ type: 'chat', text }),
  toggleStay: (id) => send(state.stayInTouch.has(id) ? { type: 'withdraw_stay_in_touch', with: id } : { type: 'stay_in_touch', with: id }),
  leave: () => { if (send({ type: 'leave_breakout' })) leftLocally('liveYouLeft'); },
  enterRoom: (id) => {
    pendingRoom = id;
    if (!send({ type: 'enter_room', room: id })) pendingRoom = null;
  },
  leaveRoom: () => send({ type: 'leave_room' }),
  report: (id, reason) => { if (send({ type: 'report', about: id, reason })) flash(t('reportSent')); },
  block: (id) => {
    const shared = state.breakout?.members.some((m) => m.id === id);
    if (send({ type: 'block', whom: id }) && shared) leftLocally('liveYouBlocked', 'blocked');
  },
  feedback: (answer) => {
    const f = state.feedback;
    if (!f || f.status !== 'ask') return;
    if (send({ type: 'feedback', breakout: f.breakout, answer })) update({ feedback: { ...f, status: 'sending', answer } });
  },
  skipFeedback: () => update({ feedback: null }),
  exportMyData: () => send({ type: 'export_my_data' }),
  deleteMe: () => openDialog({
    titleKey: 'deleteMeTitle', confirmKey: 'deleteMeConfirm', danger: true,
    body: [h('p', { text: t('deleteMeBody') }), h('p', { text: t('deleteMeKept') }), h('p', { class: 'muted', text: t('deleteMeFinal') })],
    onConfirm: () => { send({ type: 'delete_me', confirm: true }); },
  }),
  milestone: (s) => {
    if (s === 60) announce(t('liveOneMinute'));
    else if (s === 10) announce(t('liveTenSeconds'));
  },
};

// ---- rendering ----

const views = ['loading', 'join', 'lobby', 'breakout', 'connections'];

function chooseView() {
  if (state.removed || state.deleted || (state.conn.state === 'closed' && state.conn.code === 4002)) return 'loading';
  if (!state.joined) return storedToken() && state.conn.state !== 'closed' && (state.joining || state.conn.state !== 'open') ? 'loading' : 'join';
  if (state.tab === 'connections') return 'connections';
  return state.breakout ? 'breakout' : 'lobby';
}

function renderHeader() {
  const pill = $('[data-testid="conn-state"]');
  const s = state.conn.state;
  pill.dataset.state = s;
  const text = { open: t('connOpen'), connecting: t('connConnecting'), reconnecting: t('connReconnecting'), offline: t('connOffline'), closed: t('connClosed') }[s];
  pill.querySelector('.conn-text').textContent = text;
  $('[data-testid="header-event"]').textContent = state.event?.name ?? state.info?.event?.name ?? '';
  const nav = $('[data-testid="nav"]');
  nav.hidden = !state.joined;
  $('[data-testid="contacts-count"]').textContent = String(state.contacts.length);
  for (const b of nav.querySelectorAll('[data-nav]')) {
    const active = (b.dataset.nav === 'connections') === (state.tab === 'connections');
    if (active) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  const banner = $('[data-testid="banner"]');
  let bannerContent = null;
  if (state.removed) bannerContent = [t('removedBanner')];
  else if (state.joined && (s === 'reconnecting' || s === 'offline' || s === 'connecting')) {
    bannerContent = [h('span', { text: s === 'offline' ? t('bannerOffline') : t('bannerReconnecting') }), ' ',
      h('button', { type: 'button', class: 'btn btn-sm btn-secondary', testid: 'retry-now', text: t('retryNow'), on: { click: () => conn.retryNow() } })];
  } else if (state.notice) bannerContent = [state.notice];
  banner.hidden = !bannerContent;
  banner.dataset.kind = state.removed ? 'error' : state.notice && s === 'open' ? 'notice' : 'warning';
  if (bannerContent) {
    const sig = JSON.stringify([s, state.notice, !!state.removed, language()]);
    if (banner.dataset.sig !== sig) { replaceChildren(banner, bannerContent); banner.dataset.sig = sig; }
  } else banner.dataset.sig = '';
}

function renderLoading() {
  const root = $('#view-loading');
  if (!state.removed && state.conn.code === 4002) {
    replaceChildren(root, h('div', { class: 'card center', testid: 'replaced' },
      h('h1', { id: 'loading-title', class: 'h2', text: t('replacedTitle') }),
      h('p', { class: 'muted', text: t('replacedBody') }),
      h('p', { class: 'center-actions' }, h('button', { type: 'button', class: 'btn btn-primary', text: t('reloadHere'), on: { click: () => location.reload() } }))));
  } else if (state.deleted) {
    replaceChildren(root, h('div', { class: 'card center', testid: 'deleted' },
      h('h1', { id: 'loading-title', class: 'h2', text: t('deletedTitle') }),
      h('p', { class: 'muted', text: t('deletedBody') })));
  } else if (state.removed) {
    replaceChildren(root, h('div', { class: 'card center' },
      h('h1', { id: 'loading-title', class: 'h2', text: t('removedTitle') }),
      h('p', { class: 'muted', text: t('removedBody') })));
  }
}

/** The view's heading, made focusable (for moving focus there). */
function headingOf(root) {
  const heading = root.querySelector('h1');
  if (heading) heading.tabIndex = -1;
  return heading;
}

function render() {
  renderHeader();
  const next = chooseView();
  const root = $(`#view-${next}`);
  // Views that rebuild their markup (lobby, connections) would drop keyboard focus on every
  // presence update; put it back on the element with the same test id.
  const focused = root.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
  if (next === 'join') renderJoin(root, state, { join: actions.join, lang: language() });
  else if (next === 'lobby') renderLobby(root, state, actions);
  else if (next === 'breakout') renderBreakout(root, state, actions, mesh, language());
  else if (next === 'connections') renderConnections(root, state, actions);
  else renderLoading();
  if (focused && !root.contains(document.activeElement)) {
    // "Good conversation?" turns from buttons into a thank-you, then goes away: keep focus nearby.
    const near = focused.startsWith('feedback-') ? (root.querySelector('[data-testid="feedback-result"]') ?? headingOf(root)) : null;
    (root.querySelector(`[data-testid="${focused}"]`) ?? near)?.focus({ preventScroll: true });
  }
  if (focusRoom && next === 'lobby') {
    focusRoom = false;
    // A room change redraws the list the attendee just used; start them on the new room's name.
    const active = document.activeElement;
    if (!active || active === document.body || root.contains(active) || !active.isConnected) {
      (root.querySelector('[data-testid="my-room-title"]') ?? root.querySelector('[data-testid="rooms-title"]'))?.focus({ preventScroll: true });
    }
  }
  if (next !== 'breakout') { leaveBreakoutView(); document.body.dataset.ending = 'false'; }
  if (next !== 'lobby') stopLobby();
  if (next !== currentView) {
    for (const v of views) $(`#view-${v}`).hidden = v !== next;
    document.body.dataset.view = next;
    const heading = root.querySelector('h1');
    if (currentView !== null) window.scrollTo(0, 0);
    // Move focus to the new view's heading so keyboard and screen reader users start there.
    if (currentView !== null && heading && !root.contains(document.activeElement)) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    currentView = next;
  }
  document.body.dataset.attendee = state.me ? String(state.me.id) : '';
  document.body.dataset.phase = state.phase.phase;
}

function setupHeader() {
  const select = $('[data-testid="lang-select"]');
  replaceChildren(select, languages().map((l) => h('option', { value: l.code, text: l.name })));
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
  for (const b of document.querySelectorAll('[data-nav]')) {
    b.addEventListener('click', () => update({ tab: b.dataset.nav }));
  }
}

async function boot() {
  await initI18n();
  mesh.relabel();
  setupHeader();
  applyStatic();
  onLanguageChange(() => { $('[data-testid="lang-select"]').value = language(); mesh.relabel(); render(); });
  subscribe(render);
  render();
  conn.connect();
  // The countdown's milestones and the "starts in" clock need a re-render now and then for
  // derived text (schedule past/current); once a minute is plenty.
  setInterval(() => { if (currentView === 'lobby') render(); }, 60_000);
}

boot();
