/**
 * Text as ISO 8859-15 bytes (Latin-9), the FEC's character set: one byte per character, French
 * accents and `€` included; a character the set lacks becomes `?`. Latin-9 is ISO 8859-1 with
 * eight positions changed (`€ Š š Ž ž Œ œ Ÿ` in place of `¤ ¦ ¨ ´ ¸ ¼ ½ ¾`), which is all this
 * table says. Hand-written on purpose: `iconv-lite` did the same but carried every encoding's
 * tables (480 KB) into each function that exports a FEC; the tests check this against Node's own
 * ISO 8859-15 decoder.
 */
const replaced: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0xa4],
  [0x0160, 0xa6],
  [0x0161, 0xa8],
  [0x017d, 0xb4],
  [0x017e, 0xb8],
  [0x0152, 0xbc],
  [0x0153, 0xbd],
  [0x0178, 0xbe],
]);
/** The Latin-1 characters whose positions Latin-9 gives to the ones above. */
const dropped: ReadonlySet<number> = new Set(replaced.values());
const QUESTION_MARK = 0x3f;

export function encodeLatin9(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const mapped = replaced.get(code);
    if (mapped !== undefined) bytes.push(mapped);
    else if (code <= 0xff && !dropped.has(code)) bytes.push(code);
    else bytes.push(QUESTION_MARK);
  }
  return Uint8Array.from(bytes);
}
