// Small helpers for updating the page in place: text that only changes when it differs (no needless
// DOM churn), and countdowns that one ticker advances between the feed's frames.

import { h } from '../../js/dom.js';
import { countdownText } from './format.js';

/**
 * A horizontally scrollable box around a wide table. It takes focus (a keyboard user can scroll it)
 * and is a named region, so the focus lands somewhere that says what it is.
 */
export function scrollBox(label, ...children) {
  return h('div', { class: 'table-wrap', tabIndex: 0, attrs: { role: 'region', 'aria-label': label } }, ...children);
}

export function setText(el, value) {
  const s = String(value ?? '');
  if (el.textContent !== s) el.textContent = s;
}

/** Makes `el` count down to the server time `at` (ms); "–" when there is none. */
export function setCountdown(el, at) {
  if (at) {
    el.dataset.deadline = String(at);
    setText(el, countdownText(at));
  } else {
    delete el.dataset.deadline;
    setText(el, '–');
  }
}

/** Advances every countdown on the page (called a few times a second). */
export function tickCountdowns(root = document) {
  for (const el of root.querySelectorAll('[data-deadline]')) setText(el, countdownText(Number(el.dataset.deadline)));
}
