// The sign-in page: language switch, and why the last attempt failed (the server redirects with
// ?login=failed|locked). The error is tied to the token field so a screen reader reads it there too.

import { h, $ } from '../../js/dom.js';
import { initI18n, t, setLanguage, language, languages, onLanguageChange, applyStatic } from '../../js/i18n.js';

function showError() {
  const reason = new URLSearchParams(location.search).get('login');
  const box = $('[data-testid="login-error"]');
  const input = $('#token');
  const key = reason === 'failed' ? 'loginFailed' : reason === 'locked' ? 'loginLocked' : null;
  box.hidden = !key;
  box.textContent = key ? t(key) : '';
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'login-error');
  }
}

async function boot() {
  await initI18n('admin/i18n/');
  applyStatic();
  document.title = t('loginPageTitle');
  const select = $('[data-testid="lang-select"]');
  select.replaceChildren(...languages().map((l) => h('option', { value: l.code, text: l.name, lang: l.code })));
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
  onLanguageChange(() => { select.value = language(); document.title = t('loginPageTitle'); showError(); });
  showError();
}

boot();
