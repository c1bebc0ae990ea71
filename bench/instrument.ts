import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB request that left the process: the operation and what it was for. */
export interface DynamoCall {
  /** The DynamoDB operation (`GetItem`, `Query`, `TransactWriteItems`, ...). */
  command: string;
  /** What the call was for, read from its key or index (`auth`, `hub settings`, `gsi5`, ...). */
  purpose: string;
  /** A retry of the same command by the SDK (a throttle or a network error): a round trip too. */
  retry: boolean;
  /** What DynamoDB said the call consumed, when capacity reporting is on (`returnConsumedCapacity(true)`). */
  capacity?: ConsumedUnits;
  /** The low-level input sent (attribute values already marshalled): the load section replays it bare. */
  input: Record<string, unknown>;
}

/** Capacity units of one call, as DynamoDB reports them (`ReturnConsumedCapacity: 'INDEXES'`). */
export interface ConsumedUnits {
  /** Everything the call consumed: the table and its indexes (what `TOTAL` reports). */
  units: number;
  /** Of which on the table itself. */
  table: number;
  /** Of which on each global secondary index (a write that changes an index item writes it too). */
  indexes: Record<string, number>;
}

export const READ_COMMANDS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

export const WRITE_COMMANDS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface RoundTripRecorder {
  /**
   * Runs `fn` and returns the calls made while it ran: those of the handlers of API requests,
   * and apart from them those of background work (the consumers the outbox relay feeds).
   */
  during<T>(fn: () => Promise<T>): Promise<{ result: T; calls: DynamoCall[]; background: DynamoCall[] }>;
  /** Every call since the recorder was installed, by operation: of the API's handlers, and of background work. */
  readonly totals: { readonly requests: ReadonlyMap<string, number>; readonly background: ReadonlyMap<string, number> };
  /** Scans since the recorder was installed (anywhere: handlers, consumers, the relay). */
  readonly scans: number;
  /**
   * Turns on (or off) `ReturnConsumedCapacity: 'INDEXES'` on every data command of the document
   * client, so each recorded call carries its `capacity`. Off by default: the other sections
   * measure the requests exactly as the handlers send them.
   */
  returnConsumedCapacity(on: boolean): void;
  /**
   * Runs `fn` with the recorder reduced to its Scan and call counters: no request marking (an
   * `AsyncLocalStorage`, whose promise hooks slow every promise of the process) and no copy of
   * each call's input. For the load runs, which measure the API as Lambda runs it, not the
   * benchmark's bookkeeping. No `during` window may be open meanwhile.
   */
  quietly<T>(fn: () => Promise<T>): Promise<T>;
}

/** Set for everything a request of the local API server sets off (its handler, and what that awaits). */
const apiRequest = new AsyncLocalStorage<{ method: string; url: string } | null>();

/**
 * Marks the async context of each request the API server (the one on `apiPort`) receives: Node
 * publishes `http.server.request.start` just before the server's request listener runs, in the
 * same synchronous turn, so the handler and everything it awaits inherit the mark, and the
 * consumers (run by the local bus's own server, or by the stream poller's loop) do not.
 */
let marking = true;

function markApiRequests(apiPort: number): void {
  subscribe('http.server.request.start', (message) => {
    if (!marking) return;
    const { server, request } = message as { server: Server; request: IncomingMessage };
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : undefined;
    apiRequest.enterWith(port === apiPort ? { method: request.method ?? '', url: request.url ?? '' } : null);
  });
}

/** A key attribute as a string, whether the input is still plain JS or already marshalled. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return '';
}

/** What an item key is, from the key layout the repositories declare (`defineEntity`): the first pattern that matches names it. */
const itemKinds: ReadonlyArray<[RegExp, string]> = [
  [/^APIKEY#/, 'auth'],
  [/^RATE#/, 'rate limit'],
  [/^SLOTS#/, 'slot'],
  [/^COURIER#/, 'courier'],
  [/^TRACK#/, 'tracking'],
  [/^BILLING#|^STRIPE#/, 'billing'],
  [/#IDEM#/, 'idempotency'],
  [/#WHE#/, 'webhook'],
  [/#INT#/, 'integration'],
  [/#OUTBOX#/, 'outbox'],
  [/#QUOTE#/, 'quote'],
  [/#DLV#/, 'delivery'],
  [/#EVENTS$/, 'audit'],
  [/#NOTIFIED#/, 'notification claim'],
  [/#MAIL$/, 'notification'],
  [/#BILL#|#INV#/, 'billing'],
];

function keyKind(key: Record<string, unknown> | undefined): string {
  const pk = text(key?.pk);
  const sk = text(key?.sk);
  if (pk === 'HUB') return sk.startsWith('SETTING#') ? 'hub setting' : 'hub';
  const match = itemKinds.find(([pattern]) => pattern.test(pk));
  if (match) return match[1];
  if (pk.startsWith('T#') && sk === 'RATECARD') return 'tenant rate card';
  if (pk.startsWith('T#') && sk === 'TENANT') return 'tenant';
  return 'item';
}

/** What a queried partition holds. */
function partitionKind(value: string, index: string | undefined): string {
  if (value === 'WEBHOOK#DUE') return 'webhooks due';
  if (index === 'gsi5') return value.startsWith('dlv_') ? 'delivery by id' : 'by id';
  if (/#DLV(#|$)/.test(value) || value.startsWith('HUB#DLV#')) return 'deliveries';
  if (value.startsWith('COURIER#') && value.endsWith('#OPEN')) return 'courier deliveries';
  if (value.endsWith('#WHE')) return 'webhook endpoints';
  if (value.includes('#WHE#')) return 'webhook messages';
  if (value.endsWith('#EVENTS')) return 'audit trail';
  if (value.startsWith('SLOTS#')) return 'slots';
  if (value.startsWith('KEYS#')) return 'api keys';
  return 'partition';
}

type Input = Record<string, any>;

/** The purpose of one call, from its input. */
export function purposeOf(command: string, input: Input): string {
  switch (command) {
    case 'GetItem':
    case 'DeleteItem':
      return keyKind(input.Key);
    case 'PutItem':
      return keyKind(input.Item);
    case 'UpdateItem': {
      const kind = keyKind(input.Key);
      return kind === 'idempotency' ? 'idempotency: store response' : kind;
    }
    case 'BatchGetItem': {
      const keys = Object.values(input.RequestItems ?? {}).flatMap((request: any) => request?.Keys ?? []) as Array<Record<string, unknown>>;
      return keys.some((key) => keyKind(key) === 'hub setting') ? 'hub settings' : `${keys.length} items`;
    }
    case 'Query': {
      const where = input.IndexName ?? 'table';
      const partition = text(Object.values(input.ExpressionAttributeValues ?? {})[0]);
      return `${where}: ${partitionKind(partition, input.IndexName)}`;
    }
    case 'TransactWriteItems': {
      const items: Input[] = input.TransactItems ?? [];
      const parts = items.map((entry) => {
        if (entry.Put) return keyKind(entry.Put.Item);
        if (entry.Update) return keyKind(entry.Update.Key);
        if (entry.Delete) return keyKind(entry.Delete.Key);
        if (entry.ConditionCheck) return `${keyKind(entry.ConditionCheck.Key)} check`;
        return '?';
      });
      return `${items.length}: ${parts.join(', ')}`;
    }
    default:
      return '';
  }
}

/** The commands that take `ReturnConsumedCapacity`. */
const CAPACITY_COMMANDS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);

/** `ConsumedCapacity` of an output (one object, or one per table for batches and transactions), summed. */
function consumedUnits(consumed: unknown): ConsumedUnits | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as Array<{
    CapacityUnits?: number;
    Table?: { CapacityUnits?: number };
    GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  }>;
  const sum: ConsumedUnits = { units: 0, table: 0, indexes: {} };
  for (const entry of list) {
    sum.units += entry.CapacityUnits ?? 0;
    sum.table += entry.Table?.CapacityUnits ?? 0;
    for (const [index, value] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) sum.indexes[index] = (sum.indexes[index] ?? 0) + (value.CapacityUnits ?? 0);
  }
  return sum;
}

/** `GetItemCommand` → `GetItem`. */
function operationName(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Counts DynamoDB round trips by adding a middleware to the process-wide document client that
 * the handlers use (`db()`): it sits after the SDK's retry middleware, so a retried request
 * counts as two round trips. The document client shares its middleware stack with the
 * underlying DynamoDBClient, so the middleware sees every command of the handlers and of the
 * consumers that run in this process (the stream poller's own clients are not counted); each
 * call is told apart by the async context it is made in (see `markApiRequests`).
 */
export function instrument(client: DynamoDBDocumentClient, options: { apiPort: number }): RoundTripRecorder {
  markApiRequests(options.apiPort);
  let window: { calls: DynamoCall[]; background: DynamoCall[] } | undefined;
  const totals = { requests: new Map<string, number>(), background: new Map<string, number>() };
  let scans = 0;
  const attempts = new WeakMap<object, number>();

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = operationName(context.commandName);
      const input = (args as { input?: Input }).input ?? {};
      const seen = attempts.get(args.input as object) ?? 0;
      attempts.set(args.input as object, seen + 1);
      // Quietly (the load runs), every call is a request's: the routes under load set off no events.
      const fromRequest = marking ? apiRequest.getStore() != null : true;
      const tally = fromRequest ? totals.requests : totals.background;
      tally.set(command, (tally.get(command) ?? 0) + 1);
      if (command === 'Scan') scans += 1;
      // The input is kept only for a recorded window (the load section replays it); a copy per call costs.
      const call: DynamoCall = { command, purpose: purposeOf(command, input), retry: seen > 0, input: window ? structuredClone(input) : {} };
      if (window) (fromRequest ? window.calls : window.background).push(call);
      const result = await next(args);
      const consumed = consumedUnits((result as { output?: { ConsumedCapacity?: unknown } }).output?.ConsumedCapacity);
      if (consumed) call.capacity = consumed;
      return result;
    },
    // Inside the retry loop: one entry per HTTP request sent to DynamoDB.
    { step: 'finalizeRequest', priority: 'low', name: 'benchRoundTripCounter' },
  );

  let capacityOn = false;
  const capacityMiddleware = 'benchReturnConsumedCapacity';

  return {
    returnConsumedCapacity(on) {
      if (on === capacityOn) return;
      capacityOn = on;
      if (!on) {
        client.middlewareStack.remove(capacityMiddleware);
        return;
      }
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (!CAPACITY_COMMANDS.has(operationName(context.commandName))) return next(args);
          // A copy: the caller's input object is left as it was.
          return next({ ...args, input: { ...(args.input as Input), ReturnConsumedCapacity: 'INDEXES' } });
        },
        // After the document client's marshalling (also at initialize), before serialisation.
        { step: 'initialize', priority: 'low', name: capacityMiddleware },
      );
    },
    async during(fn) {
      if (window) throw new Error('round-trip windows do not nest: the benchmark drives one request at a time');
      const current = { calls: [] as DynamoCall[], background: [] as DynamoCall[] };
      window = current;
      try {
        const result = await fn();
        return { result, calls: current.calls, background: current.background };
      } finally {
        window = undefined;
      }
    },
    async quietly(fn) {
      if (window) throw new Error('quietly: a round-trip window is open');
      marking = false;
      // Off until the next mark: the storage's async hooks stop when no storage is in use.
      apiRequest.disable();
      try {
        return await fn();
      } finally {
        marking = true;
      }
    },
    totals,
    get scans() {
      return scans;
    },
  };
}

/** `GetItem (auth) + TransactWriteItems (4: delivery, tracking, outbox, slot)`. */
export function describeCalls(calls: readonly DynamoCall[]): string {
  if (calls.length === 0) return 'none';
  return calls.map((call) => `${call.command}${call.purpose ? ` (${call.purpose})` : ''}${call.retry ? ' [retry]' : ''}`).join(' + ');
}
