// The room chrome of a multi-room event: the lobby's room list (what happens in each room now or next,
// how many are there, enter), the attendee's own room with switch and leave, the note about a link to a
// room the event does not have, and the dialog that warns before leaving a round for another room.
// Single-room events never show any of it (the caller checks isMultiRoom).

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { serverNow, secondsLeft, formatSeconds } from '../clock.js';
import { roomInfo, sortRooms, eventRooms } from '../rooms.js';
import { openDialog } from './dialog.js';

/** Stands for the clock in a translated sentence; the clock itself is an element that ticks. */
const CLOCK = '\u0000';

function clock(countTo) {
  return h('span', { class: 'room-clock', dataset: { countTo: String(countTo) }, text: formatSeconds(secondsLeft(countTo)) });
}

/** A translated sentence whose {time} is a ticking clock. */
function withClock(key, params, countTo) {
  const [before, after = ''] = t(key, { ...params, time: CLOCK }).split(CLOCK);
  return [before, clock(countTo), after];
}

/**
 * What happens in a room now or next: { kind, line (nodes), detail (nodes or null) }. `kind` is
 * "mingling", "soon", "session", "manual", "done" or "idle" (it styles the line).
 */
export function roomStatus(r, now = serverNow()) {
  const next = r.nextMingling;
  const at = typeof next?.startsAt === 'number' && next.startsAt > now ? next.startsAt : null;
  if (r.phase === 'mingling') {
    if (r.endsAt) return { kind: 'mingling', line: withClock('roomMinglingNow', { round: r.round ?? '?', rounds: r.rounds ?? '?' }, r.endsAt), detail: null };
    const upcoming = { round: (r.round ?? 0) + 1, rounds: r.rounds ?? '?' };
    return r.nextRoundAt && r.nextRoundAt > now
      ? { kind: 'mingling', line: withClock('roomMinglingNext', upcoming, r.nextRoundAt), detail: null }
      : { kind: 'mingling', line: [t('roomMinglingNextSoon', upcoming)], detail: null };
  }
  if (r.phase === 'session') {
    const line = [t('roomSessionRunning', { title: r.sessionTitle ?? '' })];
    if (!next) return { kind: 'session', line, detail: null };
    return { kind: 'session', line, detail: at ? withClock('roomMinglingAfterThis', {}, at) : [t('roomMinglingAfterThisManual')] };
  }
  if (next && at) return { kind: 'soon', line: withClock('roomMinglingStartsIn', { title: next.title }, at), detail: null };
  if (next) return { kind: 'manual', line: [t('roomMinglingManual', { title: next.title })], detail: null };
  if (r.minglingDone) return { kind: 'done', line: [t('roomMinglingOver')], detail: null };
  return { kind: 'idle', line: [t('roomNothingPlanned')], detail: null };
}

/** The rooms with their live state; before the first `rooms` message, the event's rooms without it. */
function roomEntries(state) {
  if (state.rooms.length) return state.rooms;
  return eventRooms(state.event).map((r) => ({ id: r.id, title: r.title, location: r.location ?? null, phase: null, present: null }));
}

/** Enter another room; during a round the attendee is warned first that they leave it. */
export function requestEnter(state, actions, target) {
  if (!state.breakout && !state.waiting) { actions.enterRoom(target.id); return; }
  const here = roomInfo(state.event, state.room);
  openDialog({
    titleKey: 'switchTitle', titleParams: { room: target.title },
    body: [h('p', { testid: 'switch-warning', text: leavingText(state, here) })],
    confirmKey: 'switchConfirm',
    onConfirm: () => { actions.enterRoom(target.id); return true; },
  });
}

/** What the attendee gives up by leaving their room now. */
function leavingText(state, here) {
  const names = (state.breakout?.members ?? []).filter((m) => m.id !== state.me?.id).map((m) => m.name);
  if (state.breakout && names.length) return t('switchLeavesBreakout', { names: names.join(', '), room: here?.title ?? '' });
  return t('switchLeavesRound', { room: here?.title ?? '' });
}

/**
 * From the breakout: pick another room in the dialog itself (a radio group), warned that the
 * conversation ends. The room list is not updated during a breakout, so it shows titles only.
 */
export function switchFromBreakout(state, actions) {
  const here = roomInfo(state.event, state.room);
  const others = eventRooms(state.event).filter((r) => r.id !== state.room);
  if (!others.length) return;
  const err = h('p', { class: 'field-error', hidden: true, text: t('switchChooseMissing') });
  const choices = h('fieldset', { class: 'room-choices' },
    h('legend', { text: t('switchChoose') }),
    others.map((r) => h('label', { class: 'check room-choice' },
      h('input', { type: 'radio', name: 'room', value: r.id, testid: `switch-to-${r.id}` }),
      h('span', {}, h('strong', { text: r.title }), r.location ? h('span', { class: 'muted small room-choice-location', text: r.location }) : null))),
    err);
  openDialog({
    titleKey: 'switchTitleAny',
    body: [h('p', { testid: 'switch-warning', text: leavingText(state, here) }), choices],
    confirmKey: 'switchConfirm',
    onConfirm: (form) => {
      const id = form.elements.room?.value;
      if (!id) { err.hidden = false; form.querySelector('input[name="room"]')?.focus(); return false; }
      actions.enterRoom(id);
      return true;
    },
  });
}

function roomItem(state, r, actions) {
  const info = roomInfo(state.event, r.id) ?? r;
  const here = r.id === state.room;
  const titleId = `room-${r.id}-title`;
  const status = r.phase ? roomStatus(r) : null;
  const control = here
    ? h('span', { class: 'room-here', testid: `room-here-${r.id}`, text: t('roomYouAreHere') })
    : h('button', {
      type: 'button', class: `btn btn-sm ${status?.kind === 'mingling' || status?.kind === 'soon' ? 'btn-primary' : 'btn-secondary'}`,
      testid: `room-enter-${r.id}`, text: t('roomEnter'),
      attrs: { 'aria-label': t('roomEnterLabel', { room: info.title }) },
      on: { click: () => requestEnter(state, actions, info) },
    });
  return h('li', { class: `room${here ? ' is-current' : ''}`, testid: `room-${r.id}`, dataset: { room: r.id, kind: status?.kind ?? 'unknown' },
    attrs: { 'aria-labelledby': titleId, 'aria-current': here ? 'true' : null } },
  h('div', { class: 'room-body' },
    h('h3', { class: 'room-title', id: titleId, text: info.title }),
    info.location ? h('p', { class: 'room-location', testid: `room-location-${r.id}`, text: info.location }) : null,
    status ? h('p', { class: 'room-status', testid: `room-status-${r.id}` }, status.line) : null,
    status?.detail ? h('p', { class: 'room-detail' }, status.detail) : null),
  h('div', { class: 'room-side' },
    typeof r.present === 'number'
      ? h('p', { class: 'room-count', testid: `room-count-${r.id}`, dataset: { count: String(r.present) } },
        h('span', { class: 'room-count-n', text: String(r.present) }), ' ', h('span', { text: t('roomPeople', { count: r.present }) }))
      : null,
    control));
}

/**
 * The room list. `prominent`: the attendee is in no room, so the list is the page's main content (a
 * heading that asks them to pick one, wider cards).
 */
export function roomsSection(state, actions, { prominent = false } = {}) {
  const rooms = sortRooms(roomEntries(state), serverNow());
  return h('section', { class: `card rooms-card${prominent ? ' is-prominent' : ''}`, testid: 'rooms', attrs: { 'aria-labelledby': 'rooms-title' } },
    h('h2', { class: 'h3', id: 'rooms-title', testid: 'rooms-title', attrs: { tabindex: '-1' }, text: prominent ? t('roomsTitlePick') : t('roomsTitle') }),
    prominent ? h('p', { class: 'muted small', text: t('roomsHint') }) : null,
    h('ul', { class: 'rooms', testid: 'rooms-list' }, rooms.map((r) => roomItem(state, r, actions))));
}

/** Moves focus to the room list (the "Switch room" button). */
export function focusRoomList() {
  const title = document.querySelector('[data-testid="rooms-title"]');
  if (!title) return;
  title.scrollIntoView({ block: 'start', behavior: 'smooth' });
  title.focus({ preventScroll: true });
}

/** The attendee's room, on top of the lobby: title, location, switch, leave. */
export function myRoomBar(state, actions) {
  const info = roomInfo(state.event, state.room);
  if (!info) return null;
  return h('section', { class: 'room-bar', testid: 'my-room', attrs: { 'aria-label': t('myRoomLabel') } },
    h('p', { class: 'room-bar-text' },
      h('span', { class: 'room-bar-label', text: t('myRoomEyebrow') }),
      h('strong', { class: 'room-bar-title', testid: 'my-room-title', attrs: { tabindex: '-1' }, text: info.title }),
      info.location ? h('span', { class: 'room-bar-location', testid: 'my-room-location', text: info.location }) : null),
    h('span', { class: 'room-bar-actions' },
      h('button', { type: 'button', class: 'btn btn-sm btn-secondary', testid: 'switch-room', text: t('roomSwitch'), on: { click: () => focusRoomList() } }),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', testid: 'leave-room', text: t('roomLeave'), on: { click: () => requestLeave(state, actions) } })));
}

function requestLeave(state, actions) {
  if (!state.breakout && !state.waiting) { actions.leaveRoom(); return; }
  const here = roomInfo(state.event, state.room);
  openDialog({
    titleKey: 'leaveRoomTitle', titleParams: { room: here?.title ?? '' },
    body: [h('p', { testid: 'switch-warning', text: leavingText(state, here) })],
    confirmKey: 'roomLeave',
    onConfirm: () => { actions.leaveRoom(); return true; },
  });
}

/** A link (or a choice) named a room the event does not have. Not an alert: the lobby re-renders often. */
export function roomErrorNote(state) {
  if (!state.roomError) return null;
  return h('div', { class: 'room-error', testid: 'room-error' },
    h('p', { class: 'room-error-title', text: t('roomUnknownTitle', { room: String(state.roomError).slice(0, 64) }) }),
    h('p', { text: t('roomUnknownBody') }));
}

/** Ticks every room clock under `root` (one timer for the whole list). */
export function tickRoomClocks(root) {
  for (const el of root.querySelectorAll('[data-count-to]')) {
    const text = formatSeconds(secondsLeft(Number(el.dataset.countTo)));
    if (el.textContent !== text) el.textContent = text;
  }
}
