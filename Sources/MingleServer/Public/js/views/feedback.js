// "Good conversation?": one optional, anonymous question about the breakout that just ended for the
// attendee, answered with one tap (yes / so-so / no) or skipped. Partners are never told; organisers see
// counts per room and round only.

import { h } from '../dom.js';
import { t } from '../i18n.js';

const ANSWERS = [['yes', 'feedbackYes'], ['so_so', 'feedbackSoSo'], ['no', 'feedbackNo']];

export function feedbackBlock(state, actions) {
  const f = state.feedback;
  if (!f) return null;
  const asking = f.status === 'ask' || f.status === 'sending';
  return h('section', { class: 'card feedback', testid: 'feedback', dataset: { status: f.status }, attrs: { 'aria-labelledby': 'feedback-title' } },
    h('h2', { class: 'h3', id: 'feedback-title', text: t('feedbackTitle') }),
    asking
      ? [
        h('p', { class: 'muted', id: 'feedback-privacy', text: t('feedbackPrivacy') }),
        h('div', { class: 'feedback-answers', attrs: { role: 'group', 'aria-labelledby': 'feedback-title', 'aria-describedby': 'feedback-privacy' } },
          ANSWERS.map(([answer, key]) => h('button', {
            type: 'button', class: 'btn btn-secondary feedback-answer', testid: `feedback-${answer}`,
            attrs: { 'aria-pressed': String(f.answer === answer), 'aria-disabled': f.status === 'sending' ? 'true' : null },
            text: t(key), on: { click: () => actions.feedback(answer) },
          })),
          h('button', { type: 'button', class: 'btn btn-ghost feedback-skip', testid: 'feedback-skip', text: t('feedbackSkip'), on: { click: actions.skipFeedback } })),
      ]
      : h('div', { class: 'feedback-done' },
        h('p', {
          class: f.status === 'closed' ? 'muted' : 'feedback-thanks', testid: 'feedback-result', attrs: { tabindex: '-1' },
          text: f.status === 'closed' ? t('feedbackClosed') : f.answer ? t('feedbackThanks') : t('feedbackGiven'),
        }),
        h('button', { type: 'button', class: 'btn btn-ghost btn-sm', testid: 'feedback-dismiss', text: t('feedbackDismiss'), on: { click: actions.skipFeedback } })));
}
