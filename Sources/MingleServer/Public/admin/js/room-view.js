// One room: its state in words with a countdown, its numbers, its controls (start mingling for one of
// the room's sessions, stop, end or extend the round, announce to the room), the room's screen and
// poster links, its breakouts and who is there. Built once per room and updated in place every second.

import { h, replaceChildren } from '../../js/dom.js';
import { t, applyStatic } from '../../js/i18n.js';
import { callSeconds, count, roomState } from './format.js';
import { setText, setCountdown, scrollBox } from './ui.js';
import { getJSON, run, refuse } from './api.js';

const MAX_BREAKOUT_ROWS = 100;

/** A static label: its text follows the language (applyStatic). */
const L = (tag, key, props = {}) => h(tag, { ...props, dataset: { ...(props.dataset || {}), i18n: key }, text: t(key) });

export class RoomView {
  /** `level`: the heading level of the room's title (1 in its own view, 2 inside the overview). */
  constructor(roomId, { level = 1 } = {}) {
    this.id = roomId;
    this.title = roomId;
    this.api = `api/rooms/${encodeURIComponent(roomId)}`;
    const hx = (n) => `h${Math.min(6, level + n)}`;

    this.heading = h(hx(0), { class: 'room-title', tabIndex: -1, testid: 'room-title' });
    this.location = h('p', { class: 'muted', testid: 'room-location' });
    this.badge = h('span', { class: 'badge' });
    this.detail = h('span', { testid: 'room-detail' });
    this.deadlineLabel = h('span');
    this.countdown = h('span', { class: 'countdown', testid: 'room-countdown' });
    this.deadlineLine = h('p', { class: 'deadline' }, this.deadlineLabel, ' ', this.countdown);

    this.numbers = {};
    const tile = (key) => {
      this.numbers[key] = h('dd', { class: 'value', testid: `room-num-${key}` });
      return h('div', { class: 'tile' }, L('dt', key), this.numbers[key]);
    };

    // Controls.
    this.result = h('p', { class: 'result', testid: 'room-result', attrs: { role: 'status' } });
    this.session = h('select', { id: 'rv-session', testid: 'room-session' });
    this.extendSeconds = h('input', { id: 'rv-extend', type: 'number', min: 1, max: 1800, value: 60, testid: 'room-extend-seconds' });
    this.announceText = h('textarea', { id: 'rv-announce', maxLength: 1000, rows: 2, testid: 'room-announce-text',
      attrs: { 'aria-describedby': 'rv-announce-hint' } });
    this.announceScope = h('select', { id: 'rv-scope', testid: 'room-announce-scope' },
      L('option', 'scopeRoomEveryone', { value: 'everyone' }), L('option', 'scopeBreakouts', { value: 'breakouts' }));
    const button = (key, testid, cls, handler) =>
      L('button', key, { type: 'button', class: cls, testid, on: { click: handler } });

    // The room's screen and poster.
    this.displayLink = L('a', 'openScreen', { target: '_blank', rel: 'noopener', testid: 'room-display-link', href: '#' });
    this.displayURL = h('input', { id: 'rv-display-url', type: 'text', readOnly: true, testid: 'room-display-url' });
    this.posterLink = L('a', 'printPoster', { target: '_blank', rel: 'noopener', testid: 'room-poster-link', href: '#' });
    this.attendeeLink = h('a', { testid: 'room-attendee-link', href: '#' });

    // Breakouts and who is here.
    this.breakoutCount = h('span', { class: 'muted', testid: 'room-breakout-count' });
    this.breakoutRows = h('tbody', { testid: 'room-breakout-rows' });
    this.breakoutTable = h('table', { class: 'list', testid: 'room-breakouts' },
      L('caption', 'breakoutsCaption', { class: 'sr-only' }),
      h('thead', {}, h('tr', {}, L('th', 'breakoutColumn', { scope: 'col' }), L('th', 'peopleColumn', { scope: 'col' }),
        L('th', 'timeLeft', { scope: 'col' }))),
      this.breakoutRows);
    this.noBreakouts = L('p', 'noBreakouts', { class: 'muted' });

    // Audio and video: how the room's calls went, as the browsers report them.
    this.calls = {};
    const callTile = (key) => {
      this.calls[key] = h('dd', { class: 'value', testid: `room-calls-${key}` });
      return h('div', { class: 'tile' }, L('dt', `calls_${key}`), this.calls[key]);
    };
    this.callsNote = h('p', { class: 'hint', testid: 'room-calls-note' });
    this.attendance = h('div', { testid: 'room-attendance' });
    this.breakoutKey = null;

    this.el = h('section', { class: 'room-view', testid: 'room-view', dataset: { room: roomId }, attrs: { 'aria-labelledby': 'rv-title' } },
      h('div', { class: 'room-head' }, Object.assign(this.heading, { id: 'rv-title' }), this.location,
        h('p', { class: 'state', testid: 'room-view-state' }, this.badge, ' ', this.detail), this.deadlineLine),
      h('dl', { class: 'tiles small', testid: 'room-numbers' }, tile('present'), tile('inLobby'), tile('waiting'),
        tile('inBreakouts'), tile('breakoutsNow'), tile('reconnecting'), tile('roundsRun'), tile('groupsFormed')),
      h('section', { class: 'panel', attrs: { 'aria-labelledby': 'rv-controls-title' } },
        L(hx(1), 'roomControlsTitle', { id: 'rv-controls-title' }),
        h('div', { class: 'control-groups' },
          h('fieldset', {}, L('legend', 'minglingLegend'),
            h('div', { class: 'row' },
              h('span', { class: 'field grow' }, L('label', 'sessionLabel', { htmlFor: 'rv-session' }), this.session)),
            h('div', { class: 'row' },
              button('startMingling', 'room-start', 'primary', () => this.start()),
              button('stopMingling', 'room-stop', '', () => this.stop()))),
          h('fieldset', {}, L('legend', 'roundLegend'),
            h('div', { class: 'row' }, button('endRound', 'room-end', '', () => this.endRound())),
            h('div', { class: 'row' },
              h('span', { class: 'field' }, L('label', 'extendSeconds', { htmlFor: 'rv-extend' }), this.extendSeconds),
              button('extendRound', 'room-extend', '', () => this.extend()))),
          h('fieldset', {}, L('legend', 'announceRoomLegend'),
            L('label', 'announceText', { htmlFor: 'rv-announce' }), this.announceText,
            L('p', 'announceRoomHint', { class: 'hint', id: 'rv-announce-hint' }),
            h('div', { class: 'row' },
              L('label', 'announceScope', { htmlFor: 'rv-scope' }), this.announceScope,
              button('announceSend', 'room-announce-send', 'primary', () => this.announce())))),
        this.result),
      h('section', { class: 'panel', attrs: { 'aria-labelledby': 'rv-screen-title' } },
        L(hx(1), 'screenTitle', { id: 'rv-screen-title' }),
        L('p', 'screenHelp', { class: 'hint' }),
        h('p', { class: 'links' }, this.displayLink, this.posterLink),
        L('label', 'screenLinkLabel', { htmlFor: 'rv-display-url' }),
        h('div', { class: 'row' }, h('span', { class: 'grow' }, this.displayURL),
          button('copyLink', 'room-copy-link', '', () => this.copy())),
        h('p', {}, L('span', 'attendeeLinkLabel'), ' ', this.attendeeLink)),
      h('section', { class: 'panel', testid: 'room-calls', attrs: { 'aria-labelledby': 'rv-calls-title' } },
        L(hx(1), 'callsTitle', { id: 'rv-calls-title' }),
        L('p', 'callsHelp', { class: 'hint' }),
        h('dl', { class: 'tiles small' }, callTile('started'), callTile('connected'), callTile('relayed'), callTile('failed'),
          callTile('dropped'), callTile('recovered'), callTile('median')),
        this.callsNote),
      h('section', { class: 'panel', attrs: { 'aria-labelledby': 'rv-breakouts-title' } },
        h(hx(1), { id: 'rv-breakouts-title' }, L('span', 'breakoutsTitle'), ' ', this.breakoutCount),
        this.noBreakouts, (this.breakoutWrap = scrollBox(t('breakoutsCaption'), this.breakoutTable))),
      h('section', { class: 'panel', attrs: { 'aria-labelledby': 'rv-attendance-title' } },
        L(hx(1), 'attendanceTitle', { id: 'rv-attendance-title' }), this.attendance));

    this.loadDisplay();
  }

  async loadDisplay() {
    const d = await getJSON(`${this.api}/display`);
    if (!d) return;
    const abs = (path) => new URL(path, location.origin).href;
    this.displayLink.href = d.display;
    this.displayURL.value = abs(d.display);
    this.posterLink.href = d.poster;
    this.attendeeLink.href = d.link;
    this.attendeeLink.textContent = abs(d.link);
    this.el.dataset.displayKey = d.key;
  }

  relabel() {
    applyStatic(this.el);
    this.breakoutWrap.setAttribute('aria-label', t('breakoutsCaption'));
    if (this.last) this.update(this.last.room, this.last.status, true);
  }

  update(room, status, force = false) {
    this.last = { room, status };
    this.title = room.title;
    const st = roomState(room);
    setText(this.heading, room.title);
    setText(this.location, room.location ?? '');
    this.location.hidden = !room.location;
    setText(this.badge, st.label);
    this.badge.dataset.kind = st.kind;
    setText(this.detail, st.detail);
    this.deadlineLine.hidden = !st.deadline;
    setText(this.deadlineLabel, st.deadlineLabel ?? '');
    setCountdown(this.countdown, st.deadline);
    const n = this.numbers;
    setText(n.present, count(room.present));
    setText(n.inLobby, count(room.inLobby));
    setText(n.waiting, count(room.waiting));
    setText(n.inBreakouts, count(room.inBreakouts));
    setText(n.breakoutsNow, count(room.breakoutCount));
    setText(n.reconnecting, count(room.reconnecting));
    setText(n.roundsRun, count(room.totals?.roundsRun));
    setText(n.groupsFormed, count(room.totals?.breakoutsFormed));
    this.updateCalls(room.calls || {});
    this.updateSessions(status, force);
    this.updateBreakouts(room, status, force);
    this.updateAttendance(room, status);
  }

  updateCalls(c) {
    const k = this.calls;
    setText(k.started, count(c.started));
    setText(k.connected, count(c.connected));
    setText(k.relayed, c.connected ? `${count(c.relayed)} (${count(c.relayPercent ?? 0)} %)` : count(c.relayed));
    setText(k.failed, count(c.failed));
    setText(k.dropped, count(c.dropped));
    setText(k.recovered, count(c.recovered));
    setText(k.median, c.medianConnectMs === null || c.medianConnectMs === undefined ? '–' : callSeconds(c.medianConnectMs));
    const reasons = Object.entries(c.failures || {}).map(([r, n]) => t('callsFailureReason', { reason: t(`callsReason_${r}`), n: count(n) }));
    setText(this.callsNote, reasons.length ? t('callsFailedBecause', { reasons: reasons.join(', ') }) : '');
    this.callsNote.hidden = !reasons.length;
  }

  /** Only this room's sessions with mingling; rebuilt when they change, keeping the choice. */
  updateSessions(status, force) {
    const plan = (status.plan || []).find((r) => r.id === this.id);
    const sessions = (plan?.sessions || []).filter((s) => s.mingles);
    const key = sessions.map((s) => `${s.id}:${s.mingled}`).join(',');
    if (!force && this.session.dataset.key === key) return;
    this.session.dataset.key = key;
    const chosen = this.session.value;
    replaceChildren(this.session, h('option', { value: '', text: t('sessionCurrent') }),
      sessions.map((s) => h('option', { value: s.id, text: s.mingled ? t('sessionMingled', { title: s.title }) : s.title })));
    if ([...this.session.options].some((o) => o.value === chosen)) this.session.value = chosen;
  }

  updateBreakouts(room, status, force) {
    const list = room.breakouts || [];
    setText(this.breakoutCount, list.length ? `(${count(list.length)})` : '');
    this.noBreakouts.hidden = list.length > 0;
    this.breakoutWrap.hidden = list.length === 0;
    const key = list.map((b) => `${b.id}:${b.members}`).join(',');
    if (!force && key === this.breakoutKey) return;
    this.breakoutKey = key;
    const rows = list.slice(0, MAX_BREAKOUT_ROWS).map((b) => {
      // Breakouts end with the round; the room's endsAt is exact where the breakout's seconds are rounded.
      const fromSeconds = status.serverTime + b.secondsLeft * 1000;
      const at = room.endsAt && Math.abs(room.endsAt - fromSeconds) < 2000 ? room.endsAt : fromSeconds;
      const left = h('td', { class: 'num' });
      setCountdown(left, at);
      return h('tr', {}, h('th', { scope: 'row', class: 'num', text: '#' + b.id }), h('td', { class: 'num', text: count(b.members) }), left);
    });
    if (list.length > MAX_BREAKOUT_ROWS) {
      rows.push(h('tr', {}, h('td', { colSpan: 3, class: 'muted', text: t('andMore', { count: list.length - MAX_BREAKOUT_ROWS }) })));
    }
    replaceChildren(this.breakoutRows, rows);
  }

  /** Who is here by each declared attribute (values with nobody are left out). */
  updateAttendance(room, status) {
    const rows = [];
    const attrs = [...(status.attributes || [])];
    if (room.pairBy) attrs.sort((a, b) => (b.id === room.pairBy) - (a.id === room.pairBy));
    for (const a of attrs) {
      const counts = (room.byAttribute || {})[a.id] || {};
      for (const v of a.values) if (counts[v.id]) rows.push([a.label, v.label, counts[v.id]]);
    }
    const key = JSON.stringify(rows);
    if (key === this.attendanceKey) return;
    this.attendanceKey = key;
    if (!rows.length) {
      replaceChildren(this.attendance, h('p', { class: 'muted', text: t('nobodyInRoom') }));
      return;
    }
    replaceChildren(this.attendance, scrollBox(t('attendanceTitle'), h('table', { class: 'list' },
      h('caption', { class: 'sr-only', text: t('attendanceTitle') }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('attributeColumn') }), h('th', { scope: 'col', text: t('valueColumn') }),
        h('th', { scope: 'col', text: t('peopleColumn') }))),
      h('tbody', {}, rows.map(([a, v, n]) => h('tr', {}, h('td', { text: a }), h('th', { scope: 'row', text: v }), h('td', { class: 'num', text: count(n) })))))));
  }

  // Controls: each reports its outcome in words in `this.result`.

  start() {
    const session = this.session.value;
    run(this.result, t('actionStart', { room: this.title }), `${this.api}/mingling/start`, session ? { session } : {});
  }

  stop() {
    if (!window.confirm(t('confirmStop', { room: this.title }))) return;
    run(this.result, t('actionStop', { room: this.title }), `${this.api}/mingling/stop`, {});
  }

  endRound() {
    run(this.result, t('actionEndRound', { room: this.title }), `${this.api}/round/end`, {});
  }

  extend() {
    const action = t('actionExtend', { room: this.title });
    const seconds = parseInt(this.extendSeconds.value, 10);
    if (!(seconds > 0)) return refuse(this.result, action, t('errSecondsNeeded'));
    run(this.result, action, `${this.api}/round/extend`, { seconds });
  }

  async announce() {
    const action = t('actionAnnounceRoom', { room: this.title });
    const text = this.announceText.value.trim();
    if (!text) return refuse(this.result, action, t('errTextNeeded'));
    const r = await run(this.result, action, `${this.api}/announce`, { text, scope: this.announceScope.value });
    if (r?.ok) this.announceText.value = '';
  }

  async copy() {
    const url = this.displayURL.value;
    let ok = false;
    try {
      await navigator.clipboard.writeText(url);
      ok = true;
    } catch {
      this.displayURL.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
    }
    this.result.dataset.kind = ok ? 'ok' : 'error';
    this.result.textContent = ok ? t('linkCopied') : t('linkCopyFailed');
  }
}
