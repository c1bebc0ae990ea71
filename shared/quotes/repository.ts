import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { writeOne, type WriteOptions } from '../db/transact.js';
import type { Quote } from './schemas.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { isId } from '../ids.js';
import { localizeLines } from '../pricing/labels.js';

export interface StoredQuote extends Quote {
  tenantId: string;
  /** Epoch ms, for the booking condition. */
  expiresAtMs: number;
}

const ENTITY = 'quote';

/** A stored quote as its reader sees it: its status now, its price lines in the reader's language. */
export function quoteView(stored: StoredQuote, now = new Date(), language: Language = DEFAULT_LANGUAGE): Quote {
  const { tenantId: _tenant, expiresAtMs, ...quote } = stored;
  const status = quote.deliveryId ? 'booked' : expiresAtMs <= now.getTime() ? 'expired' : 'open';
  return { ...quote, status, lines: localizeLines(quote.lines, language) };
}

export const quoteRepository = {
  async create(quote: StoredQuote, options: WriteOptions = {}): Promise<void> {
    await writeOne(
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.quote(quote.tenantId, quote.id), entity: ENTITY, ...quote, ttl: Math.floor(quote.expiresAtMs / 1000) + 24 * 3600 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      () => new Error(`quote ${quote.id} exists already`),
      options,
    );
  },

  async get(tenantId: string, quoteId: string, consistent = false): Promise<StoredQuote | undefined> {
    if (!isId('quote', quoteId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.quote(tenantId, quoteId), ConsistentRead: consistent }));
    if (Item?.entity !== ENTITY) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...quote } = Item;
    return quote as StoredQuote;
  },
};
