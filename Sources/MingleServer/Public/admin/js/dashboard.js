// The operations dashboard: wires the live feed (/admin/ws) to the views.
//
// Views (by the URL's hash):
//   #/               the overview: key numbers, every room as a card, the event's controls, charts,
//                    server facts, reports. A single-room event shows its room right here.
//   #/rooms/<id>     one room with its controls, screen and poster links, and breakouts.
// Everything is built once and updated in place each second, so focus and typing survive updates.

import { h, $ } from '../../js/dom.js';
import { initI18n, t, setLanguage, language, languages, onLanguageChange, applyStatic } from '../../js/i18n.js';
import { roughServerTime, serverNow } from '../../js/clock.js';
import { Feed } from './feed.js';
import { RoomsOverview } from './rooms.js';
import { RoomView } from './room-view.js';
import { EventPanels } from './event-panels.js';
import { setText, tickCountdowns } from './ui.js';

const HISTORY_MS = 16 * 60 * 1000;

let status = null;
let history = [];
let feedState = { state: 'connecting', detail: {} };
let overview, panels;
let roomView = null;       // the mounted RoomView, in the room view or the overview's slot
let shown = null;          // what is on screen: 'overview' or 'room:<id>'

const views = {
  overview: () => $('[data-testid="view-overview"]'),
  room: () => $('[data-testid="view-room"]'),
};

function route() {
  const m = /^#\/rooms\/(.+)$/.exec(location.hash);
  return m ? { name: 'room', room: decodeURIComponent(m[1]) } : { name: 'overview' };
}

/** Shows the view the hash asks for; mounts the room view where it belongs. */
function render(moveFocus = false) {
  if (!status) return;
  const rooms = status.rooms || [];
  const single = rooms.length === 1;
  const r = route();
  const roomId = single ? rooms[0].id : (r.name === 'room' ? r.room : null);
  const want = r.name === 'room' && !single ? `room:${roomId}` : 'overview';
  const slot = want === 'overview' ? $('[data-testid="single-room-slot"]') : $('[data-testid="room-slot"]');
  const level = want === 'overview' ? 2 : 1;

  if (!roomId) {
    roomView?.el.remove();
    roomView = null;
  } else if (!roomView || roomView.id !== roomId || roomView.level !== level || !slot.contains(roomView.el)) {
    roomView?.el.remove();
    roomView = new RoomView(roomId, { level });
    roomView.level = level;
    slot.replaceChildren(roomView.el);
  }
  views.overview().hidden = want !== 'overview';
  views.room().hidden = want === 'overview';
  $('[data-testid="rooms-section"]').hidden = single;
  document.body.dataset.view = want === 'overview' ? 'overview' : 'room';
  document.body.dataset.rooms = single ? 'single' : 'multi';

  const previous = shown;
  shown = want;
  update();
  if (previous !== want) {
    // A view that was hidden has no size: its charts draw now that it is laid out.
    if (want === 'overview') panels.drawCharts();
    if (moveFocus) focusAfterMove(previous, want);
  }
}

/** After moving between views: back in the overview, the link of the room we came from; else the heading. */
function focusAfterMove(previous, want) {
  if (want === 'overview') {
    const id = previous?.startsWith('room:') ? previous.slice(5) : null;
    const link = id && [...document.querySelectorAll('[data-testid="room-card"]')].find((c) => c.dataset.room === id)
      ?.querySelector('a');
    (link || $('[data-testid="view-overview"] .view-title'))?.focus();
  } else {
    roomView?.heading.focus();
  }
}

const clockFormat = () => new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function update() {
  const s = status;
  roughServerTime(s.serverTime);
  setText($('[data-testid="event-name"]'), s.event);
  setText($('[data-testid="clock"]'), clockFormat().format(new Date(serverNow())));
  const failing = $('[data-testid="journal-failing"]');
  const journal = s.journal || { ok: true };
  failing.hidden = journal.ok !== false;
  setText(failing, journal.ok === false ? t('journalFailingNotice', { error: journal.error || '' }) : '');
  const paused = $('[data-testid="joining-paused"]');
  paused.hidden = !s.joiningPaused;
  setText(paused, s.joiningPaused ? t('joiningPausedNotice') : '');
  overview.update(s.rooms || []);
  if (shown === 'overview') panels.update(s, history);
  if (roomView) {
    const room = (s.rooms || []).find((x) => x.id === roomView.id);
    if (room) roomView.update(room, s);
    else setText(roomView.heading, t('noSuchRoom', { room: roomView.id }));
  }
  const title = shown?.startsWith('room:') && roomView ? roomView.title : t('overviewTitle');
  document.title = `${title} · ${t('pageTitle')}`;
}

function onHello(m) {
  history = m.history || [];
  status = m.status;
  render();
}

function onStats(m) {
  if (m.sample && (!history.length || history[history.length - 1].t !== m.sample.t)) history.push(m.sample);
  const cutoff = (m.sample?.t ?? Date.now()) - HISTORY_MS;
  while (history.length && history[0].t < cutoff) history.shift();
  status = m.status;
  render();
  if (typeof m.reports === 'number') panels.maybeLoadReports(m.reports);
}

/** The feed's state in words beside its dot. */
function showFeedState(state, detail) {
  feedState = { state, detail };
  const box = $('[data-testid="feed-state"]');
  box.dataset.state = state;
  let words;
  switch (state) {
    case 'open': words = t('feedLive'); break;
    case 'stale': words = t('feedStale'); break;
    case 'retrying': words = t('feedRetrying', { seconds: Math.max(1, Math.ceil((detail.retryAt - Date.now()) / 1000)) }); break;
    case 'signedOut': words = t('feedSignedOut'); break;
    default: words = t('feedConnecting');
  }
  setText($('[data-testid="feed-text"]'), words);
}

function setupLanguage() {
  const select = $('[data-testid="lang-select"]');
  select.replaceChildren(...languages().map((l) => h('option', { value: l.code, text: l.name, lang: l.code })));
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
  onLanguageChange(() => {
    select.value = language();
    showFeedState(feedState.state, feedState.detail);
    panels.relabel();
    roomView?.relabel();
    if (status) update();
  });
}

async function boot() {
  await initI18n('admin/i18n/');
  applyStatic();
  overview = new RoomsOverview($('[data-testid="room-cards"]'));
  panels = new EventPanels($('[data-testid="view-overview"]'));
  setupLanguage();
  showFeedState('connecting', {});
  window.addEventListener('hashchange', () => render(true));
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => panels.drawCharts(), 150);
  });
  setInterval(() => tickCountdowns(), 250);
  const feed = new Feed({ onHello, onStats, onState: showFeedState });
  feed.connect();
  panels.maybeLoadReports(0);
}

boot();
