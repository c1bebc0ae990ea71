import { capacityResults, unitsText, type OperationCost } from './capacity.js';
import { costOf, PRICE_REGION, prices, PRICES_LOOKED_UP, TARGET_REGION, type Price } from './prices.js';
import { table } from './report.js';
import type { BenchContext, Section, SectionResult } from './section.js';

const DELIVERIES = 1000;
/** Every function's memory in the stack (the default; none of the mix's routes sets its own). */
const MEMORY_GB = 512 / 1024;
/** A delivery's requests: what one delivery costs is the sum of these, each operation measured by the capacity section. */
const MIX: ReadonlyArray<{ id: string; count: number; label: string }> = [
  { id: 'quote', count: 1, label: 'quote' },
  { id: 'book-quote', count: 1, label: 'booking (from the quote)' },
  { id: 'assign', count: 1, label: 'assignment to a courier (hub)' },
  { id: 'courier-picked-up', count: 1, label: 'pickup (courier)' },
  { id: 'courier-position', count: 10, label: 'position reports (courier)' },
  { id: 'delivered', count: 1, label: 'delivered (courier)' },
  { id: 'track-page', count: 5, label: 'tracking page views (recipient)' },
];

const usd = (value: number) => (value >= 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(6)}`);
const count = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 }));

interface Line {
  operation: string;
  times: number;
  apiRequests: number;
  invocations: number;
  gbSeconds: number;
  readUnits: number;
  writeUnits: number;
  events: number;
  eventBytes: number;
  emails: number;
  webhookAttempts: number;
  relayInvocations: number;
}

function lineOf(operation: OperationCost, times: number, label: string): Line {
  // Lambda bills each invocation's duration rounded up to the millisecond.
  const requestMs = Math.ceil(operation.requestMs);
  const consumerMs = operation.consumerInvocations > 0 ? Math.ceil(operation.consumerMs) : 0;
  const relayMs = operation.relayInvocations > 0 ? Math.ceil(operation.relayMs) : 0;
  const perRequestMs = requestMs + operation.consumerInvocations * consumerMs + operation.relayInvocations * relayMs;
  return {
    operation: label,
    times,
    apiRequests: times,
    invocations: times * (1 + operation.consumerInvocations + operation.relayInvocations),
    gbSeconds: (times * perRequestMs * MEMORY_GB) / 1000,
    readUnits: times * (operation.readUnits + operation.backgroundReadUnits),
    // The mail outbox item is an SES e-mail in AWS (priced below), not a table write.
    writeUnits: times * (operation.writeUnits + operation.backgroundWriteUnits - operation.mailOutboxWriteUnits),
    events: times * operation.events,
    eventBytes: times * operation.eventBytes,
    emails: times * operation.emails,
    webhookAttempts: times * operation.webhookAttempts,
    relayInvocations: times * operation.relayInvocations,
  };
}

/**
 * What 1,000 deliveries cost on AWS on demand: the capacity section's measured counts per
 * operation, for a delivery's usual requests, priced with the published prices of `prices.ts`.
 */
export const costSection: Section = {
  id: 'cost',
  title: 'Cost of 1,000 deliveries on AWS',
  async run(context: BenchContext): Promise<SectionResult> {
    void context;
    const measured = capacityResults();
    const missing = MIX.filter((item) => !measured?.has(item.id));
    if (!measured || missing.length > 0) {
      return {
        title: this.title,
        markdown: `Not computed: the capacity section did not measure ${missing.map((item) => item.label).join(', ') || 'anything'}.`,
        checks: [],
        failures: [`cost: no measurement of ${missing.map((item) => item.id).join(', ')}`],
      };
    }
    const lines = MIX.map((item) => lineOf(measured.get(item.id) as OperationCost, item.count, item.label));
    const sum = (key: keyof Omit<Line, 'operation'>) => lines.reduce((total, line) => total + line[key], 0);
    const perDelivery = {
      apiRequests: sum('apiRequests'),
      invocations: sum('invocations'),
      gbSeconds: sum('gbSeconds'),
      readUnits: sum('readUnits'),
      writeUnits: sum('writeUnits'),
      events: sum('events'),
      eventBytes: sum('eventBytes'),
      emails: sum('emails'),
      webhookAttempts: sum('webhookAttempts'),
      relayInvocations: sum('relayInvocations'),
    };
    const bill: Array<{ service: string; quantity: number; unit: string; price: Price }> = [
      { service: 'DynamoDB writes', quantity: perDelivery.writeUnits * DELIVERIES, unit: 'WRU', price: prices.dynamoDbWrite },
      { service: 'DynamoDB reads', quantity: perDelivery.readUnits * DELIVERIES, unit: 'RRU', price: prices.dynamoDbRead },
      { service: 'Lambda requests', quantity: perDelivery.invocations * DELIVERIES, unit: 'invocations', price: prices.lambdaRequests },
      { service: 'Lambda duration (arm64, 512 MB)', quantity: perDelivery.gbSeconds * DELIVERIES, unit: 'GB-s', price: prices.lambdaArmGbSecond },
      { service: 'API Gateway (HTTP API)', quantity: perDelivery.apiRequests * DELIVERIES, unit: 'requests', price: prices.apiGatewayHttp },
      { service: 'EventBridge custom events', quantity: perDelivery.events * DELIVERIES, unit: 'events', price: prices.eventBridgeCustomEvents },
      { service: 'EventBridge archive (every event)', quantity: perDelivery.eventBytes * DELIVERIES, unit: 'bytes', price: prices.eventBridgeArchive },
      { service: 'DynamoDB Streams (read by the relay)', quantity: perDelivery.relayInvocations * DELIVERIES, unit: 'relay batches', price: prices.dynamoDbStreamsForLambda },
      { service: 'SES e-mails', quantity: perDelivery.emails * DELIVERIES, unit: 'e-mails', price: prices.sesOutbound },
    ];
    const total = bill.reduce((sumOfCosts, line) => sumOfCosts + costOf(line.price, line.quantity), 0);
    const failures: string[] = [];
    const expectedWebhooks = 2;
    const webhookNote =
      Math.abs(perDelivery.webhookAttempts - expectedWebhooks) < 1e-9
        ? `${expectedWebhooks} webhook attempts per delivery, as measured (pickup and delivered, in the consumers' background work)`
        : `**${unitsText(perDelivery.webhookAttempts)} webhook attempts per delivery measured, not ${expectedWebhooks}**`;
    const dynamoCost = costOf(prices.dynamoDbWrite, perDelivery.writeUnits * DELIVERIES) + costOf(prices.dynamoDbRead, perDelivery.readUnits * DELIVERIES);
    const emailCost = costOf(prices.sesOutbound, perDelivery.emails * DELIVERIES);
    const share = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;
    const requestWrites = MIX.reduce((sumOfUnits, item) => sumOfUnits + item.count * (measured.get(item.id) as OperationCost).writeUnits, 0);
    const indexWrites = MIX.reduce((sumOfUnits, item) => sumOfUnits + item.count * (measured.get(item.id) as OperationCost).indexWriteUnits, 0);
    const biggestWriters = [...lines].sort((a, b) => b.writeUnits - a.writeUnits).slice(0, 3);

    const markdown = [
      `A delivery, as counted here: ${MIX.map((item) => `${item.count} ${item.label}`).join(', ')}; with what each sets off in the background ` +
        `(the outbox relay, the consumers, the recipient's e-mails, ${webhookNote}). Every count is the capacity section's measurement of that operation ` +
        `(per request, averaged), times its number in a delivery, times ${DELIVERIES.toLocaleString('en-US')}.`,
      '',
      `**Region and prices.** The stack deploys to ${TARGET_REGION}; the prices are the published on-demand ones of **${PRICE_REGION}**, looked up on ` +
        `${PRICES_LOOKED_UP} (no Paris figure could be retrieved for these services from the sources at hand: AWS renders its regional tables in the browser). ` +
        'Lambda\'s arm64 rate is the same in eu-west-3 per the price table cited below; the other services\' Paris rates may differ from US East ' +
        '(DynamoDB and API Gateway are often a little dearer outside us-east-1): check the AWS Pricing Calculator for eu-west-3 before quoting a price to members. No free tier is counted.',
      '',
      '**Per delivery, by operation**',
      '',
      table(
        ['requests of a delivery', 'count', 'API requests', 'Lambda invocations (API + consumers + relay)', 'Lambda GB-s', 'RRU', 'WRU', 'events', 'e-mails', 'webhook attempts'],
        [
          ...lines.map((line) => [
            line.operation,
            String(line.times),
            count(line.apiRequests),
            count(line.invocations),
            line.gbSeconds.toFixed(4),
            unitsText(line.readUnits),
            unitsText(line.writeUnits),
            unitsText(line.events),
            unitsText(line.emails),
            unitsText(line.webhookAttempts),
          ]),
          [
            '**one delivery**',
            String(MIX.reduce((n, item) => n + item.count, 0)),
            count(perDelivery.apiRequests),
            count(perDelivery.invocations),
            perDelivery.gbSeconds.toFixed(4),
            unitsText(perDelivery.readUnits),
            unitsText(perDelivery.writeUnits),
            unitsText(perDelivery.events),
            unitsText(perDelivery.emails),
            unitsText(perDelivery.webhookAttempts),
          ],
        ],
      ),
      '',
      `**${DELIVERIES.toLocaleString('en-US')} deliveries**`,
      '',
      table(
        ['service', 'quantity', 'price', 'cost (USD)', 'share'],
        [
          ...bill.map((line) => [
            line.service,
            `${count(Math.round(line.quantity * 100) / 100)} ${line.unit}`,
            line.price.text,
            usd(costOf(line.price, line.quantity)),
            total > 0 ? `${Math.round((costOf(line.price, line.quantity) / total) * 100)} %` : '—',
          ]),
          ['**total**', '', '', `**${usd(total)}**`, '100 %'],
        ],
      ),
      '',
      `That is **${usd(total)} per ${DELIVERIES.toLocaleString('en-US')} deliveries** (${usd(total / DELIVERIES)} per delivery): DynamoDB ${usd(dynamoCost)} ` +
        `(${share(dynamoCost, total)}, nearly all writes) and SES ${usd(emailCost)} (${share(emailCost, total)}) make most of it. Of the ${unitsText(perDelivery.writeUnits)} WRU ` +
        `of a delivery, ${unitsText(requestWrites)} are the requests' own and the rest the consumers' (audit, webhook messages, notification claims, billing ledger); ` +
        `${unitsText(indexWrites)} (${share(indexWrites, perDelivery.writeUnits)} of all) are index copies of the requests' writes. The largest: ` +
        `${biggestWriters.map((line) => `${line.times} × ${line.operation} ${unitsText(line.writeUnits)} WRU (${share(line.writeUnits, perDelivery.writeUnits)})`).join(', ')}.`,
      '',
      '**How each line is computed.**',
      '',
      '- DynamoDB: the capacity units DynamoDB Local reported for the request and for its background work (consumers), less the local mail outbox ' +
        'write (an SES e-mail in AWS); on demand, a WCU is a WRU and an RCU an RRU.',
      `- Lambda: one invocation per API request, one per consumer per matching event, one relay invocation per relayed batch; the duration is the ` +
        'measured local time (rounded up to the ms) at 512 MB: for an API request its median time at the client through the local runtime (an upper bound: it ' +
        'includes the HTTP server), for a consumer the time from the relay\'s PutEvents answer until every consumer of that batch was done (they run in ' +
        'parallel: an upper bound of each), for the relay its PutEvents round trip. Cold starts are not in it: Lambda bills the init phase too, about ' +
        'the cold-start proxy of the section above (~0.07 GB-s, $0.000001, per cold start at 512 MB).',
      ...(MIX.some((item) => (measured.get(item.id) as OperationCost).calls.includes('(auth)'))
        ? []
        : [
            '- API keys: the steady-state counts have no key lookup (a container remembers a valid key for a while, `shared/auth/api-keys.ts`); ' +
              'each cold container, or each key seen after the cache expired, adds one eventually consistent GetItem (0.5 RRU), too little to change the total.',
          ]),
      '- API Gateway: one HTTP API request per API request (all well under 512 KB).',
      '- EventBridge: one custom event per outbox item relayed (each well under 64 KB); the stack also archives every event (`eventBus.archive`), priced by the byte.',
      '- DynamoDB Streams: the relay reads the table stream through its Lambda event source mapping: free.',
      '- SES: one e-mail per recipient notification (booked and delivered, the notifier\'s events).',
      '',
      'Not counted, as they do not grow with deliveries or are outside this measurement: the webhook-retries schedule (a Lambda invocation and a Query every ' +
        'minute, ~43,200 a month, whatever the traffic) and the monthly billing run; table storage and point-in-time recovery; CloudWatch Logs ingestion (INFO ' +
        'logs of every invocation), metrics, alarms and the dashboard; X-Ray traces; the Stripe secret; data transfer out; webhook retries (the receiver here ' +
        'answered at once).',
      '',
      '**Sources of the prices**',
      '',
      table(
        ['price', 'source'],
        Object.values(prices).map((price: Price) => [price.text, price.source]),
      ),
    ].join('\n');

    return { title: this.title, markdown, checks: [], failures };
  },
};
