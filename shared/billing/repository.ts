import { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { withoutTableAttributes } from '../db/items.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import type { OutboxEntry } from '../events/outbox.js';
import { isId } from '../ids.js';
import type { BillableLine } from './ledger.js';
import { formatInvoiceNumber } from './numbering.js';
import type { InvoiceRecord, StripeSync } from './schemas.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const LINE = 'billable_line';
const INVOICE = 'invoice';
/** A claim transaction: one ConditionCheck on the invoice plus at most 99 lines (the limit is 100 items). */
export const CLAIM_BATCH = 99;
const MAX_CONFLICT_RETRIES = 10;

const strip = <T>(item: Item): T => withoutTableAttributes<T>(item);

const backoff = (attempt: number) => {
  const delay = Math.min(1000, 15 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
};

/**
 * One TransactWriteItems. Contention with another transaction on the same items is retried with
 * jittered backoff; a failed condition is answered with the index of every item whose condition
 * failed, so the caller can drop exactly those (a claim batch drops the lines someone else took).
 */
async function transactWrite(items: TransactItem[]): Promise<{ ok: true } | { ok: false; failed: number[] }> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
      if (failed.length > 0) return { ok: false, failed };
      const contended = reasons.length === 0 || reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!contended || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await backoff(attempt);
    }
  }
}

/** A single-item write that meets a transaction in progress on its item is retried, like a transaction. */
async function retryingConflicts<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof TransactionConflictException) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await backoff(attempt);
    }
  }
}

async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await db().send(new QueryCommand({ TableName: config.tableName, ...input, ExclusiveStartKey: start }));
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start);
  return items;
}

/** `SET #a = :a, ...` (nested names as `stripe.status`) and `REMOVE`, with placeholders for every name. */
function updateExpression(set: Record<string, unknown>, remove: string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const path = (name: string) =>
    name
      .split('.')
      .map((part) => {
        const placeholder = `#${part}`;
        names[placeholder] = part;
        return placeholder;
      })
      .join('.');
  const sets = Object.entries(set).map(([name, value], index) => {
    values[`:s${index}`] = value;
    return `${path(name)} = :s${index}`;
  });
  const removes = remove.map(path);
  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

function invoiceItem(record: InvoiceRecord): Item {
  return { ...keys.invoice(record.tenantId, record.id), ...keys.invoiceIndexes(record), entity: INVOICE, ...record };
}

export type IssueOutcome = { kind: 'issued'; invoice: InvoiceRecord } | { kind: 'already_issued' };

export const billingRepository = {
  // ---- Ledger lines ----------------------------------------------------------------------

  /** Records a line once: a redelivered event (or a second event for the same delivery) changes nothing. */
  async putLine(line: BillableLine): Promise<boolean> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.billableLine(line.tenantId, line.period, line.id), entity: LINE, ...line },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  /** Every line of a tenant's period, read consistently: what a run sees is what is committed. */
  async listLines(tenantId: string, period: string): Promise<BillableLine[]> {
    const { pk } = keys.billablePeriod(tenantId, period);
    const items = await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :line)', ExpressionAttributeValues: { ':pk': pk, ':line': 'LINE#' }, ConsistentRead: true });
    return items.filter((item) => item.entity === LINE).map((item) => strip<BillableLine>(item));
  },

  /**
   * Claims lines for a draft invoice, in transactions of one ConditionCheck (the invoice is still
   * collecting) and up to 99 conditional updates (`attribute_not_exists(invoiceId)`). A line that
   * another invoice took first fails its condition: it is dropped and the rest retried. When the
   * invoice itself is no longer collecting, or a whole batch was taken by another run, claiming stops.
   */
  async claimLines(tenantId: string, period: string, invoiceId: string, lineIds: readonly string[], now: Date): Promise<{ claimed: string[]; lost: string[]; closed: boolean }> {
    const claimed: string[] = [];
    const lost: string[] = [];
    for (let start = 0; start < lineIds.length; start += CLAIM_BATCH) {
      let batch = lineIds.slice(start, start + CLAIM_BATCH);
      while (batch.length > 0) {
        const items: TransactItem[] = [
          {
            ConditionCheck: {
              TableName: config.tableName,
              Key: keys.invoice(tenantId, invoiceId),
              ConditionExpression: '#status = :draft AND #assembly = :collecting',
              ExpressionAttributeNames: { '#status': 'status', '#assembly': 'assembly' },
              ExpressionAttributeValues: { ':draft': 'draft', ':collecting': 'collecting' },
            },
          },
          ...batch.map((id) => ({
            Update: {
              TableName: config.tableName,
              Key: keys.billableLine(tenantId, period, id),
              UpdateExpression: 'SET #invoiceId = :invoiceId, #claimedAt = :now',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#invoiceId)',
              ExpressionAttributeNames: { '#invoiceId': 'invoiceId', '#claimedAt': 'claimedAt' },
              ExpressionAttributeValues: { ':invoiceId': invoiceId, ':now': now.toISOString() },
            },
          })),
        ];
        const result = await transactWrite(items);
        if (result.ok) {
          claimed.push(...batch);
          break;
        }
        if (result.failed.includes(0)) return { claimed, lost, closed: true };
        const failed = new Set(result.failed.map((index) => batch[index - 1]));
        lost.push(...batch.filter((id) => failed.has(id)));
        // Every line of the batch went to another invoice: another run is billing this tenant
        // right now, from the same list. Leave the rest to it rather than split the month
        // across two invoices (anything it does not take stays free for the next run).
        if (failed.size === batch.length) return { claimed, lost: [...lost, ...lineIds.slice(start + CLAIM_BATCH)], closed: false };
        batch = batch.filter((id) => !failed.has(id));
      }
    }
    return { claimed, lost, closed: false };
  },

  // ---- Invoices --------------------------------------------------------------------------

  async getInvoice(tenantId: string, invoiceId: string): Promise<InvoiceRecord | undefined> {
    if (!isId('tenant', tenantId) || !isId('invoice', invoiceId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.invoice(tenantId, invoiceId), ConsistentRead: true }));
    return Item?.entity === INVOICE ? strip<InvoiceRecord>(Item) : undefined;
  },

  /** Any tenant's invoice by id (the accountant's view): the id index, then a consistent read. */
  async findInvoice(invoiceId: string): Promise<InvoiceRecord | undefined> {
    if (!isId('invoice', invoiceId)) return undefined;
    const { gsi5pk } = keys.invoiceById(invoiceId);
    const { Items } = await db().send(
      new QueryCommand({ TableName: config.tableName, IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :id', ExpressionAttributeValues: { ':id': gsi5pk }, Limit: 1 }),
    );
    const item = Items?.[0];
    if (item?.entity !== INVOICE) return undefined;
    return this.getInvoice(String(item.tenantId), invoiceId);
  },

  /** A new draft; false when it exists already (a retried run resumes it). */
  async createDraft(record: InvoiceRecord): Promise<boolean> {
    try {
      await db().send(new PutCommand({ TableName: config.tableName, Item: invoiceItem(record), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  /** Freezes a draft's line set: from now on no claim can commit against it. Idempotent. */
  async closeDraft(tenantId: string, invoiceId: string, now: Date): Promise<void> {
    try {
      await retryingConflicts(() =>
        db().send(
          new UpdateCommand({
            TableName: config.tableName,
            Key: keys.invoice(tenantId, invoiceId),
            UpdateExpression: 'SET #assembly = :closed, #updatedAt = :now',
            ConditionExpression: '#status = :draft AND #assembly = :collecting',
            ExpressionAttributeNames: { '#assembly': 'assembly', '#status': 'status', '#updatedAt': 'updatedAt' },
            ExpressionAttributeValues: { ':closed': 'closed', ':draft': 'draft', ':collecting': 'collecting', ':now': now.toISOString() },
          }),
        ),
      );
    } catch (error) {
      // Closed already, or issued by someone else: either way the line set is frozen.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },

  /** A closed draft that ended up with no line: removed, no number was ever taken for it. */
  async deleteEmptyDraft(tenantId: string, invoiceId: string): Promise<void> {
    try {
      await db().send(
        new DeleteCommand({
          TableName: config.tableName,
          Key: keys.invoice(tenantId, invoiceId),
          ConditionExpression: '#status = :draft AND #assembly = :closed',
          ExpressionAttributeNames: { '#status': 'status', '#assembly': 'assembly' },
          ExpressionAttributeValues: { ':draft': 'draft', ':closed': 'closed' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },

  /**
   * Numbers and issues a closed draft, in ONE transaction with the series counter and the
   * `invoice.issued` outbox item. The counter is read, then written on the condition that it
   * still holds what was read (so two invoices never get one number), and the invoice on the
   * condition that it is still a closed draft (so an invoice never gets two numbers). All or
   * nothing: a number is never taken without its invoice, hence no gap. Issue times never go
   * back along the series (chronological numbering), whatever the callers' clocks.
   */
  async issue(
    draft: InvoiceRecord,
    series: string,
    now: Date,
    complete: (numbered: { number: string; issuedAt: string }) => { invoice: InvoiceRecord; event: OutboxEntry },
  ): Promise<IssueOutcome> {
    const counterKey = keys.invoiceCounter(series);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const { Item: counter } = await db().send(new GetCommand({ TableName: config.tableName, Key: counterKey, ConsistentRead: true }));
      const last = typeof counter?.last === 'number' ? counter.last : 0;
      const lastIssuedAt = typeof counter?.lastIssuedAt === 'string' ? counter.lastIssuedAt : undefined;
      const issuedAt = lastIssuedAt !== undefined && lastIssuedAt > now.toISOString() ? lastIssuedAt : now.toISOString();
      const number = formatInvoiceNumber(series, last + 1);
      const { invoice, event } = complete({ number, issuedAt });
      const { id, tenantId, ...fields } = invoice;
      void id;
      void tenantId;
      const { assembly: _assembly, ...issuedFields } = fields;
      void _assembly;
      const update = updateExpression(issuedFields as Record<string, unknown>, ['assembly']);
      const items: TransactItem[] = [
        counter === undefined
          ? {
              Put: {
                TableName: config.tableName,
                Item: { ...counterKey, entity: 'invoice_counter', series, last: 1, lastIssuedAt: issuedAt, lastInvoiceId: invoice.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : {
              Update: {
                TableName: config.tableName,
                Key: counterKey,
                UpdateExpression: 'SET #last = :next, #lastIssuedAt = :issuedAt, #lastInvoiceId = :invoiceId',
                ConditionExpression: '#last = :last',
                ExpressionAttributeNames: { '#last': 'last', '#lastIssuedAt': 'lastIssuedAt', '#lastInvoiceId': 'lastInvoiceId' },
                ExpressionAttributeValues: { ':next': last + 1, ':last': last, ':issuedAt': issuedAt, ':invoiceId': invoice.id },
              },
            },
        {
          Update: {
            TableName: config.tableName,
            Key: keys.invoice(invoice.tenantId, invoice.id),
            ...update,
            ConditionExpression: '#status = :draftStatus AND #assembly = :closedAssembly',
            ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#assembly': 'assembly' },
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':draftStatus': 'draft', ':closedAssembly': 'closed' },
          },
        },
        { Put: event.put },
      ];
      const result = await transactWrite(items);
      if (result.ok) return { kind: 'issued', invoice };
      if (result.failed.includes(1)) return { kind: 'already_issued' };
      // The counter moved (another invoice took that number): read it again.
      await backoff(Math.min(attempt, 5));
    }
    throw new Error(`Could not number invoice ${draft.id}: the series counter kept moving.`);
  },

  /**
   * An event that goes with no state change (a run's request for a Stripe push): its outbox item
   * alone, one conditional `PutItem`, relayed to the bus from the stream like every event.
   */
  async writeEvent(event: OutboxEntry): Promise<void> {
    await db().send(new PutCommand(event.put));
  },

  /** Field updates of an issued invoice's Stripe state (checkpoints of a push). */
  async updateStripe(tenantId: string, invoiceId: string, patch: Partial<StripeSync>, now: Date): Promise<void> {
    const set: Record<string, unknown> = { updatedAt: now.toISOString() };
    for (const [name, value] of Object.entries(patch)) set[`stripe.${name}`] = value;
    await retryingConflicts(() =>
      db().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.invoice(tenantId, invoiceId),
          ...updateExpression(set),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  },

  /**
   * Applies a Stripe webhook event: the dedupe marker, the invoice fields (on the condition that
   * its status is still the one the change was decided from) and, when it becomes paid, the
   * `invoice.paid` outbox item, in one transaction. Answers `duplicate` for an event seen before
   * and `conflict` when the invoice changed meanwhile (the caller decides again).
   */
  async applyStripeEvent(
    invoice: InvoiceRecord,
    stripeEventId: string,
    set: Record<string, unknown>,
    event: OutboxEntry | undefined,
    now: Date,
  ): Promise<'applied' | 'duplicate' | 'conflict'> {
    const marker: TransactItem = {
      Put: {
        TableName: config.tableName,
        Item: { ...keys.stripeEvent(stripeEventId), entity: 'stripe_event', invoiceId: invoice.id, tenantId: invoice.tenantId, receivedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + 90 * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const items: TransactItem[] = [marker];
    if (Object.keys(set).length > 0) {
      const update = updateExpression({ ...set, updatedAt: now.toISOString() });
      items.push({
        Update: {
          TableName: config.tableName,
          Key: keys.invoice(invoice.tenantId, invoice.id),
          ...update,
          ConditionExpression: '#status = :expectedStatus',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expectedStatus': invoice.status },
        },
      });
    }
    if (event) items.push({ Put: event.put });
    const result = await transactWrite(items);
    if (result.ok) return 'applied';
    return result.failed.includes(0) ? 'duplicate' : 'conflict';
  },

  /** Marks a Stripe event as seen without changing any invoice (not ours, or nothing to change). */
  async markStripeEvent(stripeEventId: string, now: Date): Promise<boolean> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.stripeEvent(stripeEventId), entity: 'stripe_event', receivedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + 90 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async listInvoicesPage(period: string, tenantId: string | undefined, page: PageRequest): Promise<Page<InvoiceRecord>> {
    const result =
      tenantId === undefined
        ? await queryPage({ index: 'gsi1', partition: keys.periodInvoices(period), page })
        : await queryPage({ index: 'gsi2', partition: keys.tenantPeriodInvoices(tenantId, period), page });
    return { ...result, data: result.data.filter((item) => item.entity === INVOICE).map((item) => strip<InvoiceRecord>(item)) };
  },

  /** Every invoice of a period, all tenants (runs, reconciliation, exports). */
  async listPeriodInvoices(period: string): Promise<InvoiceRecord[]> {
    const { gsi1pk } = keys.periodInvoices(period);
    const items = await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': gsi1pk } });
    return items.filter((item) => item.entity === INVOICE).map((item) => strip<InvoiceRecord>(item));
  },

  async listTenantPeriodInvoices(tenantId: string, period: string): Promise<InvoiceRecord[]> {
    const { gsi2pk } = keys.tenantPeriodInvoices(tenantId, period);
    const items = await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': gsi2pk } });
    return items.filter((item) => item.entity === INVOICE).map((item) => strip<InvoiceRecord>(item));
  },

  // ---- Runs ------------------------------------------------------------------------------

  /**
   * The run id stored under `name`, or `fresh` stored there now: a retry within `ttlSeconds`
   * keeps its run id (and so its invoice ids); a later request under the same name is a new run.
   */
  async runIdFor(name: string, fresh: string, now: Date, ttlSeconds: number): Promise<string> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.billingRunMarker(name), entity: 'billing_run_marker', runId: fresh, createdAt: now.toISOString(), ttl: nowSeconds + ttlSeconds },
          // DynamoDB deletes expired items lazily: an expired marker counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return fresh;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.billingRunMarker(name), ConsistentRead: true }));
      return String(Item?.runId);
    }
  },

  async getRun(runId: string): Promise<Item | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.billingRun(runId), ConsistentRead: true }));
    return Item;
  },

  async startRun(run: { id: string; period: string; trigger: string; startedAt: string }): Promise<{ startedAt: string }> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.billingRun(run.id), entity: 'billing_run', ...run, status: 'running', attempts: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { startedAt: run.startedAt };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // A retried run: keep its first start time (its invoice ids derive from it).
      const { Attributes } = await db().send(
        new UpdateCommand({ TableName: config.tableName, Key: keys.billingRun(run.id), UpdateExpression: 'ADD attempts :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' }),
      );
      return { startedAt: String(Attributes?.startedAt ?? run.startedAt) };
    }
  },

  async completeRun(runId: string, invoiceIds: string[], now: Date): Promise<void> {
    await db().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.billingRun(runId),
        UpdateExpression: 'SET #status = :completed, completedAt = :now, invoiceIds = :ids',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': 'completed', ':now': now.toISOString(), ':ids': invoiceIds },
      }),
    );
  },

  // ---- Stripe references -----------------------------------------------------------------

  async getStripeCustomer(tenantId: string): Promise<string | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.stripeCustomer(tenantId), ConsistentRead: true }));
    return typeof Item?.customerId === 'string' ? Item.customerId : undefined;
  },

  /** Keeps the first customer id stored for a tenant and answers it (two racing pushes agree). */
  async saveStripeCustomer(tenantId: string, customerId: string, now: Date): Promise<string> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.stripeCustomer(tenantId), entity: 'stripe_customer', customerId, createdAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return customerId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getStripeCustomer(tenantId)) ?? customerId;
    }
  },

  async getStripeTaxRate(basisPoints: number): Promise<string | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.hubSetting(`stripe-tax-rate-${basisPoints}`), ConsistentRead: true }));
    return typeof Item?.value === 'string' ? Item.value : undefined;
  },

  async saveStripeTaxRate(basisPoints: number, taxRateId: string, now: Date): Promise<string> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.hubSetting(`stripe-tax-rate-${basisPoints}`), entity: 'setting', value: taxRateId, updatedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return taxRateId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getStripeTaxRate(basisPoints)) ?? taxRateId;
    }
  },
};
