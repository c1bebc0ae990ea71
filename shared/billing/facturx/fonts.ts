import type { PDFFont } from '@cantoo/pdf-lib';

/** Characters the embedded fonts lack, replaced by one they have (never the .notdef glyph, which PDF/A forbids). */
const SUBSTITUTES: Record<string, string> = {
  '\u202f': '\u00a0', '\u2007': '\u00a0', '\u2009': ' ', '\u200a': ' ', '\u2002': ' ', '\u2003': ' ', '\u2011': '-', '\u2010': '-', '\u2212': '-',
  '\u2192': '->', '\u2190': '<-', '\u21d2': '=>', '\u2264': '<=', '\u2265': '>=', '\u2260': '!=',
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ŀ: 'l', Ŀ: 'L', ĸ: 'k', ŉ: 'n', ŧ: 't', Ŧ: 'T',
};

/** The two embedded faces of a document, and what they can draw (invoices, credit notes, parcel labels). */
export class Fonts {
  private readonly supported: Set<number>;
  constructor(
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    const boldSet = new Set(bold.getCharacterSet());
    this.supported = new Set(regular.getCharacterSet().filter((code) => boldSet.has(code)));
  }

  /** The text with only characters both fonts can draw: substitutes, then the base letter, then `?`. */
  printable(text: string): string {
    let result = '';
    for (const char of text.replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ')) {
      const code = char.codePointAt(0) as number;
      if (code < 0x20 || (code >= 0x7f && code < 0xa0) || /\p{Cf}/u.test(char)) continue; // controls, zero-width and format characters
      if (this.supported.has(code)) result += char;
      else if (SUBSTITUTES[char] !== undefined && [...(SUBSTITUTES[char] as string)].every((c) => this.supported.has(c.codePointAt(0) as number))) result += SUBSTITUTES[char];
      else {
        const base = [...char.normalize('NFKD')].filter((c) => !/\p{M}/u.test(c)).join('');
        result += base && [...base].every((c) => this.supported.has(c.codePointAt(0) as number)) ? base : '?';
      }
    }
    return result;
  }

  /** The printable text, shortened with an ellipsis until it fits the width. */
  fit(text: string, font: PDFFont, size: number, width: number): string {
    let value = this.printable(text);
    if (font.widthOfTextAtSize(value, size) <= width) return value;
    while (value.length > 1 && font.widthOfTextAtSize(`${value}…`, size) > width) value = value.slice(0, -1);
    return `${value.trimEnd()}…`;
  }
}
