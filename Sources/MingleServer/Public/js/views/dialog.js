// A modal <dialog> for confirmations and the report form. Native <dialog> traps focus, closes on
// Escape and returns focus to the opener.

import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';

const dialog = () => document.querySelector('[data-testid="dialog"]');

/**
 * Opens a dialog. `body` is an array of nodes; `confirmKey` labels the main button; `onConfirm(form)`
 * returns false to keep it open. `danger` styles the confirm button.
 */
export function openDialog({ titleKey, titleParams = {}, body = [], confirmKey, danger = false, onConfirm }) {
  const d = dialog();
  const form = h('form', { method: 'dialog', class: 'dialog-form' },
    h('h2', { class: 'h3', id: 'dialog-title', text: t(titleKey, titleParams) }),
    body,
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn btn-ghost', testid: 'dialog-cancel', text: t('cancel'), on: { click: () => d.close() } }),
      h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, testid: 'dialog-confirm', text: t(confirmKey) })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (onConfirm(form) !== false) d.close();
  });
  d.setAttribute('aria-labelledby', 'dialog-title');
  replaceChildren(d, form);
  d.showModal();
  const first = form.querySelector('textarea, input, select') || form.querySelector('[data-testid="dialog-confirm"]');
  first?.focus();
}

export function closeDialog() {
  const d = dialog();
  if (d?.open) d.close();
}
