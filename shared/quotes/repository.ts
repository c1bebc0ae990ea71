import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Quote } from './schemas.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { isId } from '../ids.js';
import { localizeLines } from '../pricing/labels.js';

export interface StoredQuote extends Quote {
  tenantId: string;
  /** Epoch ms, for the booking condition. */
  expiresAtMs: number;
}

/** A stored quote as its reader sees it: its status now, its price lines in the reader's language. */
export function quoteView(stored: StoredQuote, now = new Date(), language: Language = DEFAULT_LANGUAGE): Quote {
  const { tenantId: _tenant, expiresAtMs, ...quote } = stored;
  const status = quote.deliveryId ? 'booked' : expiresAtMs <= now.getTime() ? 'expired' : 'open';
  return { ...quote, status, lines: localizeLines(quote.lines, language) };
}

export const quotes = defineEntity<StoredQuote, Pick<StoredQuote, 'tenantId' | 'id'>>({
  name: 'quote',
  key: ({ tenantId, id }) => ({ pk: `${tenantKey(tenantId)}#QUOTE#${id}`, sk: 'QUOTE' }),
  // Kept a day past its expiry: read meanwhile, it says `expired` rather than not found.
  ttl: ({ expiresAtMs }) => Math.floor(expiresAtMs / 1000) + 24 * 3600,
});

export const quoteRepository = {
  /** A new quote (the quote endpoint writes it alone, as the effect of its request). */
  create(quote: StoredQuote): TransactItem {
    return quotes.create(quote);
  },

  async get(tenantId: string, quoteId: string, consistent = false): Promise<StoredQuote | undefined> {
    if (!isId('quote', quoteId)) return undefined;
    return quotes.get({ tenantId, id: quoteId }, { consistent });
  },

  /**
   * Marks the quote booked by this delivery, in the booking's transaction: only if it exists, is
   * unused and has not expired by `now`. Refused, the transaction carries the quote as it was,
   * which tells which of the three happened.
   */
  markBooked(quote: Pick<StoredQuote, 'tenantId' | 'id'>, deliveryId: string, now: Date): TransactItem {
    return quotes.update(
      quote,
      { expression: 'SET deliveryId = :delivery', values: { ':delivery': deliveryId } },
      { expression: 'attribute_not_exists(deliveryId) AND expiresAtMs > :now', values: { ':now': now.getTime() } },
      { returnOld: true },
    );
  },
};
