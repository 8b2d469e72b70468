// How a person is described: their attribute values by the event's labels.
import { h, initials, toneClass } from '../dom.js';

/** "Viken (Norway) · Remote · English, Norsk": the labels of the attendee's attribute values, in event order (several values too). */
export function attributeLabel(event, attendee) {
  const parts = [];
  for (const a of event?.attributes ?? []) {
    // A `multiple` attribute's answer is an array ("Norsk, English"), any other a string.
    const given = attendee?.attributes?.[a.id];
    const ids = Array.isArray(given) ? given : given ? [given] : [];
    if (!ids.length) continue;
    const order = (id) => { const i = a.values.findIndex((x) => x.id === id); return i < 0 ? a.values.length : i; };
    parts.push([...ids].sort((x, y) => order(x) - order(y)).map((id) => a.values.find((x) => x.id === id)?.label ?? id).join(', '));
  }
  return parts.join(' · ');
}

export function avatar(person, size = '') {
  return h('span', { class: `avatar ${size} ${toneClass(person.id ?? person.attendee)}`, attrs: { 'aria-hidden': 'true' }, text: initials(person.name) });
}
