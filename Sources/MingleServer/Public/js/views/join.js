// The join form: name, the event's attributes, organisation, optional contact card, access code, and
// the privacy notice. Checks the same bounds as the server so most mistakes never leave the page;
// the server's refusals land in the same alert.

import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { isMultiRoom, linkRoom, roomInfo } from '../rooms.js';

// The server's bounds (Sources/Mingling/Limits.swift; PageLimitsTests keeps them equal).
const LIMITS = { name: 60, organisation: 100, email: 254, link: 300, accessCode: 100, choices: 20 };

let built = null; // { key, form, fields, roomSlot, roomSig }

/** The access code from the join link: `#code=ABC` (not sent to the server's logs) or `?code=ABC`. */
export function codeFromLink() {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  return hash.get('code') || query.get('code') || '';
}

function field(id, labelKey, input, hintKey) {
  const hintId = hintKey ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  input.id = id;
  input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field' },
    h('label', { attrs: { for: id }, text: labelKey ? t(labelKey) : '' }),
    hintKey ? h('p', { class: 'hint', id: hintId, text: t(hintKey) }) : null,
    input,
    h('p', { class: 'field-error', id: errorId, testid: `error-${id}`, hidden: true }));
}

function textInput(name, { max, type = 'text', autocomplete, required, testid }) {
  return h('input', {
    type, name, maxLength: max, autocomplete: autocomplete || 'off', required: !!required,
    testid, attrs: { spellcheck: type === 'text' ? 'false' : null },
  });
}

/** The label an attribute's question shows: the event's own words, marked when answering is optional. */
function questionLabel(a) {
  return a.required ? a.label : `${a.label} ${t('joinOptional')}`;
}

/** One answer: a list to choose from (labels come from the event file, not from our translations). */
function selectField(a, fields) {
  const select = h('select', { name: `attr-${a.id}`, required: !!a.required, testid: `join-attr-${a.id}` },
    h('option', { value: '', text: a.required ? t('joinChoose') : t('joinNoAnswer') }),
    (a.values || []).map((v) => h('option', { value: v.id, text: v.label })));
  fields.attributes[a.id] = { kind: 'select', el: select };
  const wrapper = field(`join-attr-${a.id}`, null, select);
  wrapper.querySelector('label').textContent = questionLabel(a);
  return wrapper;
}

/**
 * Several answers ("Languages you can talk in"): a group of checkboxes under the question as its legend,
 * the hint saying how many may be ticked; its error names the group and links to the first box.
 */
function choiceField(a, fields) {
  const hintId = `join-attr-${a.id}-hint`;
  const errorId = `join-attr-${a.id}-error`;
  const boxes = (a.values || []).map((v) => h('input', {
    type: 'checkbox', name: `attr-${a.id}`, value: v.id, id: `join-attr-${a.id}-${v.id}`, testid: `join-attr-${a.id}-${v.id}`,
  }));
  fields.attributes[a.id] = { kind: 'choices', boxes };
  return h('fieldset', {
    class: 'field choice-field', id: `join-attr-${a.id}`, testid: `join-attr-${a.id}`,
    attrs: { 'aria-describedby': `${hintId} ${errorId}` },
  },
  h('legend', { text: questionLabel(a) }),
  h('p', { class: 'hint', id: hintId, text: t(a.required ? 'joinChoicesHintRequired' : 'joinChoicesHint', { max: LIMITS.choices }) }),
  h('div', { class: 'choices' }, boxes.map((box, i) => h('label', { class: 'choice', attrs: { for: box.id } },
    box, h('span', { text: a.values[i].label })))),
  h('p', { class: 'field-error', id: errorId, testid: `error-join-attr-${a.id}`, hidden: true }));
}

function buildForm(info, onSubmit) {
  const event = info?.event ?? null;
  const attrs = event?.attributes ?? [];
  const fields = {
    name: textInput('name', { max: LIMITS.name, autocomplete: 'name', required: true, testid: 'join-name' }),
    organisation: textInput('organisation', { max: LIMITS.organisation, autocomplete: 'organization', testid: 'join-org' }),
    email: textInput('email', { max: LIMITS.email, type: 'email', autocomplete: 'email', testid: 'join-email' }),
    link: textInput('link', { max: LIMITS.link, type: 'url', autocomplete: 'url', testid: 'join-link' }),
    accessCode: textInput('accessCode', { max: LIMITS.accessCode, autocomplete: 'off', testid: 'join-code' }),
    attributes: {},
  };
  const attributeFields = attrs.map((a) => (a.multiple ? choiceField(a, fields) : selectField(a, fields)));
  const needsCode = !!event?.accessCodeRequired;
  const privacy = info?.privacy;
  const alert = h('div', { class: 'form-alert', testid: 'join-error', attrs: { role: 'alert', tabindex: '-1' }, hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', testid: 'join-submit', text: t('joinSubmit') });

  const form = h('form', { class: 'join-form', testid: 'join-form', noValidate: true, attrs: { 'aria-labelledby': 'join-title' } },
    alert,
    field('join-name', 'joinName', fields.name, 'joinNameHint'),
    attributeFields,
    field('join-org', 'joinOrganisation', fields.organisation),
    h('fieldset', { class: 'contact-fieldset' },
      h('legend', { text: t('joinContactLegend') }),
      h('p', { class: 'hint', text: t('joinContactHint') }),
      field('join-email', 'joinEmail', fields.email),
      field('join-link', 'joinLink', fields.link, 'joinLinkHint')),
    needsCode || codeFromLink() ? field('join-code', 'joinAccessCode', fields.accessCode, 'joinAccessCodeHint') : null,
    h('section', { class: 'privacy', testid: 'privacy', attrs: { 'aria-labelledby': 'privacy-title' } },
      h('h2', { class: 'privacy-title', id: 'privacy-title', text: t('privacyTitle') }),
      h('p', { text: privacy ? t('privacyBody', { days: privacy.retentionDays }) : t('privacyBodyGeneric') }),
      h('p', { text: `${t(`privacyIp_${privacy?.ipLogging ?? 'unknown'}`)} ${t('privacyContact')}` })),
    submit);
  fields.accessCode.value = codeFromLink();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const result = collect(fields, attrs, needsCode);
    showErrors(form, alert, result.errors);
    if (!result.errors.length) onSubmit(result.message);
  });
  return { form, fields, alert, submit };
}

function collect(fields, attrs, needsCode) {
  const errors = [];
  const name = fields.name.value.trim();
  const organisation = fields.organisation.value.trim();
  const email = fields.email.value.trim();
  const link = fields.link.value.trim();
  const code = fields.accessCode.value.trim();
  if (!name) errors.push(['join-name', t('errNameMissing')]);
  else if ([...name].length > LIMITS.name) errors.push(['join-name', t('errTooLong', { max: LIMITS.name })]);
  const attributes = {};
  for (const a of attrs) {
    const answer = fields.attributes[a.id];
    if (answer.kind === 'choices') {
      const ticked = answer.boxes.filter((b) => b.checked).map((b) => b.value);
      if (!ticked.length && a.required) errors.push([`join-attr-${a.id}`, t('errChooseSome', { label: a.label })]);
      else if (ticked.length > LIMITS.choices) errors.push([`join-attr-${a.id}`, t('errTooManyChoices', { label: a.label, max: LIMITS.choices })]);
      else if (ticked.length) attributes[a.id] = ticked;
    } else if (answer.el.value) {
      attributes[a.id] = answer.el.value;
    } else if (a.required) {
      errors.push([`join-attr-${a.id}`, t('errChoose', { label: a.label })]);
    }
  }
  if ([...organisation].length > LIMITS.organisation) errors.push(['join-org', t('errTooLong', { max: LIMITS.organisation })]);
  if (email && (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > LIMITS.email)) errors.push(['join-email', t('errEmail')]);
  if (link && (!/^https?:\/\/\S+$/i.test(link) || link.length > LIMITS.link)) errors.push(['join-link', t('errLink')]);
  if (needsCode && !code) errors.push(['join-code', t('errCodeMissing')]);
  const message = { type: 'join', name, attributes };
  if (organisation) message.organisation = organisation;
  const contact = {};
  if (email) contact.email = email;
  if (link) contact.link = link;
  if (email || link) {
    contact.name = name;
    if (organisation) contact.organisation = organisation;
    message.contact = contact;
  }
  if (code) message.accessCode = code;
  return { errors, message };
}

function showErrors(form, alert, errors, title = null) {
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!errors.length) { alert.hidden = true; return; }
  const targets = new Map();
  for (const [id, text] of errors) {
    if (!id) continue;
    const target = form.querySelector(`#${CSS.escape(id)}`);
    // A group of checkboxes is marked box by box (a fieldset takes no aria-invalid); the link goes to the first.
    const inputs = target?.tagName === 'FIELDSET' ? [...target.querySelectorAll('input')] : target ? [target] : [];
    for (const input of inputs) input.setAttribute('aria-invalid', 'true');
    if (inputs.length) targets.set(id, inputs[0].id);
    const out = form.querySelector(`#${CSS.escape(id)}-error`);
    if (out) { out.textContent = text; out.hidden = false; }
  }
  replaceChildren(alert,
    h('p', { class: 'form-alert-title', text: title ?? t('errSummary', { count: errors.length }) }),
    h('ul', {}, errors.map(([id, text]) => h('li', {}, id ? h('a', { href: `#${targets.get(id) ?? id}`, text }) : text))));
  alert.hidden = false;
  alert.focus();
}

/** The server refused the join: say why, next to the field when we know it. */
export function showServerError(code, message) {
  if (!built) return;
  const fieldFor = { access_code_invalid: 'join-code', invalid_access_code: 'join-code' };
  let id = fieldFor[code] ?? null;
  if ((code === 'bad_field' || code === 'invalid_profile') && typeof message === 'string') {
    const m = message.match(/\b(name|organisation|email|link|accessCode)\b/);
    if (m) id = { name: 'join-name', organisation: 'join-org', email: 'join-email', link: 'join-link', accessCode: 'join-code' }[m[1]];
    const attr = message.match(/\battributes\.([A-Za-z0-9_-]+)/);
    if (attr) id = `join-attr-${attr[1]}`;
  }
  const key = `serverError_${code}`;
  const text = t(key) === key ? t('serverError_other') : t(key);
  if (id && !built.form.querySelector(`#${id}`)) id = null;
  showErrors(built.form, built.alert, [[id, text]], t('serverErrorTitle'));
  built.submit.disabled = false;
}

export function renderJoin(root, state, { join, lang }) {
  const info = state.info;
  const key = `${lang}|${info ? JSON.stringify(info.event?.attributes ?? null) + info.event?.accessCodeRequired + JSON.stringify(info.privacy) : 'none'}`;
  if (!built || built.key !== key) {
    const previous = built ? snapshot(built.fields) : null;
    const b = buildForm(info, (message) => { b.submit.disabled = true; join(message); });
    built = { key, ...b };
    if (previous) restore(built.fields, previous);
    const event = info?.event;
    built.roomSlot = h('div', { class: 'join-room-slot' });
    replaceChildren(root,
      h('div', { class: 'join-layout' },
        h('div', { class: 'join-intro' },
          h('p', { class: 'eyebrow', text: t('joinEyebrow') }),
          h('h1', { id: 'join-title', class: 'h1', text: event?.name ?? t('joinTitleFallback') }),
          built.roomSlot,
          h('p', { class: 'lead', text: t('joinLead') }),
          h('ol', { class: 'steps' },
            h('li', { text: t('joinStep1') }),
            h('li', { text: t('joinStep2') }),
            h('li', { text: t('joinStep3') }))),
        h('div', { class: 'card join-card' }, built.form)));
  }
  renderRoom(built, state);
  built.submit.disabled = state.joining || state.conn.state !== 'open';
  built.submit.textContent = state.joining ? t('joinSubmitting') : t('joinSubmit');
}

/**
 * The room the link leads to, named before joining (title and location, as on the poster by the door);
 * a link to a room the event does not have is explained: they join without it and pick one after.
 * Events with one room say nothing about rooms.
 */
function renderRoom(b, state) {
  const event = state.info?.event;
  const id = linkRoom();
  const room = roomInfo(event, id);
  const unknown = state.roomError ?? (id && event && isMultiRoom(event) && !room ? id : null);
  const sig = JSON.stringify([t('joinRoomEyebrow'), isMultiRoom(event) ? room : null, unknown]);
  if (b.roomSig === sig) return;
  b.roomSig = sig;
  if (unknown) {
    replaceChildren(b.roomSlot, h('div', { class: 'room-error', testid: 'join-room-unknown' },
      h('p', { class: 'room-error-title', text: t('roomUnknownTitle', { room: String(unknown).slice(0, 64) }) }),
      h('p', { text: t('joinRoomUnknownBody') })));
  } else if (room && isMultiRoom(event)) {
    replaceChildren(b.roomSlot, h('div', { class: 'join-room', testid: 'join-room' },
      h('p', { class: 'join-room-eyebrow', text: t('joinRoomEyebrow') }),
      h('p', { class: 'join-room-title', testid: 'join-room-title', text: room.title }),
      room.location ? h('p', { class: 'join-room-location', testid: 'join-room-location', text: room.location }) : null));
  } else {
    b.roomSlot.replaceChildren();
  }
}

function snapshot(fields) {
  const s = { attributes: {} };
  for (const k of ['name', 'organisation', 'email', 'link', 'accessCode']) s[k] = fields[k].value;
  for (const [id, answer] of Object.entries(fields.attributes)) {
    s.attributes[id] = answer.kind === 'choices' ? answer.boxes.filter((b) => b.checked).map((b) => b.value) : answer.el.value;
  }
  return s;
}

function restore(fields, s) {
  for (const k of ['name', 'organisation', 'email', 'link', 'accessCode']) if (s[k]) fields[k].value = s[k];
  for (const [id, answer] of Object.entries(fields.attributes)) {
    const was = s.attributes[id];
    if (!was) continue;
    if (answer.kind === 'choices') for (const b of answer.boxes) b.checked = Array.isArray(was) && was.includes(b.value);
    else if (typeof was === 'string') answer.el.value = was;
  }
}
