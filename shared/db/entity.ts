import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from './client.js';
import type { TransactItem } from './items.js';
import { queryAll, queryPage, type Page, type PageRequest, type SortKeyCondition } from './pagination.js';
import { tableDefinition, type IndexName } from './table-definition.js';
import { waitBeforeRetry } from './transact.js';

/**
 * Entities of the single table, ElectroDB's lesson without ElectroDB: each kind of item is
 * declared once, in its area's repository, with its key, its index keys and its expiry. From that
 * declaration come its items, its reads, and the transaction items that write it, each with the
 * condition its intent needs (create: the item does not exist; replace, update, delete, check: it
 * does, and a versioned entity's replace: it is still the version that was read). Services compose
 * those items with `transact` or `writeOne` (shared/db/transact.ts) and never see a table name, a
 * key string or a condition expression.
 */

export interface TableKey {
  pk: string;
  sk: string;
}

type KeyAttribute = (typeof tableDefinition.keyAttributes)[number];
type IndexAttribute = Exclude<KeyAttribute, 'pk' | 'sk'>;
/** An entity's index keys: absent ones leave the item out of that index (a sparse index). */
export type IndexKeys = { [A in IndexAttribute]?: string | undefined };
/** The partition a query reads: the table's (`pk`) or an index's (`gsi1pk`…), which names the index. */
export type Partition = { [A in Extract<KeyAttribute, `${string}pk`>]?: string };

/** The tenant id leads every key of tenant data: a key is built from it, or it is not tenant data. */
export function tenantKey(tenantId: string): string {
  return `T#${tenantId}`;
}

/**
 * A piece of a condition or update expression with the placeholders it uses: `#name` for
 * attribute names, `:name` for values. The conditions every entity has are named below; a
 * repository names its own (a slot's `taken < capacity`) in a method that returns the item.
 */
export interface Expression {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The item is there (update, delete, check). */
export const itemExists: Expression = { expression: 'attribute_exists(pk)' };
/** The item is not there yet (create). */
export const itemAbsent: Expression = { expression: 'attribute_not_exists(pk)' };

function merge(parts: readonly Expression[], expression: string): Expression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [placeholder, name] of Object.entries(part.names ?? {})) {
      if (placeholder in names && names[placeholder] !== name) throw new Error(`Placeholder ${placeholder} names both ${names[placeholder]} and ${name}`);
      names[placeholder] = name;
    }
    for (const [placeholder, value] of Object.entries(part.values ?? {})) {
      if (placeholder in values && values[placeholder] !== value) throw new Error(`Placeholder ${placeholder} holds two values`);
      values[placeholder] = value;
    }
  }
  return {
    expression,
    ...(Object.keys(names).length > 0 ? { names } : {}),
    ...(Object.keys(values).length > 0 ? { values } : {}),
  };
}

/** Every condition holds. */
export function allOf(...parts: Expression[]): Expression {
  return merge(parts, parts.map((part) => (/ OR /.test(part.expression) ? `(${part.expression})` : part.expression)).join(' AND '));
}

/** One of the conditions holds. */
export function anyOf(...parts: Expression[]): Expression {
  return merge(parts, parts.map((part) => (/ AND | OR /.test(part.expression) ? `(${part.expression})` : part.expression)).join(' OR '));
}

/**
 * An update of named attributes: `set` (a dotted name reaches into a map: `stripe.status`),
 * `remove`, and `add` to a number. Every name gets a placeholder, so reserved words are fine.
 */
export function changes(change: { set?: Record<string, unknown>; remove?: readonly string[]; add?: Record<string, number> }): Expression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const path = (name: string) =>
    name
      .split('.')
      .map((part) => {
        names[`#${part}`] = part;
        return `#${part}`;
      })
      .join('.');
  const value = (prefix: string, index: number, content: unknown) => {
    values[`:${prefix}${index}`] = content;
    return `:${prefix}${index}`;
  };
  const clauses = [
    ['SET', Object.entries(change.set ?? {}).map(([name, content], index) => `${path(name)} = ${value('set', index, content)}`)],
    ['REMOVE', (change.remove ?? []).map(path)],
    ['ADD', Object.entries(change.add ?? {}).map(([name, amount], index) => `${path(name)} ${value('add', index, amount)}`)],
  ] as const;
  const expression = clauses.flatMap(([verb, parts]) => (parts.length > 0 ? [`${verb} ${parts.join(', ')}`] : [])).join(' ');
  return { expression, names, ...(Object.keys(values).length > 0 ? { values } : {}) };
}

export interface EntityDefinition<T extends K, K> {
  /** The `entity` attribute of its items: a read trusts an item only if it is this entity's. */
  name: string;
  /** The item's primary key, from the fields that identify it. */
  key(fields: K): TableKey;
  /** The item's index keys, recomputed on every write of the whole item. */
  indexes?(value: T): IndexKeys;
  /** When DynamoDB may delete the item (epoch seconds); reads that care still check expiry. */
  ttl?(value: T): number;
  /** What the item stores besides its keys, when not the whole value (a field only the key needs). */
  stored?(value: T): object;
  /** The value from what is stored (and, on a read by key, the key's fields). */
  parse?(attributes: Record<string, unknown>): T;
  /** Each whole write of the item is conditional on the `version` it was computed from. */
  versioned?: boolean;
}

export interface ItemOptions {
  /** When the condition fails, the transaction's refusal carries the item as it was. */
  returnOld?: boolean;
}

export interface QueryOptions {
  partition: Partition;
  descending?: boolean;
  consistent?: boolean;
}

export interface Entity<T extends K, K> {
  readonly name: string;
  key(fields: K): TableKey;
  /** The whole item: keys, index keys, entity tag, expiry and the value. */
  item(value: T): Record<string, unknown>;
  /** The value of an item of this entity; undefined for anything else. */
  fromItem(item: Record<string, unknown> | undefined): T | undefined;

  get(fields: K, options?: { consistent?: boolean }): Promise<T | undefined>;
  /** Several items in one BatchGetItem, answered in the order asked (undefined where none is). */
  getMany(fields: readonly K[]): Promise<Array<T | undefined>>;
  /** One page of a partition (shared/db/pagination.ts `queryPage`), or of a range of its sort key: what list endpoints answer. */
  query(options: QueryOptions & { page: PageRequest; range?: SortKeyCondition }): Promise<Page<T>>;
  /** Every item of a partition, or of a range of its sort key, or the first `limit`. */
  queryAll(options: QueryOptions & { range?: SortKeyCondition; limit?: number }): Promise<T[]>;

  /** A Put of a new item: refused if one exists under its key. */
  create(value: T, options?: ItemOptions): TransactItem;
  /**
   * A Put of the whole item over what is there: over the version read (versioned entities), over
   * an existing item (others).
   */
  replace(value: T, previousVersion?: number, options?: ItemOptions): TransactItem;
  /** A Put whatever is there, or under the repository's own condition (a claim, a lease). */
  put(value: T, condition?: Expression, options?: ItemOptions): TransactItem;
  /** An Update of an existing item, with the repository's own condition if any. */
  update(fields: K, change: Expression, condition?: Expression, options?: ItemOptions): TransactItem;
  /** A Delete of an existing item, with the repository's own condition if any. */
  delete(fields: K, condition?: Expression, options?: ItemOptions): TransactItem;
  /** A ConditionCheck: the item exists (and meets the condition), or the transaction is refused. */
  check(fields: K, condition?: Expression, options?: ItemOptions): TransactItem;
}

const TABLE_ATTRIBUTES = new Set<string>([...tableDefinition.keyAttributes, 'entity']);

function indexOf(partition: Partition): IndexName | undefined {
  const [name] = Object.keys(partition);
  if (name === undefined || Object.keys(partition).length !== 1) throw new Error('A query reads exactly one partition');
  return name === tableDefinition.partitionKey ? undefined : (name.slice(0, -'pk'.length) as IndexName);
}

/** The parts of a write's input that carry its condition. */
function conditional(condition: Expression, options: ItemOptions = {}) {
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
    ...(options.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  };
}

export function defineEntity<T extends K, K = T>(definition: EntityDefinition<T, K>): Entity<T, K> {
  const { name } = definition;
  const ttlAttribute = tableDefinition.timeToLiveAttribute;
  const expiring = definition.ttl !== undefined;

  const fromAttributes = (item: Record<string, unknown>, fields?: K): T => {
    const attributes = Object.fromEntries(Object.entries(item).filter(([attribute]) => !TABLE_ATTRIBUTES.has(attribute) && !(expiring && attribute === ttlAttribute)));
    const all = fields ? { ...fields, ...attributes } : attributes;
    return definition.parse ? definition.parse(all) : (all as T);
  };
  const fromItem = (item: Record<string, unknown> | undefined): T | undefined => (item?.entity === name ? fromAttributes(item) : undefined);
  const parsed = (items: Array<Record<string, unknown>>) => items.flatMap((item) => (item.entity === name ? [fromAttributes(item)] : []));

  const item = (value: T): Record<string, unknown> => ({
    ...definition.key(value),
    ...definition.indexes?.(value),
    entity: name,
    ...(definition.stored ? definition.stored(value) : value),
    ...(definition.ttl ? { [ttlAttribute]: definition.ttl(value) } : {}),
  });

  /** Update, delete and check act on an item that exists, and meets the repository's condition if any. */
  const onExisting = (fields: K, condition: Expression | undefined, options?: ItemOptions) => ({
    TableName: config.tableName,
    Key: definition.key(fields),
    ...conditional(condition ? allOf(itemExists, condition) : itemExists, options),
  });

  const versionRead = (previousVersion: number): Expression => ({ expression: '#version = :previous', names: { '#version': 'version' }, values: { ':previous': previousVersion } });

  return {
    name,
    key: (fields) => definition.key(fields),
    item,
    fromItem,

    async get(fields, options = {}) {
      const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: definition.key(fields), ConsistentRead: options.consistent }));
      return Item?.entity === name ? fromAttributes(Item, fields) : undefined;
    },

    async getMany(fields) {
      const keys = fields.map((entry) => definition.key(entry));
      const found: Array<Record<string, unknown>> = [];
      let wanted: Array<Record<string, unknown>> = keys.map((key) => ({ ...key }));
      // DynamoDB may leave keys unprocessed under load: asked again until none is left.
      for (let attempt = 0; wanted.length > 0; attempt += 1) {
        if (attempt > 0) await waitBeforeRetry(attempt - 1);
        const result = await db().send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: wanted } } }));
        found.push(...(result.Responses?.[config.tableName] ?? []));
        wanted = (result.UnprocessedKeys?.[config.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
      return keys.map((key, index) => {
        const match = found.find((candidate) => candidate.pk === key.pk && candidate.sk === key.sk);
        return match?.entity === name ? fromAttributes(match, fields[index] as K) : undefined;
      });
    },

    async query(options) {
      const result = await queryPage({
        partition: options.partition as Record<string, string>,
        index: indexOf(options.partition),
        page: options.page,
        descending: options.descending,
        ...(options.range ? { range: options.range } : {}),
        extra: { ConsistentRead: options.consistent },
      });
      return { ...result, data: parsed(result.data) };
    },

    async queryAll(options) {
      const index = indexOf(options.partition);
      return parsed(await queryAll({ ...options, partition: options.partition as Record<string, string>, ...(index ? { index } : {}) }));
    },

    create: (value, options) => ({ Put: { TableName: config.tableName, Item: item(value), ...conditional(itemAbsent, options) } }),

    replace: (value, previousVersion, options) => {
      if (definition.versioned && previousVersion === undefined) throw new Error(`${name} is versioned: replace it over the version read`);
      // A missing item has no version: the version condition also says the item exists.
      const condition = definition.versioned ? versionRead(previousVersion as number) : itemExists;
      return { Put: { TableName: config.tableName, Item: item(value), ...conditional(condition, options) } };
    },

    put: (value, condition, options) => ({ Put: { TableName: config.tableName, Item: item(value), ...(condition ? conditional(condition, options) : {}) } }),

    update: (fields, change, condition, options) => {
      const when = condition ? allOf(itemExists, condition) : itemExists;
      // One set of placeholders for the update and its condition.
      const both = merge([change, when], change.expression);
      return {
        Update: {
          TableName: config.tableName,
          Key: definition.key(fields),
          UpdateExpression: change.expression,
          ...conditional({ ...both, expression: when.expression }, options),
        },
      };
    },

    delete: (fields, condition, options) => ({ Delete: onExisting(fields, condition, options) }),

    check: (fields, condition, options) => ({ ConditionCheck: onExisting(fields, condition, options) }),
  };
}
