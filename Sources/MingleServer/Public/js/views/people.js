// How a person is described: their attribute values by the event's labels.
import { h, initials, toneClass } from '../dom.js';

/** "Viken (Norway) · Remote": the labels of the attendee's attribute values, in event order. */
export function attributeLabel(event, attendee) {
  const parts = [];
  for (const a of event?.attributes ?? []) {
    const id = attendee?.attributes?.[a.id];
    if (!id) continue;
    const v = a.values.find((x) => x.id === id);
    parts.push(v ? v.label : id);
  }
  return parts.join(' · ');
}

export function avatar(person, size = '') {
  return h('span', { class: `avatar ${size} ${toneClass(person.id ?? person.attendee)}`, attrs: { 'aria-hidden': 'true' }, text: initials(person.name) });
}
