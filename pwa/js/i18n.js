// UI strings: every word the user reads comes from i18n/<locale>.json through t().
// Chinese is the default; a choice made on this device is kept in localStorage so it
// survives going offline and signing out. The Chinese catalog is part of the app's code (no
// request before the first screen); others are fetched when chosen.
import zhCN from '../i18n/zh-CN.json' with { type: 'json' };
import { VOCAB } from './constants.js';

export const DEFAULT_LOCALE = 'zh-CN';
export const LOCALES = ['zh-CN', 'en'];
const STORAGE_KEY = 'redgrid.locale';

let locale = DEFAULT_LOCALE;
let catalog = {};
const listeners = new Set();

/** The locale chosen on this device, or null if the user never chose one. */
export function storedLocale() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LOCALES.includes(value) ? value : null;
  } catch {
    return null; // storage can be disabled (private mode, policy); fall back to the default
  }
}

export function getLocale() {
  return locale;
}

/** The locale the language switch offers next. */
export function otherLocale() {
  return locale === 'en' ? 'zh-CN' : 'en';
}

async function loadCatalog(wanted) {
  if (wanted === DEFAULT_LOCALE) return zhCN;
  // Served cache-first by the service worker, so this works offline after the first visit.
  const response = await fetch(`/i18n/${wanted}.json`);
  if (!response.ok) throw new Error(`catalog ${wanted}: HTTP ${response.status}`);
  return response.json();
}

async function apply(wanted) {
  // The shared vocabulary's words are the server's (generated/constants.json), not the catalog's.
  catalog = { ...VOCAB.WORDS[wanted], ...(await loadCatalog(wanted)) };
  locale = wanted;
  document.documentElement.lang = wanted;
  document.title = t('app.title');
}

/** Loads the stored or default catalog; call once before rendering anything. */
export async function initI18n() {
  await apply(storedLocale() ?? DEFAULT_LOCALE);
}

/** Switches language, remembers the choice and asks every listener to re-render. */
export async function setLocale(wanted) {
  if (!LOCALES.includes(wanted)) throw new Error(`unsupported locale ${wanted}`);
  await apply(wanted);
  try {
    localStorage.setItem(STORAGE_KEY, wanted);
  } catch {
    // not remembered across reloads, but the switch itself still works
  }
  for (const listener of listeners) listener(wanted);
}

/** Calls fn(locale) after every switch; returns a function that unsubscribes. */
export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function hasKey(key) {
  return Object.hasOwn(catalog, key);
}

/** The string for key with {name} placeholders filled from params; the key itself if missing. */
export function t(key, params = {}) {
  const template = catalog[key];
  if (template === undefined) {
    console.warn(`i18n: missing key ${key} in ${locale}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}
