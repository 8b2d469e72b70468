// The page's state, changed only by server messages (`receive`) and a few local actions (`update`).
// Views subscribe and re-render from it; nothing else holds session state.

const MAX_CHAT = 300;
const MAX_ANNOUNCEMENTS = 20;

export const state = {
  conn: { state: 'connecting', retryAt: null, code: null },
  joined: false,
  joining: false,
  /**
   * The event before joining (attributes for the form, access code, privacy), from the `hello` the
   * server sends as soon as the socket opens (`{"type":"hello","serverTime","event","privacy"}`).
   */
  info: null,
  me: null,
  event: null,
  /** The attendee's room id (`welcome`, then `room` messages); null in the event's lobby (in no room). */
  room: null,
  /** Every room's state from the last `rooms` message (see *room state* in the protocol README). */
  rooms: [],
  /** A room id the attendee asked for (link or list) that the event does not have. */
  roomError: null,
  privacy: null,
  phase: { phase: 'lobby', session: null, round: null, rounds: null, endsAt: null, joiningPaused: false },
  presence: null,
  round: null,
  breakout: null,
  endingSoon: false,
  waiting: null,
  unplaced: false,
  chat: [],
  /** attendee id -> { status: "here" | "reconnecting" | "left", reason, graceEndsAt } */
  partners: {},
  stayInTouch: new Set(),
  contacts: [],
  announcements: [],
  summary: null,
  /**
   * "Good conversation?" about the breakout that last ended for us: `{ breakout, status, answer }`, status
   * `ask` (not answered yet), `sending`, `recorded` (answer counted, or given before: answer null) or
   * `closed` (too late). Optional: the attendee may skip it (null).
   */
  feedback: null,
  /** Sessions whose last round ended while we watched (the phase does not say so). */
  minglesDone: new Set(),
  joinError: null,
  notice: null,
  removed: null,
  /** Set once this attendee's data were deleted at their request (`deleted`). */
  deleted: false,
  tab: 'event',
};

const listeners = new Set();
let scheduled = false;

export function subscribe(fn) {
  listeners.add(fn);
}

/** Coalesces bursts of messages into one render per frame. */
function notify() {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    for (const fn of listeners) fn(state);
  });
}

export function update(patch) {
  Object.assign(state, patch);
  notify();
}

export function memberById(id) {
  return state.breakout?.members.find((m) => m.id === id) ?? null;
}

export function others() {
  if (!state.breakout || !state.me) return [];
  return state.breakout.members.filter((m) => m.id !== state.me.id);
}

export function hasContact(id) {
  return state.contacts.some((c) => c.attendee === id);
}

function setBreakout(b, { ask = true } = {}) {
  const sameRoom = state.breakout && b && state.breakout.id === b.id;
  // The breakout ended for us: ask about it (the server accepts an answer from now on).
  if (state.breakout && !sameRoom && ask) state.feedback = { breakout: state.breakout.id, status: 'ask', answer: null };
  state.breakout = b;
  state.waiting = null;
  state.unplaced = false;
  if (!sameRoom) {
    state.chat = [];
    state.partners = {};
    state.endingSoon = false;
  }
  if (b) for (const m of b.members) if (!state.partners[m.id]) state.partners[m.id] = { status: 'here' };
}

// Cards received stay with their receiver: a copy lives on this device (the server deletes its own copy
// when the giver asks it to delete their data, and at the end of the retention period).
function cardsKey() {
  return state.event && state.me ? `mingle.cards.${state.event.id}.${state.me.id}` : null;
}

function localCards() {
  const key = cardsKey();
  if (!key) return [];
  try {
    const list = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(list) ? list.filter((c) => c && typeof c.attendee === 'number') : [];
  } catch {
    return [];
  }
}

function keepCardsLocally() {
  const key = cardsKey();
  if (!key) return;
  try { localStorage.setItem(key, JSON.stringify(state.contacts)); } catch { /* storage full or off: the list is still shown */ }
}

export function forgetLocalCards() {
  const key = cardsKey();
  if (key) try { localStorage.removeItem(key); } catch { /* nothing to forget */ }
}

function addContact(card) {
  if (!card || typeof card.attendee !== 'number') return;
  state.contacts = state.contacts.filter((c) => c.attendee !== card.attendee).concat([card]);
  keepCardsLocally();
}

/**
 * Messages about one room (`phase`, `presence`, rounds) that name a room other than ours are stale:
 * they were sent before we moved, or belong to a room we just left.
 */
function otherRoom(msg) {
  return 'room' in msg && msg.room !== state.room;
}

/** Moved to another room (or out of any): nothing of the old room's phase, round or breakout stays. */
function enterRoom(room) {
  if (room === state.room) return;
  state.room = room;
  state.phase = { phase: 'lobby', session: null, round: null, rounds: null, endsAt: null, joiningPaused: state.phase.joiningPaused };
  state.presence = null;
  state.round = null;
  state.waiting = null;
  state.unplaced = false;
  setBreakout(null);
}

/** Applies one server message. Returns nothing; side effects live in main.js. */
export function receive(msg) {
  if ((msg.type === 'phase' || msg.type === 'presence' || msg.type === 'round_started' || msg.type === 'round_ended') && otherRoom(msg)) return;
  switch (msg.type) {
    case 'hello':
      state.info = { event: msg.event ?? null, privacy: msg.privacy ?? null };
      break;
    case 'welcome':
      state.joined = true;
      state.joining = false;
      state.joinError = null;
      state.me = msg.attendee;
      state.event = msg.event;
      if ((msg.room ?? null) !== state.room) state.presence = null;
      state.room = msg.room ?? null;
      state.privacy = msg.privacy ?? null;
      state.info = { event: msg.event, privacy: msg.privacy ?? null };
      if (msg.phase) state.phase = { ...state.phase, ...msg.phase };
      // An answer sent as the connection dropped may not have arrived: let it be sent again (the server
      // says "already given" if it did).
      if (state.feedback?.status === 'sending') state.feedback = { ...state.feedback, status: 'ask' };
      state.contacts = Array.isArray(msg.contacts) ? msg.contacts.slice() : [];
      for (const card of localCards()) {
        if (!state.contacts.some((c) => c.attendee === card.attendee)) state.contacts.push(card);
      }
      keepCardsLocally();
      state.stayInTouch = new Set(Array.isArray(msg.stayInTouch) ? msg.stayInTouch : []);
      state.round = msg.phase && msg.phase.phase === 'mingling' && msg.phase.endsAt
        ? { session: msg.phase.session, round: msg.phase.round, rounds: msg.phase.rounds, endsAt: msg.phase.endsAt }
        : null;
      setBreakout(msg.breakout ?? null);
      break;
    case 'phase': {
      const { type, ...rest } = msg;
      state.phase = { ...state.phase, ...rest };
      if (msg.phase !== 'mingling') {
        state.round = null;
        state.waiting = null;
        state.unplaced = false;
        setBreakout(null);
      } else if (msg.endsAt) {
        state.round = { ...(state.round ?? {}), session: msg.session, round: msg.round, rounds: msg.rounds, endsAt: msg.endsAt };
      }
      break;
    }
    case 'presence':
      state.presence = msg;
      break;
    case 'rooms':
      state.rooms = Array.isArray(msg.rooms) ? msg.rooms : [];
      break;
    case 'room':
      enterRoom(msg.room ?? null);
      if (msg.room) state.roomError = null;
      break;
    case 'round_started':
      state.round = { session: msg.session, round: msg.round, rounds: msg.rounds, startedAt: msg.startedAt, endsAt: msg.endsAt, warningSeconds: msg.warningSeconds };
      state.phase = { ...state.phase, phase: 'mingling', session: msg.session, round: msg.round, rounds: msg.rounds, endsAt: msg.endsAt };
      state.summary = null;
      state.unplaced = false;
      state.endingSoon = false;
      // A thank-you (or "too late") has been seen by now; an unanswered question stays for the lobby.
      if (state.feedback && state.feedback.status !== 'ask') state.feedback = null;
      break;
    case 'breakout':
      setBreakout({ id: msg.id, members: Array.isArray(msg.members) ? msg.members : [], prompt: msg.prompt ?? null, endsAt: msg.endsAt });
      break;
    case 'waiting':
      setBreakout(null);
      state.waiting = { eligibleAt: msg.eligibleAt };
      break;
    case 'unplaced':
      setBreakout(null);
      state.unplaced = true;
      break;
    case 'round_ending_soon':
      state.endingSoon = true;
      if (state.round) state.round.endsAt = msg.endsAt;
      if (state.breakout) state.breakout.endsAt = msg.endsAt;
      break;
    case 'round_extended':
      state.endingSoon = false;
      if (state.round) state.round.endsAt = msg.endsAt;
      if (state.breakout) state.breakout.endsAt = msg.endsAt;
      state.phase = { ...state.phase, endsAt: msg.endsAt };
      break;
    case 'round_ended':
      if (state.round?.rounds && msg.round >= state.round.rounds && state.round.session) state.minglesDone.add(state.round.session);
      state.summary = { round: msg.round, met: Array.isArray(msg.met) ? msg.met : [], rounds: state.round?.rounds ?? null, room: msg.room ?? state.room };
      state.round = null;
      state.waiting = null;
      state.unplaced = false;
      setBreakout(null);
      break;
    case 'partner_left':
      state.partners[msg.attendee] = { status: 'left', reason: msg.reason };
      break;
    case 'partner_reconnecting':
      state.partners[msg.attendee] = { status: 'reconnecting', graceEndsAt: msg.graceEndsAt };
      break;
    case 'partner_back':
      state.partners[msg.attendee] = { status: 'here' };
      break;
    case 'breakout_closed':
      // Not after blocking someone: that is an answer already.
      setBreakout(null, { ask: msg.reason !== 'blocked' });
      break;
    case 'feedback_recorded':
      if (state.feedback?.breakout === msg.breakout) state.feedback = { ...state.feedback, status: 'recorded', answer: msg.answer ?? null };
      break;
    case 'left_breakout':
      // Also after `enter_room` from a breakout; the page may already have gone back by itself.
      if (!state.breakout || state.breakout.id === msg.breakout) setBreakout(null);
      break;
    case 'chat':
      if (state.breakout) {
        state.chat.push({ from: msg.from, name: msg.name, text: msg.text, at: msg.at });
        if (state.chat.length > MAX_CHAT) state.chat.splice(0, state.chat.length - MAX_CHAT);
      }
      break;
    case 'stay_in_touch_pending':
      state.stayInTouch.add(msg.with);
      break;
    case 'stay_in_touch_withdrawn':
      state.stayInTouch.delete(msg.with);
      break;
    case 'contact':
      addContact(msg.card);
      break;
    case 'announcement':
      state.announcements = [{ text: msg.text, at: msg.at, scope: msg.scope, room: msg.room ?? null }, ...state.announcements].slice(0, MAX_ANNOUNCEMENTS);
      break;
    case 'removed':
      state.removed = { reason: msg.reason };
      break;
    case 'deleted':
      state.feedback = null;
      forgetLocalCards();
      state.deleted = true;
      break;
    default:
      return;
  }
  notify();
}
