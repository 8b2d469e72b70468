// Rooms: which room the attendee is in, that room's sessions, the page address's `?room=`, and the
// order of the lobby's room list. An event file without rooms has one room (`main`) that everyone is
// in; the page then shows no room chrome at all.

const toMs = (v) => (typeof v === 'number' ? v : Date.parse(v));

export function eventRooms(event) {
  return Array.isArray(event?.rooms) ? event.rooms : [];
}

/** More than one room: the lobby shows the room list and the attendee's room. */
export function isMultiRoom(event) {
  return eventRooms(event).length > 1;
}

export function roomInfo(event, id) {
  return id ? eventRooms(event).find((r) => r.id === id) ?? null : null;
}

/** The sessions the attendee's schedule, next mingling and current session come from. */
export function roomSessions(state) {
  const event = state.event;
  const rooms = eventRooms(event);
  const room = roomInfo(event, state.room) ?? (rooms.length === 1 ? rooms[0] : null);
  return room?.sessions ?? [];
}

/** The room's entry in the last `rooms` message, or null. */
export function roomState(state, id) {
  return id ? state.rooms.find((r) => r.id === id) ?? null : null;
}

/** The room the page's address asks for (`/r/<id>` redirects to `/?room=<id>`). */
export function linkRoom() {
  return new URLSearchParams(location.search).get('room') || null;
}

/** Keeps `?room=` in step with the attendee's room, so a reload comes back to it. */
export function setLinkRoom(id) {
  const url = new URL(location.href);
  if (id) url.searchParams.set('room', id); else url.searchParams.delete('room');
  const next = url.pathname + url.search + url.hash;
  if (next !== location.pathname + location.search + location.hash) history.replaceState(history.state, '', next);
}

/**
 * Where a room goes in the list: mingling now first, then mingling that starts at a known time
 * (soonest first), then mingling an organiser starts by hand, then rooms with nothing planned, then
 * rooms that are done. `now` is server time in ms.
 */
function rank(r, now) {
  if (r.phase === 'mingling') return [0, 0];
  const at = r.nextMingling?.startsAt;
  if (r.nextMingling && typeof at === 'number' && at > now) return [1, at];
  if (r.nextMingling) return [2, 0];
  if (!r.minglingDone) return [3, 0];
  return [4, 0];
}

/** The rooms in list order (stable: the event file's order within a rank). */
export function sortRooms(rooms, now) {
  return rooms
    .map((r, i) => ({ r, i, k: rank(r, now) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.r);
}

/** The next mingling in the attendee's room: {title, at (ms) or null when started by hand, sessionId}. */
export function nextMinglingOf(roomEntry) {
  const n = roomEntry?.nextMingling;
  if (!n) return null;
  return { sessionId: n.session, title: n.title, at: typeof n.startsAt === 'number' ? toMs(n.startsAt) : null };
}
