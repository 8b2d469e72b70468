// The breakout: who you are with, the icebreaker, a large countdown to the server's end time, chat,
// audio/video, and the per-partner actions (stay in touch, report, block) plus leave.
// The frame is built once per breakout and language; later renders only patch what changed, so
// typing, focus and video elements survive incoming messages.

import { h, replaceChildren } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { Countdown } from '../countdown.js';
import { others, hasContact } from '../store.js';
import { attributeLabel, avatar } from './people.js';
import { openDialog } from './dialog.js';
import { isMultiRoom, roomInfo, roomSessions } from '../rooms.js';
import { switchFromBreakout } from './rooms.js';

const MAX_CHAT_CHARS = 1000;
const MAX_REASON_CHARS = 500;

let view = null; // { key, countdown, partnerEls, chatLog, chatCount, ... }

function partnerCard(state, person, actions) {
  const status = h('span', { class: 'status-pill', testid: `partner-status-${person.id}` });
  const stay = h('button', {
    type: 'button', class: 'btn btn-primary stay-btn', testid: `stay-${person.id}`,
    on: { click: () => actions.toggleStay(person.id) },
  });
  const stayNote = h('p', { class: 'stay-note small', testid: `stay-note-${person.id}`, attrs: { 'aria-live': 'polite' } });
  const more = h('details', { class: 'more' },
    h('summary', { class: 'btn btn-ghost btn-sm', text: t('more'), attrs: { 'aria-label': t('moreFor', { name: person.name }) } }),
    h('div', { class: 'more-menu' },
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', testid: `report-${person.id}`, text: t('report'), on: { click: () => { more.open = false; reportDialog(person, actions); } } }),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm danger-text', testid: `block-${person.id}`, text: t('block'), on: { click: () => { more.open = false; blockDialog(person, actions); } } })));
  const org = person.organisation ? h('p', { class: 'partner-org', text: person.organisation }) : null;
  const el = h('li', { class: 'card partner', testid: `partner-${person.id}`, dataset: { attendee: String(person.id) } },
    h('div', { class: 'partner-head' },
      avatar(person, 'avatar-lg'),
      h('div', { class: 'partner-id' },
        h('h2', { class: 'partner-name', testid: 'partner-name', text: person.name }),
        h('p', { class: 'partner-attrs muted', text: attributeLabel(state.event, person) }),
        org)),
    h('div', { class: 'partner-actions' }, stay, more, status),
    stayNote);
  return { el, status, stay, stayNote };
}

function reportDialog(person, actions) {
  const area = h('textarea', { id: 'report-reason', maxLength: MAX_REASON_CHARS, rows: 4, required: true, testid: 'report-reason' });
  const err = h('p', { class: 'field-error', hidden: true, text: t('errReasonMissing') });
  openDialog({
    titleKey: 'reportTitle', titleParams: { name: person.name },
    body: [h('p', { class: 'muted', text: t('reportBody') }),
      h('div', { class: 'field' }, h('label', { attrs: { for: 'report-reason' }, text: t('reportReason') }), area, err),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'alsoBlock', testid: 'report-block' }), h('span', { text: t('reportAlsoBlock') }))],
    confirmKey: 'reportSend', danger: true,
    onConfirm: (form) => {
      const reason = area.value.trim();
      if (!reason) { err.hidden = false; area.focus(); return false; }
      actions.report(person.id, reason.slice(0, MAX_REASON_CHARS));
      if (form.elements.alsoBlock.checked) actions.block(person.id);
      return true;
    },
  });
}

function blockDialog(person, actions) {
  openDialog({
    titleKey: 'blockTitle', titleParams: { name: person.name },
    body: [h('p', { text: t('blockBody', { name: person.name }) })],
    confirmKey: 'blockConfirm', danger: true,
    onConfirm: () => { actions.block(person.id); return true; },
  });
}

function build(root, state, actions, media) {
  const people = others(state);
  const clock = h('span', { class: 'countdown-digits', testid: 'countdown', attrs: { role: 'timer', 'aria-live': 'off' } });
  const bar = h('progress', { class: 'countdown-bar', max: 1, value: 1, attrs: { 'aria-hidden': 'true' } });
  const warning = h('p', { class: 'countdown-warning', testid: 'ending-soon', hidden: true, text: t('endingSoon') });
  const countdown = new Countdown({
    el: clock, bar, milestones: [60, 10, 0],
    onMilestone: (s) => actions.milestone(s),
  });
  const partnerViews = new Map();
  const list = h('ul', { class: 'partners', attrs: { 'aria-label': t('partnersLabel') } },
    people.map((p) => { const v = partnerCard(state, p, actions); partnerViews.set(p.id, v); return v.el; }));

  // The messages are a list; the live region (role log) is around it, so the items keep their list role.
  const chatLog = h('ol', { class: 'chat-log', testid: 'chat-log', attrs: { 'aria-label': t('chatTitle'), tabindex: '0' } });
  const chatLive = h('div', { class: 'chat-live', attrs: { role: 'log', 'aria-live': 'polite' } }, chatLog);
  const chatEmpty = h('p', { class: 'chat-empty muted', text: t('chatEmpty') });
  const input = h('input', { type: 'text', id: 'chat-input', maxLength: MAX_CHAT_CHARS, autocomplete: 'off', testid: 'chat-input', attrs: { 'aria-label': t('chatPlaceholder'), placeholder: t('chatPlaceholder') } });
  const chatForm = h('form', { class: 'chat-form', testid: 'chat-form' }, input,
    h('button', { type: 'submit', class: 'btn btn-primary', testid: 'chat-send', text: t('chatSend') }));
  chatForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (actions.chat(text.slice(0, MAX_CHAT_CHARS))) input.value = '';
  });

  const prompt = state.breakout.prompt
    ? h('div', { class: 'card prompt', testid: 'prompt' }, h('p', { class: 'eyebrow', text: t('promptTitle') }), h('p', { class: 'prompt-text', text: state.breakout.prompt }))
    : null;
  const title = people.length === 1 ? t('breakoutWithOne', { name: people[0].name }) : t('breakoutWithMany', { count: state.breakout.members.length });
  const roundText = h('p', { class: 'eyebrow', testid: 'round-label' });

  replaceChildren(root,
    h('div', { class: 'breakout-top' },
      h('div', { class: 'breakout-title' }, roundText, h('h1', { id: 'breakout-title', class: 'h2', text: title })),
      h('div', { class: 'countdown' }, h('span', { class: 'sr-only', text: t('timeLeft') }), clock, bar, warning)),
    h('div', { class: 'breakout-grid' },
      h('div', { class: 'breakout-main' }, list, prompt, media.element),
      h('section', { class: 'card chat', attrs: { 'aria-labelledby': 'chat-title' } },
        h('h2', { class: 'h3', id: 'chat-title', text: t('chatTitle') }),
        h('p', { class: 'muted small', text: t('chatPrivacy') }),
        chatEmpty, chatLive, chatForm)),
    h('div', { class: 'breakout-footer' },
      h('button', { type: 'button', class: 'btn btn-ghost', testid: 'leave-breakout', text: t('leaveBreakout'), on: { click: () => actions.leave() } }),
      isMultiRoom(state.event)
        ? h('button', { type: 'button', class: 'btn btn-ghost', testid: 'breakout-switch-room', text: t('roomSwitchEllipsis'), on: { click: () => switchFromBreakout(state, actions) } })
        : null));
  return { countdown, warning, partnerViews, chatLog, chatEmpty, chatCount: 0, roundText, input };
}

function patch(state) {
  const b = state.breakout;
  const r = state.round;
  const roundText = r?.round ? t('roundOf', { round: r.round, rounds: r.rounds ?? '?' }) : t('breakoutEyebrow');
  const room = isMultiRoom(state.event) ? roomInfo(state.event, state.room) : null;
  view.roundText.textContent = room ? `${room.title} · ${roundText}` : roundText;
  const endsAt = b.endsAt ?? r?.endsAt;
  // After a reload only the end is known; the plan's round length gives the start (unless extended).
  const roundSeconds = roomSessions(state).find((s) => s.id === (r?.session ?? state.phase.session))?.mingle?.roundSeconds;
  const startedAt = r?.startedAt ?? (roundSeconds ? endsAt - roundSeconds * 1000 : null);
  view.countdown.set(endsAt, startedAt);
  view.warning.hidden = !state.endingSoon;
  document.body.dataset.ending = String(!!state.endingSoon);
  for (const [id, v] of view.partnerViews) {
    const p = state.partners[id] ?? { status: 'here' };
    v.status.dataset.status = p.status;
    v.status.textContent = p.status === 'here' ? t('statusHere') : p.status === 'reconnecting' ? t('statusReconnecting') : t(`statusLeft_${p.reason ?? 'left'}`);
    v.el.classList.toggle('is-gone', p.status === 'left');
    const exchanged = hasContact(id);
    const asked = state.stayInTouch.has(id);
    v.stay.disabled = exchanged || p.status === 'left';
    v.stay.setAttribute('aria-pressed', String(asked || exchanged));
    v.stay.dataset.state = exchanged ? 'exchanged' : asked ? 'pending' : 'none';
    v.stay.textContent = exchanged ? t('stayExchanged') : asked ? t('stayWithdraw') : t('stayAsk');
    v.stay.classList.toggle('btn-primary', !asked && !exchanged);
    v.stay.classList.toggle('btn-secondary', asked || exchanged);
    v.stayNote.textContent = exchanged ? t('stayNoteExchanged') : asked ? t('stayNotePending', { name: state.breakout.members.find((m) => m.id === id)?.name ?? '' }) : t('stayNoteNone');
  }
  if (state.chat.length < view.chatCount) { view.chatLog.replaceChildren(); view.chatCount = 0; }
  const stick = view.chatLog.scrollTop + view.chatLog.clientHeight >= view.chatLog.scrollHeight - 24;
  for (const m of state.chat.slice(view.chatCount)) {
    const mine = m.from === state.me?.id;
    view.chatLog.append(h('li', { class: `chat-msg${mine ? ' is-mine' : ''}`, testid: 'chat-msg', dataset: { from: String(m.from) } },
      h('span', { class: 'chat-meta' }, h('span', { class: 'chat-name', text: mine ? t('chatYou') : m.name }), ' ', h('time', { class: 'chat-time', text: m.at ? formatTime(m.at) : '' })),
      h('span', { class: 'chat-text', testid: 'chat-text', text: m.text })));
  }
  view.chatCount = state.chat.length;
  view.chatEmpty.hidden = state.chat.length > 0;
  if (stick) view.chatLog.scrollTop = view.chatLog.scrollHeight;
}

export function renderBreakout(root, state, actions, media, lang) {
  const key = `${state.breakout.id}|${lang}|${state.breakout.members.map((m) => m.id).join(',')}`;
  if (!view || view.key !== key) {
    const typed = view?.input?.value ?? '';
    view?.countdown.stop();
    view = { key, ...build(root, state, actions, media) };
    if (typed && view.key.split('|')[0] === key.split('|')[0]) view.input.value = typed;
  }
  patch(state);
}

export function leaveBreakoutView() {
  view?.countdown.stop();
  view = null;
}
