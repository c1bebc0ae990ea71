import type { Quote, QuoteRequest } from '../deliveries/schemas.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import { priceRequest } from './pricing.js';
import { quoteRepository, quoteView } from './repository.js';

/** A quote holds its price for 15 minutes. */
export const QUOTE_LIFETIME_MS = 15 * 60 * 1000;

export async function createQuote(tenantId: string, request: QuoteRequest, now = new Date()): Promise<Quote> {
  const priced = await priceRequest(tenantId, request, now);
  const expiresAtMs = now.getTime() + QUOTE_LIFETIME_MS;
  const stored = {
    id: newId('quote', now.getTime()),
    object: 'quote' as const,
    status: 'open' as const,
    ...priced,
    expiresAt: new Date(expiresAtMs).toISOString(),
    createdAt: now.toISOString(),
    tenantId,
    expiresAtMs,
  };
  const quote = quoteView(stored, now);
  await quoteRepository.create(stored, { result: quote });
  return quote;
}

export async function getQuote(tenantId: string, quoteId: string): Promise<Quote> {
  const stored = await quoteRepository.get(tenantId, quoteId);
  // TTL deletion lags by hours: an expired quote still reads as `expired` until it is gone.
  if (!stored) throw notFound('quote', quoteId);
  return quoteView(stored);
}
