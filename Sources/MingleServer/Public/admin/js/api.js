// The admin API from the dashboard: JSON over fetch with the session cookie, and every outcome in words.
// A refusal shows the reason in the reader's language when we know its code, else the server's message.

import { t } from '../../js/i18n.js';
import { appURL } from '../../js/paths.js';

/** GET a JSON document; null when it fails (the feed shows the connection's state). */
export async function getJSON(path) {
  try {
    const r = await fetch(appURL(path), { credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 401) { location.href = appURL('admin').href; return null; }
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

/** POST `body`; resolves to {ok, status, code, message} and never throws. */
export async function post(path, body = {}) {
  try {
    const r = await fetch(appURL(path), {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await r.json().catch(() => ({}));
    if (r.status === 401) location.href = appURL('admin').href;
    return { ok: r.ok, status: r.status, code: data.error?.code ?? null, message: data.error?.message ?? null };
  } catch (e) {
    return { ok: false, status: 0, code: 'network', message: String(e) };
  }
}

/** Why a command was refused, for people. */
export function reason(result) {
  if (result.status === 0) return t('errNetwork');
  const key = result.code ? 'err_' + result.code : null;
  const known = key ? t(key) : null;
  if (known && known !== key) return known;
  return result.message || t('errStatus', { status: result.status });
}

/**
 * Runs a control: POSTs, then writes "<action>: done." or "<action>: refused. <reason>" into `out`
 * (a role=status element). A second press while the first is on its way is ignored, so the button
 * keeps its focus (a disabled button would lose it).
 */
export async function run(out, action, path, body) {
  if (out.dataset.busy === '1') return null;
  out.dataset.busy = '1';
  out.dataset.kind = 'busy';
  out.textContent = t('resultSending', { action });
  const result = await post(path, body);
  out.dataset.busy = '';
  out.dataset.kind = result.ok ? 'ok' : 'error';
  out.dataset.code = result.code ?? '';
  out.textContent = result.ok ? t('resultDone', { action }) : t('resultRefused', { action, reason: reason(result) });
  return result;
}

/** A local problem (an empty field) reported the same way. */
export function refuse(out, action, why) {
  out.dataset.kind = 'error';
  out.dataset.code = 'local';
  out.textContent = t('resultRefused', { action, reason: why });
}
