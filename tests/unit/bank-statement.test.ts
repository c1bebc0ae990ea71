import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findInvoiceNumbers,
  matchStatement,
  parseAmount,
  parseStatement,
  StatementError,
  type Match,
  type OpenInvoiceRef,
  type StatementLine,
} from '../../shared/billing/bank-statement.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bank/${name}`, import.meta.url), 'utf8');
const ID = /^bkl_[0-9A-HJKMNP-TV-Z]{26}$/;

/** The StatementError a call throws (fails the test when it throws anything else, or nothing). */
function refusal(run: () => unknown): StatementError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StatementError);
    return error as StatementError;
  }
  throw new Error('expected a StatementError, nothing was thrown');
}

/** A camt.053 document around some `<Ntry>` elements. */
function camt(entries: string, { version = '001.02', currency = 'EUR', iban = 'FR7630004000031234567890143' } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-03T05:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id>
      <CreDtTm>2026-03-03T05:00:00</CreDtTm>
      <Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>${currency}</Ccy></Acct>
      ${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

function entry({ amount = '10.00', ccy = 'EUR', indicator = 'CRDT', status = '<Sts>BOOK</Sts>', date = '<BookgDt><Dt>2026-03-02</Dt></BookgDt>', ref = '', info = 'VIR' } = {}): string {
  return `<Ntry>${amount === '' ? '' : `<Amt Ccy="${ccy}">${amount}</Amt>`}${indicator === '' ? '' : `<CdtDbtInd>${indicator}</CdtDbtInd>`}${status}${date}${ref === '' ? '' : `<AcctSvcrRef>${ref}</AcctSvcrRef>`}<AddtlNtryInf>${info}</AddtlNtryInf></Ntry>`;
}

const csvField = (value: string) => (/[;,"\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

describe('parseStatement: camt.053.001.02 (several statements, batch, debit, pending)', () => {
  const statement = parseStatement(fixture('camt053-v02.xml'), 'application/xml');

  it('reads both statements of the account, booked entries only, a batch as one line per transaction', () => {
    expect(statement).toMatchObject({ format: 'camt.053', statementId: '20260302-FR7630004000031234567890143,20260303-FR7630004000031234567890143', account: 'FR7630004000031234567890143', currency: 'EUR' });
    expect(statement.lines.map((line) => [line.bookingDate, line.amount])).toEqual([
      ['2026-03-02', 123456],
      ['2026-03-02', 10000],
      ['2026-03-02', 12000],
      ['2026-03-02', 8000],
      ['2026-03-02', -4590],
      ['2026-03-02', 2000],
      ['2026-03-02', 2000],
      ['2026-03-03', 8900],
      ['2026-03-03', -1200],
    ]);
    for (const line of statement.lines) expect(line.id).toMatch(ID);
    // The pending transfer (PDNG, 500.00, F2026-000150) is not a line.
    expect(statement.lines.some((line) => line.amount === 50000 || line.label.includes('F2026-000150'))).toBe(false);
  });

  it('keeps the remittance text, the debtor (accents and &amp; decoded), the end-to-end reference', () => {
    const [transfer, ...rest] = statement.lines as [StatementLine, ...StatementLine[]];
    expect(transfer).toEqual({
      id: expect.stringMatching(ID),
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      amount: 123456,
      currency: 'EUR',
      label: 'FACTURE F2026-000123 LIVRAISONS DE FEVRIER VIR SEPA RECU /DE EPICERIE LES DELICES',
      counterparty: "Épicerie Les Délices d'Évelyne",
      reference: 'PANIER-2026-03-0042',
    });
    const batch = rest.slice(0, 3);
    expect(batch.map((line) => [line.counterparty, line.reference, line.label])).toEqual([
      ['Boulangerie Müller', 'F2026-000130', 'Prélèvement facture F2026-000130 REMISE PRLV SEPA CORE'],
      ["Café de l'Étoile", 'F2026-000131', 'Prélèvement facture F2026-000131 REMISE PRLV SEPA CORE'],
      ['Dupont & Fils', 'F2026-000132', 'Prélèvement facture F2026-000132 REMISE PRLV SEPA CORE'],
    ]);
  });

  it('gives a debit its creditor as counterparty and the bank reference when the end-to-end id is NOTPROVIDED', () => {
    const debit = statement.lines[4] as StatementLine;
    expect(debit).toMatchObject({ amount: -4590, counterparty: 'Vélos & Cie', reference: '2026030200003', label: 'FACTURE 8812 PIECES DETACHEES PRLV SEPA VELOS ET CIE' });
    const fees = statement.lines[8] as StatementLine;
    expect(fees).toMatchObject({ amount: -1200, counterparty: null, reference: '2026030300002', label: 'FRAIS TENUE DE COMPTE MARS' });
  });

  it('reads a structured creditor reference into the label', () => {
    expect(statement.lines[7]).toMatchObject({ amount: 8900, label: 'F2026000140 VIR SEPA RECU /DE SGP', counterparty: 'Société Générale des Pâtisseries' });
  });

  it('gives the same ids on a second import, and two identical cash deposits two different ids', () => {
    const again = parseStatement(fixture('camt053-v02.xml'), undefined);
    expect(again.lines.map((line) => line.id)).toEqual(statement.lines.map((line) => line.id));
    expect(new Set(statement.lines.map((line) => line.id)).size).toBe(statement.lines.length);
    const [first, second] = [statement.lines[5], statement.lines[6]] as [StatementLine, StatementLine];
    expect({ ...first, id: '' }).toEqual({ ...second, id: '' });
    expect(first.id).not.toBe(second.id);
  });
});

describe('parseStatement: camt.053.001.08 (prefixed namespace, Sts/Cd, DtTm, Pty/Nm, two accounts)', () => {
  const statement = parseStatement(fixture('camt053-v08.xml'), 'text/xml; charset=utf-8');

  it('reads booked entries of both accounts, skips PDNG and INFO, splits the batch on TxDtls/Amt', () => {
    expect(statement).toMatchObject({ format: 'camt.053', statementId: 'CCP-20260304,LIV-20260304', account: null, currency: 'EUR' });
    expect(statement.lines.map((line) => [line.bookingDate, line.valueDate, line.amount, line.counterparty, line.reference])).toEqual([
      ['2026-03-04', '2026-03-05', 24000, 'Fromagerie Sainte-Cécile', 'FSC-VIR-5521'],
      ['2026-03-04', '2026-03-04', 10000, 'Librairie La Lumière', 'E2E-LUMIERE-1'],
      ['2026-03-04', '2026-03-04', 5050, 'Chloé Olivier', 'E2E-OLIVIER-7'],
      ['2026-03-04', '2026-03-04', -180000, 'Léa Benoît', 'SALAIRES-2026-02'],
      ['2026-03-04', null, -180000, null, '0304-A-000984'],
    ]);
    expect(statement.lines[1]?.label).toBe('f2026.000143 VIREMENTS SEPA RECUS (2)');
  });

  it('tells apart the same bank reference on two accounts', () => {
    const [salary, transfer] = [statement.lines[3], statement.lines[4]] as [StatementLine, StatementLine];
    expect(salary.id).not.toBe(transfer.id);
  });
});

describe('parseStatement: refusals of XML', () => {
  it('refuses a camt.054 and a pain.001 as unsupported, naming what they are', () => {
    const notification = refusal(() => parseStatement(fixture('camt054.xml'), 'application/xml'));
    expect(notification.code).toBe('statement_unsupported');
    expect(notification.message).toContain('camt.054');
    const order = refusal(() => parseStatement(fixture('pain001.xml'), undefined));
    expect(order.code).toBe('statement_unsupported');
    expect(order.message).toContain('pain.001');
  });

  it('refuses a USD statement, and a USD entry in a EUR statement, unless USD is expected', () => {
    const usd = refusal(() => parseStatement(fixture('camt053-usd.xml'), 'application/xml'));
    expect(usd.code).toBe('statement_currency');
    expect(usd.message).toContain('USD');
    expect(parseStatement(fixture('camt053-usd.xml'), 'application/xml', 'USD').lines).toMatchObject([{ amount: 9900, currency: 'USD' }]);
    expect(refusal(() => parseStatement(camt(entry({ ccy: 'USD' })), undefined)).code).toBe('statement_currency');
  });

  it('refuses malformed XML with the line of the fault', () => {
    const broken = refusal(() => parseStatement('<?xml version="1.0"?>\n<Document>\n  <BkToCstmrStmt>\n</Document>', 'application/xml'));
    expect(broken.code).toBe('statement_malformed');
    expect(broken.line).toBe(4);
    expect(refusal(() => parseStatement('<a></a><b></b>', undefined)).code).toBe('statement_malformed');
    expect(refusal(() => parseStatement('Date;Libellé;Montant', 'application/xml')).code).toBe('statement_malformed');
  });

  it('never expands entities: a billion-laughs document is refused at once', () => {
    const laughs = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY lol0 "lol">${laughs}]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>`;
    const started = performance.now();
    const error = refusal(() => parseStatement(bomb, 'application/xml'));
    expect(error.code).toBe('statement_malformed');
    expect(error.message).toContain('DOCTYPE');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses other camt.053 versions and XML that is no statement', () => {
    expect(refusal(() => parseStatement(camt(entry(), { version: '001.01' }), undefined)).message).toContain('001.01');
    expect(refusal(() => parseStatement(camt(entry(), { version: '001.14' }), undefined)).code).toBe('statement_unsupported');
    for (const version of ['001.03', '001.04', '001.13']) expect(parseStatement(camt(entry(), { version }), undefined).lines).toHaveLength(1);
    expect(refusal(() => parseStatement('<html><body>Relevé</body></html>', 'text/xml')).code).toBe('statement_unsupported');
  });

  it('refuses entries without amount, date or direction, and amounts that are not decimals of at most two places', () => {
    const cases: [string, string][] = [
      [entry({ amount: '' }), 'no amount'],
      [entry({ date: '' }), 'no booking date'],
      [entry({ date: '<BookgDt><Dt>2026-02-30</Dt></BookgDt>' }), 'not a date'],
      [entry({ indicator: '' }), 'neither a credit nor a debit'],
      [entry({ amount: '12.345' }), "'12.345'"],
      [entry({ amount: '12,50' }), "'12,50'"],
      [entry({ amount: '-12.50' }), "'-12.50'"],
      [entry({ amount: '1e3' }), "'1e3'"],
    ];
    for (const [ntry, words] of cases) {
      const error = refusal(() => parseStatement(camt(ntry), undefined));
      expect(error.code).toBe('statement_malformed');
      expect(error.message).toContain(words);
    }
    // Padding zeros past the cents (as some banks write five decimals) are exact, so accepted.
    expect(parseStatement(camt(entry({ amount: '12.50000' })), undefined).lines[0]?.amount).toBe(1250);
  });

  it('joins remittance parts once each, and cuts the label at 500 characters', () => {
    const details = `<NtryDtls><TxDtls><RmtInf><Ustrd>FACTURE F2026-000123</Ustrd><Ustrd>${'x'.repeat(140)}</Ustrd><Ustrd>${'y'.repeat(140)}</Ustrd><Ustrd>${'z'.repeat(140)}</Ustrd><Ustrd>${'w'.repeat(140)}</Ustrd></RmtInf></TxDtls></NtryDtls>`;
    const long = camt(entry({ info: 'FACTURE F2026-000123' }).replace('<AddtlNtryInf>', `${details}<AddtlNtryInf>`));
    const label = parseStatement(long, undefined).lines[0]?.label as string;
    expect(label).toHaveLength(500);
    expect(label.startsWith(`FACTURE F2026-000123 ${'x'.repeat(140)} y`)).toBe(true);
    const repeated = camt(entry({ info: 'VIR  SEPA\n RECU' }).replace('<AddtlNtryInf>', '<NtryDtls><TxDtls><RmtInf><Ustrd>VIR SEPA RECU</Ustrd></RmtInf></TxDtls></NtryDtls><AddtlNtryInf>'));
    expect(parseStatement(repeated, undefined).lines[0]?.label).toBe('VIR SEPA RECU');
  });

  it('refuses XML nested deeper than any statement', () => {
    const deep = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">${'<x>'.repeat(1000)}${'</x>'.repeat(1000)}</Document>`;
    expect(refusal(() => parseStatement(deep, undefined)).code).toBe('statement_malformed');
  });

  it('refuses a statement with no booked entry, and one of more than 5,000 lines', () => {
    const onlyPending = refusal(() => parseStatement(camt(entry({ status: '<Sts><Cd>PDNG</Cd></Sts>' })), undefined));
    expect(onlyPending.code).toBe('statement_malformed');
    expect(refusal(() => parseStatement(camt(''), undefined)).code).toBe('statement_malformed');
    const many = camt(Array.from({ length: 5001 }, (_, index) => entry({ ref: `R${index}` })).join(''));
    expect(refusal(() => parseStatement(many, undefined)).message).toContain('5,000');
    expect(parseStatement(camt(Array.from({ length: 5000 }, (_, index) => entry({ ref: `R${index}` })).join('')), undefined).lines).toHaveLength(5000);
  });
});

describe('parseStatement: CSV', () => {
  it('reads a French bank export: BOM, CRLF, lines before the header, ";", débit/crédit, decimal comma, DD/MM/YYYY', () => {
    const statement = parseStatement(fixture('releve-fr.csv'), 'text/csv');
    expect(statement).toMatchObject({ format: 'csv', account: null, currency: 'EUR', statementId: expect.stringMatching(/^csv_[0-9A-HJKMNP-TV-Z]{26}$/) });
    expect(statement.lines.map(({ id: _id, ...line }) => line)).toEqual([
      { bookingDate: '2026-03-02', valueDate: '2026-03-02', amount: 123456, currency: 'EUR', label: 'VIR SEPA RECU /DE EPICERIE LES DELICES /MOTIF FACTURE F 2026-000123', counterparty: null, reference: null },
      { bookingDate: '2026-03-03', valueDate: '2026-03-03', amount: -4590, currency: 'EUR', label: 'PRLV SEPA VÉLOS ET CIE', counterparty: null, reference: null },
      { bookingDate: '2026-03-04', valueDate: '2026-03-05', amount: 12000, currency: 'EUR', label: "VIR SEPA RECU /DE CAFE DE L'ETOILE /MOTIF f2026.000131; merci", counterparty: null, reference: null },
      { bookingDate: '2026-03-05', valueDate: '2026-03-05', amount: -1200, currency: 'EUR', label: 'FRAIS TENUE DE COMPTE', counterparty: null, reference: null },
      { bookingDate: '2026-03-05', valueDate: '2026-03-05', amount: 2000, currency: 'EUR', label: 'VERSEMENT ESPECES', counterparty: null, reference: null },
      { bookingDate: '2026-03-05', valueDate: '2026-03-05', amount: 2000, currency: 'EUR', label: 'VERSEMENT ESPECES', counterparty: null, reference: null },
    ]);
    const ids = statement.lines.map((line) => line.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseStatement(fixture('releve-fr.csv'), undefined).lines.map((line) => line.id)).toEqual(ids);
  });

  it('reads an English export: ",", quoted amounts with thousands, signs, ISO dates, a reference column', () => {
    const statement = parseStatement(fixture('statement-en.csv'), 'text/csv; charset=utf-8');
    expect(statement.lines.map((line) => [line.bookingDate, line.amount, line.label, line.reference])).toEqual([
      ['2026-03-02', 123456, 'Transfer from Le Panier, invoice F2026000123', 'E2E-0042'],
      ['2026-03-03', -4590, 'Card payment - bike parts', null],
      ['2026-03-04', 122000, 'Payment for F2026-000130 and F2026-000131', null],
      ['2026-03-04', 1250, 'Refund', 'RF-77'],
    ]);
  });

  it('reads a single French "Montant" column with negative amounts and grouped thousands', () => {
    const csv = 'Date;Libellé;Montant (EUR);Référence\n01/03/2026;Loyer atelier;-1 200,00;\n2/3/2026;Virement reçu;2\u00a0345,5;REF 1\n';
    expect(parseStatement(csv, undefined).lines.map((line) => [line.bookingDate, line.amount, line.reference])).toEqual([
      ['2026-03-01', -120000, null],
      ['2026-03-02', 234550, 'REF 1'],
    ]);
  });

  it('refuses bad dates, bad amounts, both debit and credit, with the line; a missing header; another currency', () => {
    const header = 'Date;Libellé;Débit;Crédit\n';
    const badDate = refusal(() => parseStatement(`${header}01/03/2026;A;;1,00\n31/02/2026;B;;2,00\n`, undefined));
    expect([badDate.code, badDate.line]).toEqual(['statement_malformed', 3]);
    const badAmount = refusal(() => parseStatement(`${header}01/03/2026;A;;12,345\n`, undefined));
    expect([badAmount.code, badAmount.line]).toEqual(['statement_malformed', 2]);
    expect(badAmount.message).toContain('12,345');
    expect(refusal(() => parseStatement(`${header}01/03/2026;A;1,00;2,00\n`, undefined)).message).toContain('both a debit and a credit');
    expect(refusal(() => parseStatement(`${header}01/03/2026;A;;\n`, undefined)).message).toContain('neither a debit nor a credit');
    expect(refusal(() => parseStatement('Quand;Quoi;Combien\n01/03/2026;A;1,00\n', undefined)).code).toBe('statement_malformed');
    expect(refusal(() => parseStatement('Date;Libellé;Montant;Devise\n01/03/2026;A;1,00;USD\n', undefined)).code).toBe('statement_currency');
    expect(refusal(() => parseStatement('Date,Label,Amount (USD)\n2026-03-01,A,1.00\n', undefined)).code).toBe('statement_currency');
    expect(refusal(() => parseStatement(header, undefined)).code).toBe('statement_malformed');
  });

  it('refuses more than 5,000 lines, a body over 5 MB, an empty body, and what is neither XML nor CSV', () => {
    const rows = Array.from({ length: 5001 }, (_, index) => `2026-03-01;Ligne ${index};1,00`).join('\n');
    expect(refusal(() => parseStatement(`Date;Libellé;Montant\n${rows}\n`, undefined)).code).toBe('statement_unsupported');
    const huge = `Date;Libellé;Montant\n${'2026-03-01;x;1,00\n'.repeat(300_000)}`;
    expect(refusal(() => parseStatement(huge, 'text/csv')).message).toContain('5 MB');
    expect(refusal(() => parseStatement('  \n', 'text/csv')).code).toBe('statement_malformed');
    expect(refusal(() => parseStatement('%PDF-1.7\n...', undefined)).message).toContain('PDF');
    expect(refusal(() => parseStatement('just some words', undefined)).code).toBe('statement_unsupported');
    expect(refusal(() => parseStatement('{"lines":[]}', 'application/json')).code).toBe('statement_unsupported');
  });
});

describe('findInvoiceNumbers', () => {
  it('finds numbers as banks mangle them, in canonical form, once each, in order', () => {
    expect(findInvoiceNumbers('FACTURE F2026-000123 / f2026.000124 F 2026-000125 F2026000126 F2026-000123', 'F')).toEqual(['F2026-000123', 'F2026-000124', 'F2026-000125', 'F2026-000126']);
    expect(findInvoiceNumbers('F2026-0001234 and F2025 000042', 'F')).toEqual(['F2026-0001234', 'F2025-000042']);
  });

  it('ignores too few digits, a prefix glued to a word, and other prefixes; escapes the prefix', () => {
    expect(findInvoiceNumbers('F2026-12345 REF2026-000123 AF2026000123 X2026-000123', 'F')).toEqual([]);
    expect(findInvoiceNumbers('FA+2026-000001 FAA2026-000001', 'FA+')).toEqual(['FA+2026-000001']);
    expect(findInvoiceNumbers('F2026-000001', '')).toEqual([]);
  });
});

describe('matchStatement', () => {
  const invoice = (number: string, amountDue: number): OpenInvoiceRef => ({ id: `inv_${number}`, number, tenantId: 'ten_1', amountDue });
  const open = (...invoices: OpenInvoiceRef[]) => new Map(invoices.map((entry) => [entry.number, entry]));
  let counter = 0;
  const line = (amount: number, label: string, reference: string | null = null): StatementLine => ({
    id: `bkl_${String((counter += 1)).padStart(26, '0')}`,
    bookingDate: '2026-03-02',
    valueDate: null,
    amount,
    currency: 'EUR',
    label,
    counterparty: null,
    reference,
  });

  it('matches the v02 statement: exact amounts match, batch lines each on their own', () => {
    const { lines } = parseStatement(fixture('camt053-v02.xml'), 'application/xml');
    const invoices = open(invoice('F2026-000123', 123456), invoice('F2026-000130', 10000), invoice('F2026-000131', 15000), invoice('F2026-000140', 8900));
    const matches = matchStatement(lines, invoices, 'F');
    const summary = matches.map((match) => (match.kind === 'matched' ? `${match.invoiceId}=${match.amount}` : `${match.reason}:${match.candidates.join('|')}`));
    expect(summary).toEqual([
      'inv_F2026-000123=123456',
      'inv_F2026-000130=10000',
      'amount_differs:F2026-000131',
      'unknown_invoice:F2026-000132',
      'debit:',
      'no_invoice_number:',
      'no_invoice_number:',
      'inv_F2026-000140=8900',
      'debit:',
    ]);
    expect(matches.map((match) => match.lineId)).toEqual(lines.map((entry) => entry.id));
  });

  it('matches one credit to several invoices when it pays their sum', () => {
    const { lines } = parseStatement(fixture('camt053-v08.xml'), 'application/xml');
    const matches = matchStatement(lines.slice(0, 1), open(invoice('F2026-000141', 14000), invoice('F2026-000142', 10000)), 'F');
    expect(matches).toEqual([
      { lineId: lines[0]?.id, kind: 'matched', invoiceId: 'inv_F2026-000141', amount: 14000 },
      { lineId: lines[0]?.id, kind: 'matched', invoiceId: 'inv_F2026-000142', amount: 10000 },
    ]);
  });

  it('matches the one named invoice whose amount is the credit; two such are ambiguous', () => {
    const invoices = open(invoice('F2026-000001', 5000), invoice('F2026-000002', 7000), invoice('F2026-000003', 5000));
    const [one, two] = [line(7000, 'F2026-000001 F2026-000002'), line(5000, 'F2026-000001 F2026-000003')];
    expect(matchStatement([one, two], invoices, 'F')).toEqual([
      { lineId: one.id, kind: 'matched', invoiceId: 'inv_F2026-000002', amount: 7000 },
      { lineId: two.id, kind: 'unmatched', reason: 'ambiguous', candidates: ['F2026-000001', 'F2026-000003'] },
    ]);
  });

  it('lets the first full payment of an invoice match, the next one is already_paid; a partial one differs', () => {
    const invoices = open(invoice('F2026-000001', 5000));
    const lines = [line(2000, 'acompte F2026-000001'), line(5000, 'F2026000001'), line(5000, 'Facture F 2026-000001 (doublon)'), line(100, 'x', 'F2026-000099')];
    expect(matchStatement(lines, invoices, 'F').map((match) => (match.kind === 'matched' ? 'matched' : match.reason))).toEqual(['amount_differs', 'matched', 'already_paid', 'unknown_invoice']);
  });

  it('reads the reference too, and never matches a debit', () => {
    const invoices = open(invoice('F2026-000001', 5000));
    expect(matchStatement([line(5000, 'VIR RECU', 'F2026-000001')], invoices, 'F')[0]).toMatchObject({ kind: 'matched' });
    expect(matchStatement([line(-5000, 'F2026-000001')], invoices, 'F')[0]).toMatchObject({ kind: 'unmatched', reason: 'debit', candidates: ['F2026-000001'] });
  });
});

describe('properties', () => {
  const dates = fc.constantFrom('2026-03-01', '2026-03-02', '2026-12-31');
  const labels = fc.constantFrom('VIR SEPA RECU', 'VERSEMENT ESPECES', 'Café "de l\'Étoile"; merci', 'Facture F2026-000123, merci', '');
  const amounts = fc.constantFrom(1, 2000, -2000, 123456, -99);
  const lineArbitrary = fc.record({ date: dates, amount: amounts, label: labels, reference: fc.constantFrom('', 'E2E-1', 'E2E-2') });

  function frenchCsv(lines: readonly { date: string; amount: number; label: string; reference: string }[]): string {
    const rows = lines.map(({ date, amount, label, reference }) => {
      const [year, month, day] = date.split('-');
      const euros = `${Math.trunc(Math.abs(amount) / 100)},${String(Math.abs(amount) % 100).padStart(2, '0')}`;
      return [`${day}/${month}/${year}`, csvField(label), amount < 0 ? euros : '', amount > 0 ? euros : '', reference].join(';');
    });
    return `\uFEFFDate;Libellé;Débit;Crédit;Référence\r\n${rows.join('\r\n')}\r\n`;
  }

  function englishCsv(lines: readonly { date: string; amount: number; label: string; reference: string }[]): string {
    const rows = lines.map(({ date, amount, label, reference }) => [date, csvField(label), (amount / 100).toFixed(2), reference].join(','));
    return `date,label,amount,reference\n${rows.join('\n')}\n`;
  }

  it('ids are stable across parses, distinct across lines, and the same whatever the CSV dialect', () => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 30 }), (lines) => {
        const first = parseStatement(frenchCsv(lines), 'text/csv').lines.map((line) => line.id);
        const second = parseStatement(frenchCsv(lines), undefined).lines.map((line) => line.id);
        const english = parseStatement(englishCsv(lines), 'text/csv').lines.map((line) => line.id);
        expect(second).toEqual(first);
        expect(english).toEqual(first);
        expect(new Set(first).size).toBe(lines.length);
        for (const id of first) expect(id).toMatch(ID);
      }),
    );
  });

  it('camt.053 ids are stable across parses and distinct, bank references repeated or absent', () => {
    const entryArbitrary = fc.record({ amount: amounts, date: dates, ref: fc.constantFrom('', 'A1', 'A2'), info: labels });
    fc.assert(
      fc.property(fc.array(entryArbitrary, { minLength: 1, maxLength: 30 }), (entries) => {
        const xml = camt(
          entries
            .map(({ amount, date, ref, info }) =>
              entry({ amount: (Math.abs(amount) / 100).toFixed(2), indicator: amount < 0 ? 'DBIT' : 'CRDT', date: `<BookgDt><Dt>${date}</Dt></BookgDt>`, ref, info: info.replaceAll('&', '&amp;').replaceAll('"', '&quot;') }),
            )
            .join(''),
        );
        const first = parseStatement(xml, 'application/xml').lines;
        const second = parseStatement(xml, 'application/xml').lines;
        expect(second.map((line) => line.id)).toEqual(first.map((line) => line.id));
        expect(new Set(first.map((line) => line.id)).size).toBe(entries.length);
        expect(first.map((line) => line.amount)).toEqual(entries.map((e) => e.amount));
        expect(first.map((line) => line.label)).toEqual(entries.map((e) => e.info.trim()));
      }),
    );
  });

  it('amounts parse exactly, however a bank writes them', () => {
    const group = (digits: string, separator: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 13), max: 10 ** 13 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (cents, style, plus) => {
        const sign = cents < 0 ? '-' : plus ? '+' : '';
        const whole = String(Math.trunc(Math.abs(cents) / 100));
        const fraction = String(Math.abs(cents) % 100).padStart(2, '0');
        const text = [
          `${sign}${whole}.${fraction}`,
          `${sign}${whole},${fraction}`,
          `${sign}${group(whole, ' ')},${fraction}`,
          `${sign}${group(whole, '\u202f')},${fraction}`,
          `${sign}${group(whole, '.')},${fraction}`,
          `${sign}${group(whole, ',')}.${fraction}`,
          fraction.endsWith('0') ? `${sign}${whole},${fraction[0]}` : `${sign}${whole}.${fraction}`,
        ][style] as string;
        expect(parseAmount(text)).toBe(cents);
        if (cents !== 0) {
          const xml = camt(entry({ amount: `${whole}.${fraction}`, indicator: cents < 0 ? 'DBIT' : 'CRDT' }));
          expect(parseStatement(xml, undefined).lines[0]?.amount).toBe(cents);
        }
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 1, max: 9 }), (cents, extra) => {
        const text = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}${extra}`;
        expect(() => parseAmount(text)).toThrow(StatementError);
        expect(refusal(() => parseStatement(camt(entry({ amount: text })), undefined)).code).toBe('statement_malformed');
      }),
    );
  });

  it('matching assigns each invoice at most once, for exactly its amount due, never to a debit', () => {
    const numbers = Array.from({ length: 8 }, (_, index) => `F2026-${String(index + 1).padStart(6, '0')}`);
    const mangle = (number: string, style: number) => {
      const [year, sequence] = number.slice(1).split('-') as [string, string];
      return [`F${year}-${sequence}`, `F${year}${sequence}`, `F ${year}-${sequence}`, `f${year}.${sequence}`][style] as string;
    };
    const invoicesArbitrary = fc.uniqueArray(fc.record({ number: fc.constantFrom(...numbers), amountDue: fc.constantFrom(0, 1000, 2500, 3500, 5000) }), { selector: (entry) => entry.number, maxLength: 8 });
    const mentionArbitrary = fc.array(fc.record({ number: fc.constantFrom(...numbers), style: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 });
    const lineArbitrary = fc.record({ amount: fc.constantFrom(-2500, -1000, 0, 1000, 2500, 3500, 5000, 6000, 8500), mentions: mentionArbitrary, inReference: fc.boolean() });
    fc.assert(
      fc.property(invoicesArbitrary, fc.array(lineArbitrary, { maxLength: 12 }), (invoiceList, lineList) => {
        const invoices = new Map(invoiceList.map(({ number, amountDue }) => [number, { id: `inv_${number}`, number, tenantId: 'ten_1', amountDue }]));
        const lines: StatementLine[] = lineList.map(({ amount, mentions, inReference }, index) => {
          const text = `VIR ${mentions.map(({ number, style }) => mangle(number, style)).join(' ')}`;
          return { id: `bkl_${index}`, bookingDate: '2026-03-02', valueDate: null, amount, currency: 'EUR', label: inReference ? 'VIR' : text, counterparty: null, reference: inReference ? text : null };
        });
        const matches = matchStatement(lines, invoices, 'F');
        expect(matchStatement(lines, invoices, 'F')).toEqual(matches);
        const byId = new Map([...invoices.values()].map((invoice) => [invoice.id, invoice]));
        const matched = matches.filter((match): match is Extract<Match, { kind: 'matched' }> => match.kind === 'matched');
        expect(new Set(matched.map((match) => match.invoiceId)).size).toBe(matched.length);
        for (const match of matched) expect(match.amount).toBe(byId.get(match.invoiceId)?.amountDue);
        for (const current of lines) {
          const own = matches.filter((match) => match.lineId === current.id);
          expect(own.length).toBeGreaterThan(0);
          const paid = own.filter((match) => match.kind === 'matched');
          if (paid.length > 0) {
            expect(current.amount).toBeGreaterThan(0);
            expect(paid.reduce((sum, match) => sum + match.amount, 0)).toBe(current.amount);
            const named = findInvoiceNumbers(`${current.label} ${current.reference ?? ''}`, 'F');
            for (const match of paid) expect(named).toContain(byId.get(match.invoiceId)?.number);
          } else expect(own).toHaveLength(1);
          if (current.amount < 0) expect(own).toEqual([expect.objectContaining({ kind: 'unmatched', reason: 'debit' })]);
        }
      }),
    );
  });
});
