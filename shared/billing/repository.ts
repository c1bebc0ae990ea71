import { anyOf, changes, defineEntity, itemAbsent, tenantKey, type Expression } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { transact, waitBeforeRetry, writeIf, writeOne } from '../db/transact.js';
import type { OutboxEntry } from '../events/outbox.js';
import { settingRepository } from '../hub/repository.js';
import { isId } from '../ids.js';
import type { BillableLine } from './ledger.js';
import { formatInvoiceNumber } from './numbering.js';
import type { SettlementChange } from './settlement.js';
import { periodOf } from './period.js';
import type { CreditNote, InvoiceRecord, Payment, StripeSync } from './schemas.js';

/** A claim transaction: one ConditionCheck on the invoice plus at most 99 lines (the limit is 100 items). */
export const CLAIM_BATCH = 99;

/**
 * A tenant's billable lines of one period share a partition, read with consistent Queries by
 * billing runs (which line is still free is decided there).
 */
const billingPeriod = (tenantId: string, period: string) => `${tenantKey(tenantId)}#BILL#${period}`;

export const billableLines = defineEntity<BillableLine, Pick<BillableLine, 'tenantId' | 'period' | 'id'>>({
  name: 'billable_line',
  key: ({ tenantId, period, id }) => ({ pk: billingPeriod(tenantId, period), sk: `LINE#${id}` }),
});

/** Invoices are listed by period hub-wide (gsi1) or per tenant and period (gsi2), and found by id (gsi5). */
const periodInvoices = (period: string) => `BILLING#INV#${period}`;
const tenantPeriodInvoices = (tenantId: string, period: string) => `${tenantKey(tenantId)}#INV#${period}`;

const invoicePartition = (tenantId: string, invoiceId: string) => `${tenantKey(tenantId)}#INV#${invoiceId}`;
/** Invoices that may still be paid (open, uncollectible), by due date: follow-up and `status=open|overdue` lists. */
const OPEN_INVOICES = 'BILLING#OPEN';
const tenantOpenInvoices = (tenantId: string) => `${tenantKey(tenantId)}#OPEN`;
/** Issued invoices by number (bank statements name invoices by their number). */
const invoiceNumberKey = (number: string) => `BILLING#NUM#${number}`;

/**
 * The index keys that follow an invoice's state, set (or removed) by every write that changes
 * it: gsi3 lists the invoices still to be paid (hub-wide, by due date), gsi4 finds an issued
 * invoice by its number (and lists a tenant's open ones, gsi4sk).
 */
export function invoiceStateIndexes(invoice: Pick<InvoiceRecord, 'tenantId' | 'id' | 'status' | 'dueDate' | 'number'>): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  if ((invoice.status === 'open' || invoice.status === 'uncollectible') && invoice.dueDate !== null) {
    set.gsi3pk = OPEN_INVOICES;
    set.gsi3sk = `${invoice.dueDate}#${invoice.id}`;
  } else remove.push('gsi3pk', 'gsi3sk');
  if (invoice.number !== null) {
    set.gsi4pk = invoiceNumberKey(invoice.number);
    set.gsi4sk = invoice.status === 'open' || invoice.status === 'uncollectible' ? tenantOpenInvoices(invoice.tenantId) : `${tenantKey(invoice.tenantId)}#SETTLED`;
  }
  return { set, remove };
}

export const invoices = defineEntity<InvoiceRecord, Pick<InvoiceRecord, 'tenantId' | 'id'>>({
  name: 'invoice',
  key: ({ tenantId, id }) => ({ pk: invoicePartition(tenantId, id), sk: 'INVOICE' }),
  indexes: (invoice) => ({
    gsi1pk: periodInvoices(invoice.period),
    gsi1sk: invoice.id,
    gsi2pk: tenantPeriodInvoices(invoice.tenantId, invoice.period),
    gsi2sk: invoice.id,
    gsi5pk: invoice.id,
    gsi5sk: 'INVOICE',
    ...invoiceStateIndexes(invoice).set,
  }),
});

/** Payments live beside their invoice; listed by month received (gsi1), per tenant (gsi2), found by id (gsi5). */
export const payments = defineEntity<Payment, Pick<Payment, 'tenantId' | 'invoiceId' | 'id'>>({
  name: 'payment',
  key: ({ tenantId, invoiceId, id }) => ({ pk: invoicePartition(tenantId, invoiceId), sk: `PAYMENT#${id}` }),
  indexes: (payment) => ({
    gsi1pk: `BILLING#PAY#${payment.date.slice(0, 7)}`,
    gsi1sk: `${payment.date}#${payment.id}`,
    gsi2pk: `${tenantKey(payment.tenantId)}#PAY`,
    gsi2sk: `${payment.date}#${payment.id}`,
    gsi5pk: payment.id,
    gsi5sk: 'PAYMENT',
  }),
});

/** Credit notes live beside their invoice; listed by month issued (gsi1), per tenant (gsi2), found by id (gsi5). */
export const creditNotes = defineEntity<CreditNote, Pick<CreditNote, 'tenantId' | 'invoiceId' | 'id'>>({
  name: 'credit_note',
  key: ({ tenantId, invoiceId, id }) => ({ pk: invoicePartition(tenantId, invoiceId), sk: `CREDIT#${id}` }),
  indexes: (note) => ({
    gsi1pk: `BILLING#CRN#${periodOf(note.issuedAt)}`,
    gsi1sk: note.id,
    gsi2pk: `${tenantKey(note.tenantId)}#CRN`,
    gsi2sk: note.id,
    gsi5pk: note.id,
    gsi5sk: 'CREDIT_NOTE',
  }),
});

interface InvoiceCounter {
  series: string;
  last: number;
  lastIssuedAt: string;
  lastInvoiceId: string;
}

/** The gapless counter of one invoice number series (`F2026`). */
export const invoiceCounters = defineEntity<InvoiceCounter, Pick<InvoiceCounter, 'series'>>({
  name: 'invoice_counter',
  key: ({ series }) => ({ pk: `BILLING#SERIES#${series}`, sk: 'COUNTER' }),
});

interface StoredRun {
  id: string;
  period: string;
  trigger: string;
  startedAt: string;
  status: 'running' | 'completed';
  attempts: number;
  completedAt?: string;
  invoiceIds?: string[];
}

export const billingRuns = defineEntity<StoredRun, Pick<StoredRun, 'id'>>({
  name: 'billing_run',
  key: ({ id }) => ({ pk: `BILLING#RUN#${id}`, sk: 'RUN' }),
});

interface RunMarker {
  name: string;
  runId: string;
  createdAt: string;
  /** Epoch seconds: until then, a retry under the same name resumes this run. */
  expiresAt: number;
}

/** Gives a retried run (same schedule period, same Idempotency-Key) the same run id. */
export const billingRunMarkers = defineEntity<RunMarker, Pick<RunMarker, 'name'>>({
  name: 'billing_run_marker',
  key: ({ name }) => ({ pk: `BILLING#RUNKEY#${name}`, sk: 'RUNKEY' }),
  stored: ({ runId, createdAt }) => ({ runId, createdAt }),
  ttl: ({ expiresAt }) => expiresAt,
});

export const stripeCustomers = defineEntity<{ tenantId: string; customerId: string; createdAt: string }, { tenantId: string }>({
  name: 'stripe_customer',
  key: ({ tenantId }) => ({ pk: tenantKey(tenantId), sk: 'STRIPE_CUSTOMER' }),
  stored: ({ customerId, createdAt }) => ({ customerId, createdAt }),
});

interface StripeEventMarker {
  id: string;
  invoiceId?: string;
  tenantId?: string;
  receivedAt: string;
}

/** Stripe webhook events already applied (Stripe delivers at least once, in any order). */
export const stripeEvents = defineEntity<StripeEventMarker, Pick<StripeEventMarker, 'id'>>({
  name: 'stripe_event',
  key: ({ id }) => ({ pk: `STRIPE#EVT#${id}`, sk: 'STRIPE_EVENT' }),
  stored: ({ id: _id, ...marker }) => marker,
  // Longer than Stripe retries an event (3 days).
  ttl: ({ receivedAt }) => Math.floor(Date.parse(receivedAt) / 1000) + 90 * 86_400,
});

/** The Stripe tax rate made for one VAT rate, among the hub's settings. */
const taxRateSetting = (basisPoints: number) => ({ hub: `stripe-tax-rate-${basisPoints}` });

const invoiceIs = (status: string, assembly: string, suffix: string): Expression => ({
  expression: `#status = :status${suffix} AND #assembly = :assembly${suffix}`,
  names: { '#status': 'status', '#assembly': 'assembly' },
  values: { [`:status${suffix}`]: status, [`:assembly${suffix}`]: assembly },
});
/** A draft still collecting its lines: claims may commit against it. */
const collecting = invoiceIs('draft', 'collecting', 'Collecting');
/** A draft whose line set is frozen: it may be numbered, or removed if empty. */
const closedDraft = invoiceIs('draft', 'closed', 'Closed');

class Refused extends Error {
  constructor(readonly failed: number[]) {
    super('refused');
  }
}

/** One transaction whose refusal is an answer: every item whose condition failed, so the caller can drop exactly those. */
async function transactOrRefused(items: TransactItem[]): Promise<{ ok: true } | { ok: false; failed: number[] }> {
  try {
    await transact(items, ({ failed }) => new Refused(failed));
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, failed: error.failed };
    throw error;
  }
}

export type IssueOutcome = { kind: 'issued'; invoice: InvoiceRecord } | { kind: 'already_issued' };

export const billingRepository = {
  // ---- Ledger lines ----------------------------------------------------------------------

  /** Records a line once: a redelivered event (or a second event for the same delivery) changes nothing. */
  async putLine(line: BillableLine): Promise<boolean> {
    return writeIf(billableLines.create(line));
  },

  /** Every line of a tenant's period, read consistently: what a run sees is what is committed. */
  async listLines(tenantId: string, period: string): Promise<BillableLine[]> {
    return billableLines.queryAll({ partition: { pk: billingPeriod(tenantId, period) }, range: { beginsWith: 'LINE#' }, consistent: true });
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
    const unclaimed: Expression = { expression: 'attribute_not_exists(#invoiceId)', names: { '#invoiceId': 'invoiceId' } };
    for (let start = 0; start < lineIds.length; start += CLAIM_BATCH) {
      let batch = lineIds.slice(start, start + CLAIM_BATCH);
      while (batch.length > 0) {
        const items: TransactItem[] = [
          invoices.check({ tenantId, id: invoiceId }, collecting),
          ...batch.map((id) => billableLines.update({ tenantId, period, id }, changes({ set: { invoiceId, claimedAt: now.toISOString() } }), unclaimed)),
        ];
        const result = await transactOrRefused(items);
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
    return invoices.get({ tenantId, id: invoiceId }, { consistent: true });
  },

  /** Any tenant's invoice by id (the accountant's view): the id index, then a consistent read. */
  async findInvoice(invoiceId: string): Promise<InvoiceRecord | undefined> {
    if (!isId('invoice', invoiceId)) return undefined;
    const [found] = await invoices.queryAll({ partition: { gsi5pk: invoiceId }, limit: 1 });
    if (!found) return undefined;
    return this.getInvoice(found.tenantId, invoiceId);
  },

  /** A new draft; false when it exists already (a retried run resumes it). */
  async createDraft(record: InvoiceRecord): Promise<boolean> {
    return writeIf(invoices.create(record));
  },

  /** Freezes a draft's line set: from now on no claim can commit against it. Idempotent. */
  async closeDraft(tenantId: string, invoiceId: string, now: Date): Promise<void> {
    // Refused: closed already, or issued by someone else; either way the line set is frozen.
    await writeIf(invoices.update({ tenantId, id: invoiceId }, changes({ set: { assembly: 'closed', updatedAt: now.toISOString() } }), collecting));
  },

  /** A closed draft that ended up with no line: removed, no number was ever taken for it. */
  async deleteEmptyDraft(tenantId: string, invoiceId: string): Promise<void> {
    await writeIf(invoices.delete({ tenantId, id: invoiceId }, closedDraft));
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
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const counter = await invoiceCounters.get({ series }, { consistent: true });
      const last = typeof counter?.last === 'number' ? counter.last : 0;
      const lastIssuedAt = typeof counter?.lastIssuedAt === 'string' ? counter.lastIssuedAt : undefined;
      const issuedAt = lastIssuedAt !== undefined && lastIssuedAt > now.toISOString() ? lastIssuedAt : now.toISOString();
      const number = formatInvoiceNumber(series, last + 1);
      const { invoice, event } = complete({ number, issuedAt });
      const { id: _id, tenantId: _tenantId, assembly: _assembly, ...issuedFields } = invoice;
      const next = { series, last: last + 1, lastIssuedAt: issuedAt, lastInvoiceId: invoice.id };
      const items: TransactItem[] = [
        counter === undefined
          ? invoiceCounters.create(next)
          : invoiceCounters.update(
              { series },
              changes({ set: { last: next.last, lastIssuedAt: issuedAt, lastInvoiceId: invoice.id } }),
              { expression: '#last = :last', names: { '#last': 'last' }, values: { ':last': last } },
            ),
        invoices.update(invoice, changes({ set: { ...issuedFields, ...invoiceStateIndexes(invoice).set }, remove: ['assembly'] }), closedDraft),
        event.create,
      ];
      const result = await transactOrRefused(items);
      if (result.ok) return { kind: 'issued', invoice };
      if (result.failed.includes(1)) return { kind: 'already_issued' };
      // The counter moved (another invoice took that number): read it again.
      await waitBeforeRetry(Math.min(attempt, 5));
    }
    throw new Error(`Could not number invoice ${draft.id}: the series counter kept moving.`);
  },

  /**
   * An event that goes with no state change (a run's request for a Stripe push): its outbox item
   * alone, one conditional `PutItem`, relayed to the bus from the stream like every event.
   */
  async writeEvent(event: OutboxEntry): Promise<void> {
    await writeOne(event.create, () => new Error(`event ${event.detail.id} exists already`));
  },

  /** Field updates of an issued invoice's Stripe state (checkpoints of a push). */
  async updateStripe(tenantId: string, invoiceId: string, patch: Partial<StripeSync>, now: Date): Promise<void> {
    const set: Record<string, unknown> = { updatedAt: now.toISOString() };
    for (const [name, value] of Object.entries(patch)) set[`stripe.${name}`] = value;
    await writeOne(invoices.update({ tenantId, id: invoiceId }, changes({ set })), () => new Error(`No invoice ${invoiceId} to update`));
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
    payment?: Payment,
  ): Promise<'applied' | 'duplicate' | 'conflict'> {
    const items: TransactItem[] = [stripeEvents.create({ id: stripeEventId, invoiceId: invoice.id, tenantId: invoice.tenantId, receivedAt: now.toISOString() })];
    if (Object.keys(set).length > 0) {
      const decidedFrom: Expression = {
        expression: '#status = :expectedStatus AND (attribute_not_exists(#settlementVersion) OR #settlementVersion = :expectedSettlement)',
        names: { '#status': 'status', '#settlementVersion': 'settlementVersion' },
        values: { ':expectedStatus': invoice.status, ':expectedSettlement': invoice.settlementVersion ?? 0 },
      };
      const status = typeof set.status === 'string' ? (set.status as InvoiceRecord['status']) : invoice.status;
      const indexes = invoiceStateIndexes({ ...invoice, status });
      items.push(invoices.update(invoice, changes({ set: { ...set, ...indexes.set, updatedAt: now.toISOString() }, remove: indexes.remove }), decidedFrom));
    }
    if (payment) items.push(payments.create(payment));
    if (event) items.push(event.create);
    const result = await transactOrRefused(items);
    if (result.ok) return 'applied';
    return result.failed.includes(0) ? 'duplicate' : 'conflict';
  },

  /** Marks a Stripe event as seen without changing any invoice (not ours, or nothing to change). */
  async markStripeEvent(stripeEventId: string, now: Date): Promise<boolean> {
    return writeIf(stripeEvents.create({ id: stripeEventId, receivedAt: now.toISOString() }));
  },

  async listInvoicesPage(period: string, tenantId: string | undefined, page: PageRequest): Promise<Page<InvoiceRecord>> {
    const partition = tenantId === undefined ? { gsi1pk: periodInvoices(period) } : { gsi2pk: tenantPeriodInvoices(tenantId, period) };
    return invoices.query({ partition, page });
  },

  /** Every invoice of a period, all tenants (runs, reconciliation, exports). */
  async listPeriodInvoices(period: string): Promise<InvoiceRecord[]> {
    return invoices.queryAll({ partition: { gsi1pk: periodInvoices(period) } });
  },

  async listTenantPeriodInvoices(tenantId: string, period: string): Promise<InvoiceRecord[]> {
    return invoices.queryAll({ partition: { gsi2pk: tenantPeriodInvoices(tenantId, period) } });
  },

  // ---- Settlement: payments, credit notes ------------------------------------------------

  /**
   * Writes a settlement decision in ONE transaction: the invoice's new figures (on the condition
   * that its settlement is still the one decided from), the payment or credit note, and their
   * events (plus `invoice.paid` when it becomes paid), with whatever else the caller adds (a
   * statement line it matches, a series counter). Answers `conflict` when the invoice changed
   * meanwhile (decide again) and the index of any other refused item.
   */
  async settle(
    invoice: InvoiceRecord,
    change: SettlementChange,
    items: TransactItem[],
    result: unknown,
  ): Promise<{ ok: true } | { ok: false; conflict: boolean; failed: number[] }> {
    const indexes = invoiceStateIndexes({ ...invoice, status: change.set.status });
    const decidedFrom: Expression = {
      expression: '#status = :expectedStatus AND (attribute_not_exists(#settlementVersion) OR #settlementVersion = :expectedSettlement)',
      names: { '#status': 'status', '#settlementVersion': 'settlementVersion' },
      values: { ':expectedStatus': invoice.status, ':expectedSettlement': invoice.settlementVersion ?? 0 },
    };
    const all = [invoices.update(invoice, changes({ set: { ...change.set, ...indexes.set }, remove: indexes.remove }), decidedFrom), ...items];
    try {
      await transact(all, ({ failed }) => new Refused(failed), { result });
      return { ok: true };
    } catch (error) {
      if (error instanceof Refused) return { ok: false, conflict: error.failed.includes(0), failed: error.failed };
      throw error;
    }
  },

  /** The counter of a number series as it stands, and the transaction item that takes its next number. */
  async nextInSeries(series: string, lastId: string, now: Date): Promise<{ number: string; issuedAt: string; take: TransactItem }> {
    const counter = await invoiceCounters.get({ series }, { consistent: true });
    const last = typeof counter?.last === 'number' ? counter.last : 0;
    const lastIssuedAt = typeof counter?.lastIssuedAt === 'string' ? counter.lastIssuedAt : undefined;
    const issuedAt = lastIssuedAt !== undefined && lastIssuedAt > now.toISOString() ? lastIssuedAt : now.toISOString();
    const next = { series, last: last + 1, lastIssuedAt: issuedAt, lastInvoiceId: lastId };
    const take =
      counter === undefined
        ? invoiceCounters.create(next)
        : invoiceCounters.update({ series }, changes({ set: { last: next.last, lastIssuedAt: issuedAt, lastInvoiceId: lastId } }), {
            expression: '#last = :last',
            names: { '#last': 'last' },
            values: { ':last': last },
          });
    return { number: formatInvoiceNumber(series, last + 1), issuedAt, take };
  },

  paymentItem: (payment: Payment): TransactItem => payments.create(payment),
  creditNoteItem: (note: CreditNote): TransactItem => creditNotes.create(note),

  async findInvoiceByNumber(number: string): Promise<InvoiceRecord | undefined> {
    const [found] = await invoices.queryAll({ partition: { gsi4pk: invoiceNumberKey(number) }, limit: 1 });
    return found ? this.getInvoice(found.tenantId, found.id) : undefined;
  },

  /** Invoices still to be paid (open, uncollectible), by due date, up to `dueBefore` (exclusive) when given. */
  async listOpenInvoices(dueBefore?: string): Promise<InvoiceRecord[]> {
    return invoices.queryAll({ partition: { gsi3pk: OPEN_INVOICES }, ...(dueBefore ? { range: { between: ['0', `${dueBefore}#`] } } : {}) });
  },

  async listOpenInvoicesPage(page: PageRequest): Promise<Page<InvoiceRecord>> {
    return invoices.query({ partition: { gsi3pk: OPEN_INVOICES }, page });
  },

  async listInvoicePayments(tenantId: string, invoiceId: string): Promise<Payment[]> {
    return payments.queryAll({ partition: { pk: invoicePartition(tenantId, invoiceId) }, range: { beginsWith: 'PAYMENT#' }, consistent: true });
  },

  async listInvoiceCreditNotes(tenantId: string, invoiceId: string): Promise<CreditNote[]> {
    return creditNotes.queryAll({ partition: { pk: invoicePartition(tenantId, invoiceId) }, range: { beginsWith: 'CREDIT#' }, consistent: true });
  },

  async listPaymentsPage(scope: { period: string } | { tenantId: string }, page: PageRequest): Promise<Page<Payment>> {
    const partition = 'period' in scope ? { gsi1pk: `BILLING#PAY#${scope.period}` } : { gsi2pk: `${tenantKey(scope.tenantId)}#PAY` };
    return payments.query({ partition, page });
  },

  async listPeriodPayments(period: string): Promise<Payment[]> {
    return payments.queryAll({ partition: { gsi1pk: `BILLING#PAY#${period}` } });
  },

  async listCreditNotesPage(scope: { period: string } | { tenantId: string }, page: PageRequest): Promise<Page<CreditNote>> {
    const partition = 'period' in scope ? { gsi1pk: `BILLING#CRN#${scope.period}` } : { gsi2pk: `${tenantKey(scope.tenantId)}#CRN` };
    return creditNotes.query({ partition, page });
  },

  async listPeriodCreditNotes(period: string): Promise<CreditNote[]> {
    return creditNotes.queryAll({ partition: { gsi1pk: `BILLING#CRN#${period}` } });
  },

  async findCreditNote(id: string): Promise<CreditNote | undefined> {
    if (!isId('creditNote', id)) return undefined;
    const [found] = await creditNotes.queryAll({ partition: { gsi5pk: id }, limit: 1 });
    return found ? creditNotes.get({ tenantId: found.tenantId, invoiceId: found.invoiceId, id }, { consistent: true }) : undefined;
  },

  async updateCreditNoteStripe(note: Pick<CreditNote, 'tenantId' | 'invoiceId' | 'id'>, stripe: CreditNote['stripe']): Promise<void> {
    await writeOne(creditNotes.update(note, changes({ set: { stripe } })), () => new Error(`No credit note ${note.id}`));
  },

  /** A reminder step recorded on the invoice, once: refused when that step was sent already. */
  reminderItem(invoice: Pick<InvoiceRecord, 'tenantId' | 'id'>, step: 'first' | 'second', now: Date): TransactItem {
    return invoices.update(
      invoice,
      { expression: 'SET #reminders = list_append(if_not_exists(#reminders, :empty), :step), #updatedAt = :now', names: { '#reminders': 'remindersSent', '#updatedAt': 'updatedAt' }, values: { ':empty': [], ':step': [step], ':now': now.toISOString() } },
      { expression: 'NOT contains(#reminders, :stepName)', names: { '#reminders': 'remindersSent' }, values: { ':stepName': step } },
    );
  },

  // ---- Runs ------------------------------------------------------------------------------

  /**
   * The run id stored under `name`, or `fresh` stored there now: a retry within `ttlSeconds`
   * keeps its run id (and so its invoice ids); a later request under the same name is a new run.
   */
  async runIdFor(name: string, fresh: string, now: Date, ttlSeconds: number): Promise<string> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // DynamoDB deletes expired items lazily: an expired marker counts as absent.
    const expired: Expression = { expression: '#ttl < :now', names: { '#ttl': 'ttl' }, values: { ':now': nowSeconds } };
    if (await writeIf(billingRunMarkers.put({ name, runId: fresh, createdAt: now.toISOString(), expiresAt: nowSeconds + ttlSeconds }, anyOf(itemAbsent, expired)))) return fresh;
    return String((await billingRunMarkers.get({ name }, { consistent: true }))?.runId);
  },

  async getRun(runId: string): Promise<StoredRun | undefined> {
    return billingRuns.get({ id: runId }, { consistent: true });
  },

  async startRun(run: { id: string; period: string; trigger: string; startedAt: string }): Promise<{ startedAt: string }> {
    if (await writeIf(billingRuns.create({ ...run, status: 'running', attempts: 1 }))) return { startedAt: run.startedAt };
    // A retried run: keep its first start time (its invoice ids derive from it).
    const counted = await writeOne(billingRuns.update(run, changes({ add: { attempts: 1 } })), () => new Error(`No run ${run.id} to count`), { returnNew: true });
    return { startedAt: String(counted?.startedAt ?? run.startedAt) };
  },

  async completeRun(runId: string, invoiceIds: string[], now: Date): Promise<void> {
    await writeOne(billingRuns.update({ id: runId }, changes({ set: { status: 'completed', completedAt: now.toISOString(), invoiceIds } })), () => new Error(`No run ${runId} to complete`));
  },

  // ---- Stripe references -----------------------------------------------------------------

  async getStripeCustomer(tenantId: string): Promise<string | undefined> {
    const stored = await stripeCustomers.get({ tenantId }, { consistent: true });
    return typeof stored?.customerId === 'string' ? stored.customerId : undefined;
  },

  /** Keeps the first customer id stored for a tenant and answers it (two racing pushes agree). */
  async saveStripeCustomer(tenantId: string, customerId: string, now: Date): Promise<string> {
    if (await writeIf(stripeCustomers.create({ tenantId, customerId, createdAt: now.toISOString() }))) return customerId;
    return (await this.getStripeCustomer(tenantId)) ?? customerId;
  },

  async getStripeTaxRate(basisPoints: number): Promise<string | undefined> {
    const stored = await settingRepository.get(taxRateSetting(basisPoints));
    return typeof stored?.value === 'string' ? stored.value : undefined;
  },

  async saveStripeTaxRate(basisPoints: number, taxRateId: string, now: Date): Promise<string> {
    if (await settingRepository.putIfAbsent(taxRateSetting(basisPoints), taxRateId, now.toISOString())) return taxRateId;
    return (await this.getStripeTaxRate(basisPoints)) ?? taxRateId;
  },
};

// ---- Bank statements ------------------------------------------------------------------

/** A line of an imported bank statement, as stored: what the bank said, and what it paid. */
export interface StoredStatementLine {
  id: string;
  object: 'bank_statement_line';
  statementId: string;
  format: 'camt.053' | 'csv';
  account: string | null;
  bookingDate: string;
  valueDate: string | null;
  amount: number;
  currency: string;
  label: string;
  counterparty: string | null;
  reference: string | null;
  /** `matched`: it paid invoices (`paymentIds`); `unmatched`: a credit for a person to match; `debit`: money out, not ours to match. */
  status: 'matched' | 'unmatched' | 'debit';
  reason: string | null;
  candidates: string[];
  paymentIds: string[];
  invoiceIds: string[];
  importedAt: string;
  matchedAt: string | null;
}

const UNMATCHED = 'BANK#UNMATCHED';

/** Lines are found by id, listed per statement (gsi1), and the unmatched credits by date (gsi3, sparse). */
export const statementLines = defineEntity<StoredStatementLine, Pick<StoredStatementLine, 'id'>>({
  name: 'bank_statement_line',
  key: ({ id }) => ({ pk: `BANK#LINE#${id}`, sk: 'LINE' }),
  indexes: (line) => ({
    gsi1pk: `BANK#STMT#${line.statementId}`,
    gsi1sk: `${line.bookingDate}#${line.id}`,
    ...(line.status === 'unmatched' ? { gsi3pk: UNMATCHED, gsi3sk: `${line.bookingDate}#${line.id}` } : {}),
  }),
});

const stillUnmatched: Expression = { expression: '#status = :unmatched', names: { '#status': 'status' }, values: { ':unmatched': 'unmatched' } };

export const statementRepository = {
  /** Stores a line the first time it is imported; false when it was imported before (the same statement again). */
  async putNew(line: StoredStatementLine): Promise<boolean> {
    return writeIf(statementLines.create(line));
  },

  async getLine(id: string): Promise<StoredStatementLine | undefined> {
    if (!isId('bankLine', id)) return undefined;
    return statementLines.get({ id }, { consistent: true });
  },

  /** The line marked as paying these invoices, on the condition that nothing matched it before. */
  matchItem(line: Pick<StoredStatementLine, 'id'>, paymentIds: string[], invoiceIds: string[], now = new Date()): TransactItem {
    return statementLines.update(
      line,
      changes({ set: { status: 'matched', paymentIds, invoiceIds, matchedAt: now.toISOString(), reason: null }, remove: ['gsi3pk', 'gsi3sk'] }),
      stillUnmatched,
    );
  },

  /** The payments a matched line made (after they are all written). */
  async setPayments(id: string, paymentIds: string[]): Promise<void> {
    await writeIf(statementLines.update({ id }, changes({ set: { paymentIds } })));
  },

  /** Why an unmatched credit was not matched, for the person who will. */
  async setReason(id: string, reason: string, candidates: string[]): Promise<void> {
    await writeIf(statementLines.update({ id }, changes({ set: { reason, candidates } }), stillUnmatched));
  },

  async listUnmatchedPage(page: PageRequest): Promise<Page<StoredStatementLine>> {
    return statementLines.query({ partition: { gsi3pk: UNMATCHED }, page });
  },

  async listStatement(statementId: string): Promise<StoredStatementLine[]> {
    return statementLines.queryAll({ partition: { gsi1pk: `BANK#STMT#${statementId}` } });
  },
};

// ---- Document links -------------------------------------------------------------------

/** An e-mailed link to an invoice's or credit note's PDF, stored as the hash of its token until it expires. */
export interface DocumentLink {
  tokenHash: string;
  kind: 'invoice' | 'credit_note';
  tenantId: string;
  /** The invoice's id, or the credit note's invoice. */
  invoiceId: string;
  /** The credit note's id, for a credit note. */
  creditNoteId?: string;
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export const documentLinks = defineEntity<DocumentLink, Pick<DocumentLink, 'tokenHash'>>({
  name: 'document_link',
  key: ({ tokenHash }) => ({ pk: `DOCLINK#${tokenHash}`, sk: 'DOCLINK' }),
  ttl: ({ expiresAt }) => expiresAt,
});
