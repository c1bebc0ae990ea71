import { describeCalls, type DynamoCall } from './instrument.js';
import { table } from './report.js';
import type { BenchContext, Check, Section, SectionResult } from './section.js';

/** Requests sent before measuring: the handler module loaded, the settings cache filled. */
const WARMUP = 2;
/** Measured requests per operation (the latency section counts again on every request it times). */
const SAMPLES = 3;

interface Row {
  label: string;
  request: string;
  calls: DynamoCall[];
  /** What the request set off once answered: the relay fed the consumers, which made these. */
  after: DynamoCall[];
  variants: string[];
  scans: number;
  targetText: string;
  met: boolean | undefined;
}

/**
 * DynamoDB round trips per operation. Each sample: wait until the outbox relay and the
 * consumers have nothing left to do (`runtime.settle()`), then send one request and record
 * every call the document client makes for it until its answer is read (calls of background
 * work that overlaps the window are told apart by their async context, and left out).
 */
export const roundTripSection: Section = {
  id: 'round-trips',
  title: 'DynamoDB round trips per operation',
  async run(context: BenchContext): Promise<SectionResult> {
    const { api, recorder, operations } = context;
    const rows: Row[] = [];
    const failures: string[] = [];

    for (const operation of operations) {
      context.progress(`round trips: ${operation.label}`);
      const pool = await operation.prepare(WARMUP + SAMPLES);
      let next = 0;
      const take = () => {
        const request = pool[next++];
        if (!request) throw new Error(`${operation.label}: the bench ran out of prepared requests`);
        return request;
      };
      for (let index = 0; index < WARMUP; index += 1) await api.expect(take(), operation.status);

      const samples: DynamoCall[][] = [];
      const afters: DynamoCall[][] = [];
      await api.runtime.settle();
      for (let index = 0; index < SAMPLES; index += 1) {
        if (operation.beforeSample) {
          await operation.beforeSample();
          await api.runtime.settle();
        }
        const { calls, background } = await recorder.during(() => api.expect(take(), operation.status));
        // Then let the relay and the consumers finish (so the next sample starts quiet), and see what they did.
        const settled = await recorder.during(() => api.runtime.settle());
        samples.push(calls);
        afters.push([...background, ...settled.background]);
      }

      const described = samples.map(describeCalls);
      const counts = new Map<string, number>();
      for (const text of described) counts.set(text, (counts.get(text) ?? 0) + 1);
      const [mode] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
      const representative = samples[described.indexOf(mode)] as DynamoCall[];
      const scans = samples.flat().filter((call) => call.command === 'Scan').length;
      if (scans > 0) failures.push(`${operation.label}: ${scans} Scan(s) in ${SAMPLES} requests`);
      const met = operation.target ? samples.every((calls) => operation.target!.met(calls)) : undefined;
      rows.push({
        label: operation.label,
        request: operation.request,
        calls: representative,
        after: afters[described.indexOf(mode)] ?? [],
        variants: [...counts.keys()].filter((text) => text !== mode),
        scans,
        targetText: operation.target?.text ?? 'reference',
        met,
      });
    }

    const authSeen = rows.some((row) => row.calls.some((call) => call.purpose === 'auth'));
    const checks: Check[] = rows
      .filter((row) => row.met !== undefined)
      .map((row) => ({ text: `${row.label}: ${row.targetText}`, met: row.met as boolean }));
    checks.push({ text: 'no Scan in any measured request', met: rows.every((row) => row.scans === 0) });

    const markdown = [
      `Steady state: each operation is sent ${WARMUP} times first (handler loaded, hub settings cached), then measured ${SAMPLES} times; ` +
        'every sample showed the calls below unless the row says otherwise. Each sample starts with the outbox relay and the consumers ' +
        'idle (`runtime.settle()`), and a call counts for the request only if it is made in the async context of that request\'s ' +
        'handler. The last column is what the consumers did once the request\'s events reached them (until the next `settle()` ' +
        'returned): not part of the request\'s latency, but DynamoDB work it costs.',
      '',
      table(
        ['operation', 'request', 'DynamoDB calls per request', 'round trips', 'besides the key lookup', 'Scan', 'target', 'met', 'then, in the background'],
        rows.map((row) => [
          row.label,
          `\`${row.request}\``,
          describeCalls(row.calls) + (row.variants.length > 0 ? ` (also seen: ${row.variants.join('; ')})` : ''),
          String(row.calls.length),
          String(row.calls.filter((call) => call.purpose !== 'auth').length),
          row.scans === 0 ? 'none' : `**${row.scans}**`,
          row.targetText,
          row.met === undefined ? '—' : row.met ? 'yes' : '**no**',
          describeBackground(row.after),
        ]),
      ),
      '',
      '**Which call is which.**',
      '',
      '- `GetItem (auth)`: the API-key lookup (`principalForSecret` in `shared/auth/api-keys.ts`, by the SHA-256 of the key)' +
        (authSeen
          ? ', made by the measured requests above. '
          : ': none of the measured requests above made one in steady state: the process already knew the key (a valid key is remembered per process, ' +
            'per Lambda container in AWS, for a while; see `shared/auth/api-keys.ts`), so only a cold container pays it. ') +
        'The `HUB_ADMIN_API_KEY` bootstrap key is compared in memory, so admin requests made with it have no lookup; `GET /health` is public.',
      '- `BatchGetItem (hub settings)`: rate card, service area, capacity and the tenant\'s own rate card in one call (`pricingContext` in ' +
        '`shared/hub/settings.ts`), cached 30 s per process (per Lambda container in AWS). Quotes and direct bookings need it; in steady state it is a cache hit and does not appear. ' +
        'The "cache cold" row empties the cache before each sample (by putting the capacity back unchanged) to show the call once per 30 s per container.',
      '- `GetItem (quote)` / `GetItem (slot)`: a booking from a quote reads the quote (its price and stops, strongly consistent); a booking in a slot reads the slot ' +
        '(its times go into the delivery, and a full or past slot is refused before writing). Neither is a write: the booking itself is one transaction.',
      '- `Query (gsi5: delivery by id)`: couriers (and the hub) do not know which tenant a delivery belongs to, so the delivery is found on the id index; a tenant reads by key (`GetItem (delivery)`).',
      '- `TransactWriteItems (n: …)`: the items of the one transaction: the delivery, its tracking token, the outbox event (relayed to the bus from the table\'s stream), the quote marked booked, the slot unit taken. ' +
        'A position report writes the delivery alone (no lifecycle event), with a conditional `PutItem` rather than a transaction.',
      '- `PutItem (idempotency)` / `UpdateItem (idempotency: store response)`: only with an `Idempotency-Key` header: the key is claimed before and the answer stored after (`shared/http/idempotency.ts`).',
      '- In the background, per event: `PutItem (audit)` by the audit trail; `Query (gsi1: webhook endpoints)` by the webhook dispatch, ' +
        'which reads the tenant\'s endpoints for every delivery event, even when it has none (this tenant has none); and for the events a ' +
        'recipient is told about, the recipient notifier\'s `PutItem (notification claim)`, then `UpdateItem (notification claim)` once ' +
        'sent (`PutItem (notification)` is the local runtime\'s mail outbox; in AWS that e-mail goes to SES instead).',
    ].join('\n');

    return { title: this.title, markdown, checks, failures };
  },
};

/** The consumers' calls, grouped: `PutItem (audit) + Query (gsi1: webhook endpoints)`. */
export function describeBackground(calls: readonly DynamoCall[]): string {
  if (calls.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const call of calls) {
    const text = describeCalls([call]);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts.entries()].map(([text, count]) => (count > 1 ? `${count} × ${text}` : text)).join(' + ');
}
