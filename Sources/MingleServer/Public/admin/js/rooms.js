// The rooms overview: one card per room (title, location, state in words, present, in breakouts,
// waiting, round n of m, a countdown), each leading to the room's own view. Cards are kept per room
// and updated in place every second, so a focused link stays focused.

import { h } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { count, roomState } from './format.js';
import { setText, setCountdown } from './ui.js';

export const roomHref = (id) => `#/rooms/${encodeURIComponent(id)}`;

class RoomCard {
  constructor(id) {
    this.link = h('a', { href: roomHref(id), testid: 'room-link' });
    this.location = h('p', { class: 'muted location' });
    this.badge = h('span', { class: 'badge' });
    this.detail = h('span', { class: 'detail' });
    this.values = {};
    this.terms = {};
    const item = (key) => {
      this.terms[key] = h('dt');
      this.values[key] = h('dd', { testid: `room-${key}` });
      return h('div', {}, this.terms[key], this.values[key]);
    };
    this.el = h('li', { class: 'room-card', testid: 'room-card', dataset: { room: id } },
      h('h3', {}, this.link), this.location,
      h('p', { class: 'state', testid: 'room-state' }, this.badge, ' ', this.detail),
      h('dl', { class: 'mini' }, item('present'), item('inBreakouts'), item('waiting'), item('round'), item('timeLeft')));
  }

  update(room) {
    const st = roomState(room);
    setText(this.link, room.title);
    setText(this.location, room.location ?? '');
    this.location.hidden = !room.location;
    setText(this.badge, st.label);
    this.badge.dataset.kind = st.kind;
    setText(this.detail, st.detail);
    setText(this.terms.present, t('present'));
    setText(this.values.present, count(room.present));
    setText(this.terms.inBreakouts, t('inBreakouts'));
    setText(this.values.inBreakouts, count(room.inBreakouts));
    setText(this.terms.waiting, t('waiting'));
    setText(this.values.waiting, count(room.waiting));
    setText(this.terms.round, t('round'));
    setText(this.values.round, st.round ?? '–');
    setText(this.terms.timeLeft, st.deadlineLabel ?? t('timeLeft'));
    setCountdown(this.values.timeLeft, st.deadline);
  }
}

export class RoomsOverview {
  constructor(list) {
    this.list = list;
    this.cards = new Map();
  }

  update(rooms) {
    const seen = new Set();
    let before = null;
    for (const room of [...rooms].reverse()) {
      seen.add(room.id);
      let card = this.cards.get(room.id);
      if (!card) {
        card = new RoomCard(room.id);
        this.cards.set(room.id, card);
      }
      card.update(room);
      // Keep the plan's order without moving nodes that are already in place (moving drops focus).
      if (card.el.nextSibling !== before || card.el.parentNode !== this.list) this.list.insertBefore(card.el, before);
      before = card.el;
    }
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) { card.el.remove(); this.cards.delete(id); }
    }
  }
}
