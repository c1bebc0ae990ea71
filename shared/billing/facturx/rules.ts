import { centsToDecimal, vatOf } from './decimal.js';
import type { BillingDocument, DocumentParty } from './types.js';

/** `123 456 789` → `123456789`: identifiers are printed with spaces, written without. */
export const compact = (value: string | null | undefined) => (value ?? '').replace(/[\s.\-]/g, '');

/** The SIREN of a party: given, or the first 9 digits of its SIRET. */
export function sirenOf(party: DocumentParty): string | undefined {
  const siren = compact(party.siren);
  if (siren) return siren;
  const siret = compact(party.siret);
  return siret ? siret.slice(0, 9) : undefined;
}

/** The VAT category of a rate: S (standard) above 0 %, Z (zero rated) at 0 %. */
export const vatCategory = (basisPoints: number) => (basisPoints > 0 ? 'S' : 'Z');

/**
 * The tolerance of BR-S-09 and BR-CO-17 in the official CII schematron: a VAT category's amount
 * (BT-117) must lie strictly within one currency unit (100 cents) of its basis × rate rounded
 * to the cent. Our VAT is computed per line and summed, as French practice allows, so it can
 * differ from the rate applied to the basis by up to half a cent per line: always inside the
 * tolerance up to 198 lines of one rate, beyond that only when the per-line roundings do not
 * all lean the same way.
 */
export const VAT_ROUNDING_TOLERANCE_CENTS = 100n;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

const isCents = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Every reason the document cannot become a valid EN 16931 invoice, by business rule (empty
 * when it can). The XML carries our figures as they are, so the checks are on them: the sums
 * that EN 16931 recomputes must equal, to the cent, the totals we write.
 */
export function facturxIssues(doc: BillingDocument): string[] {
  const issues: string[] = [];
  const issue = (rule: string, message: string) => issues.push(`${rule}: ${message}`);

  if (doc.kind !== 'invoice' && doc.kind !== 'credit_note') issue('BR-04', `unknown document kind ${String(doc.kind)}`);
  if (!doc.number?.trim()) issue('BR-02', 'the document has no number');
  if (!isDate(doc.issueDate)) issue('BR-03', `issue date ${String(doc.issueDate)} is not a YYYY-MM-DD date`);
  if (doc.dueDate != null && !isDate(doc.dueDate)) issue('BT-9', `due date ${doc.dueDate} is not a YYYY-MM-DD date`);
  if (doc.periodStart !== undefined && !isDate(doc.periodStart)) issue('BT-73', `period start ${doc.periodStart} is not a YYYY-MM-DD date`);
  if (doc.periodEnd !== undefined && !isDate(doc.periodEnd)) issue('BT-74', `period end ${doc.periodEnd} is not a YYYY-MM-DD date`);
  if (doc.periodStart && doc.periodEnd && doc.periodEnd < doc.periodStart) issue('BR-29', `the period ends (${doc.periodEnd}) before it starts (${doc.periodStart})`);
  if (doc.precedingInvoice) {
    if (!doc.precedingInvoice.number?.trim()) issue('BR-55', 'the preceding invoice has no number');
    if (!isDate(doc.precedingInvoice.issueDate)) issue('BT-26', `preceding invoice date ${String(doc.precedingInvoice.issueDate)} is not a YYYY-MM-DD date`);
  }

  for (const [role, party, nameRule, countryRule] of [
    ['seller', doc.seller, 'BR-06', 'BR-09'],
    ['buyer', doc.buyer, 'BR-07', 'BR-11'],
  ] as const) {
    if (!party?.name?.trim()) issue(nameRule, `the ${role} has no name`);
    if (!/^[A-Z]{2}$/.test(party?.address?.country ?? '')) issue(countryRule, `the ${role}'s country ${String(party?.address?.country)} is not an ISO 3166 alpha-2 code`);
    const siren = compact(party?.siren);
    const siret = compact(party?.siret);
    if (siren && !/^\d{9}$/.test(siren)) issue('BT-30', `the ${role}'s SIREN ${party.siren} is not 9 digits`);
    if (siret && !/^\d{14}$/.test(siret)) issue('BT-29', `the ${role}'s SIRET ${party.siret} is not 14 digits`);
    if (siren && siret && !siret.startsWith(siren)) issue('BT-29', `the ${role}'s SIRET ${party.siret} is not an establishment of SIREN ${party.siren}`);
    const vat = compact(party?.vatNumber);
    if (vat && !/^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(vat)) issue('BR-CO-09', `the ${role}'s VAT number ${party.vatNumber} does not start with a country code`);
  }
  // Every line is S or Z: both need the seller's VAT number.
  if (!compact(doc.seller?.vatNumber)) issue('BR-S-02', 'the seller has no VAT number (required for VAT categories S and Z)');

  const lines = doc.lines ?? [];
  if (lines.length === 0) issue('BR-16', 'the document has no line');
  const byRate = new Map<number, { net: bigint; vat: bigint; lines: number }>();
  let net = 0n;
  let vat = 0n;
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${line.id})`;
    if (!line.description?.trim()) issue('BR-25', `${where} has no description`);
    if (!isDate(line.date)) issue('BT-134', `${where}: date ${String(line.date)} is not a YYYY-MM-DD date`);
    if (!Number.isInteger(line.vatRateBasisPoints) || line.vatRateBasisPoints < 0 || line.vatRateBasisPoints > 10_000) {
      issue('BR-CO-04', `${where}: VAT rate ${line.vatRateBasisPoints} is not a rate in basis points`);
      return;
    }
    if (!isCents(line.net) || !isCents(line.vat) || !isCents(line.gross)) {
      issue('BR-24', `${where}: amounts are not integer cents`);
      return;
    }
    if (BigInt(line.net) + BigInt(line.vat) !== BigInt(line.gross)) issue('BT-131', `${where}: gross ${line.gross} is not net ${line.net} + VAT ${line.vat}`);
    if (line.vatRateBasisPoints === 0 && line.vat !== 0) issue('BR-Z-09', `${where}: VAT ${line.vat} at 0 %`);
    const entry = byRate.get(line.vatRateBasisPoints) ?? { net: 0n, vat: 0n, lines: 0 };
    entry.net += BigInt(line.net);
    entry.vat += BigInt(line.vat);
    entry.lines += 1;
    byRate.set(line.vatRateBasisPoints, entry);
    net += BigInt(line.net);
    vat += BigInt(line.vat);
  });

  const breakdown = doc.vatBreakdown ?? [];
  const seen = new Set<number>();
  for (const rate of breakdown) {
    const label = `VAT recap at ${centsToDecimal(rate.vatRateBasisPoints)} %`;
    if (seen.has(rate.vatRateBasisPoints)) issue('BR-CO-18', `${label} appears twice`);
    seen.add(rate.vatRateBasisPoints);
    const lineSums = byRate.get(rate.vatRateBasisPoints);
    if (!lineSums) {
      issue('BR-S-08', `${label} has no line at that rate`);
      continue;
    }
    if (!isCents(rate.net) || !isCents(rate.vat)) {
      issue('BR-45', `${label}: amounts are not integer cents`);
      continue;
    }
    if (BigInt(rate.net) !== lineSums.net) issue(rate.vatRateBasisPoints > 0 ? 'BR-S-08' : 'BR-Z-08', `${label}: basis ${rate.net} is not the sum of its lines' net, ${lineSums.net}`);
    if (BigInt(rate.vat) !== lineSums.vat) issue('BR-CO-14', `${label}: VAT ${rate.vat} is not the sum of its lines' VAT, ${lineSums.vat}`);
    if (rate.vatRateBasisPoints === 0 && rate.vat !== 0) issue('BR-Z-09', `${label}: VAT ${rate.vat} at 0 %`);
    if (rate.vatRateBasisPoints > 0) {
      const expected = vatOf(rate.net, rate.vatRateBasisPoints);
      const actual = BigInt(rate.vat) < 0n ? -BigInt(rate.vat) : BigInt(rate.vat);
      const gap = actual > expected ? actual - expected : expected - actual;
      if (gap >= VAT_ROUNDING_TOLERANCE_CENTS) {
        issue(
          'BR-S-09',
          `${label}: VAT ${centsToDecimal(rate.vat)} (sum of ${lineSums.lines} per-line roundings) is ${centsToDecimal(Number(gap))} away from basis × rate = ${centsToDecimal(Number(expected))}, beyond the EN 16931 tolerance of 1.00`,
        );
      }
    }
  }
  for (const rate of byRate.keys()) if (!seen.has(rate)) issue('BR-CO-18', `no VAT recap for the lines at ${centsToDecimal(rate)} %`);

  const total = doc.total;
  if (!total || !isCents(total.net) || !isCents(total.vat) || !isCents(total.gross)) issue('BR-12', 'the totals are not integer cents');
  else {
    if (BigInt(total.net) !== net) issue('BR-CO-10', `total net ${total.net} is not the sum of the lines' net, ${net}`);
    if (BigInt(total.vat) !== vat) issue('BR-CO-14', `total VAT ${total.vat} is not the sum of the lines' VAT, ${vat}`);
    if (BigInt(total.net) + BigInt(total.vat) !== BigInt(total.gross)) issue('BR-CO-15', `total gross ${total.gross} is not net ${total.net} + VAT ${total.vat}`);
    if (doc.paidAmount !== undefined && !isCents(doc.paidAmount)) issue('BR-CO-16', `paid amount ${doc.paidAmount} is not integer cents`);
    const due = BigInt(total.gross) - BigInt(isCents(doc.paidAmount) ? doc.paidAmount : 0);
    // A credit note without terms gets a plain one (cii.ts, paymentTermsOf).
    if (due > 0n && doc.kind === 'invoice' && !doc.dueDate && !doc.paymentTerms?.trim()) issue('BR-CO-25', 'an amount is due but the invoice has neither a due date nor payment terms');
  }
  return issues;
}

/** The document cannot be written as a valid Factur-X invoice. */
export class FacturxError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Not a valid EN 16931 document:\n- ${issues.join('\n- ')}`);
    this.name = 'FacturxError';
  }
}

export function assertFacturxReady(doc: BillingDocument): void {
  const issues = facturxIssues(doc);
  if (issues.length > 0) throw new FacturxError(issues);
}
