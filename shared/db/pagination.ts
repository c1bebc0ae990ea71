import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../errors.js';
import { config } from '../config.js';
import { db } from './client.js';
import { tableDefinition, type IndexName } from './table-definition.js';

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

type KeyValues = Record<string, string>;

export function encodeCursor(lastKey: KeyValues): string {
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/**
 * A cursor is the last key of the previous page. It comes back from the caller, so it is checked:
 * only key attributes, only strings, and the same partition as the query being continued (a
 * cursor can never move a query into another tenant's partition).
 */
export function decodeCursor(cursor: string, partition: KeyValues): KeyValues {
  const invalid = () => new AppError('parameter_invalid', 'cursor is not a cursor returned by this list.', { param: 'cursor' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const allowed = new Set<string>(tableDefinition.keyAttributes);
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([name, value]) => !allowed.has(name) || typeof value !== 'string' || value.length > 1024)) {
    throw invalid();
  }
  const key = Object.fromEntries(entries) as KeyValues;
  for (const [name, value] of Object.entries(partition)) {
    if (key[name] !== value) throw invalid();
  }
  return key;
}

export interface QueryPageOptions {
  /** The partition being listed, e.g. `{ gsi1pk: 'TENANTS' }`. */
  partition: KeyValues;
  index?: IndexName;
  page: PageRequest;
  /** Newest first when true. */
  descending?: boolean;
  /** A range of the sort key (a period of ids, which sort by creation time). */
  range?: SortKeyCondition;
  /** No FilterExpression here: a filtered list gets its own index, so pages stay full and cheap. */
  extra?: Pick<QueryCommandInput, 'ConsistentRead'>;
}

/** One Query, one page: the access pattern every list endpoint uses (never a Scan). */
export async function queryPage(options: QueryPageOptions): Promise<Page<Record<string, unknown>>> {
  const [[partitionName, partitionValue]] = Object.entries(options.partition) as [[string, string]];
  const index = tableDefinition.globalSecondaryIndexes.find((candidate) => candidate.name === options.index);
  const cursorAttributes = [tableDefinition.partitionKey, tableDefinition.sortKey, ...(index ? [index.partitionKey, index.sortKey] : [])];
  const range = options.range ? sortKeyCondition(options.range) : undefined;
  const input: QueryCommandInput = {
    TableName: config.tableName,
    IndexName: options.index,
    KeyConditionExpression: range ? `#p = :p AND ${range.expression}` : '#p = :p',
    ExpressionAttributeNames: { '#p': partitionName, ...(range ? { '#s': index ? index.sortKey : tableDefinition.sortKey } : {}) },
    ExpressionAttributeValues: { ':p': partitionValue, ...range?.values },
    // One item more than asked: it tells for sure whether another page exists, so `hasMore`
    // never sends a client after an empty page.
    Limit: options.page.limit + 1,
    ScanIndexForward: !options.descending,
    ExclusiveStartKey: options.page.cursor ? decodeCursor(options.page.cursor, options.partition) : undefined,
    ...options.extra,
  };
  let result;
  try {
    result = await db().send(new QueryCommand(input));
  } catch (error) {
    // A cursor of the same partition but another range (other dates): not a cursor of this list.
    if (options.page.cursor && error instanceof Error && error.name === 'ValidationException') {
      throw new AppError('parameter_invalid', 'cursor is not a cursor returned by this list.', { param: 'cursor' });
    }
    throw error;
  }
  const items = result.Items ?? [];
  const hasMore = items.length > options.page.limit;
  const data = items.slice(0, options.page.limit);
  const last = data.at(-1);
  return {
    data,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(pick(last, cursorAttributes)) : null,
  };
}

/** A condition on the sort key of the partition being queried. */
export type SortKeyCondition = { equals: string } | { beginsWith: string } | { atMost: string } | { between: readonly [string, string] };

export interface QueryAllOptions {
  partition: KeyValues;
  index?: IndexName;
  range?: SortKeyCondition;
  consistent?: boolean;
  descending?: boolean;
  /** At most this many items, in one Query when they fit in one response. */
  limit?: number;
}

function sortKeyCondition(range: SortKeyCondition): { expression: string; values: Record<string, string> } {
  if ('equals' in range) return { expression: '#s = :s', values: { ':s': range.equals } };
  if ('beginsWith' in range) return { expression: 'begins_with(#s, :s)', values: { ':s': range.beginsWith } };
  if ('atMost' in range) return { expression: '#s <= :s', values: { ':s': range.atMost } };
  return { expression: '#s BETWEEN :from AND :to', values: { ':from': range.between[0], ':to': range.between[1] } };
}

/**
 * Every item of a partition (or of a range of it), page after page, for the reads that need them
 * all at once (a tenant's billable lines of a month, a day's slots) or the first few (`limit`).
 */
export async function queryAll(options: QueryAllOptions): Promise<Array<Record<string, unknown>>> {
  const [[partitionName, partitionValue]] = Object.entries(options.partition) as [[string, string]];
  const index = tableDefinition.globalSecondaryIndexes.find((candidate) => candidate.name === options.index);
  const range = options.range ? sortKeyCondition(options.range) : undefined;
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: options.index,
        KeyConditionExpression: range ? `#p = :p AND ${range.expression}` : '#p = :p',
        ExpressionAttributeNames: { '#p': partitionName, ...(range ? { '#s': index ? index.sortKey : tableDefinition.sortKey } : {}) },
        // The partition's value first: what the bench's call log names the Query by.
        ExpressionAttributeValues: { ':p': partitionValue, ...range?.values },
        ConsistentRead: options.consistent,
        ScanIndexForward: options.descending ? false : undefined,
        Limit: options.limit === undefined ? undefined : options.limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start && (options.limit === undefined || items.length < options.limit));
  return items;
}

function pick(item: Record<string, unknown>, names: readonly string[]): KeyValues {
  return Object.fromEntries(names.map((name) => [name, String(item[name])]));
}

/** Every item of a paginated list, page after page (for small lists only: tenants, a tenant's endpoints). */
export async function allPages<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit: 100, cursor });
    items.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * A page of a list already read whole (a small index partition filtered in memory), with the
 * contract's cursors: the cursor is the sort position of the last item answered.
 */
export async function pageOfList<T, U>(items: readonly T[], page: PageRequest, position: (item: T) => string, present: (items: T[]) => Promise<U[]>, descending = false): Promise<Page<U>> {
  let start = 0;
  if (page.cursor !== undefined) {
    let after: string | undefined;
    try {
      const parsed = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') after = (parsed as { after: string }).after;
    } catch {
      after = undefined;
    }
    if (after === undefined) throw new AppError('parameter_invalid', 'cursor is not a cursor returned by this list.', { param: 'cursor' });
    const sorted = after;
    start = items.findIndex((item) => (descending ? position(item) < sorted : position(item) > sorted));
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + page.limit);
  const hasMore = start + page.limit < items.length;
  const last = slice.at(-1);
  return { data: await present(slice), hasMore, nextCursor: hasMore && last !== undefined ? Buffer.from(JSON.stringify({ after: position(last) }), 'utf8').toString('base64url') : null };
}
