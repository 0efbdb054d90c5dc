// Translations shared by every screen of the web app (phone, and later smelter and agency).
// zh-CN is the default; a screen adds its own keys with addMessages(lang, {...}).
import { signal } from './signal.js';
import zh from './locales/zh-CN.js';
import en from './locales/en.js';

const KEY = 'scraptrace.lang';
const dicts = { 'zh-CN': { ...zh }, en: { ...en } };
export const LANGS = Object.keys(dicts);
export const lang = signal(localStorage.getItem(KEY) || 'zh-CN');

export function setLang(next) {
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
  lang.set(next);
}

export function addMessages(code, messages) {
  dicts[code] = { ...(dicts[code] || {}), ...messages };
}

/** The message `key` in the current language, `{name}` replaced from `vars`. */
export function t(key, vars) {
  const text = dicts[lang.get()]?.[key] ?? dicts['zh-CN'][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : text;
}

/** The label of an enum value the API sends (`group` is 'origin', 'provenance', 'evidence', 'status',
 *  'event', 'mode', 'seller', 'kind', 'reason' or 'metal'); an unknown value shows as sent. */
export function tEnum(group, value) {
  const key = `${group}.${value}`;
  const text = t(key);
  return text === key ? String(value ?? '–') : text;
}
