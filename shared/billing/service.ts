import { createHash } from 'node:crypto';
import { decodeTime, encodeTime } from 'ulid';
import { config } from '../config.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { logger } from '../logging/logger.js';
import { tenantRepository } from '../tenants/repository.js';
import type { Tenant } from '../tenants/schemas.js';
import { mapLimit } from './concurrency.js';
import { configuredProviderName, emptyStripeSync } from './invoice-provider.js';
import { invoiceEventData, withLines } from './invoices.js';
import { invoiceTotals } from './money.js';
import { invoiceSeries } from './numbering.js';
import { sellerForInvoice } from './seller.js';
import { addDays, billablePeriods, parisDate, periodOf } from './period.js';
import { billingRepository as repository } from './repository.js';
import type { BillingRun, Buyer, InvoiceProviderName, InvoiceRecord } from './schemas.js';
import { allPages } from '../db/pagination.js';
import { billingRunErrors } from './errors.js';
import { billingEvents } from './events.js';


/**
 * A draft left by a run that is no longer running (a crash, a timeout) is finished by the next
 * run of its period. No run lives longer than a Lambda may (15 minutes), so a draft older than
 * this has no live owner; the run that made it (same run id) resumes its drafts at once.
 */
export const STALE_DRAFT_MS = 15 * 60 * 1000;
/**
 * A Stripe push not finished after this long (its consumer gave up or died) is requested again by
 * the next run (`invoice.push_requested`, handled by the push consumer).
 */
export const STALE_PUSH_MS = 10 * 60 * 1000;
const TENANT_CONCURRENCY = 4;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The invoice a run makes for a tenant has an id derived from both (a ULID with the run's time
 * and 80 bits of a hash), so a run that is retried finds the invoice it had started.
 */
export function invoiceIdFor(runId: string, tenantId: string): string {
  const time = decodeTime(runId.slice(runId.indexOf('_') + 1));
  const hash = createHash('sha256').update(`${runId}\n${tenantId}`).digest();
  let random = '';
  for (let index = 0; index < 16; index += 1) random += CROCKFORD[(hash[index] as number) & 31];
  return `inv_${encodeTime(time, 10)}${random}`;
}

/**
 * A requested run's period must lie in `billablePeriods`. Tenants are listed by id, a ULID of
 * their creation time, so the first of the list is the oldest: one Query of one item.
 */
export async function assertBillablePeriod(period: string, now: Date): Promise<void> {
  const [first] = (await tenantRepository.list({ limit: 1 })).data;
  const { earliest, latest } = billablePeriods(first?.createdAt, now);
  if (period >= earliest && period <= latest) return;
  const message = first
    ? `period ${period} ${period > latest ? 'has not started yet' : 'is before the first tenant joined'}: a run bills a month from ${earliest} (when the first tenant joined) to ${latest} (the current month in Paris).`
    : `period ${period} cannot be billed: no tenant has joined yet, so ${latest} (the current month in Paris) is the only month a run may bill.`;
  throw billingRunErrors.error('parameter_invalid', message, { param: 'period' });
}

function buyerOf(tenant: Tenant): Buyer {
  const { line1, line2, postcode, city, country } = tenant.address;
  return {
    tenantId: tenant.id,
    name: tenant.name,
    email: tenant.billingEmail,
    address: { line1, ...(line2 ? { line2 } : {}), postcode, city, country },
    ...(tenant.siren ? { siren: tenant.siren } : {}),
    ...(tenant.vatNumber ? { vatNumber: tenant.vatNumber } : {}),
  };
}

function allTenants(): Promise<Tenant[]> {
  return allPages((page) => tenantRepository.list(page));
}

function draftRecord(id: string, runId: string, tenantId: string, period: string, provider: InvoiceProviderName, now: Date): InvoiceRecord {
  const at = now.toISOString();
  return {
    id,
    object: 'invoice',
    number: null,
    tenantId,
    period,
    runId,
    status: 'draft',
    provider,
    total: { currency: 'EUR', net: 0, vat: 0, gross: 0 },
    vatBreakdown: [],
    lineCount: 0,
    issuedAt: null,
    dueDate: null,
    paidAt: null,
    voidedAt: null,
    seller: null,
    buyer: null,
    stripe: null,
    createdAt: at,
    updatedAt: at,
    assembly: 'collecting',
  };
}

/**
 * Turns a draft into an issued invoice: freeze its line set (no claim can commit after the
 * close), read the lines it holds (consistently: every claim that committed before the close is
 * seen), compute the totals, then number and issue it in one transaction. A draft that holds no
 * line is deleted: it never took a number. Safe to run twice, and concurrently: the close is
 * idempotent, the line set is frozen, and only one issue transaction can succeed.
 */
async function finishDraft(draft: InvoiceRecord, tenant: Tenant, now: Date): Promise<{ invoice: InvoiceRecord; issuedNow: boolean } | undefined> {
  await repository.closeDraft(draft.tenantId, draft.id, now);
  const lines = (await repository.listLines(draft.tenantId, draft.period)).filter((line) => line.invoiceId === draft.id);
  if (lines.length === 0) {
    await repository.deleteEmptyDraft(draft.tenantId, draft.id);
    return undefined;
  }
  const { total, vatBreakdown } = invoiceTotals(lines);
  const billing = config.billing;
  const outcome = await repository.issue(draft, invoiceSeries(billing.invoicePrefix, now), now, ({ number, issuedAt }) => {
    const invoice: InvoiceRecord = {
      ...draft,
      number,
      status: 'open',
      total,
      vatBreakdown,
      lineCount: lines.length,
      lineIds: lines.map((line) => line.id).sort(),
      issuedAt,
      dueDate: addDays(parisDate(issuedAt), billing.paymentTermsDays),
      seller: sellerForInvoice(),
      buyer: buyerOf(tenant),
      stripe: draft.provider === 'stripe' ? emptyStripeSync() : null,
      updatedAt: now.toISOString(),
    };
    delete invoice.assembly;
    return { invoice, event: outboxEntry(billingEvents.invoiceIssued, invoice.tenantId, invoiceEventData(invoice), now) };
  });
  if (outcome.kind === 'issued') return { invoice: outcome.invoice, issuedNow: true };
  const invoice = await repository.getInvoice(draft.tenantId, draft.id);
  return invoice ? { invoice, issuedNow: false } : undefined;
}

/**
 * One tenant in one run: the run's own invoice for the tenant (its id derives from both), the
 * tenant's lines still free, claimed for that invoice, then the invoice finished.
 */
async function billTenant(runId: string, tenant: Tenant, period: string, provider: InvoiceProviderName, now: Date): Promise<InvoiceRecord | undefined> {
  const invoiceId = invoiceIdFor(runId, tenant.id);
  let invoice = await repository.getInvoice(tenant.id, invoiceId);
  if (invoice && invoice.status !== 'draft') return invoice; // issued by an earlier attempt of this run
  const free = (await repository.listLines(tenant.id, period)).filter((line) => line.invoiceId === undefined);
  if (!invoice) {
    if (free.length === 0) return undefined;
    const draft = draftRecord(invoiceId, runId, tenant.id, period, provider, now);
    if (!(await repository.createDraft(draft))) invoice = await repository.getInvoice(tenant.id, invoiceId);
    invoice ??= draft;
  }
  if (invoice.status === 'draft' && invoice.assembly === 'collecting' && free.length > 0) {
    const { lost } = await repository.claimLines(tenant.id, period, invoiceId, free.map((line) => line.id), now);
    if (lost.length > 0) logger.info('billing: lines taken by a concurrent run', { runId, tenantId: tenant.id, lost: lost.length });
  }
  return (await finishDraft(invoice, tenant, now))?.invoice;
}

export interface RunOptions {
  period: string;
  trigger: 'api' | 'schedule';
  /** A run id to resume (schedule retries, Idempotency-Key retries); a new one otherwise. */
  runId?: string;
  now?: Date;
}

/**
 * A billing run for a period: for every tenant, one invoice of every line not yet on an invoice;
 * drafts that crashed runs left behind are finished; Stripe pushes that stalled are requested
 * again from the push consumer (the run itself never calls Stripe).
 * Exactly once, however many runs, retries or concurrent runs: see README "Billing and accounting".
 */
export async function runBilling(options: RunOptions): Promise<BillingRun> {
  const now = options.now ?? new Date();
  // A requested period is checked at the API (assertBillablePeriod, before its run id is
  // reserved). The schedule bills the month that just ended and is not held to the first
  // tenant's month: on a fresh install its run finds nothing to bill and completes.
  if (options.period > periodOf(now)) throw billingRunErrors.error('parameter_invalid', `period ${options.period} has not started yet.`, { param: 'period' });
  const { period, trigger } = options;
  const runId = options.runId ?? newId('billingRun', now.getTime());
  const { startedAt } = await repository.startRun({ id: runId, period, trigger, startedAt: now.toISOString() });
  const [tenants, periodInvoices, provider] = await Promise.all([allTenants(), repository.listPeriodInvoices(period), configuredProviderName()]);
  const tenantsById = new Map(tenants.map((tenant) => [tenant.id, tenant]));

  const issued = new Map<string, InvoiceRecord>();
  await mapLimit(tenants, TENANT_CONCURRENCY, async (tenant) => {
    const invoice = await billTenant(runId, tenant, period, provider, now);
    if (invoice) issued.set(invoice.id, invoice);
  });

  const stale = periodInvoices.filter((invoice) => invoice.status === 'draft' && invoice.runId !== runId && now.getTime() - Date.parse(invoice.createdAt) > STALE_DRAFT_MS);
  for (const draft of stale) {
    const tenant = tenantsById.get(draft.tenantId);
    if (!tenant) continue;
    const finished = await finishDraft(draft, tenant, now);
    if (finished?.issuedNow) {
      logger.warn('billing: finished a draft left by another run', { runId, draftRunId: draft.runId, invoiceId: finished.invoice.id });
      issued.set(finished.invoice.id, finished.invoice);
    }
  }

  const stalled = periodInvoices.filter(
    (invoice) =>
      invoice.provider === 'stripe' &&
      invoice.status !== 'draft' &&
      invoice.stripe !== null &&
      invoice.stripe.syncStatus !== 'synced' &&
      now.getTime() - Date.parse(invoice.stripe.lastAttemptAt ?? invoice.issuedAt ?? invoice.createdAt) > STALE_PUSH_MS,
  );
  // The run never calls Stripe (so its functions do not bundle the SDK): for each stalled push it
  // writes an `invoice.push_requested` outbox item, and the `billing-stripe-push` consumer resumes
  // the push from its checkpoints with the same idempotency keys (a synced invoice is skipped, so a
  // repeated request is harmless). A request is one PutItem, one per stalled invoice of the period,
  // so every run, API or schedule, requests them all: the API run's former cap (3 inline pushes, to
  // answer within API Gateway's 30 s) bounded Stripe calls the run no longer makes. The pushes fan
  // out on the consumer as the run's own `invoice.issued` pushes do. A request that fails to be
  // written is logged, and the next run asks again.
  await mapLimit(stalled, TENANT_CONCURRENCY, async (invoice) => {
    const request = outboxEntry(billingEvents.invoicePushRequested, invoice.tenantId, { id: invoice.id, tenantId: invoice.tenantId, provider: 'stripe', requestedByRun: runId }, now);
    await repository
      .writeEvent(request)
      .then(() => logger.info('billing: requested a stalled Stripe push', { runId, invoiceId: invoice.id, eventId: request.detail.id }))
      .catch((error: unknown) => logger.warn('billing: requesting a stalled Stripe push failed', { runId, invoiceId: invoice.id, error: String(error) }));
  });

  const completedAt = new Date();
  await repository.completeRun(runId, [...issued.keys()], completedAt);
  const records = [...issued.values()].sort((a, b) => (a.number ?? '').localeCompare(b.number ?? ''));
  return { id: runId, object: 'billing_run', period, trigger, status: 'completed', startedAt, completedAt: completedAt.toISOString(), invoices: await withLines(records) };
}

/** How long a retry resumes its run: the Idempotency-Key retention, and longer than Scheduler retries. */
const RUN_RESUME_SECONDS = 48 * 3600;

/** The run id of an API run: a retry with the same Idempotency-Key (after a crash) resumes the same run. */
export async function runIdForRequest(idempotencyKey: string | undefined, period: string, now: Date): Promise<string | undefined> {
  if (idempotencyKey === undefined) return undefined;
  const name = `api:${period}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  return repository.runIdFor(name, newId('billingRun', now.getTime()), now, RUN_RESUME_SECONDS);
}

/** The monthly schedule's run: the previous Paris month, one run id per period whatever the retries. */
export async function runScheduledBilling(period: string, now: Date): Promise<BillingRun> {
  const runId = await repository.runIdFor(`schedule:${period}`, newId('billingRun', now.getTime()), now, RUN_RESUME_SECONDS);
  return runBilling({ period, trigger: 'schedule', runId, now });
}
