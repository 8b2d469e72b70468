// One polite ARIA live region for timer milestones and partner changes. Repeating the same text
// would be ignored by screen readers, so the region is cleared first.

let region = null;
let timer = null;

export function announce(text) {
  region ??= document.querySelector('[data-testid="live"]');
  if (!region) return;
  clearTimeout(timer);
  region.textContent = '';
  timer = setTimeout(() => { region.textContent = text; }, 60);
}
