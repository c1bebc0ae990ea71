/**
 * Amounts in the XML are decimals with two digits, written from the integer cents by moving the
 * decimal point in the string (`123456` → `1234.56`, `-5` → `-0.05`): no float is ever involved.
 */
export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an amount in cents: ${cents}`);
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A VAT rate in basis points as a percentage with two digits: `2000` → `20.00`, `550` → `5.50`. */
export const basisPointsToPercent = centsToDecimal;

/** round-half-up(|amount| × bp / 10 000) in cents, exactly: how the EN 16931 rules round a VAT amount. */
export function vatOf(amount: number | bigint, basisPoints: number): bigint {
  const magnitude = BigInt(amount) < 0n ? -BigInt(amount) : BigInt(amount);
  return (magnitude * BigInt(basisPoints) + 5_000n) / 10_000n;
}

/** Σ of integer cents, exactly (BigInt), back to a number once checked to be safe. */
export function sum(values: Iterable<number>): number {
  let total = 0n;
  for (const value of values) total += BigInt(value);
  const result = Number(total);
  if (!Number.isSafeInteger(result)) throw new RangeError(`Amount out of range: ${total} cents.`);
  return result;
}

/** French formatting for the printed document: `123456` → `1 234,56 €` (non-breaking spaces). */
export function frenchEuros(cents: number): string {
  const [units, fraction] = centsToDecimal(cents).split('.') as [string, string];
  const negative = units.startsWith('-');
  const digits = negative ? units.slice(1) : units;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${negative ? '-' : ''}${grouped},${fraction}\u00a0€`;
}

/** `2000` → `20 %`, `550` → `5,5 %`, `210` → `2,1 %`. */
export function frenchRate(basisPoints: number): string {
  const [units, fraction] = basisPointsToPercent(basisPoints).split('.') as [string, string];
  const trimmed = fraction.replace(/0+$/, '');
  return `${units}${trimmed ? `,${trimmed}` : ''}\u00a0%`;
}

/** `2026-04-01` → `01/04/2026`. */
export const frenchDate = (date: string) => date.split('-').reverse().join('/');

/** `2026-04-01` → `20260401`: the CII date format 102. */
export const cii102 = (date: string) => date.replaceAll('-', '');
