/**
 * Money on invoices: integer euro cents only, no float ever touches an amount.
 *
 * Each billable line keeps the net, VAT and gross it was priced at (the customer saw that price
 * when booking). An invoice's totals are sums of its lines: net = Σ net, VAT = Σ VAT, gross =
 * net + VAT = Σ gross; the VAT recap per rate sums the lines of that rate. French practice
 * accepts VAT computed per line and summed, which is what keeps every total equal, to the cent,
 * to the sum of what it is made of (and what makes the FEC entries balance).
 */
export interface Amounts {
  net: number;
  vat: number;
  gross: number;
}

export interface Price extends Amounts {
  currency: 'EUR';
}

export interface VatBreakdownEntry extends Amounts {
  vatRateBasisPoints: number;
}

export interface RatedAmounts extends Amounts {
  vatRateBasisPoints: number;
}

/** French VAT rates, most likely first: 20 %, 10 %, 5.5 %, 2.1 %, 0 %. */
export const FRENCH_VAT_RATES_BASIS_POINTS = [2000, 1000, 550, 210, 0] as const;

/** round-half-up(net × bp / 10 000), the rule the pricing module uses. */
export function vatFor(net: number, basisPoints: number): number {
  const value = (BigInt(net) * BigInt(basisPoints) + 5000n) / 10_000n;
  return Number(value);
}

/**
 * The VAT rate of a price that carries only its amounts. The rate card's rate is tried first,
 * then the French rates, and the first that reproduces the VAT exactly wins; a price that none
 * reproduces (a rate card with an unusual rate) gets the nearest rate in basis points.
 */
export function inferVatRate(price: Amounts, preferred?: number): number {
  const candidates = [...(preferred === undefined ? [] : [preferred]), ...FRENCH_VAT_RATES_BASIS_POINTS];
  if (price.net === 0) return preferred ?? 2000;
  const exact = candidates.find((basisPoints) => vatFor(price.net, basisPoints) === price.vat);
  if (exact !== undefined) return exact;
  return Math.round((price.vat * 10_000) / price.net);
}

/** Totals and the VAT recap per rate (highest rate first) of a set of lines. */
export function invoiceTotals(lines: readonly RatedAmounts[]): { total: Price; vatBreakdown: VatBreakdownEntry[] } {
  const byRate = new Map<number, VatBreakdownEntry>();
  let net = 0n;
  let vat = 0n;
  for (const line of lines) {
    if (line.net + line.vat !== line.gross) throw new RangeError(`A line whose gross (${line.gross}) is not net + VAT (${line.net} + ${line.vat}).`);
    net += BigInt(line.net);
    vat += BigInt(line.vat);
    const entry = byRate.get(line.vatRateBasisPoints) ?? { vatRateBasisPoints: line.vatRateBasisPoints, net: 0, vat: 0, gross: 0 };
    entry.net += line.net;
    entry.vat += line.vat;
    entry.gross += line.gross;
    byRate.set(line.vatRateBasisPoints, entry);
  }
  const total = { currency: 'EUR' as const, net: safe(net), vat: safe(vat), gross: safe(net + vat) };
  return { total, vatBreakdown: [...byRate.values()].sort((a, b) => b.vatRateBasisPoints - a.vatRateBasisPoints) };
}

function safe(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`Amount out of range: ${value} cents.`);
  return result;
}

/**
 * Cents as euros with a decimal comma, exactly (`123456` → `1234,56`, `-5` → `-0,05`), as French
 * spreadsheets and the FEC expect. `thousands` adds a grouping separator (for people, not files).
 */
export function formatEuros(cents: number, thousands = ''): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an amount in cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const units = String(Math.trunc(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${sign}${units},${String(absolute % 100).padStart(2, '0')}`;
}

/** `1 234,56 €` for a page a person reads (narrow no-break spaces, as French typography wants). */
export function formatMoney(cents: number): string {
  return `${formatEuros(cents, '\u202f')}\u00a0€`;
}

/** A rate in basis points as a French percentage: 2000 → `20`, 550 → `5,5`. */
export function formatRate(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole},${fraction}`;
}
