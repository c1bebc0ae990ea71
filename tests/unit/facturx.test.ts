import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PDFDocument } from '@cantoo/pdf-lib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { ciiXml, extractFacturxXml, FacturxError, facturxIssues, facturxPdf, type BillingDocument, type DocumentLine } from '../../shared/billing/facturx.js';
import { NOTO_SANS_BOLD_WOFF, NOTO_SANS_REGULAR_WOFF } from '../../shared/billing/facturx/noto-sans.js';
import { buyer, line, lineVat, sampleCreditNote, sampleInvoice, seller, withTotals } from '../fixtures/facturx/documents.js';
import { pdfFacts } from '../fixtures/facturx/inspect.js';

// The Factur-X 1.07.3 EN 16931 schema (tests/fixtures/facturx/xsd/README.md says where it comes from).
const XSD_FOLDER = new URL('../fixtures/facturx/xsd/', import.meta.url);
const MAIN_XSD = 'Factur-X_1.07.3_EN16931.xsd';
const xsd = readdirSync(XSD_FOLDER)
  .filter((name) => name.endsWith('.xsd'))
  .map((fileName) => ({ fileName, contents: readFileSync(new URL(fileName, XSD_FOLDER), 'utf8') }));

/** Schema errors by file, for several XML documents in one xmllint run (each run costs about half a second). */
async function schemaErrors(documents: Record<string, string>): Promise<Record<string, string[]>> {
  const result = await validateXML({
    xml: Object.entries(documents).map(([fileName, contents]) => ({ fileName, contents })),
    schema: xsd.find((file) => file.fileName === MAIN_XSD) as (typeof xsd)[number],
    preload: xsd.filter((file) => file.fileName !== MAIN_XSD),
  });
  const errors: Record<string, string[]> = Object.fromEntries(Object.keys(documents).map((name) => [name, []]));
  for (const error of result.errors) (errors[error.loc?.fileName ?? '?'] ??= []).push(error.message);
  if (!result.valid && result.errors.length === 0) errors['?'] = [result.rawOutput];
  return errors;
}

// Reading the XML back, independently of the module: plain text, no XML library to agree with it.
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#13': '\r' };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|apos|#13);/g, (_, entity: string) => ENTITIES[entity] as string);
/** The text of every `<tag …>text</tag>` in `xml`. */
const texts = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((match) => unescape(match[1] as string));
const one = (xml: string, tag: string) => {
  const found = texts(xml, tag);
  expect(found, tag).toHaveLength(1);
  return found[0] as string;
};
/** Every `<tag>…</tag>` block (not nested in itself). */
const blocks = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] as string);
/** `12.34` → 1234n, `-0.05` → -5n: two decimals exactly, no float. */
function cents(decimal: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(decimal);
  if (!match) throw new Error(`Not an amount with two decimals: ${decimal}`);
  const value = BigInt(`${match[2]}${match[3]}`);
  return match[1] ? -value : value;
}
/** `20.00` → 2000n basis points. */
const basisPoints = cents;
const abs = (value: bigint) => (value < 0n ? -value : value);

/** The figures of an EN 16931 CII invoice, as its business rules read them. */
function figures(xml: string) {
  const summation = blocks(xml, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  expect(summation).toHaveLength(1);
  const header = summation[0] as string;
  const lines = blocks(xml, 'ram:IncludedSupplyChainTradeLineItem').map((item) => ({
    net: cents(one(item, 'ram:LineTotalAmount')),
    price: cents(one(item, 'ram:ChargeAmount')),
    quantity: one(item, 'ram:BilledQuantity'),
    category: one(item, 'ram:CategoryCode'),
    rate: basisPoints(one(item, 'ram:RateApplicablePercent')),
  }));
  const settlement = blocks(xml, 'ram:ApplicableHeaderTradeSettlement')[0] as string;
  const taxes = blocks(settlement, 'ram:ApplicableTradeTax').map((tax) => ({
    vat: cents(one(tax, 'ram:CalculatedAmount')),
    basis: cents(one(tax, 'ram:BasisAmount')),
    category: one(tax, 'ram:CategoryCode'),
    rate: basisPoints(one(tax, 'ram:RateApplicablePercent')),
  }));
  const optional = (tag: string) => (texts(header, tag)[0] === undefined ? undefined : cents(texts(header, tag)[0] as string));
  return {
    typeCode: one(blocks(xml, 'rsm:ExchangedDocument')[0] as string, 'ram:TypeCode'),
    lines,
    taxes,
    lineTotal: cents(one(header, 'ram:LineTotalAmount')),
    taxBasis: cents(one(header, 'ram:TaxBasisTotalAmount')),
    taxTotal: cents(one(header, 'ram:TaxTotalAmount')),
    grandTotal: cents(one(header, 'ram:GrandTotalAmount')),
    prepaid: optional('ram:TotalPrepaidAmount'),
    due: cents(one(header, 'ram:DuePayableAmount')),
  };
}

/** The EN 16931 rules on amounts, checked on the XML alone (what a validator recomputes). */
function expectBusinessRules(xml: string): void {
  const f = figures(xml);
  const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);
  expect(f.lineTotal, 'BR-CO-10').toBe(sum(f.lines.map((item) => item.net)));
  expect(f.taxBasis, 'BR-CO-13').toBe(f.lineTotal);
  expect(f.taxTotal, 'BR-CO-14').toBe(sum(f.taxes.map((tax) => tax.vat)));
  expect(f.grandTotal, 'BR-CO-15').toBe(f.taxBasis + f.taxTotal);
  expect(f.due, 'BR-CO-16').toBe(f.grandTotal - (f.prepaid ?? 0n));
  for (const item of f.lines) {
    expect(item.price >= 0n, 'BR-27').toBe(true);
    expect(item.net, 'BT-131 = quantity × price').toBe(BigInt(item.quantity) * item.price);
    expect(item.category).toBe(item.rate > 0n ? 'S' : 'Z');
  }
  expect(new Set(f.taxes.map((tax) => tax.rate)).size).toBe(f.taxes.length);
  expect(new Set(f.taxes.map((tax) => tax.rate))).toEqual(new Set(f.lines.map((item) => item.rate)));
  for (const tax of f.taxes) {
    const ofRate = f.lines.filter((item) => item.rate === tax.rate);
    expect(tax.basis, tax.rate > 0n ? 'BR-S-08' : 'BR-Z-08').toBe(sum(ofRate.map((item) => item.net)));
    expect(tax.category).toBe(tax.rate > 0n ? 'S' : 'Z');
    if (tax.rate === 0n) expect(tax.vat, 'BR-Z-09').toBe(0n);
    // BR-S-09 / BR-CO-17 as the CII schematron writes them: within one currency unit of round(basis × rate).
    const expected = (abs(tax.basis) * tax.rate + 5_000n) / 10_000n;
    expect(abs(abs(tax.vat) - expected) < 100n, 'BR-S-09').toBe(true);
  }
}

const nbsp = (text: string) => text.replace(/\u00a0/g, ' ');

describe('Factur-X CII XML', () => {
  it('validates against the Factur-X EN 16931 schema (and the validator does reject a broken document)', async () => {
    const invoice = ciiXml(sampleInvoice());
    const broken = invoice.replace('<ram:TypeCode>380</ram:TypeCode>', '').replace('<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>', '<ram:Currency>EUR</ram:Currency>');
    const errors = await schemaErrors({
      'invoice.xml': invoice,
      'credit-note.xml': ciiXml(sampleCreditNote()),
      'escaped.xml': ciiXml(escapedDocument()),
      'paid.xml': ciiXml(sampleInvoice({ paidAmount: 2000, ...withTotalsOf([line('dlv_9', 'Remise', '2026-03-31', -500), line('dlv_8', 'Course', '2026-03-30', 9000)]) })),
      'broken.xml': broken,
    });
    expect({ ...errors, 'broken.xml': [] }).toEqual({ 'invoice.xml': [], 'credit-note.xml': [], 'escaped.xml': [], 'paid.xml': [], 'broken.xml': [] });
    expect(errors['broken.xml']?.join('\n')).toMatch(/TypeCode|InvoiceCurrencyCode|Currency/);
  });

  it('writes the EN 16931 header: guideline, number, type 380, date, parties with SIRET/SIREN/VAT, payment means, terms', () => {
    const doc = sampleInvoice();
    const xml = ciiXml(doc);
    expect(texts(xml, 'ram:ID')[0]).toBe('urn:cen.eu:en16931:2017');
    expect(xml).toContain('<ram:ID>F2026-000123</ram:ID>');
    expect(figures(xml).typeCode).toBe('380');
    expect(xml).toContain('<ram:IssueDateTime>\n      <udt:DateTimeString format="102">20260401</udt:DateTimeString>');
    expect(one(xml, 'ram:BuyerReference')).toBe('ten_01J8ZK3Q4R5S6T7V8W9X0Y1Z2A');
    const [sellerXml, buyerXml] = [blocks(xml, 'ram:SellerTradeParty')[0] as string, blocks(xml, 'ram:BuyerTradeParty')[0] as string];
    expect(sellerXml).toContain('<ram:GlobalID schemeID="0009">12345678900012</ram:GlobalID>');
    expect(sellerXml).toMatch(/<ram:SpecifiedLegalOrganization>\s*<ram:ID schemeID="0002">123456789<\/ram:ID>/);
    expect(sellerXml).toMatch(/<ram:SpecifiedTaxRegistration>\s*<ram:ID schemeID="VA">FR32123456789<\/ram:ID>/);
    expect(one(sellerXml, 'ram:Description')).toBe('SCOP SARL à capital variable, RCS Lyon 123 456 789');
    expect(sellerXml).toContain('<ram:URIID schemeID="EM">facturation@coursiers-reunis.coop</ram:URIID>');
    expect(buyerXml).toMatch(/<ram:ID schemeID="0002">987654321<\/ram:ID>/);
    expect(buyerXml).toContain('<ram:ID schemeID="VA">FR58987654321</ram:ID>');
    expect(one(xml, 'ram:IBANID')).toBe('FR7630006000011234567890189');
    expect(one(xml, 'ram:BICID')).toBe('AGRIFRPP');
    expect(texts(xml, 'ram:TypeCode')).toContain('58');
    const terms = blocks(xml, 'ram:SpecifiedTradePaymentTerms')[0] as string;
    expect(one(terms, 'ram:Description')).toBe(doc.paymentTerms);
    expect(terms).toContain('<udt:DateTimeString format="102">20260501</udt:DateTimeString>');
    const period = blocks(blocks(xml, 'ram:ApplicableHeaderTradeSettlement')[0] as string, 'ram:BillingSpecifiedPeriod')[0] as string;
    expect(texts(period, 'udt:DateTimeString')).toEqual(['20260301', '20260331']);
    // BT-22 with the subject codes of the French mandatory mentions.
    const notes = blocks(xml, 'ram:IncludedNote').filter((note) => note.includes('SubjectCode')).map((note) => one(note, 'ram:SubjectCode'));
    expect(notes).toEqual(['AAB', 'PMD', 'PMT']);
    // Lines: quantity 1 C62, unit price = line net, VAT S/Z with the rate, the service day, the delivery id.
    const first = blocks(xml, 'ram:IncludedSupplyChainTradeLineItem')[0] as string;
    expect(first).toContain('<ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity>');
    expect(one(first, 'ram:ChargeAmount')).toBe('12.50');
    expect(one(first, 'ram:LineTotalAmount')).toBe('12.50');
    expect(one(first, 'ram:IssuerAssignedID')).toBe('dlv_01');
    expect(texts(first, 'udt:DateTimeString')).toEqual(['20260303', '20260303']);
    expect(figures(xml).taxes).toEqual([
      { vat: 617n, basis: 3083n, category: 'S', rate: 2000n },
      { vat: 55n, basis: 999n, category: 'S', rate: 550n },
      { vat: 9n, basis: 417n, category: 'S', rate: 210n },
      { vat: 0n, basis: 300n, category: 'Z', rate: 0n },
    ]);
    expectBusinessRules(xml);
  });

  it('keeps the totals of any document to the cent, its sums equal to its lines, and the XML valid (property)', async () => {
    const rate = fc.constantFrom(2000, 1000, 550, 210, 0);
    const amount = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -50_000, max: -1 }) });
    const lines = fc.array(
      fc.record({ net: amount, rate, day: fc.integer({ min: 1, max: 28 }), description: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((text) => text.trim() !== '') }),
      { minLength: 1, maxLength: 30 },
    );
    const documents = fc
      .record({ lines, kind: fc.constantFrom('invoice' as const, 'credit_note' as const), paidPercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }) })
      .map(({ lines: drawn, kind, paidPercent }) => {
        const doc = withTotals({
          kind,
          number: kind === 'invoice' ? 'F2026-000042' : 'A2026-000042',
          issueDate: '2026-04-01',
          dueDate: '2026-05-01',
          seller,
          buyer,
          lines: drawn.map((item, index) => line(`dlv_${index}`, item.description, `2026-03-${String(item.day).padStart(2, '0')}`, item.net, item.rate)),
          ...(kind === 'credit_note' ? { precedingInvoice: { number: 'F2026-000041', issueDate: '2026-03-31' } } : {}),
        });
        return paidPercent === undefined ? doc : { ...doc, paidAmount: Number((BigInt(doc.total.gross) * BigInt(paidPercent)) / 100n) };
      });
    const written: Record<string, string> = {};
    fc.assert(
      fc.property(documents, (doc) => {
        expect(facturxIssues(doc)).toEqual([]);
        const xml = ciiXml(doc);
        const f = figures(xml);
        expect(f.typeCode).toBe(doc.kind === 'invoice' ? '380' : '381');
        expect(f.lines.map((item) => item.net)).toEqual(doc.lines.map((item) => BigInt(item.net)));
        expect(f.lineTotal).toBe(BigInt(doc.total.net));
        expect(f.taxBasis).toBe(BigInt(doc.total.net));
        expect(f.taxTotal).toBe(BigInt(doc.total.vat));
        expect(f.grandTotal).toBe(BigInt(doc.total.gross));
        expect(f.prepaid).toBe(doc.paidAmount === undefined ? undefined : BigInt(doc.paidAmount));
        expect(f.due).toBe(BigInt(doc.total.gross) - BigInt(doc.paidAmount ?? 0));
        for (const tax of f.taxes) {
          const recap = doc.vatBreakdown.find((entry) => BigInt(entry.vatRateBasisPoints) === tax.rate);
          expect([tax.basis, tax.vat]).toEqual([BigInt(recap?.net ?? NaN), BigInt(recap?.vat ?? NaN)]);
        }
        expectBusinessRules(xml);
        written[`property-${Object.keys(written).length}.xml`] = xml;
      }),
      { numRuns: 60 },
    );
    const errors = await schemaErrors(written);
    expect(Object.entries(errors).filter(([, list]) => list.length > 0)).toEqual([]);
  });

  it('writes a credit note as type 381 with positive amounts and the invoice it corrects (BT-25/26)', () => {
    const doc = sampleCreditNote();
    const xml = ciiXml(doc);
    const f = figures(xml);
    expect(f.typeCode).toBe('381');
    expect([f.lineTotal, f.taxTotal, f.grandTotal, f.due]).toEqual([1833n, 367n, 2200n, 2200n]);
    const preceding = blocks(xml, 'ram:InvoiceReferencedDocument');
    expect(preceding).toHaveLength(1);
    expect(one(preceding[0] as string, 'ram:IssuerAssignedID')).toBe('F2026-000123');
    expect(preceding[0]).toContain('<qdt:DateTimeString format="102">20260401</qdt:DateTimeString>');
    // No payment to the seller's account on a credit note.
    expect(xml).not.toContain('SpecifiedTradeSettlementPaymentMeans');
    expect(xml).not.toContain('PaymentReference');
    expect(blocks(xml, 'ram:IncludedNote').map((note) => texts(note, 'ram:SubjectCode'))).toEqual([['AAI']]);
    expectBusinessRules(xml);
    // BR-CO-25: a credit note given no terms and no due date still says whose favour its amount is in.
    const { paymentTerms: _terms, ...bare } = doc;
    const terms = blocks(ciiXml({ ...bare, dueDate: null }), 'ram:SpecifiedTradePaymentTerms');
    expect(terms.map((block) => one(block, 'ram:Description'))).toEqual(['Avoir sur la facture F2026-000123 : montant en faveur du client.']);
  });

  it('escapes names with &, <, quotes and accents, and drops what XML cannot carry', () => {
    const doc = escapedDocument();
    const xml = ciiXml(doc);
    expect(xml).toContain('Dupont &amp; Fils &lt;SARL&gt; &quot;L&apos;Atelier&quot; — Zoé, Ça &amp; Œuvre');
    expect(xml).not.toContain('\u0007');
    expect(texts(xml, 'ram:Name')).toContain(`Dupont & Fils <SARL> "L'Atelier" — Zoé, Ça & Œuvre`);
    expect(texts(xml, 'ram:Name')).toContain(`Forfait « ]]> » & <![CDATA[ x ]]> 'ok'`);
    expect(texts(xml, 'ram:Name')).toContain('Le Vélo & Cie');
  });

  it('refuses a document whose figures break an EN 16931 rule, naming the rule', () => {
    const doc = sampleInvoice();
    const wrong = { ...doc, total: { ...doc.total, net: doc.total.net + 1 } };
    expect(() => ciiXml(wrong)).toThrow(FacturxError);
    expect(facturxIssues(wrong).join('\n')).toMatch(/BR-CO-10.*\n.*BR-CO-15/);
    expect(facturxIssues({ ...doc, seller: { ...seller, vatNumber: null } })).toEqual(['BR-S-02: the seller has no VAT number (required for VAT categories S and Z)']);
    expect(facturxIssues({ ...doc, lines: [{ ...(doc.lines[0] as DocumentLine), gross: 1 }, ...doc.lines.slice(1)] })[0]).toMatch(/^BT-131/);
    const zeroWithVat = withTotals({ ...doc, lines: [{ ...line('z', 'Zéro', '2026-03-01', 100, 0), vat: 1, gross: 101 }] });
    expect(facturxIssues(zeroWithVat).some((issue) => issue.startsWith('BR-Z-09'))).toBe(true);
    const { paymentTerms: _terms, ...withoutTerms } = doc;
    expect(facturxIssues({ ...withoutTerms, dueDate: null })).toEqual(['BR-CO-25: an amount is due but the invoice has neither a due date nor payment terms']);
    expect(facturxIssues({ ...withoutTerms, dueDate: null, paidAmount: doc.total.gross })).toEqual([]);
  });

  it('holds per-line VAT rounding within the BR-S-09 tolerance, and refuses it beyond', () => {
    // 5 cents at 10 %: 0.5 cent rounded up on every line, the worst case, all leaning the same way.
    const worst = (count: number) => withTotals({ ...sampleInvoice(), lines: Array.from({ length: count }, (_, index) => line(`dlv_${index}`, 'Petit colis', '2026-03-02', 5, 1000)) });
    expect(lineVat(5, 1000)).toBe(1);
    const within = worst(198);
    expect(facturxIssues(within)).toEqual([]);
    expectBusinessRules(ciiXml(within));
    const beyond = worst(200);
    expect(facturxIssues(beyond)).toEqual([expect.stringMatching(/^BR-S-09: VAT recap at 10\.00 %: VAT 2\.00 \(sum of 200 per-line roundings\) is 1\.00 away from basis × rate = 1\.00/)]);
    expect(() => ciiXml(beyond)).toThrow(/BR-S-09/);
  });
});

describe('Factur-X PDF', () => {
  it('is a PDF/A-3B carrying ciiXml(doc) as factur-x.xml, with the Factur-X XMP, and shows the invoice in French', async () => {
    const doc = sampleInvoice();
    const pdf = await facturxPdf(doc);
    const raw = new TextDecoder('latin1').decode(pdf);
    expect(raw.startsWith('%PDF-1.7\n')).toBe(true);
    // The XMP stream is never compressed (PDF/A): its declaration is in the file as written.
    expect(raw).toContain('<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>');

    const facts = await pdfFacts(pdf);
    for (const entry of ['<fx:DocumentType>INVOICE</fx:DocumentType>', '<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>', '<fx:Version>1.0</fx:Version>', '<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>', '<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>']) {
      expect(facts.xmp).toContain(entry);
    }
    expect(facts.associatedFiles).toEqual([{ name: 'factur-x.xml', relationship: 'Alternative', mimeType: 'text/xml', modDate: true }]);
    expect(facts.embeddedFileNames).toEqual(['factur-x.xml']);
    expect(facts.outputIntents).toEqual([{ subtype: 'GTS_PDFA1', hasProfile: true }]);
    expect(facts.trailerId).toBe(true);
    expect(facts.fonts.length).toBeGreaterThan(0);
    expect(facts.fonts.filter((font) => !font.embedded)).toEqual([]);
    // Info and XMP agree (PDF/A).
    expect(facts.xmp).toContain(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${facts.info.Title}</rdf:li></rdf:Alt></dc:title>`);
    expect(facts.info.CreationDate).toBe('D:20260401000000Z');
    expect(facts.xmp).toContain('<xmp:CreateDate>2026-04-01T00:00:00Z</xmp:CreateDate>');

    expect(await extractFacturxXml(pdf)).toBe(ciiXml(doc));

    const page = nbsp(facts.pages.join('\n'));
    for (const shown of [
      'FACTURE',
      'N° F2026-000123',
      "Date d'émission : 01/04/2026",
      "Date d'échéance : 01/05/2026",
      'Période : du 01/03/2026 au 31/03/2026',
      'Les Coursiers Réunis',
      'SIRET : 123 456 789 00012',
      'N° TVA intracommunautaire : FR32123456789',
      'SCOP SARL à capital variable, RCS Lyon 123 456 789',
      'Épicerie Fine « Chez Zoé »',
      'SIREN : 987 654 321',
      'N° TVA intracommunautaire : FR58987654321',
      'Livraison express, colis réfrigéré',
      'Réf. CMD-4521',
      'Récapitulatif de la TVA',
      '5,5 %',
      'Total HT\n47,99 €',
      'Total TVA\n6,81 €',
      'Total TTC\n54,80 €',
      'Net à payer\n54,80 €',
      'IBAN FR76 3000 6000 0112 3456 7890 189 · BIC AGRIFRPP',
      "Pas d'escompte pour paiement anticipé.",
      'Indemnité forfaitaire pour frais de recouvrement : 40 €',
      'Page 1 / 1',
    ]) {
      expect(page).toContain(shown);
    }
    expect(page).not.toContain('\ufffd');
    // Same document, same bytes: fixed dates, subset tags and file identifier.
    expect(Buffer.from(await facturxPdf(doc)).equals(Buffer.from(pdf))).toBe(true);
  });

  it('carries the credit note, titled AVOIR with the corrected invoice', async () => {
    const doc = sampleCreditNote();
    const pdf = await facturxPdf(doc);
    const xml = await extractFacturxXml(pdf);
    expect(xml).toBe(ciiXml(doc));
    expect(figures(xml as string).typeCode).toBe('381');
    const page = nbsp((await pdfFacts(pdf)).pages.join('\n'));
    expect(page).toContain('AVOIR');
    expect(page).toContain('Avoir sur la facture F2026-000123 du 01/04/2026');
    expect(page).toContain('Total TTC de l’avoir\n22,00 €');
  });

  it('keeps &, <, quotes and accents in the embedded XML, the metadata and the visible text', async () => {
    const doc = escapedDocument();
    const pdf = await facturxPdf(doc);
    expect(await extractFacturxXml(pdf)).toBe(ciiXml(doc));
    const facts = await pdfFacts(pdf);
    expect(facts.info.Author).toBe(`Dupont & Fils <SARL> "L'Atelier" — Zoé, Ça & Œuvre`);
    expect(facts.xmp).toContain('Dupont &amp; Fils &lt;SARL&gt; &quot;L&apos;Atelier&quot; — Zoé, Ça &amp; Œuvre</rdf:li>');
    const page = nbsp(facts.pages.join('\n'));
    expect(page).toContain(`Dupont & Fils <SARL> "L'Atelier" — Zoé, Ça & Œuvre`);
    expect(page).toContain('Le Vélo & Cie');
    expect(page).toContain(`Forfait « ]]> » & <![CDATA[ x ]]> 'ok'`);
    // A character the embedded fonts lack is drawn as a near one, never as the .notdef glyph.
    expect(page).toContain('Lódz -> Kraków ?');
  });

  it('finds no Factur-X XML in a PDF without one', async () => {
    const plain = await PDFDocument.create();
    plain.addPage();
    expect(await extractFacturxXml(await plain.save())).toBeUndefined();
  });

  it('embeds the Noto Sans files of @fontsource/noto-sans, unchanged', () => {
    const require = createRequire(import.meta.url);
    const file = (weight: number) => readFileSync(require.resolve(`@fontsource/noto-sans/files/noto-sans-latin-${weight}-normal.woff`)).toString('base64');
    expect(NOTO_SANS_REGULAR_WOFF === file(400)).toBe(true);
    expect(NOTO_SANS_BOLD_WOFF === file(700)).toBe(true);
  });
});

function withTotalsOf(lines: DocumentLine[]): Pick<BillingDocument, 'lines' | 'vatBreakdown' | 'total'> {
  const { vatBreakdown, total } = withTotals({ ...sampleInvoice(), lines });
  return { lines, vatBreakdown, total };
}

/** Names and texts full of what XML and PDF must escape or cannot draw. */
function escapedDocument(): BillingDocument {
  return withTotals({
    ...sampleInvoice(),
    seller: { ...seller, name: `Dupont & Fils <SARL> "L'Atelier" — Zoé, Ça & Œuvre\u0007`, legalForm: 'SARL', capital: '1 000 €', rcs: 'RCS Paris B 123 456 789' },
    buyer: { ...buyer, name: 'Le Vélo & Cie', reference: 'ten_<&>' },
    lines: [line('dlv_<1>', `Forfait « ]]> » & <![CDATA[ x ]]> 'ok'`, '2026-03-02', 2500, 2000, 'R&D "42"'), line('dlv_2', 'Łódź → Kraków 🚲', '2026-03-03', 1999, 1000)],
    notes: ['Note avec <balise> & "guillemets"'],
  });
}
