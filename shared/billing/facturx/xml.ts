/**
 * A minimal XML writer: elements with attributes and text, indented two spaces, every text and
 * attribute escaped. Characters XML 1.0 cannot carry at all (control characters, lone
 * surrogates, U+FFFE/U+FFFF) are dropped rather than produce a document no parser reads.
 */
export type XmlChild = XmlElement | null | undefined | false;

export interface XmlElement {
  name: string;
  attributes?: Readonly<Record<string, string>>;
  text?: string;
  children?: readonly XmlChild[];
}

const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** The text without the characters XML 1.0 cannot carry. */
export const xmlSafe = (value: string) => value.replace(NOT_XML, '');

/** Text as XML character data (or an attribute value): escaped, invalid characters dropped. */
export const escapeXml = (value: string) => xmlSafe(value).replace(/[&<>"'\r]/g, (char) => ESCAPES[char] as string);

/** An element with text content, or nothing when the text is missing or blank. */
export function leaf(name: string, text: string | null | undefined, attributes?: Record<string, string>): XmlElement | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  return { name, text, ...(attributes ? { attributes } : {}) };
}

/** An element with children, or nothing when it would have none. */
export function node(name: string, children: readonly XmlChild[], attributes?: Record<string, string>): XmlElement | undefined {
  if (!children.some(Boolean)) return undefined;
  return { name, children, ...(attributes ? { attributes } : {}) };
}

/** Like {@link node}, but written even without children (elements the schema requires). */
export const required = (name: string, children: readonly XmlChild[]): XmlElement => ({ name, children });

export function renderXml(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const write = (element: XmlElement, depth: number) => {
    const indent = '  '.repeat(depth);
    const attributes = Object.entries(element.attributes ?? {})
      .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
      .join('');
    const children = (element.children ?? []).filter((child): child is XmlElement => Boolean(child));
    if (element.text !== undefined) lines.push(`${indent}<${element.name}${attributes}>${escapeXml(element.text)}</${element.name}>`);
    else if (children.length === 0) lines.push(`${indent}<${element.name}${attributes}/>`);
    else {
      lines.push(`${indent}<${element.name}${attributes}>`);
      for (const child of children) write(child, depth + 1);
      lines.push(`${indent}</${element.name}>`);
    }
  };
  write(root, 0);
  return `${lines.join('\n')}\n`;
}
