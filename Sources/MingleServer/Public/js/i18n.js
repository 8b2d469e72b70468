// Translations. Each language is one JSON file in i18n/ (`{"_name": "English", "key": "text", ...}`);
// i18n/languages.json lists the codes offered in the switch. Another page (the admin dashboard) passes
// the folder of its own files to `initI18n`. Strings use {placeholders};
// a value may be an object of plural forms keyed by Intl.PluralRules categories ("one", "other", ...).

import { appURL } from './paths.js';

const STORAGE_KEY = 'mingle.lang';
const FALLBACK = 'en';

let current = FALLBACK;
let strings = {};
let fallbackStrings = {};
let available = [];
let folderPath = 'i18n/';
const listeners = new Set();

async function fetchJSON(path) {
  const res = await fetch(appURL(path), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

/** The language to start with: the saved choice, else the first browser language we have. */
function pick(codes) {
  const saved = safeGet();
  if (saved && codes.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || FALLBACK]) {
    const lower = String(tag).toLowerCase();
    if (codes.includes(lower)) return lower;
    const base = lower.split('-')[0];
    // Norwegian: "no" and "nn" readers are best served by bokmål.
    if ((base === 'no' || base === 'nn') && codes.includes('nb')) return 'nb';
    if (codes.includes(base)) return base;
  }
  return FALLBACK;
}

function safeGet() {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

/** `folder`: where languages.json and the language files are, relative to the app's root (js/paths.js). */
export async function initI18n(folder = 'i18n/') {
  folderPath = folder;
  try {
    available = await fetchJSON(`${folderPath}languages.json`);
  } catch {
    available = [{ code: FALLBACK, name: 'English' }];
  }
  fallbackStrings = await fetchJSON(`${folderPath}${FALLBACK}.json`).catch(() => ({}));
  await setLanguage(pick(available.map((l) => l.code)), false);
}

export async function setLanguage(code, remember = true) {
  try {
    strings = code === FALLBACK ? fallbackStrings : await fetchJSON(`${folderPath}${code}.json`);
    current = code;
  } catch {
    strings = fallbackStrings;
    current = FALLBACK;
  }
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, current); } catch { /* private mode: fine */ }
  }
  document.documentElement.lang = current;
  applyStatic();
  for (const fn of listeners) fn(current);
}

export const language = () => current;
export const languages = () => available;
export const onLanguageChange = (fn) => listeners.add(fn);

/** Translates `key`, filling {placeholders} from `params`; `params.count` picks a plural form. */
export function t(key, params = {}) {
  let value = strings[key] ?? fallbackStrings[key] ?? key;
  if (value && typeof value === 'object') {
    const form = new Intl.PluralRules(current).select(Number(params.count ?? 0));
    value = value[form] ?? value.other ?? key;
  }
  return String(value).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Fills `data-i18n` (text) and `data-i18n-attr="attr:key;attr2:key2"` in static markup. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/** The browser's own regional variant of the chosen language (en-GB writes 14:05, en-US 2:05 PM). */
function locale() {
  const tags = navigator.languages || [navigator.language];
  return tags.find((tag) => String(tag).toLowerCase().split('-')[0] === current) || current;
}

/** Time of day in the reader's language and region. */
export function formatTime(ms) {
  return new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
}

export function formatDay(ms) {
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(ms));
}
