import { randomUUID } from 'node:crypto';
import type { Fixtures } from './fixtures.js';
import { positionBody, quoteBody } from './fixtures.js';
import type { ApiRequest, BenchApi } from './harness.js';
import { WRITE_COMMANDS, type DynamoCall } from './instrument.js';

/** What an operation should cost in DynamoDB round trips, and the check of it. */
export interface Target {
  text: string;
  met(calls: readonly DynamoCall[]): boolean;
}

export interface Operation {
  id: string;
  /** The row's name in the report. */
  label: string;
  /** The HTTP request, for the report. */
  request: string;
  kind: 'read' | 'write';
  /** The status every request must answer. */
  status: number;
  /** Undefined for a reference row (no target of its own). */
  target?: Target;
  /** Measured in the latency section too (a reference row of the round-trip table may not be). */
  latency: boolean;
  /** Untimed: `count` requests ready to send, each with what it consumes (a quote, an assigned delivery) already made. */
  prepare(count: number): Promise<ApiRequest[]>;
  /** Untimed, before each round-trip sample. */
  beforeSample?(): Promise<void>;
}

const notAuth = (calls: readonly DynamoCall[]) => calls.filter((call) => call.purpose !== 'auth');
const transactions = (calls: readonly DynamoCall[]) => calls.filter((call) => call.command === 'TransactWriteItems').length;
const otherWrites = (calls: readonly DynamoCall[]) => calls.filter((call) => WRITE_COMMANDS.has(call.command) && call.command !== 'TransactWriteItems');

export const targets = {
  /** Issue 3: one round trip for a read (the API-key lookup of every authenticated request aside). */
  read: { text: '1 round trip (+ key lookup)', met: (calls) => notAuth(calls).length === 1 } satisfies Target,
  /** Issue 3: one transaction for a booking; the same rule for every change of a delivery. */
  transaction: { text: '1 TransactWriteItems, no other write', met: (calls) => transactions(calls) === 1 && otherWrites(calls).length === 0 } satisfies Target,
  /** A position report changes the delivery alone: one conditional write, no transaction needed. */
  singleWrite: { text: '1 conditional write (+ lookup by id)', met: (calls) => transactions(calls) === 0 && otherWrites(calls).length === 1 } satisfies Target,
  /** A quote is one write; its settings come from the 30 s cache. */
  quote: { text: '1 write (+ key lookup), settings cached', met: (calls) => notAuth(calls).length === 1 && notAuth(calls)[0]?.command === 'PutItem' } satisfies Target,
};

const repeat = <T>(count: number, make: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => make(index));
const sequential = async <T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let index = 0; index < count; index += 1) out.push(await make(index));
  return out;
};

/** The operations of issue 3, plus reference rows. The order is the report's. */
export function operations(api: BenchApi, fx: Fixtures): Operation[] {
  return [
    {
      id: 'quote',
      label: 'quote',
      request: 'POST /v1/quotes',
      kind: 'write',
      status: 201,
      target: targets.quote,
      latency: true,
      prepare: async (count) => repeat(count, () => fx.asTenant({ method: 'POST', path: '/v1/quotes', body: quoteBody() })),
    },
    {
      id: 'quote-cold',
      label: 'quote, settings cache cold (reference)',
      request: 'POST /v1/quotes after the cache is emptied',
      kind: 'write',
      status: 201,
      latency: false,
      prepare: async (count) => repeat(count, () => fx.asTenant({ method: 'POST', path: '/v1/quotes', body: quoteBody() })),
      // Putting the capacity back unchanged empties this process's settings cache (`hubSettings.put*` clears it).
      async beforeSample() {
        const capacity = (await api.expect(fx.asAdmin({ method: 'GET', path: '/v1/hub/capacity' }), 200)).json;
        await api.expect(fx.asAdmin({ method: 'PUT', path: '/v1/hub/capacity', body: capacity }), 200);
      },
    },
    {
      id: 'book-direct',
      label: 'book direct',
      request: 'POST /v1/deliveries {quote body}',
      kind: 'write',
      status: 201,
      target: targets.transaction,
      latency: true,
      prepare: async (count) => repeat(count, () => fx.asTenant({ method: 'POST', path: '/v1/deliveries', body: quoteBody() })),
    },
    {
      id: 'book-quote',
      label: 'book from quote',
      request: 'POST /v1/deliveries {quoteId}',
      kind: 'write',
      status: 201,
      target: targets.transaction,
      latency: true,
      prepare: async (count) => (await sequential(count, () => fx.quote())).map((quoteId) => fx.asTenant({ method: 'POST', path: '/v1/deliveries', body: { quoteId } })),
    },
    {
      id: 'book-slot',
      label: 'book with slot',
      request: 'POST /v1/deliveries {quote body, slotId}',
      kind: 'write',
      status: 201,
      target: targets.transaction,
      latency: true,
      prepare: async (count) => repeat(count, () => fx.asTenant({ method: 'POST', path: '/v1/deliveries', body: { ...quoteBody(), kind: 'pickup', slotId: fx.slotId } })),
    },
    {
      id: 'book-idempotent',
      label: 'book direct with Idempotency-Key (reference)',
      request: 'POST /v1/deliveries + Idempotency-Key',
      kind: 'write',
      status: 201,
      latency: true,
      prepare: async (count) =>
        repeat(count, () => fx.asTenant({ method: 'POST', path: '/v1/deliveries', body: quoteBody(), headers: { 'idempotency-key': `bench-${randomUUID()}` } })),
    },
    {
      id: 'get',
      label: 'get',
      request: 'GET /v1/deliveries/{id} (tenant)',
      kind: 'read',
      status: 200,
      target: targets.read,
      latency: true,
      prepare: async (count) => {
        const id = await fx.book();
        return repeat(count, () => fx.asTenant({ method: 'GET', path: `/v1/deliveries/${id}` }));
      },
    },
    {
      id: 'list',
      label: 'list',
      request: 'GET /v1/deliveries?limit=20 (tenant)',
      kind: 'read',
      status: 200,
      target: targets.read,
      latency: true,
      prepare: async (count) => repeat(count, () => fx.asTenant({ method: 'GET', path: '/v1/deliveries?limit=20' })),
    },
    {
      id: 'courier-position',
      label: 'courier event: position',
      request: 'POST /v1/courier/deliveries/{id}/events {position}',
      kind: 'write',
      status: 200,
      target: targets.singleWrite,
      latency: true,
      prepare: async (count) => {
        const id = await fx.assigned();
        return repeat(count, (index) => fx.asCourier({ method: 'POST', path: `/v1/courier/deliveries/${id}/events`, body: positionBody(index) }));
      },
    },
    {
      id: 'courier-picked-up',
      label: 'courier event: picked_up',
      request: 'POST /v1/courier/deliveries/{id}/events {picked_up}',
      kind: 'write',
      status: 200,
      target: targets.transaction,
      latency: true,
      prepare: async (count) =>
        (await sequential(count, () => fx.assigned())).map((id) => fx.asCourier({ method: 'POST', path: `/v1/courier/deliveries/${id}/events`, body: { type: 'picked_up' } })),
    },
    {
      id: 'health',
      label: 'health (reference: no DynamoDB)',
      request: 'GET /health',
      kind: 'read',
      status: 200,
      latency: true,
      prepare: async (count) => repeat(count, () => ({ method: 'GET', path: '/health', key: null })),
    },
  ];
}
