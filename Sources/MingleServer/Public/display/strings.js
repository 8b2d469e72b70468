// Translations for the display page and the poster: /display/i18n/<code>.json, flat keys with
// {placeholders}. The language comes from ?lang=, else the browser's languages, else English
// (these pages run on a projector or print once: no switch, nothing remembered).

import { appPath, appURL } from '../js/paths.js';

const FALLBACK_LANGUAGE = 'en';

let strings = {};
let fallbackStrings = {};
let current = FALLBACK_LANGUAGE;

export function t(key, values = {}) {
  const text = strings[key] ?? fallbackStrings[key] ?? key;
  return String(text).replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

export const language = () => current;

function wantedLanguages(params) {
  const asked = params.get('lang');
  const tags = asked ? [asked] : (navigator.languages || [navigator.language || FALLBACK_LANGUAGE]);
  return tags.map((tag) => {
    const base = String(tag).toLowerCase().split('-')[0];
    // Norwegian: "no" and "nn" readers are best served by bokmål.
    return base === 'no' || base === 'nn' ? 'nb' : base;
  });
}

async function fetchJSON(path) {
  const res = await fetch(appURL(path), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

/** Loads the first wanted language that has a file and fills `data-i18n` / `data-i18n-attr`. */
export async function loadStrings(params) {
  fallbackStrings = await fetchJSON(`display/i18n/${FALLBACK_LANGUAGE}.json`).catch(() => ({}));
  strings = fallbackStrings;
  current = FALLBACK_LANGUAGE;
  for (const code of wantedLanguages(params)) {
    if (code === FALLBACK_LANGUAGE) break;
    if (!/^[a-z]{2,3}$/.test(code)) continue;
    try {
      strings = await fetchJSON(`display/i18n/${code}.json`);
      current = code;
      break;
    } catch { /* not translated: try the next */ }
  }
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/** The room id from /r/<room-id>/<page> (under the base path), else ?room= (for /display/<page>.html previews). */
export function roomFromLocation(page, params) {
  const match = appPath().match(new RegExp(`^/r/([^/]+)/${page}/?$`));
  if (match) {
    try { return decodeURIComponent(match[1]); } catch { return ''; }
  }
  return params.get('room') || '';
}

/** The short link people type: no scheme, no trailing slash. */
export function shortLink(link) {
  return String(link || '').replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/**
 * Puts the short link into `el` as text, with a line-break opportunity (<wbr>) after each "/" so a
 * long link wraps between its parts ("mingle.example.org/r/" | "workshop-a"), not inside a word.
 */
export function showLink(el, link) {
  const parts = shortLink(link).split(/(?<=\/)/);
  el.replaceChildren();
  parts.forEach((part, i) => {
    if (i > 0) el.append(document.createElement('wbr'));
    el.append(document.createTextNode(part));
  });
  el.hidden = parts.join('') === '';
}

/** The QR code the server makes for a room. */
export const qrPath = (roomId) => appURL(`r/${encodeURIComponent(roomId)}/qr.svg`).href;
