import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesEventPattern, validateEventPattern, InvalidEventPatternError } from '../../shared/events/pattern.js';
import type { EventRule } from '../../shared/events/rule.js';
import { logger } from '../../shared/logging/logger.js';
import { memoryJournal, type BusJournal, type DeadLetter, type EventEnvelope, type PendingDelivery } from './bus-journal.js';
import { lambdaContext, loadHandler } from './modules.js';

export type { DeadLetter } from './bus-journal.js';

export interface LocalEventBusOptions {
  port: number;
  host?: string;
  busName: string;
  rules: readonly EventRule[];
  region: string;
  /** Delay before retry n is `retryBaseMs * 2^(n-1)`, capped: short locally, so failures show quickly. */
  retryBaseMs?: number;
  retryMaxDelayMs?: number;
  /** Where accepted events wait for their targets, and dead letters stay (memory by default; files under DATA_DIR for `npm start`). */
  journal?: BusJournal;
  /**
   * False while what every target needs is down (DynamoDB Local restarting): deliveries wait
   * without spending their retries, as they would not fail for a reason of their own.
   */
  targetsAvailable?: () => boolean;
}

export interface LocalEventBus {
  endpoint: string;
  port: number;
  /** The events given up on after their retries, oldest first (also `GET /dead-letters`). */
  readonly deadLetters: DeadLetter[];
  /** Delivers what an earlier run accepted and did not finish (call once the targets can run). */
  resumePending(): number;
  /** Puts dead letters back in the queue, all or those of one rule or event (also `POST /dead-letters/replay`). */
  replayDeadLetters(filter?: { rule?: string; eventId?: string }): number;
  /** Resolves when every delivery under way (retries included) has finished. */
  idle(): Promise<void>;
  /** Fault injection for tests: the next `count` PutEvents calls fail as an AWS outage would (500). */
  failNextPutEvents(count: number): void;
  readonly stats: { putEventsCalls: number; putEventsFailedOnPurpose: number };
  stop(): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

class ApiException extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * An EventBridge-compatible endpoint: it speaks the AWS JSON 1.1 protocol of `PutEvents` and
 * `TestEventPattern`, so the real `EventBridgeClient` talks to it (endpoint from
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`). Put events are matched against the shared rules and handed
 * to their target handlers asynchronously, with retries and a dead letter when a target keeps failing.
 */
export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  for (const rule of options.rules) validateEventPattern(rule.pattern);
  const rulesByName = new Map(options.rules.map((rule) => [rule.name, rule]));
  const journal = options.journal ?? memoryJournal();
  const inFlight = new Set<Promise<void>>();
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 5_000;
  let stopping = false;

  const waitForTargets = async () => {
    while (!stopping && options.targetsAvailable && !options.targetsAvailable()) await sleep(Math.min(retryMaxDelayMs, 250));
  };

  /**
   * One event to one target, with the rule's retries. Whatever the outcome, the journal says it:
   * delivered (removed), given up (a dead letter), or still owed when the bus stops (kept, and
   * delivered by the next start).
   */
  const deliver = async (delivery: PendingDelivery) => {
    const rule = rulesByName.get(delivery.rule);
    const { event } = delivery;
    if (!rule) {
      journal.deadLetter(delivery, { rule: delivery.rule, eventId: event.id, detailType: event['detail-type'], attempts: 0, error: 'No such rule any more.', failedAt: new Date().toISOString(), event });
      return;
    }
    const attempts = 1 + rule.target.retryAttempts;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      await waitForTargets();
      if (stopping) return;
      try {
        const handler = await loadHandler(rule.target.handler);
        await handler(event, lambdaContext(rule.name, randomUUID(), (rule.target.timeoutSeconds ?? 30) * 1000));
        journal.delivered(delivery);
        return;
      } catch (error) {
        lastError = error;
        logger.warn('event target failed', { rule: rule.name, eventId: event.id, attempt, error: String(error) });
        if (attempt < attempts) await sleep(Math.min(retryMaxDelayMs, retryBaseMs * 2 ** (attempt - 1)));
      }
    }
    if (stopping) return;
    const deadLetter: DeadLetter = { rule: rule.name, eventId: event.id, detailType: event['detail-type'], attempts, error: String(lastError), failedAt: new Date().toISOString(), event };
    logger.error('event dead-lettered', { rule: rule.name, eventId: event.id, detailType: event['detail-type'], error: deadLetter.error });
    journal.deadLetter(delivery, deadLetter);
  };

  const start = (deliveries: readonly PendingDelivery[]) => {
    for (const delivery of deliveries) {
      const running = deliver(delivery)
        .catch((error: unknown) => logger.error('local bus: delivery not recorded', { rule: delivery.rule, eventId: delivery.event.id, error: String(error) }))
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
  };

  /** Matches the accepted events against the rules and records what each target is owed, before PutEvents answers. */
  const accept = (events: readonly EventEnvelope[]) => {
    const acceptedAt = new Date().toISOString();
    const deliveries = events.flatMap((event) => options.rules.filter((rule) => matchesEventPattern(rule.pattern, event)).map((rule) => ({ rule: rule.name, event, acceptedAt })));
    journal.accept(deliveries);
    start(deliveries);
  };

  let failuresToInject = 0;
  const stats = { putEventsCalls: 0, putEventsFailedOnPurpose: 0 };
  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    PutEvents: (input) => {
      stats.putEventsCalls += 1;
      if (failuresToInject > 0) {
        failuresToInject -= 1;
        stats.putEventsFailedOnPurpose += 1;
        throw new ApiException('InternalException', 'Injected failure: the bus is unavailable.', 500);
      }
      return putEvents(input, options, accept);
    },
    TestEventPattern: (input) => testEventPattern(input),
  };

  const replayDeadLetters = (filter: { rule?: string; eventId?: string } = {}) => {
    const requeued = journal.requeue(filter);
    start(requeued);
    return requeued.length;
  };

  const server = createServer((request, response) => {
    void handle(request, response, actions, { deadLetters: () => journal.deadLetters(), replay: replayDeadLetters });
  });
  const port = await listen(server, options.port, options.host ?? '127.0.0.1');

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get deadLetters() {
      return journal.deadLetters();
    },
    resumePending() {
      const pending = journal.pending();
      if (pending.length > 0) logger.info('local bus: delivering what the last run accepted and did not finish', { count: pending.length });
      start(pending);
      return pending.length;
    },
    replayDeadLetters,
    stats,
    failNextPutEvents(count: number) {
      failuresToInject = count;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      // Deliveries under way finish (a few seconds at most); waiting ones stay in the journal.
      stopping = true;
      await Promise.race([Promise.allSettled([...inFlight]), sleep(5_000)]);
    },
  };
}

function putEvents(input: Record<string, unknown>, options: LocalEventBusOptions, accept: (events: readonly EventEnvelope[]) => void) {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw new ApiException('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
  }
  const forOurBus: EventEnvelope[] = [];
  const results = entries.map((entry: Record<string, unknown>) => {
    const problem = entryProblem(entry);
    if (problem) return { ErrorCode: 'InvalidArgument', ErrorMessage: problem };
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': String(entry.DetailType),
      source: String(entry.Source),
      account: '000000000000',
      time: eventTime(entry.Time),
      region: options.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: JSON.parse(String(entry.Detail)),
    };
    const busName = typeof entry.EventBusName === 'string' ? entry.EventBusName.split('/').at(-1) ?? '' : 'default';
    if (busName === options.busName) forOurBus.push(event);
    return { EventId: event.id };
  });
  // Durably recorded before the answer, as EventBridge does: an acknowledged event is never lost.
  accept(forOurBus);
  return { Entries: results, FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length };
}

function entryProblem(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.Source !== 'string' || entry.Source === '') return 'Parameter Source is not valid. Reason: Source is a required argument.';
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return 'Parameter DetailType is not valid. Reason: DetailType is a required argument.';
  if (typeof entry.Detail !== 'string') return 'Parameter Detail is not valid. Reason: Detail is a required argument.';
  if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) return 'Total size of the entries in the request is over the limit.';
  try {
    const detail: unknown = JSON.parse(entry.Detail);
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return 'Detail is malformed.';
  } catch {
    return 'Detail is malformed.';
  }
  return undefined;
}

/** The SDK sends `Time` as epoch seconds; EventBridge shows it to the nearest second, in UTC. */
function eventTime(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function testEventPattern(input: Record<string, unknown>) {
  if (typeof input.EventPattern !== 'string') throw new ApiException('ValidationException', 'EventPattern is a required parameter.');
  if (typeof input.Event !== 'string') throw new ApiException('ValidationException', 'Event is a required parameter.');
  validateEventPattern(input.EventPattern);
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw new ApiException('ValidationException', 'Parameter Event is not valid.');
  }
  // The API reference also lists `resources`, but AWS answers events without it (the CLI reference's own
  // test-event-pattern example has none, and so do AWS-validated TestEventPattern cases), as PutEvents makes
  // Resources optional: only these fields are really required.
  const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
  if (event === null || typeof event !== 'object' || required.some((field) => !(field in event))) {
    throw new ApiException('ValidationException', `Parameter Event is not valid. Mandatory fields: ${required.join(', ')}.`);
  }
  return { Result: matchesEventPattern(input.EventPattern, event) };
}

interface DeadLetterAccess {
  deadLetters(): DeadLetter[];
  replay(filter: { rule?: string; eventId?: string }): number;
}

async function handle(request: IncomingMessage, response: ServerResponse, actions: Record<string, (input: Record<string, unknown>) => unknown>, letters: DeadLetterAccess) {
  const send = (status: number, body: unknown, type = 'application/x-amz-json-1.1') => {
    response.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID() });
    response.end(JSON.stringify(body));
  };
  try {
    if (request.method === 'GET' && request.url === '/dead-letters') return send(200, { deadLetters: letters.deadLetters() }, 'application/json');
    if (request.method === 'POST' && request.url === '/dead-letters/replay') {
      const body = await readBody(request);
      let filter: { rule?: unknown; eventId?: unknown } = {};
      try {
        filter = body.trim() === '' ? {} : (JSON.parse(body) as typeof filter);
      } catch {
        return send(400, { message: 'The body must be JSON: {"rule"?: "...", "eventId"?: "..."}.' }, 'application/json');
      }
      const replayed = letters.replay({
        ...(typeof filter.rule === 'string' ? { rule: filter.rule } : {}),
        ...(typeof filter.eventId === 'string' ? { eventId: filter.eventId } : {}),
      });
      return send(202, { replayed }, 'application/json');
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = actions[target.replace(/^AWSEvents\./, '')];
    if (request.method !== 'POST' || !target.startsWith('AWSEvents.') || !action) {
      return send(400, { __type: 'UnknownOperationException', message: `Operation ${target || request.method} is not supported by the local bus.` });
    }
    const body = await readBody(request);
    let input: unknown;
    try {
      input = JSON.parse(body.length === 0 ? '{}' : body);
    } catch {
      return send(400, { __type: 'SerializationException', message: 'Request body is not valid JSON.' });
    }
    send(200, action(input as Record<string, unknown>));
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return send(400, { __type: 'InvalidEventPatternException', message: error.message });
    if (error instanceof ApiException) return send(error.status, { __type: error.type, message: error.message });
    logger.error('local bus failed', { error: String(error) });
    send(500, { __type: 'InternalException', message: 'Internal error in the local bus.' });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.removeListener('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
