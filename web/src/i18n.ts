import type { Lang } from './format.js';
import { en, fr, type MessageKey } from './messages.js';

export type { Lang } from './format.js';
export type { MessageKey } from './messages.js';

export const LANGS: readonly Lang[] = ['fr', 'en'];
export const STORAGE_KEY = 'dh.lang';

/**
 * The interface's language: the one the person chose (kept in localStorage), else the first of
 * the browser's languages that the app speaks, else French (the cooperative's own).
 */
export function pickLanguage(stored: string | null | undefined, browserLanguages: readonly string[] | undefined): Lang {
  if (stored === 'fr' || stored === 'en') return stored;
  for (const tag of browserLanguages ?? []) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'fr';
}

export type Vars = Record<string, string | number>;

/** Replaces `{name}` by its value; an unknown name stays as written, so a gap shows. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * A message in a language: English falls back to French when a sentence is not translated yet
 * (better French than nothing for a French cooperative), and an unknown key shows itself.
 */
export function translate(lang: Lang, key: MessageKey | string, vars?: Vars): string {
  const table: Partial<Record<string, string>> = lang === 'en' ? en : fr;
  const template = table[key] ?? (fr as Partial<Record<string, string>>)[key] ?? key;
  return interpolate(template, vars);
}

export type Translator = (key: MessageKey, vars?: Vars) => string;

export function translator(lang: Lang): Translator {
  return (key, vars) => translate(lang, key, vars);
}
