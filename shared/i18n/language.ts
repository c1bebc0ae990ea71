/**
 * The languages the API speaks to people (the tracking page, price line labels, the
 * accountant's spreadsheets): French first, English on request. Field names and codes never
 * change with the language; only text meant to be read by a person does.
 */
export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';

/** `fr-FR;q=0.8, en;q=0.9, *;q=0.1` → tags by preference (q=0 means "not this"), as RFC 9110 §12.5.4 says. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** `?lang=` wins; then the first of the caller's languages we have; then French. */
export function negotiateLanguage(requested: string | undefined, acceptLanguage: string | undefined): Language {
  if (requested === 'fr' || requested === 'en') return requested;
  for (const tag of parseAcceptLanguage(acceptLanguage)) {
    const primary = tag.split('-')[0];
    if (primary === 'fr' || primary === 'en') return primary;
  }
  return DEFAULT_LANGUAGE;
}

/** The language of an API response's human-readable text: the request's `Accept-Language`, French by default. */
export function responseLanguage(headers: Record<string, string | undefined>): Language {
  return negotiateLanguage(undefined, headers['accept-language']);
}

/** `2.5` → `2,5` in French; `fractionDigits` fixes the decimals (`3` → `3.0`). No thousands separator. */
export function formatDecimal(value: number, language: Language, fractionDigits?: number): string {
  const digits = fractionDigits === undefined ? String(value) : value.toFixed(fractionDigits);
  return language === 'fr' ? digits.replace('.', ',') : digits;
}
