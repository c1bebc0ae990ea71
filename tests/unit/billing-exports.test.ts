import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEC_COLUMNS, fecFile, fecFileName, fecRows, invoiceLinesCsv, reconciliationCsv } from '../../shared/billing/exports.js';
import { invoiceHtml } from '../../shared/billing/invoice-html.js';
import { invoiceTotals, vatFor } from '../../shared/billing/money.js';
import type { Invoice, InvoiceLine } from '../../shared/billing/schemas.js';

const settings = { customerAccount: '411', revenueAccount: '706', vatAccount: '44571', journalCode: 'VE', journalLabel: 'Ventes', sellerSiret: '123 456 789 00012' };
const seller = { name: 'Coopérative des coursiers', address: { line1: '12 rue de la Résistance', postcode: '42000', city: 'Saint-Étienne', country: 'FR' }, siret: '123 456 789 00012', vatNumber: 'FR12123456789', legalMentions: 'SCIC SAS à capital variable', email: null };

function invoiceOf(lines: InvoiceLine[], index = 1, overrides: Partial<Invoice> = {}): Invoice {
  const { total, vatBreakdown } = invoiceTotals(lines);
  return {
    id: `inv_01JDQ6V7M5B8XK2ZQ3W4E5R${String(index).padStart(3, '0')}`,
    object: 'invoice',
    number: `F2026-${String(index).padStart(6, '0')}`,
    tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
    period: '2026-03',
    runId: 'run_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
    status: 'open',
    provider: 'ledger',
    total,
    vatBreakdown,
    lineCount: lines.length,
    issuedAt: '2026-04-01T00:00:05.000Z',
    dueDate: '2026-05-01',
    paidAt: null,
    voidedAt: null,
    paidAmount: 0,
    creditedAmount: 0,
    amountDue: total.gross,
    overdue: false,
    remindersSent: [],
    seller,
    buyer: { tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', name: '=Le Panier <b>', email: 'compta@panier.example', address: { line1: '1 rue A', postcode: '42000', city: 'Saint-Étienne', country: 'FR' } },
    stripe: null,
    createdAt: '2026-04-01T00:00:00.000Z',
    updatedAt: '2026-04-01T00:00:05.000Z',
    lines,
    ...overrides,
  };
}

const lineArbitrary = fc.record({ net: fc.integer({ min: 0, max: 500_000 }), rate: fc.constantFrom(2000, 1000, 550, 0), index: fc.integer({ min: 0, max: 99_999 }) }).map(({ net, rate, index }): InvoiceLine => {
  const vat = vatFor(net, rate);
  return { id: `dlv_${index}:delivery`, deliveryId: `dlv_${index}`, kind: 'delivery', description: 'Livraison\tSaint-Étienne → Firminy', reference: null, occurredAt: '2026-03-10T09:00:00.000Z', vatRateBasisPoints: rate, net, vat, gross: net + vat };
});

const cents = (text: string) => Math.round(Number(text.replace(',', '.')) * 100);

describe('the FEC export', () => {
  it('has the 18 standard columns, tab-separated, and every entry balances (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(lineArbitrary, { minLength: 1, maxLength: 20 }), { maxLength: 8 }), (groups) => {
        const invoices = groups.map((lines, index) => invoiceOf(lines, index + 1));
        const file = fecFile(invoices, settings);
        const rows = file.split('\r\n').filter(Boolean).map((row) => row.split('\t'));
        expect(rows[0]).toEqual([...FEC_COLUMNS]);
        for (const row of rows) expect(row).toHaveLength(18);
        const entries = new Map<string, { debit: number; credit: number }>();
        for (const row of rows.slice(1)) {
          const entry = entries.get(row[2] as string) ?? { debit: 0, credit: 0 };
          entry.debit += cents(row[11] as string);
          entry.credit += cents(row[12] as string);
          entries.set(row[2] as string, entry);
          expect(row[11]).toMatch(/^\d+,\d{2}$/);
          expect(row[3]).toMatch(/^\d{8}$/);
        }
        expect(entries.size).toBe(invoices.length);
        for (const [number, entry] of entries) {
          expect(entry.debit, number).toBe(entry.credit);
          expect(entry.debit).toBe(invoices.find((invoice) => invoice.number === number)?.total.gross);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('writes the sales journal with the configured accounts, the tenant as auxiliary account, per VAT rate', () => {
    const invoice = invoiceOf([
      { id: 'a:delivery', deliveryId: 'a', kind: 'delivery', description: 'x', reference: null, occurredAt: '2026-03-10T09:00:00.000Z', vatRateBasisPoints: 2000, net: 1000, vat: 200, gross: 1200 },
      { id: 'b:delivery', deliveryId: 'b', kind: 'delivery', description: 'y', reference: null, occurredAt: '2026-03-11T09:00:00.000Z', vatRateBasisPoints: 550, net: 1000, vat: 55, gross: 1055 },
    ]);
    const rows = fecRows([invoice, invoiceOf([], 9, { status: 'draft', number: null, issuedAt: null })], settings);
    expect(rows.map((row) => [row[0], row[2], row[3], row[4], row[6], row[11], row[12]])).toEqual([
      ['VE', 'F2026-000001', '20260401', '411', invoice.tenantId, '22,55', '0,00'],
      ['VE', 'F2026-000001', '20260401', '706', '', '0,00', '10,00'],
      ['VE', 'F2026-000001', '20260401', '44571', '', '0,00', '2,00'],
      ['VE', 'F2026-000001', '20260401', '706', '', '0,00', '10,00'],
      ['VE', 'F2026-000001', '20260401', '44571', '', '0,00', '0,55'],
    ]);
    expect(fecFileName('2026-03', settings)).toBe('123456789FEC20260331.txt');
  });
});

describe('the CSV files, for a French spreadsheet', () => {
  it('are ;-separated UTF-8 with a BOM and CRLF, euros with a decimal comma, formulas defused', () => {
    const invoice = invoiceOf([{ id: 'a:delivery', deliveryId: 'dlv_a', kind: 'delivery', description: 'Livraison; express', reference: '+33 ref', occurredAt: '2026-03-10T09:00:00.000Z', vatRateBasisPoints: 2000, net: 123456, vat: 24691, gross: 148147 }]);
    const csv = invoiceLinesCsv([invoice]);
    expect(csv.startsWith('\uFEFFNuméro de facture;Date de facture;')).toBe(true);
    const [, row] = csv.split('\r\n');
    expect(row).toBe("F2026-000001;2026-04-01;2026-05-01;open;'=Le Panier <b>;ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7;dlv_a;delivery;\"Livraison; express\";'+33 ref;2026-03-10;20;1234,56;246,91;1481,47");

    const reconciliation = reconciliationCsv({
      object: 'reconciliation',
      period: '2026-03',
      generatedAt: '2026-04-02T00:00:00.000Z',
      clean: false,
      tenants: [
        { tenantId: 't1', tenantName: 'A', deliveredCount: 2, cancellationFeeCount: 0, expectedAmount: 2400, ledgerCount: 2, billedCount: 1, billedAmount: 1200, invoiceCount: 1, invoicedAmount: 1200, paidAmount: 0, creditNoteCount: 0, creditedAmount: 0, outstandingAmount: 1200, discrepancies: [{ kind: 'delivered_not_billed', deliveryId: 'dlv_b', detail: 'not yet', action: 'run_billing', resolution: 'Run billing' }] },
        { tenantId: 't2', tenantName: 'B', deliveredCount: 0, cancellationFeeCount: 0, expectedAmount: 0, ledgerCount: 0, billedCount: 0, billedAmount: 0, invoiceCount: 0, invoicedAmount: 0, paidAmount: 0, creditNoteCount: 0, creditedAmount: 0, outstandingAmount: 0, discrepancies: [] },
      ],
    });
    const rows = reconciliation.replace('\uFEFF', '').split('\r\n').filter(Boolean);
    expect(rows[0]?.split(';')).toHaveLength(21);
    expect(rows[1]).toBe('2026-03;t1;A;2;0;24,00;2;1;12,00;1;12,00;0,00;delivered_not_billed;dlv_b;;not yet;0;0,00;12,00;run_billing;Run billing');
    expect(rows[2]).toBe('2026-03;t2;B;0;0;0,00;0;0;0,00;0;0,00;0,00;;;;;0;0,00;0,00;;');
  });

  it('head the reconciliation in French by default, in English on request: same columns, same order, same rows', () => {
    const report = {
      object: 'reconciliation' as const,
      period: '2026-03',
      generatedAt: '2026-04-02T00:00:00.000Z',
      clean: true,
      tenants: [{ tenantId: 't1', tenantName: 'A', deliveredCount: 1, cancellationFeeCount: 0, expectedAmount: 780, ledgerCount: 1, billedCount: 1, billedAmount: 780, invoiceCount: 1, invoicedAmount: 780, paidAmount: 780, creditNoteCount: 0, creditedAmount: 0, outstandingAmount: 0, discrepancies: [] }],
    };
    const [frenchHeader, ...frenchRows] = reconciliationCsv(report).replace('\uFEFF', '').split('\r\n').filter(Boolean);
    const [englishHeader, ...englishRows] = reconciliationCsv(report, 'en').replace('\uFEFF', '').split('\r\n').filter(Boolean);
    expect(frenchHeader?.split(';')).toEqual([
      'Période', 'Identifiant client', 'Client', 'Livraisons livrées', "Frais d'annulation", 'Montant attendu (€)', 'Lignes au grand livre', 'Lignes facturées',
      'Montant facturé (€)', 'Factures', 'Montant des factures (€)', 'Montant payé (€)', 'Écart', 'Livraison', 'Facture', 'Détail',
      'Avoirs', 'Montant des avoirs (€)', 'Reste dû (€)', 'Action', 'Résolution',
    ]);
    expect(englishHeader?.split(';')).toEqual([
      'Period', 'Tenant ID', 'Tenant', 'Deliveries delivered', 'Cancellation fees', 'Expected amount (EUR)', 'Ledger lines', 'Lines billed',
      'Amount billed (EUR)', 'Invoices', 'Amount invoiced (EUR)', 'Amount paid (EUR)', 'Discrepancy', 'Delivery', 'Invoice', 'Detail',
      'Credit notes', 'Amount credited (EUR)', 'Amount outstanding (EUR)', 'Action', 'Resolution',
    ]);
    expect(englishRows).toEqual(frenchRows);
    expect(frenchRows).toEqual(['2026-03;t1;A;1;0;7,80;1;1;7,80;1;7,80;7,80;;;;;0;0,00;0,00;;']);
  });
});

describe('the printable invoice', () => {
  it('carries the mentions of a French invoice, with the text escaped', () => {
    const invoice = invoiceOf([{ id: 'a:delivery', deliveryId: 'dlv_a', kind: 'delivery', description: 'Livraison <script>', reference: 'CMD-1', occurredAt: '2026-03-10T09:00:00.000Z', vatRateBasisPoints: 2000, net: 650, vat: 130, gross: 780 }]);
    const html = invoiceHtml(invoice, 30);
    for (const mention of ['Facture F2026-000001', "Date d'émission : 01/04/2026", "Date d'échéance : 01/05/2026", 'mars 2026', 'SIRET 123 456 789 00012', 'FR12123456789', 'SCIC SAS', 'compta@panier.example', 'Total HT', 'Total TVA', 'Total TTC', 'TVA 20', '6,50', '1,30', '7,80', '40 €', 'Pas d&#39;escompte', 'Paiement à 30 jours', 'L441-10']) {
      expect(html, mention).toContain(mention);
    }
    expect(html).not.toContain('<script>');
    expect(html).toContain('Livraison &lt;script&gt;');
    expect(html).toContain('=Le Panier &lt;b&gt;');
  });
});

describe('the FEC character set', () => {
  it('writes ISO 8859-15 exactly as Node decodes it, and `?` for what the set lacks (property)', async () => {
    const { encodeLatin9 } = await import('../../shared/billing/latin9.js');
    const decoder = new TextDecoder('iso-8859-15');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const bytes = encodeLatin9(text);
        expect(bytes.length).toBe([...text].length);
        const back = decoder.decode(bytes);
        [...text].forEach((char, index) => {
          const decoded = [...back][index];
          expect(decoded === char || decoded === '?').toBe(true);
        });
      }),
    );
    expect(decoder.decode(encodeLatin9('Réglé 12,50 € — Œuvre'))).toBe('Réglé 12,50 € ? Œuvre');
    expect([...encodeLatin9('é€¤')]).toEqual([0xe9, 0xa4, 0x3f]);
  });
});
