import type { Quote, QuoteRequest } from './schemas.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { writeOne } from '../db/transact.js';
import { newId } from '../ids.js';
import { priceRequest } from './pricing.js';
import { quoteRepository, quoteView } from './repository.js';
import { completeStops } from './stops.js';
import { quoteErrors } from './errors.js';


/** A quote holds its price for 15 minutes. */
export const QUOTE_LIFETIME_MS = 15 * 60 * 1000;

/** Prices a request (its pickup left out: the tenant's default pickup) and keeps the quote 15 minutes. */
export async function createQuote(tenantId: string, request: QuoteRequest, language: Language = DEFAULT_LANGUAGE, now = new Date()): Promise<Quote> {
  const priced = await priceRequest(tenantId, await completeStops(tenantId, request), now);
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
  // The answer (and what a retry with the same Idempotency-Key replays) is in the caller's language.
  const quote = quoteView(stored, now, language);
  await writeOne(quoteRepository.create(stored), () => new Error(`quote ${stored.id} exists already`), { result: quote });
  return quote;
}

export async function getQuote(tenantId: string, quoteId: string, language: Language = DEFAULT_LANGUAGE): Promise<Quote> {
  const stored = await quoteRepository.get(tenantId, quoteId);
  // TTL deletion lags by hours: an expired quote still reads as `expired` until it is gone.
  if (!stored) throw quoteErrors.notFound('quote', quoteId);
  return quoteView(stored, new Date(), language);
}
