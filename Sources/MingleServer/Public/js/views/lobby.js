// The lobby: where the event stands, when mingling starts, who is here, the schedule, the last
// round's summary and the organisers' announcements. In an event with several rooms, all of that is
// about the attendee's room, shown on top with the list of rooms; in no room, the list comes first.

import { h, replaceChildren, initials, toneClass } from '../dom.js';
import { t, formatTime, formatDay } from '../i18n.js';
import { serverNow } from '../clock.js';
import { Countdown } from '../countdown.js';
import { attributeLabel } from './people.js';
import { feedbackBlock } from './feedback.js';
import { isMultiRoom, roomInfo, roomSessions, roomState, nextMinglingOf } from '../rooms.js';
import { roomsSection, myRoomBar, roomErrorNote, tickRoomClocks } from './rooms.js';

const toMs = (v) => (typeof v === 'number' ? v : Date.parse(v));
let countdown = null;
let roomTicker = null;

function currentSession(state) {
  return roomSessions(state).find((s) => s.id === state.phase.session) ?? null;
}

/** The room's entry in the `rooms` message (the only one in a single-room event). */
function myRoomEntry(state) {
  return roomState(state, state.room) ?? (state.rooms.length === 1 ? state.rooms[0] : null);
}

/**
 * The next mingling the attendee can look forward to: {session, at (ms) or null for manual}. The
 * server's word (`rooms`) when there is one: it knows which sessions ended and which minglings ran;
 * a start time already behind us reads as "when the host opens it" (the catch-up window passed).
 */
function nextMingle(state) {
  const now = serverNow();
  const entry = myRoomEntry(state);
  if (entry && entry.phase === state.phase.phase) {
    const next = nextMinglingOf(entry);
    if (!next) return null;
    const session = roomSessions(state).find((s) => s.id === next.sessionId) ?? { id: next.sessionId, title: next.title };
    return { session, at: next.at && next.at > now ? next.at : null };
  }
  for (const s of roomSessions(state)) {
    if (!s.mingle || state.minglesDone.has(s.id)) continue;
    const end = toMs(s.end);
    if (s.id === state.phase.session || end > now) {
      return { session: s, at: s.mingle.start === 'manual' ? null : end };
    }
  }
  return null;
}

function statusBlock(state) {
  const p = state.phase;
  const rows = [];
  let title;
  let detail = null;
  let countTo = null;
  let eyebrow = t('lobbyEyebrow');
  if (p.phase === 'mingling' && !p.endsAt) {
    // Between rounds: the phase says which round was last, not when the next one begins.
    const last = p.round && p.rounds && p.round >= p.rounds;
    title = last ? t('lobbyMinglingDone') : t('lobbyBetweenRounds', { round: (p.round ?? 0) + 1, rounds: p.rounds ?? '?' });
    detail = last ? t('lobbyMinglingDoneDetail') : t('lobbyBetweenRoundsDetail');
  } else if (p.phase === 'mingling') {
    title = t('lobbyRoundRunning', { round: p.round ?? '?', rounds: p.rounds ?? '?' });
    if (state.waiting) detail = t('lobbyWaiting');
    else if (state.unplaced) detail = t('lobbyUnplaced');
    else detail = t('lobbyRoundDetail');
    if (p.endsAt) countTo = p.endsAt;
  } else {
    const next = nextMingle(state);
    const session = currentSession(state);
    if (p.phase === 'session' && session) {
      eyebrow = t('lobbyNowEyebrow');
      title = session.title;
    } else {
      title = t('lobbyWelcomeBack', { name: state.me?.name ?? '' });
    }
    const thisOne = next && session && next.session.id === session.id;
    if (next && next.at) {
      detail = thisOne ? t('lobbyNextAtThis', { time: formatTime(next.at) }) : t('lobbyNextAt', { time: formatTime(next.at), title: next.session.title });
      if (next.at > serverNow()) countTo = next.at;
    } else if (next) {
      detail = thisOne ? t('lobbyNextManualThis') : t('lobbyNextManual', { title: next.session.title });
    } else {
      detail = t('lobbyNoMore');
    }
  }
  rows.push(h('p', { class: 'eyebrow', text: eyebrow }));
  rows.push(h('h1', { id: 'lobby-title', class: 'h1', testid: 'lobby-status', text: title }));
  rows.push(h('p', { class: 'lead', testid: 'lobby-detail', text: detail }));
  const clock = h('span', { class: 'lobby-clock', testid: 'lobby-countdown' });
  if (countTo) rows.push(h('p', { class: 'lobby-clock-row' }, h('span', { class: 'muted', text: p.phase === 'mingling' ? t('lobbyRoundEndsIn') : t('lobbyStartsIn') }), ' ', clock));
  if (p.joiningPaused) rows.push(h('p', { class: 'note', text: t('lobbyJoiningPaused') }));
  countdown?.stop();
  countdown = countTo ? new Countdown({ el: clock }) : null;
  countdown?.set(countTo);
  return h('div', { class: 'card hero', attrs: { 'data-phase': p.phase } }, rows);
}

function stayButton(state, person, actions) {
  const exchanged = state.contacts.some((c) => c.attendee === person.id);
  const asked = state.stayInTouch.has(person.id);
  return h('button', {
    type: 'button', class: `btn btn-sm ${asked || exchanged ? 'btn-secondary' : 'btn-primary'} stay-btn`, testid: `summary-stay-${person.id}`,
    disabled: exchanged, attrs: { 'aria-pressed': String(asked || exchanged) }, dataset: { state: exchanged ? 'exchanged' : asked ? 'pending' : 'none' },
    text: exchanged ? t('stayExchanged') : asked ? t('stayWithdraw') : t('summaryStay'),
    on: { click: () => actions.toggleStay(person.id) },
  });
}

function summaryBlock(state, actions) {
  const s = state.summary;
  if (!s) return null;
  // After moving to another room, that room's next round is not this one's.
  const more = s.rounds && s.round < s.rounds && (!s.room || s.room === state.room);
  return h('div', { class: 'card summary', testid: 'round-summary' },
    h('h2', { class: 'h3', text: t('summaryTitle', { round: s.round }) }),
    s.met.length
      ? h('ul', { class: 'summary-people' }, s.met.map((m) => h('li', { class: 'person-row' },
        h('span', { class: `avatar avatar-sm ${toneClass(m.id)}`, attrs: { 'aria-hidden': 'true' }, text: initials(m.name) }),
        h('span', { class: 'person-chip-text' }, h('strong', { text: m.name }), ' ', h('span', { class: 'muted', text: attributeLabel(state.event, m) })),
        stayButton(state, m, actions))))
      : h('p', { class: 'muted', text: t('summaryNobody') }),
    h('p', { class: 'muted', text: more ? t('summaryNext') : t('summaryCards') }));
}

function presenceBlock(state) {
  const entry = myRoomEntry(state);
  // Presence comes when the room's numbers change; until then the room list's count stands in.
  const pr = state.presence ?? (entry && typeof entry.present === 'number'
    ? { total: entry.present, byAttribute: {}, inBreakouts: entry.inBreakouts, waiting: entry.waiting } : null);
  const multi = isMultiRoom(state.event);
  const attr = state.event?.attributes?.[0];
  const counts = pr && attr ? pr.byAttribute?.[attr.id] ?? {} : {};
  const max = Math.max(1, ...Object.values(counts));
  const list = attr ? attr.values.filter((v) => counts[v.id]).map((v) => {
    const bar = h('meter', { class: 'bar', min: 0, max, value: counts[v.id], attrs: { 'aria-hidden': 'true' } });
    return h('li', { class: 'presence-row' },
      h('span', { class: 'presence-label', text: v.label }),
      bar,
      h('span', { class: 'presence-count', text: String(counts[v.id]) }));
  }) : [];
  return h('div', { class: 'card' },
    h('h2', { class: 'h3', text: t('presenceTitle') }),
    h('p', { class: 'big-number', testid: 'presence-total', text: pr ? String(pr.total) : '–' }),
    h('p', { class: 'muted', text: pr ? t(multi ? 'presencePeopleRoom' : 'presencePeople', { count: pr.total }) : t('presenceUnknown') }),
    pr && (pr.inBreakouts || pr.waiting) ? h('p', { class: 'muted small', text: t('presenceBreakdown', { inBreakouts: pr.inBreakouts ?? 0, waiting: pr.waiting ?? 0 }) }) : null,
    list.length ? h('ul', { class: 'presence', attrs: { 'aria-label': attr.label } }, list) : null);
}

function scheduleBlock(state) {
  const sessions = roomSessions(state);
  if (!sessions.length) return null;
  const now = serverNow();
  let lastDay = null;
  const items = [];
  for (const s of sessions) {
    const start = toMs(s.start);
    const end = toMs(s.end);
    const day = formatDay(start);
    if (day !== lastDay && sessions.length > 1) { items.push(h('li', { class: 'schedule-day', text: day })); lastDay = day; }
    const current = s.id === state.phase.session;
    const past = end < now && !current;
    const secs = s.mingle?.roundSeconds ?? 0;
    const mingle = !s.mingle ? null : secs % 60 === 0
      ? t('scheduleMingle', { count: s.mingle.rounds, minutes: secs / 60 })
      : t('scheduleMingleSeconds', { count: s.mingle.rounds, seconds: secs });
    items.push(h('li', { class: `schedule-item${current ? ' is-current' : ''}${past ? ' is-past' : ''}`, attrs: { 'aria-current': current ? 'true' : null } },
      h('span', { class: 'schedule-time', text: `${formatTime(start)}–${formatTime(end)}` }),
      h('span', { class: 'schedule-body' },
        h('span', { class: 'schedule-title', text: s.title }),
        mingle ? h('span', { class: 'schedule-mingle', text: mingle }) : null)));
  }
  const room = isMultiRoom(state.event) ? roomInfo(state.event, state.room) : null;
  return h('div', { class: 'card', testid: 'schedule' },
    h('h2', { class: 'h3', text: room ? t('scheduleTitleRoom', { room: room.title }) : t('scheduleTitle') }),
    h('ol', { class: 'schedule' }, items));
}

function announcementsBlock(state) {
  if (!state.announcements.length) return null;
  return h('div', { class: 'card announcements', testid: 'announcements' },
    h('h2', { class: 'h3', text: t('announcementsTitle') }),
    h('ul', {}, state.announcements.map((a) => {
      const room = a.room && isMultiRoom(state.event) ? roomInfo(state.event, a.room) : null;
      return h('li', {},
        h('time', { class: 'muted small', text: formatTime(a.at) }), ' ',
        room ? h('span', { class: 'announcement-room', text: room.title }) : null, room ? ' ' : null,
        h('span', { text: a.text }));
    })));
}

/** In no room (several rooms, joined without a room link): the lobby asks them to pick one. */
function pickRoomBlock() {
  countdown?.stop();
  countdown = null;
  return h('div', { class: 'card hero', attrs: { 'data-phase': 'none' } },
    h('p', { class: 'eyebrow', text: t('lobbyEyebrow') }),
    h('h1', { id: 'lobby-title', class: 'h1', testid: 'lobby-status', text: t('lobbyPickRoom') }),
    h('p', { class: 'lead', testid: 'lobby-detail', text: t('lobbyPickRoomDetail') }));
}

export function renderLobby(root, state, actions) {
  if (!isMultiRoom(state.event)) {
    replaceChildren(root,
      h('div', { class: 'lobby-grid' },
        h('div', { class: 'lobby-main' }, statusBlock(state), feedbackBlock(state, actions), summaryBlock(state, actions), announcementsBlock(state), scheduleBlock(state)),
        h('aside', { class: 'lobby-side' }, presenceBlock(state))));
  } else if (!state.room) {
    replaceChildren(root,
      h('div', { class: 'lobby-grid is-single' },
        h('div', { class: 'lobby-main' }, roomErrorNote(state), pickRoomBlock(), roomsSection(state, actions, { prominent: true }),
          feedbackBlock(state, actions), summaryBlock(state, actions), announcementsBlock(state))));
  } else {
    replaceChildren(root,
      h('div', { class: 'lobby-grid' },
        h('div', { class: 'lobby-main' }, myRoomBar(state, actions), roomErrorNote(state), statusBlock(state), feedbackBlock(state, actions),
          summaryBlock(state, actions), announcementsBlock(state), scheduleBlock(state)),
        h('aside', { class: 'lobby-side' }, presenceBlock(state), roomsSection(state, actions))));
  }
  clearInterval(roomTicker);
  roomTicker = root.querySelector('[data-count-to]') ? setInterval(() => tickRoomClocks(root), 1000) : null;
}

export function stopLobby() {
  countdown?.stop();
  clearInterval(roomTicker);
  roomTicker = null;
}
