import { periodOf } from './period.js';

/**
 * Invoice numbers: one series per calendar year of issue (Paris), `F2026-000123`. French law
 * wants numbers unique, chronological and without gaps within a series; the counter that hands
 * them out is advanced only in the transaction that issues the invoice (see `repository.ts`).
 */
export function invoiceSeries(prefix: string, issuedAt: Date): string {
  return `${prefix}${periodOf(issuedAt).slice(0, 4)}`;
}

/** Credit notes: their own gapless yearly series (`A2026-000001`), numbered like invoices. */
export function creditNoteSeries(prefix: string, issuedAt: Date): string {
  return invoiceSeries(prefix, issuedAt);
}

export function formatInvoiceNumber(series: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`Not a sequence number: ${sequence}`);
  return `${series}-${String(sequence).padStart(6, '0')}`;
}

export function parseInvoiceNumber(number: string): { series: string; sequence: number } | undefined {
  const match = /^(.+)-(\d{6,})$/.exec(number);
  return match ? { series: match[1] as string, sequence: Number(match[2]) } : undefined;
}
