// The lobby: where the event stands, when mingling starts, who is here, the schedule, the last
// round's summary and the organisers' announcements.

import { h, replaceChildren, initials, toneClass } from '../dom.js';
import { t, formatTime, formatDay } from '../i18n.js';
import { serverNow } from '../clock.js';
import { Countdown } from '../countdown.js';
import { attributeLabel } from './people.js';

const toMs = (v) => (typeof v === 'number' ? v : Date.parse(v));
let countdown = null;

function currentSession(state) {
  return state.event?.sessions?.find((s) => s.id === state.phase.session) ?? null;
}

/** The next mingling the attendee can look forward to: {session, at (ms) or null for manual}. */
function nextMingle(state) {
  const now = serverNow();
  for (const s of state.event?.sessions ?? []) {
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
  const more = s.rounds && s.round < s.rounds;
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
  const pr = state.presence;
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
    h('p', { class: 'muted', text: pr ? t('presencePeople', { count: pr.total }) : t('presenceUnknown') }),
    pr && (pr.inBreakouts || pr.waiting) ? h('p', { class: 'muted small', text: t('presenceBreakdown', { inBreakouts: pr.inBreakouts ?? 0, waiting: pr.waiting ?? 0 }) }) : null,
    list.length ? h('ul', { class: 'presence', attrs: { 'aria-label': attr.label } }, list) : null);
}

function scheduleBlock(state) {
  const sessions = state.event?.sessions ?? [];
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
  return h('div', { class: 'card' }, h('h2', { class: 'h3', text: t('scheduleTitle') }), h('ol', { class: 'schedule' }, items));
}

function announcementsBlock(state) {
  if (!state.announcements.length) return null;
  return h('div', { class: 'card announcements', testid: 'announcements' },
    h('h2', { class: 'h3', text: t('announcementsTitle') }),
    h('ul', {}, state.announcements.map((a) => h('li', {},
      h('time', { class: 'muted small', text: formatTime(a.at) }), ' ', h('span', { text: a.text })))));
}

export function renderLobby(root, state, actions) {
  replaceChildren(root,
    h('div', { class: 'lobby-grid' },
      h('div', { class: 'lobby-main' }, statusBlock(state), summaryBlock(state, actions), announcementsBlock(state), scheduleBlock(state)),
      h('aside', { class: 'lobby-side' }, presenceBlock(state))));
}

export function stopLobby() {
  countdown?.stop();
}
