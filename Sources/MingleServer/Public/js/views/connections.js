// My connections: the cards received through mutual "stay in touch", with vCard and CSV downloads.

import { h, replaceChildren, safeHref } from '../dom.js';
import { t } from '../i18n.js';
import { download, toCSV, toVCards } from '../export.js';
import { avatar } from './people.js';

function fileStem(state) {
  const id = String(state.event?.id || 'mingle').replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${id}-contacts`;
}

function contactCard(c) {
  const href = c.link ? safeHref(c.link) : null;
  const rows = [];
  if (c.email) rows.push(h('li', {}, h('span', { class: 'muted', text: t('contactEmail') }), ' ', h('a', { href: `mailto:${c.email}`, text: c.email, testid: 'contact-email' })));
  if (c.link) rows.push(h('li', {}, h('span', { class: 'muted', text: t('contactLink') }), ' ', href ? h('a', { href, text: c.link, rel: 'noopener noreferrer', target: '_blank' }) : h('span', { text: c.link })));
  return h('li', { class: 'card contact', testid: 'contact-card', dataset: { attendee: String(c.attendee) } },
    h('div', { class: 'partner-head' }, avatar({ id: c.attendee, name: c.name }, 'avatar-lg'),
      h('div', {},
        h('h2', { class: 'partner-name', testid: 'contact-name', text: c.name || '' }),
        c.organisation ? h('p', { class: 'partner-org', text: c.organisation }) : null)),
    rows.length ? h('ul', { class: 'contact-rows' }, rows) : h('p', { class: 'muted small', text: t('contactNoDetails') }));
}

function yourData(state, actions) {
  return h('section', { class: 'card your-data', attrs: { 'aria-labelledby': 'your-data-title' } },
    h('h2', { id: 'your-data-title', class: 'h3', text: t('yourDataTitle') }),
    h('p', { class: 'muted', text: t('yourDataLead', { days: state.privacy?.retentionDays ?? '' }) }),
    h('div', { class: 'downloads' },
      h('button', { type: 'button', class: 'btn btn-secondary', testid: 'download-my-data', text: t('downloadMyData'),
        on: { click: () => actions.exportMyData() } }),
      h('button', { type: 'button', class: 'btn btn-danger', testid: 'delete-me', text: t('deleteMe'),
        on: { click: () => actions.deleteMe() } })));
}

export function renderConnections(root, state, actions) {
  const cards = state.contacts;
  const stem = fileStem(state);
  const header = [t('csvName'), t('csvOrganisation'), t('csvEmail'), t('csvLink')];
  replaceChildren(root,
    h('div', { class: 'section-head' },
      h('div', {},
        h('h1', { id: 'connections-title', class: 'h1', text: t('connectionsTitle') }),
        h('p', { class: 'lead', text: cards.length ? t('connectionsLead', { count: cards.length }) : t('connectionsEmpty') })),
      h('div', { class: 'downloads' },
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'download-vcard', disabled: !cards.length, text: t('downloadVcard'),
          on: { click: () => download(`${stem}.vcf`, toVCards(cards), 'text/vcard;charset=utf-8') } }),
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'download-csv', disabled: !cards.length, text: t('downloadCsv'),
          on: { click: () => download(`${stem}.csv`, toCSV(cards, header), 'text/csv;charset=utf-8') } }))),
    cards.length ? h('ul', { class: 'contacts', testid: 'contacts' }, cards.map(contactCard)) : null,
    yourData(state, actions));
}
