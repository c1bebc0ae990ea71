import { escapeHtml } from '../html.js';

export { escapeHtml };

/** Markup that is already safe: built by `html` (or, for a constant, wrapped by `trusted`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A constant fragment written in code (never data) that must go in unescaped. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value, so no caller can forget to: only
 * fragments built by `html` itself (or `trusted` constants) go in as markup. Arrays are joined;
 * `undefined`, `null` and `false` render nothing, for conditional parts.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}
