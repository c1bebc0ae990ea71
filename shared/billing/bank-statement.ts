import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Bank statements the accountant uploads to record customer payments: ISO 20022 camt.053 (as
 * French banks export it, versions 001.02 to 001.13) or a CSV export with a header row. Pure: no
 * I/O, no clock, no randomness; the same file always gives the same lines with the same ids, so
 * importing a file twice (or two overlapping statements) can be deduplicated by line id.
 *
 * Amounts are integer cents parsed from the decimal text (never through a float). A line is a
 * booked entry, or, for a batch entry whose every transaction carries its own amount (a
 * remittance of direct debits, a grouped transfer), one line per transaction.
 */

export interface StatementLine {
  /** `bkl_` + 26 Crockford base32 characters of a SHA-256 over the statement and the entry's identity. */
  id: string;
  /** YYYY-MM-DD, as the bank wrote it (a date-time keeps its own calendar date). */
  bookingDate: string;
  valueDate: string | null;
  /** Integer cents: > 0 for a credit, < 0 for a debit. */
  amount: number;
  currency: string;
  /** Remittance information, structured reference and additional information, trimmed, ≤ 500 characters. */
  label: string;
  counterparty: string | null;
  /** EndToEndId, else the bank's reference (AcctSvcrRef), else a CSV reference column. */
  reference: string | null;
}

export interface ParsedStatement {
  format: 'camt.053' | 'csv';
  /** Stmt/Id (several, comma-separated, when the file holds several statements), or `csv_` + a hash of the CSV. */
  statementId: string;
  /** The account (IBAN, or the bank's other identifier) when every statement of the file is of one account. */
  account: string | null;
  currency: string;
  lines: StatementLine[];
}

export type StatementErrorCode = 'statement_malformed' | 'statement_unsupported' | 'statement_currency';

export class StatementError extends Error {
  constructor(
    readonly code: StatementErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'StatementError';
  }
}

export const MAX_STATEMENT_BYTES = 5 * 1024 * 1024;
export const MAX_STATEMENT_LINES = 5_000;
const MAX_LABEL_LENGTH = 500;

/** camt.053 versions read: 001.02 (the common French one) to 001.13 (001.08 is the other common one). */
const CAMT053_VERSIONS = new Set(['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13'].map((minor) => `001.${minor}`));

/**
 * Reads a bank statement. The format comes from the content type (application/xml, text/xml,
 * text/csv…) when it says, else from the content. Every amount must be in `expectedCurrency`.
 * Throws a `StatementError` whose message says in plain words what is wrong with the file.
 */
export function parseStatement(body: string, contentType: string | undefined, expectedCurrency = 'EUR'): ParsedStatement {
  if (body.length > MAX_STATEMENT_BYTES || Buffer.byteLength(body, 'utf8') > MAX_STATEMENT_BYTES) {
    throw new StatementError('statement_unsupported', `The file is larger than ${MAX_STATEMENT_BYTES / 1024 / 1024} MB; upload one statement period at a time.`);
  }
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new StatementError('statement_malformed', 'The file is empty.');
  const currency = expectedCurrency.toUpperCase();
  const format = detectFormat(text, contentType);
  return format === 'xml' ? parseCamt053(text, currency) : parseCsvStatement(text, currency);
}

// ---------------------------------------------------------------------------------------------
// Format detection

const XML_TYPES = new Set(['application/xml', 'text/xml']);
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/x-csv', 'application/x-csv', 'text/comma-separated-values', 'text/plain', 'application/vnd.ms-excel', 'text/tab-separated-values']);
const NEUTRAL_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

function detectFormat(text: string, contentType: string | undefined): 'xml' | 'csv' {
  const declared = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const start = text.trimStart();
  const head = start.slice(0, 1024);
  if (head.startsWith('%PDF')) throw unsupported('The file is a PDF; upload the statement as camt.053 (XML) or CSV, which the bank offers as exports.');
  if (head.startsWith('PK\u0003\u0004')) throw unsupported('The file is a spreadsheet or ZIP archive (such as .xlsx); save it as CSV, or upload the camt.053 (XML) export.');
  if (head.includes('\u0000')) throw unsupported('The file is binary, not a camt.053 (XML) or CSV statement.');
  if (/^OFXHEADER:/i.test(head) || /^<OFX>/i.test(head)) throw unsupported('The file is an OFX statement; upload the camt.053 (XML) or CSV export instead.');
  if (/^(\{1:|:20:)/.test(head)) throw unsupported('The file is an MT940 statement; upload the camt.053 (XML) or CSV export instead.');
  if (/^!Type:/i.test(head)) throw unsupported('The file is a QIF statement; upload the camt.053 (XML) or CSV export instead.');
  const isXmlType = XML_TYPES.has(declared) || declared.endsWith('+xml');
  if (start.startsWith('<')) return 'xml';
  if (isXmlType) throw new StatementError('statement_malformed', `The file is declared as XML (${declared}) but is not an XML document.`);
  if (!CSV_TYPES.has(declared) && !NEUTRAL_TYPES.has(declared)) {
    throw unsupported(`A file of type ${declared} is not a bank statement this reads: upload the camt.053 (XML) or CSV export.`);
  }
  return 'csv';
}

const unsupported = (message: string) => new StatementError('statement_unsupported', message);
const malformed = (message: string, line?: number) => new StatementError('statement_malformed', message, line);

// ---------------------------------------------------------------------------------------------
// camt.053

/**
 * Safe settings: no entity is ever expanded (`processEntities: false`, `htmlEntities: false`: a
 * DOCTYPE is refused before parsing anyway, and the five predefined entities and character
 * references are decoded below by a replacement that can only shorten the text), no value is
 * turned into a number (`parseTagValue: false`: `0012.50` stays a string and is parsed exactly),
 * the nesting depth is bounded, and dangerous property names (`__proto__`…) are renamed by the
 * parser's default `onDangerousProperty`.
 */
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  ignorePiTags: true,
  maxNestedTags: 64,
  // `ns:Stmt` and `Stmt` read alike; the `xmlns:ns` attributes stay (removeNSPrefix would drop them).
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
});

type Node = Record<string, unknown>;

const ISO_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.(\d{3}\.\d{2})$/;

const MESSAGE_NAMES: Record<string, string> = {
  'camt.052': 'a camt.052 account report (intraday), not an end-of-day statement',
  'camt.054': 'a camt.054 debit/credit notification, not a statement',
  'pain.001': 'a pain.001 credit transfer order (a payment file sent to the bank), not a statement',
  'pain.002': 'a pain.002 payment status report, not a statement',
  'pain.008': 'a pain.008 direct debit order (a collection file sent to the bank), not a statement',
};

const MESSAGE_ELEMENTS: Record<string, string> = {
  BkToCstmrAcctRpt: 'camt.052',
  BkToCstmrDbtCdtNtfctn: 'camt.054',
  CstmrCdtTrfInitn: 'pain.001',
  CstmrPmtStsRpt: 'pain.002',
  CstmrDrctDbtInitn: 'pain.008',
};

function describeMessage(id: string): string {
  return MESSAGE_NAMES[id] ?? `an ISO 20022 ${id} message, not a camt.053 statement`;
}

function parseCamt053(text: string, currency: string): ParsedStatement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw malformed('The XML declares a DOCTYPE or entities, which a bank statement never does; it was refused without being read.');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(`The file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}).`, valid.err.line);
  let document: Node;
  try {
    document = xmlParser.parse(text) as Node;
  } catch (error) {
    throw malformed(`The XML could not be read: ${(error as Error).message}`);
  }
  const roots = Object.keys(document).filter((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (roots.length !== 1) throw malformed('The XML document must have exactly one root element.');
  const rootName = roots[0] as string;
  const root = asNode(document[rootName]) ?? {};
  const namespace = namespaceOf(root);
  const iso = namespace ? ISO_NAMESPACE.exec(namespace) : null;
  if (iso) {
    const [, message, version] = iso as unknown as [string, string, string];
    if (message !== 'camt.053') throw unsupported(`The file is ${describeMessage(message)}; upload the camt.053 statement.`);
    if (!CAMT053_VERSIONS.has(version)) throw unsupported(`camt.053 version ${version} is not supported (versions 001.02 to 001.13 are).`);
  } else if (namespace) {
    throw unsupported(`The XML document <${rootName}> (namespace ${namespace}) is not a camt.053 bank statement.`);
  }
  const statement = rootName === 'Document' ? asNode(root.BkToCstmrStmt) : undefined;
  if (!statement) {
    const known = rootName === 'Document' ? Object.keys(root).map((key) => MESSAGE_ELEMENTS[key]).find(Boolean) : undefined;
    if (known) throw unsupported(`The file is ${describeMessage(known)}; upload the camt.053 statement.`);
    if (iso) throw malformed('The camt.053 document has no BkToCstmrStmt element.');
    throw unsupported(`The XML document <${rootName}> is not a camt.053 bank statement.`);
  }

  const statements = many(statement.Stmt).map(asNode);
  if (statements.length === 0) throw malformed('The camt.053 document has no statement (Stmt).');
  const drafts: Draft[] = [];
  const ids: string[] = [];
  const accounts = new Set<string | null>();
  statements.forEach((stmt, stmtIndex) => {
    if (!stmt) throw malformed(`Statement ${stmtIndex + 1} is empty.`);
    const stmtId = text1(stmt.Id) ?? `statement ${stmtIndex + 1}`;
    ids.push(stmtId);
    const where = `statement ${stmtId}`;
    const accountId = asNode(asNode(stmt.Acct)?.Id);
    const iban = text1(accountId?.IBAN);
    const account = iban ? iban.replace(/\s+/g, '').toUpperCase() : (text1(asNode(accountId?.Othr)?.Id) ?? null);
    accounts.add(account);
    const accountCurrency = text1(asNode(stmt.Acct)?.Ccy);
    if (accountCurrency) checkCurrency(accountCurrency, currency, `The account of ${where}`);
    for (const balance of many(stmt.Bal)) {
      const amount = asNode(balance)?.Amt;
      const ccy = attribute(amount, 'Ccy');
      if (ccy) checkCurrency(ccy, currency, `A balance of ${where}`);
    }
    many(stmt.Ntry).forEach((value, entryIndex) => {
      const entry = asNode(value);
      const at = `Entry ${entryIndex + 1} of ${where}`;
      if (!entry) throw malformed(`${at} is empty.`);
      drafts.push(...entryDrafts(entry, at, account ?? 'camt', accountCurrency, currency));
      if (drafts.length > MAX_STATEMENT_LINES) throw tooManyLines();
    });
  });
  if (drafts.length === 0) throw malformed('The statement has no booked entry (pending and informational entries are not read).');
  const distinctAccounts = [...accounts];
  return {
    format: 'camt.053',
    statementId: ids.join(','),
    account: distinctAccounts.length === 1 ? (distinctAccounts[0] ?? null) : null,
    currency,
    lines: withIds(drafts),
  };
}

/** A line before its id: its identity is what the id hashes. */
interface Draft {
  line: Omit<StatementLine, 'id'>;
  identity: unknown[];
}

interface Transaction {
  amount: number | null;
  label: string[];
  counterparty: string | null;
  endToEndId: string | null;
  reference: string | null;
}

function entryDrafts(entry: Node, at: string, statementIdentity: string, accountCurrency: string | undefined, currency: string): Draft[] {
  const status = text1(entry.Sts) ?? text1(asNode(entry.Sts)?.Cd) ?? text1(asNode(entry.Sts)?.Prtry);
  if (status !== undefined && status.toUpperCase() !== 'BOOK') return [];
  const amountNode = entry.Amt;
  const amountText = text1(amountNode);
  if (amountText === undefined) throw malformed(`${at} has no amount.`);
  const entryCurrency = attribute(amountNode, 'Ccy') ?? accountCurrency ?? currency;
  checkCurrency(entryCurrency, currency, at);
  const sign = creditDebit(text1(entry.CdtDbtInd), at);
  const amount = sign * camtAmount(amountText, at);
  const bookingDate = camtDate(entry.BookgDt, `${at} (booking date)`);
  if (bookingDate === null) throw malformed(`${at} has no booking date.`);
  const valueDate = camtDate(entry.ValDt, `${at} (value date)`);
  const bankReference = text1(entry.AcctSvcrRef) ?? null;
  const additional = text1(entry.AddtlNtryInf);
  const transactions = many(entry.NtryDtls)
    .flatMap((details) => many(asNode(details)?.TxDtls))
    .map((value, index) => transactionOf(asNode(value) ?? {}, sign, `${at}, transaction ${index + 1}`, entryCurrency, currency));
  if (amount === 0) return [];

  const split = transactions.length > 1 && transactions.every((tx) => tx.amount !== null) && transactions.reduce((sum, tx) => sum + (tx.amount as number), 0) === amount;
  if (split) {
    return transactions.flatMap((tx, index) => {
      if (tx.amount === 0) return [];
      const label = labelOf([...tx.label, additional]);
      const line = { bookingDate, valueDate, amount: tx.amount as number, currency, label, counterparty: tx.counterparty, reference: tx.endToEndId ?? tx.reference ?? bankReference };
      return [{ line, identity: identityOf(statementIdentity, bankReference, index, line) }];
    });
  }
  const first = transactions[0];
  const label = labelOf([...transactions.flatMap((tx) => tx.label), additional]);
  const line = {
    bookingDate,
    valueDate,
    amount,
    currency,
    label,
    counterparty: transactions.map((tx) => tx.counterparty).find((name) => name !== null) ?? null,
    reference: first?.endToEndId ?? first?.reference ?? bankReference,
  };
  return [{ line, identity: identityOf(statementIdentity, bankReference, null, line) }];
}

function identityOf(statement: string, bankReference: string | null, transaction: number | null, line: Omit<StatementLine, 'id'>): unknown[] {
  return bankReference !== null ? [statement, 'ref', bankReference, transaction] : [statement, 'line', line.bookingDate, line.amount, line.label, transaction];
}

function transactionOf(tx: Node, entrySign: 1 | -1, at: string, entryCurrency: string, currency: string): Transaction {
  // camt.053.001.03 and later: TxDtls/Amt; 001.02: TxDtls/AmtDtls/TxAmt/Amt.
  const amountNode = tx.Amt ?? asNode(asNode(tx.AmtDtls)?.TxAmt)?.Amt;
  const amountText = text1(amountNode);
  const txCurrency = attribute(amountNode, 'Ccy') ?? entryCurrency;
  let amount: number | null = null;
  if (amountText !== undefined && txCurrency === entryCurrency) {
    const indicator = text1(tx.CdtDbtInd);
    const sign = indicator === undefined ? entrySign : creditDebit(indicator, at);
    amount = sign * camtAmount(amountText, at);
  }
  if (amount !== null) checkCurrency(txCurrency, currency, at);
  const refs = asNode(tx.Refs);
  const remittance = many(tx.RmtInf).map(asNode);
  const unstructured = remittance.flatMap((info) => many(info?.Ustrd).map(text1));
  const structured = remittance.flatMap((info) => many(info?.Strd).flatMap((strd) => many(asNode(strd)?.CdtrRefInf).map((ref) => text1(asNode(ref)?.Ref))));
  const parties = asNode(tx.RltdPties);
  const name = (party: unknown) => text1(asNode(party)?.Nm) ?? text1(asNode(asNode(party)?.Pty)?.Nm);
  const counterparty = entrySign > 0 ? (name(parties?.Dbtr) ?? name(parties?.UltmtDbtr)) : (name(parties?.Cdtr) ?? name(parties?.UltmtCdtr));
  const endToEndId = text1(refs?.EndToEndId);
  return {
    amount,
    label: [...unstructured, ...structured, text1(tx.AddtlTxInf)].filter((part): part is string => part !== undefined),
    counterparty: counterparty ?? null,
    endToEndId: endToEndId && endToEndId.toUpperCase() !== 'NOTPROVIDED' ? endToEndId : null,
    reference: text1(refs?.AcctSvcrRef) ?? null,
  };
}

function creditDebit(indicator: string | undefined, at: string): 1 | -1 {
  if (indicator === 'CRDT') return 1;
  if (indicator === 'DBIT') return -1;
  throw malformed(`${at} is neither a credit nor a debit (CdtDbtInd ${indicator === undefined ? 'missing' : `'${indicator}'`}).`);
}

function camtAmount(text: string, at: string): number {
  const cents = decimalCents(text, 'xsd');
  if (cents === undefined) throw malformed(`${at} has the amount '${text}', which is not a decimal number with at most two decimals.`);
  return cents;
}

function camtDate(value: unknown, at: string): string | null {
  const node = asNode(value);
  const raw = text1(node?.Dt) ?? text1(node?.DtTm) ?? (typeof value === 'string' ? text1(value) : undefined);
  if (raw === undefined) return null;
  // xs:date may carry a zone (2026-03-02+01:00); a date-time keeps the calendar date the bank wrote.
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T+\-Z])/.exec(raw);
  const date = match?.[1];
  if (!date || !isCalendarDate(date)) throw malformed(`${at} is '${raw}', which is not a date.`);
  return date;
}

function checkCurrency(found: string, expected: string, what: string): void {
  if (found.toUpperCase() !== expected) {
    throw new StatementError('statement_currency', `${what} is in ${found}; only statements in ${expected} can be recorded.`);
  }
}

function namespaceOf(root: Node): string | undefined {
  const direct = root['@_xmlns'];
  if (typeof direct === 'string') return direct;
  const prefixed = Object.entries(root).filter(([key, value]) => key.startsWith('@_xmlns:') && typeof value === 'string') as [string, string][];
  return (prefixed.find(([, value]) => value.startsWith('urn:iso:std:iso:20022:tech:xsd:')) ?? prefixed[0])?.[1];
}

function asNode(value: unknown): Node | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
}

function many(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an element (with or without attributes), entities decoded, trimmed; undefined when absent or empty. */
function text1(value: unknown): string | undefined {
  const raw = typeof value === 'string' ? value : typeof asNode(value)?.['#text'] === 'string' ? (asNode(value)?.['#text'] as string) : undefined;
  if (raw === undefined) return undefined;
  const decoded = decodeXmlEntities(raw).trim();
  return decoded === '' ? undefined : decoded;
}

function attribute(value: unknown, name: string): string | undefined {
  const raw = asNode(value)?.[`@_${name}`];
  return typeof raw === 'string' && raw.trim() !== '' ? decodeXmlEntities(raw).trim() : undefined;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The five predefined entities and character references, in one pass: each replacement is
 * shorter than what it replaces, so nothing can expand (the parser itself expands nothing).
 */
function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return XML_ENTITIES[name] as string;
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    return valid ? String.fromCodePoint(code) : whole;
  });
}

// ---------------------------------------------------------------------------------------------
// CSV

type Column = 'bookingDate' | 'valueDate' | 'amount' | 'debit' | 'credit' | 'label' | 'reference' | 'currency' | 'counterparty';

/** Header names (lower case, accents and punctuation dropped, currency qualifiers removed). */
const HEADER_NAMES: Record<Column, string[]> = {
  bookingDate: ['date', 'date operation', 'date d operation', 'date de l operation', 'date de operation', 'date comptable', 'date de comptabilisation', 'date op', 'booking date', 'transaction date', 'posting date', 'date operations'],
  valueDate: ['date valeur', 'date de valeur', 'value date', 'valeur'],
  amount: ['amount', 'montant', 'somme'],
  debit: ['debit', 'debits'],
  credit: ['credit', 'credits'],
  label: ['label', 'libelle', 'libelle operation', 'libelle de l operation', 'libelle de operation', 'description', 'details', 'wording', 'intitule', 'operation'],
  reference: ['reference', 'ref', 'references', 'reference operation'],
  currency: ['currency', 'devise', 'monnaie'],
  counterparty: ['counterparty', 'tiers', 'payer', 'beneficiaire', 'emetteur', 'donneur d ordre'],
};

const DELIMITERS = [';', ',', '\t'] as const;

interface HeaderLayout {
  delimiter: string;
  /** 1-based line of the header row. */
  line: number;
  columns: Partial<Record<Column, number>>;
  /** A currency named in an amount header (`Montant (EUR)`, `Débit euros`). */
  headerCurrency: string | undefined;
}

function parseCsvStatement(original: string, currency: string): ParsedStatement {
  const text = original.replace(/\r\n?/g, '\n');
  const layout = findHeader(text);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      delimiter: layout.delimiter,
      from_line: layout.line,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 64 * 1024,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? ((error as { lines: number }).lines as number) : undefined;
    throw malformed(`The CSV could not be read: ${(error as Error).message}`, line);
  }
  const data = rows.slice(1).filter((row) => row.record.some((field) => field !== ''));
  if (data.length > MAX_STATEMENT_LINES) throw tooManyLines();
  if (layout.headerCurrency) checkCurrency(layout.headerCurrency, currency, 'The amounts of the CSV');
  const { columns } = layout;
  const drafts: Draft[] = data.map(({ record, info }) => {
    const line = info.lines - record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
    const cell = (column: Column) => {
      const index = columns[column];
      return index === undefined ? '' : (record[index] ?? '').trim();
    };
    const dateText = cell('bookingDate');
    if (dateText === '') throw malformed(`Line ${line} has no date.`, line);
    const bookingDate = csvDate(dateText);
    if (bookingDate === null) throw malformed(`Line ${line} has the date '${dateText}', which is neither YYYY-MM-DD nor DD/MM/YYYY.`, line);
    const valueText = cell('valueDate');
    const valueDate = valueText === '' ? null : csvDate(valueText);
    if (valueDate === null && valueText !== '') throw malformed(`Line ${line} has the value date '${valueText}', which is neither YYYY-MM-DD nor DD/MM/YYYY.`, line);
    const lineCurrency = cell('currency');
    if (lineCurrency !== '') checkCurrency(lineCurrency, currency, `Line ${line}`);
    const amount = csvAmount(cell, columns, line);
    const label = labelOf([cell('label')]);
    const reference = cell('reference') || null;
    const statementLine = { bookingDate, valueDate, amount, currency, label, counterparty: cell('counterparty') || null, reference };
    return { line: statementLine, identity: ['csv', 'line', bookingDate, amount, label, reference] };
  });
  const lines = withIds(drafts.filter((draft) => draft.line.amount !== 0));
  if (lines.length === 0) throw malformed('The CSV has no line with an amount.');
  return { format: 'csv', statementId: `csv_${base32(sha256(text), 26)}`, account: null, currency, lines };
}

function csvAmount(cell: (column: Column) => string, columns: HeaderLayout['columns'], line: number): number {
  const read = (column: Column): number | null => {
    const raw = cell(column);
    if (raw === '') return null;
    const cents = decimalCents(raw, 'bank');
    if (cents === undefined) throw malformed(`Line ${line} has the amount '${raw}', which is not a decimal number with at most two decimals.`, line);
    return cents;
  };
  if (columns.amount !== undefined) {
    const amount = read('amount');
    if (amount === null) throw malformed(`Line ${line} has no amount.`, line);
    return amount;
  }
  const debit = read('debit');
  const credit = read('credit');
  if (debit !== null && debit !== 0 && credit !== null && credit !== 0) throw malformed(`Line ${line} has both a debit and a credit.`, line);
  if (debit !== null && debit !== 0) return -Math.abs(debit);
  if (credit !== null) return credit;
  if (debit !== null) return 0;
  throw malformed(`Line ${line} has neither a debit nor a credit amount.`, line);
}

function findHeader(text: string): HeaderLayout {
  const lines = text.split('\n', 30);
  let sawDelimiter = false;
  for (const [index, raw] of lines.entries()) {
    for (const delimiter of DELIMITERS) {
      if (!raw.includes(delimiter)) continue;
      sawDelimiter = true;
      const layout = headerLayout(raw.split(delimiter));
      if (layout) return { delimiter, line: index + 1, ...layout };
    }
  }
  if (!sawDelimiter) throw unsupported('The file is neither a camt.053 (XML) nor a CSV statement.');
  throw malformed('No header row of the CSV names a date, an amount (or debit and credit) and a label column (for example: Date;Libellé;Débit;Crédit, or date,label,amount).');
}

function headerLayout(cells: string[]): Omit<HeaderLayout, 'delimiter' | 'line'> | undefined {
  const columns: Partial<Record<Column, number>> = {};
  let headerCurrency: string | undefined;
  cells.forEach((cell, index) => {
    const { name, currency } = headerName(cell);
    for (const [column, names] of Object.entries(HEADER_NAMES) as [Column, string[]][]) {
      if (columns[column] === undefined && names.includes(name)) {
        columns[column] = index;
        if (currency && (column === 'amount' || column === 'debit' || column === 'credit')) headerCurrency ??= currency;
        break;
      }
    }
  });
  const hasAmount = columns.amount !== undefined || columns.debit !== undefined || columns.credit !== undefined;
  if (columns.bookingDate === undefined || columns.label === undefined || !hasAmount) return undefined;
  return { columns, headerCurrency };
}

/** `"Montant (EUR)"` → `{ name: 'montant', currency: 'EUR' }`; `"Date opération"` → `date operation`. */
function headerName(cell: string): { name: string; currency: string | undefined } {
  let text = cell.trim().replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
  let currency: string | undefined;
  const code = /[([]\s*([A-Z]{3})\s*[)\]]|\s([A-Z]{3})$/.exec(text);
  if (code) {
    currency = code[1] ?? code[2];
    text = text.replace(code[0], ' ');
  }
  if (/€|\beuros?\b/i.test(text)) {
    currency ??= 'EUR';
    text = text.replace(/€|\beuros?\b/gi, ' ');
  }
  const name = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\s+(en|in)$/, '');
  return { name, currency };
}

function csvDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const date = iso ? `${iso[1]}-${iso[2]}-${iso[3]}` : french ? `${french[3]}-${(french[2] as string).padStart(2, '0')}-${(french[1] as string).padStart(2, '0')}` : null;
  return date !== null && isCalendarDate(date) ? date : null;
}

// ---------------------------------------------------------------------------------------------
// Amounts, dates, labels, ids

/**
 * Integer cents of a decimal amount written as a bank writes it, exactly (no float): `1234.56`,
 * `-12.50`, `1 234,56` (spaces, no-break spaces as thousands), `1.234,56`, `1,234.56`, `+3`,
 * `12,5`. At most two decimals. Throws a `StatementError` ('statement_malformed') otherwise.
 */
export function parseAmount(text: string): number {
  const cents = decimalCents(text, 'bank');
  if (cents === undefined) throw malformed(`'${text}' is not a decimal amount with at most two decimals.`);
  return cents;
}

/**
 * `xsd`: an ISO 20022 amount (xs:decimal, no sign, `.` decimal mark, no grouping; decimals past
 * the second are accepted only when zeros, as some banks pad to five). `bank`: as a bank's CSV
 * writes it (sign, `.` or `,`, thousands grouping), at most two decimals.
 */
function decimalCents(raw: string, style: 'xsd' | 'bank'): number | undefined {
  if (style === 'xsd') {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(raw.trim());
    if (!match) return undefined;
    return centsOf(false, match[1] as string, match[2] ?? '', true);
  }
  let text = raw.trim().replace(/\s*€$|^€\s*/g, '');
  let negative = false;
  const sign = /^([+\-\u2212])\s*/.exec(text);
  if (sign) {
    negative = sign[1] !== '+';
    text = text.slice(sign[0].length);
  }
  text = text.replace(/\s+/g, ' ');
  let integer: string;
  let fraction = '';
  if (text.includes(' ')) {
    // Thousands grouped with spaces (no-break and narrow no-break spaces included): `1 234 567,89`.
    const grouped = /^(\d{1,3}(?: \d{3})+)(?:[.,](\d+))?$/.exec(text);
    if (!grouped) return undefined;
    integer = (grouped[1] as string).replaceAll(' ', '');
    fraction = grouped[2] ?? '';
  } else {
    if (!/^\d[\d.,]*$/.test(text)) return undefined;
    const dots = text.split('.').length - 1;
    const commas = text.split(',').length - 1;
    // The decimal mark is the last of `.` and `,` when both appear, else the one that appears once.
    let decimalMark: '.' | ',' | null = null;
    if (dots > 0 && commas > 0) decimalMark = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
    else if (dots === 1) decimalMark = '.';
    else if (commas === 1) decimalMark = ',';
    integer = text;
    if (decimalMark !== null) {
      const at = text.lastIndexOf(decimalMark);
      integer = text.slice(0, at);
      fraction = text.slice(at + 1);
      if (!/^\d+$/.test(fraction)) return undefined;
    }
    const grouping = decimalMark === '.' ? ',' : decimalMark === ',' ? '.' : dots > 1 ? '.' : commas > 1 ? ',' : null;
    if (grouping !== null && integer.includes(grouping)) {
      if (!new RegExp(`^\\d{1,3}(\\${grouping}\\d{3})+$`).test(integer)) return undefined;
      integer = integer.split(grouping).join('');
    }
  }
  return centsOf(negative, integer, fraction, false);
}

function centsOf(negative: boolean, integer: string, fraction: string, trailingZeros: boolean): number | undefined {
  if (!/^\d+$/.test(integer) || !/^\d*$/.test(fraction)) return undefined;
  if (fraction.length > 2) {
    if (!trailingZeros || !/^\d{2}0+$/.test(fraction)) return undefined;
    fraction = fraction.slice(0, 2);
  }
  const cents = BigInt(integer) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  const value = Number(negative ? -cents : cents);
  if (!Number.isSafeInteger(value)) return undefined;
  return value === 0 ? 0 : value;
}

function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const time = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && year <= 2999 && time.getUTCFullYear() === year && time.getUTCMonth() === month - 1 && time.getUTCDate() === day;
}

function labelOf(parts: readonly (string | undefined)[]): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const part of parts) {
    const clean = (part ?? '').replace(/\s+/g, ' ').trim();
    if (clean === '' || seen.has(clean)) continue;
    seen.add(clean);
    kept.push(clean);
  }
  const label = kept.join(' ');
  const codePoints = Array.from(label);
  return codePoints.length > MAX_LABEL_LENGTH ? codePoints.slice(0, MAX_LABEL_LENGTH).join('').trimEnd() : label;
}

function tooManyLines(): StatementError {
  return unsupported(`The statement has more than ${MAX_STATEMENT_LINES.toLocaleString('en')} lines; upload a shorter period.`);
}

/**
 * Ids from identities: entries with the same identity (two transfers of the same amount, same
 * day, same text, without a bank reference) are told apart by their position among those.
 */
function withIds(drafts: readonly Draft[]): StatementLine[] {
  const occurrences = new Map<string, number>();
  return drafts.map(({ line, identity }) => {
    const key = JSON.stringify(identity);
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return { id: `bkl_${base32(sha256(JSON.stringify([key, occurrence])), 26)}`, ...line };
  });
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The first `length` × 5 bits of `bytes` in Crockford base32 (upper case). */
function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  let index = 0;
  while (out.length < length) {
    if (bits < 5) {
      buffer = (buffer << 8) | (bytes[index] ?? 0);
      index += 1;
      bits += 8;
    }
    out += CROCKFORD[(buffer >> (bits - 5)) & 31];
    bits -= 5;
    buffer &= (1 << bits) - 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching lines to invoices

export interface OpenInvoiceRef {
  id: string;
  number: string;
  tenantId: string;
  /** Cents. */
  amountDue: number;
}

export type UnmatchedReason = 'debit' | 'no_invoice_number' | 'unknown_invoice' | 'amount_differs' | 'ambiguous' | 'already_paid';

export type Match =
  | { lineId: string; kind: 'matched'; invoiceId: string; amount: number }
  | { lineId: string; kind: 'unmatched'; reason: UnmatchedReason; candidates: string[] /* invoice numbers found in the text */ };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Invoice numbers (`<prefix><year>-<6+ digits>`, e.g. F2026-000123) in a text, also as banks
 * mangle them: without the dash (F2026000123), with spaces or dots (F 2026-000123,
 * f2026.000123), in any case. Returned in the canonical form (`F2026-000123`), each once, in
 * order of first appearance. A prefix glued to a preceding letter (REF2026…) is not one.
 */
export function findInvoiceNumbers(text: string, prefix: string): string[] {
  if (prefix === '') return [];
  const separator = '[\\s._/\\-]{0,2}';
  const pattern = new RegExp(`(?<!\\p{L})${escapeRegExp(prefix)}${separator}(\\d{4})${separator}(\\d{6,})(?!\\d)`, 'giu');
  const found = new Set<string>();
  for (const match of text.matchAll(pattern)) found.add(`${prefix}${match[1]}-${match[2]}`);
  return [...found];
}

/**
 * Which open invoice each line pays. A credit matches when exactly one number it names is an
 * open invoice whose amount due equals the credit; or, naming several open invoices, when it
 * equals the sum of their amounts due (one match per invoice). Lines are taken in order: an
 * invoice is assigned at most once, and a later line naming only invoices already paid (by
 * this statement) is `already_paid`. Debits never match. Pure and deterministic.
 */
export function matchStatement(lines: readonly StatementLine[], openInvoices: ReadonlyMap<string, OpenInvoiceRef>, prefix: string): Match[] {
  const settled = new Set<string>();
  const matches: Match[] = [];
  for (const line of lines) {
    const candidates = findInvoiceNumbers(`${line.label} ${line.reference ?? ''}`, prefix);
    const unmatched = (reason: UnmatchedReason) => matches.push({ lineId: line.id, kind: 'unmatched', reason, candidates });
    if (line.amount <= 0) {
      unmatched('debit');
      continue;
    }
    if (candidates.length === 0) {
      unmatched('no_invoice_number');
      continue;
    }
    const byId = new Map<string, OpenInvoiceRef>();
    for (const number of candidates) {
      const invoice = openInvoices.get(number);
      if (invoice && !byId.has(invoice.id)) byId.set(invoice.id, invoice);
    }
    const named = [...byId.values()];
    if (named.length === 0) {
      unmatched('unknown_invoice');
      continue;
    }
    const available = named.filter((invoice) => !settled.has(invoice.id) && Number.isSafeInteger(invoice.amountDue) && invoice.amountDue > 0);
    const exact = available.filter((invoice) => invoice.amountDue === line.amount);
    let chosen: OpenInvoiceRef[] | undefined;
    if (exact.length === 1) chosen = exact;
    else if (exact.length > 1) {
      unmatched('ambiguous');
      continue;
    } else if (available.length > 1 && available.reduce((sum, invoice) => sum + invoice.amountDue, 0) === line.amount) chosen = available;
    if (chosen) {
      for (const invoice of chosen) {
        settled.add(invoice.id);
        matches.push({ lineId: line.id, kind: 'matched', invoiceId: invoice.id, amount: invoice.amountDue });
      }
    } else if (available.length === 0 || named.some((invoice) => settled.has(invoice.id) && invoice.amountDue === line.amount)) unmatched('already_paid');
    else unmatched('amount_differs');
  }
  return matches;
}
