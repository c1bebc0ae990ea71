import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Repositories own the data: each area's `repository.ts` declares its entities (keys, index keys,
 * conditions) with `defineEntity` (shared/db/entity.ts) and hands services typed transaction
 * items. Services and handlers never import the AWS SDK, never name the table, never build a
 * key. The few other modules that do are listed here, each with its reason; an entry that no
 * longer needs its exception fails too, so the lists only ever shrink to the truth.
 */
const sdkAllowed: Record<string, string> = {
  'shared/db/client.ts': 'creates the one DynamoDB document client',
  'shared/db/items.ts': 'the type of a transaction item (a TransactWriteItems entry)',
  'shared/db/entity.ts': 'the entity helper: reads by key (GetItem, BatchGetItem) for every entity',
  'shared/db/pagination.ts': 'the Queries of every list (queryPage, queryAll)',
  'shared/db/transact.ts': 'the one transaction helper: TransactWriteItems, lone writes, their refusals and retries',
  'shared/events/outbox.ts': 'reads the outbox items off the table stream (unmarshall)',
  'shared/events/publish.ts': 'the EventBridge adapter (PutEvents)',
  'shared/http/idempotency.ts': 'the idempotency records: the effect machinery that transact consults, so it writes them directly',
  'shared/http/rate-limit.ts': 'the request counters: one ADD that answers the new count',
  'shared/notifications/ses-notifier.ts': 'the SES adapter (recipients\' e-mails)',
  'shared/storage/s3.ts': 'the S3 adapter of the object store (proof photos: presigned forms and URLs, get, put, delete)',
};

const tableNameAllowed: Record<string, string> = {
  'shared/db/entity.ts': 'every item and read of an entity names the table here',
  'shared/db/pagination.ts': 'the Queries of every list',
  'shared/http/idempotency.ts': 'the idempotency records, written directly (see above)',
  'shared/http/rate-limit.ts': 'the request counters (see above)',
};

/** Keys are built in repositories (`shared/<area>/repository.ts`), and in these plumbing data modules. */
const keysAllowed: Record<string, string> = {
  'shared/db/entity.ts': 'the shape of a key (`TableKey`) and the entity helper itself',
  'shared/events/outbox.ts': 'the outbox items, written in every area\'s transactions',
  'shared/http/idempotency.ts': 'the idempotency records',
  'shared/http/rate-limit.ts': 'the request counters',
  'shared/auth/api-keys.ts': 'the API-key repository (authentication reads it on every request) and the admin bootstrap marker',
  'shared/auth/sessions.ts': "people's sessions, which authentication reads on every cookie-authenticated request, as it reads keys",
};

const isRepository = (path: string) => /^shared\/[a-z-]+\/repository\.ts$/.test(path);

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The code without its comments: a comment may name what the code must not do. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = ['shared', 'functions'].flatMap(sources).map((path) => ({ path, code: code(path) }));

const importsSdk = (source: string) => /\bfrom\s+'@aws-sdk\/|\bimport\s*\(\s*'@aws-sdk\/|\brequire\(\s*'@aws-sdk\//.test(source);
const namesTable = (source: string) => /\bTableName\b/.test(source);
/** A key written as an object literal: `{ pk: …, sk: … }` (quoted or not). */
const buildsKey = (source: string) => /(?<![\w$.])['"]?(?:pk|sk)['"]?\s*:/.test(source);

describe('data access', () => {
  it('reads the whole code base', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(files.some(({ path }) => path.startsWith('functions/'))).toBe(true);
  });

  it('imports the AWS SDK only in the plumbing\'s data modules and the AWS adapters', () => {
    const offenders = files.filter(({ path, code }) => importsSdk(code) && !(path in sdkAllowed)).map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it('names the table only in the plumbing\'s data modules', () => {
    const offenders = files.filter(({ path, code }) => namesTable(code) && !(path in tableNameAllowed)).map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it('builds keys only in repositories and the plumbing\'s data modules', () => {
    const offenders = files.filter(({ path, code }) => buildsKey(code) && !isRepository(path) && !(path in keysAllowed)).map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it('keeps no exception that is no longer needed', () => {
    const byPath = new Map(files.map(({ path, code }) => [path, code]));
    const stale = [
      ...Object.keys(sdkAllowed).filter((path) => !importsSdk(byPath.get(path) ?? '')).map((path) => `${path} (AWS SDK)`),
      ...Object.keys(tableNameAllowed).filter((path) => !namesTable(byPath.get(path) ?? '')).map((path) => `${path} (TableName)`),
      ...Object.keys(keysAllowed).filter((path) => !buildsKey(byPath.get(path) ?? '')).map((path) => `${path} (keys)`),
    ];
    expect(stale).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(importsSdk("import { GetCommand } from '@aws-sdk/lib-dynamodb';")).toBe(true);
    expect(importsSdk("import type { AttributeValue } from '@aws-sdk/client-dynamodb';")).toBe(true);
    expect(namesTable('{ TableName: config.tableName, Key }')).toBe(true);
    expect(buildsKey('const key = { pk: `T#${id}`, sk: "TENANT" };')).toBe(true);
    expect(buildsKey("item({ 'pk': 'HUB' })")).toBe(true);
    expect(buildsKey('const task: string = ask;')).toBe(false);
    expect(buildsKey('const { pk } = key;')).toBe(false);
  });
});
