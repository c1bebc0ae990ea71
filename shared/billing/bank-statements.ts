import { config } from '../config.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { logger } from '../logging/logger.js';
import { matchStatement, parseStatement, StatementError, type OpenInvoiceRef } from './bank-statement.js';
import { statementErrors } from './errors.js';
import { applyPayment } from './payments.js';
import { billingRepository as repository } from './repository.js';
import { settlementOf } from './settlement.js';
import { statementRepository, type StoredStatementLine } from './repository.js';
import { AppError } from '../errors.js';

const errorCodes = {
  statement_malformed: 'statement_malformed',
  statement_unsupported: 'statement_unsupported',
  statement_currency: 'currency_not_supported',
} as const;

/** The invoices still to be paid, by number: what a statement's credits may pay. */
async function openInvoicesByNumber(): Promise<Map<string, OpenInvoiceRef>> {
  const open = await repository.listOpenInvoices();
  return new Map(open.filter((invoice) => invoice.number !== null).map((invoice) => [invoice.number as string, { id: invoice.id, number: invoice.number as string, tenantId: invoice.tenantId, amountDue: settlementOf(invoice).amountDue }]));
}

/**
 * `POST /v1/billing/bank-statements`: parses the statement (nothing is written when it cannot be
 * read), stores each line once (its id derives from the statement and the entry, so the same
 * file again finds its lines there), and turns every credit that names one open invoice for
 * exactly what it owes into that invoice's payment, in the transaction that marks the line
 * matched (on the condition that nothing matched it before). The rest waits for a person.
 */
export async function importBankStatement(body: string, contentType: string | undefined, now = new Date()) {
  let parsed;
  try {
    parsed = parseStatement(body, contentType, 'EUR');
  } catch (error) {
    if (error instanceof StatementError) throw statementErrors.error(errorCodes[error.code], error.message);
    throw error;
  }
  const stored: StoredStatementLine[] = [];
  let newLines = 0;
  for (const line of parsed.lines) {
    const record: StoredStatementLine = {
      id: line.id,
      object: 'bank_statement_line',
      statementId: parsed.statementId,
      format: parsed.format,
      account: parsed.account,
      bookingDate: line.bookingDate,
      valueDate: line.valueDate,
      amount: line.amount,
      currency: line.currency,
      label: line.label,
      counterparty: line.counterparty,
      reference: line.reference,
      status: line.amount > 0 ? 'unmatched' : 'debit',
      reason: null,
      candidates: [],
      paymentIds: [],
      invoiceIds: [],
      importedAt: now.toISOString(),
      matchedAt: null,
    };
    if (await statementRepository.putNew(record)) {
      newLines += 1;
      stored.push(record);
    } else stored.push((await statementRepository.getLine(line.id)) ?? record);
  }
  // Credits still unmatched (new ones, and those an earlier import could not match or did not finish).
  const pending = stored.filter((line) => line.status === 'unmatched' && line.paymentIds.length === 0);
  const matches = matchStatement(
    pending.map((line) => ({ id: line.id, bookingDate: line.bookingDate, valueDate: line.valueDate, amount: line.amount, currency: line.currency, label: line.label, counterparty: line.counterparty, reference: line.reference })),
    await openInvoicesByNumber(),
    config.billing.invoicePrefix,
  );
  let matched = 0;
  const byLine = new Map<string, typeof matches>();
  for (const match of matches) byLine.set(match.lineId, [...(byLine.get(match.lineId) ?? []), match]);
  for (const line of pending) {
    const found = byLine.get(line.id) ?? [];
    const paying = found.flatMap((match) => (match.kind === 'matched' ? [match] : []));
    if (paying.length === 0) {
      const miss = found.find((match) => match.kind === 'unmatched');
      const reason = miss && miss.kind === 'unmatched' ? miss.reason : 'no_invoice_number';
      const candidates = miss && miss.kind === 'unmatched' ? miss.candidates : [];
      if (line.reason !== reason || line.candidates.join() !== candidates.join()) await statementRepository.setReason(line.id, reason, candidates);
      Object.assign(line, { reason, candidates });
      continue;
    }
    try {
      const paymentIds: string[] = [];
      for (const [index, match] of paying.entries()) {
        const payment = await applyPayment(
          match.invoiceId,
          undefined,
          { amount: match.amount, date: line.valueDate ?? line.bookingDate, method: 'transfer', reference: (line.reference ?? line.label).slice(0, 200), source: 'bank_statement', statementLineId: line.id },
          now,
          // The first payment marks the line matched, on the condition that nothing matched it before.
          (payment) => (index === 0 ? [statementRepository.matchItem(line, [payment.id], paying.map((entry) => entry.invoiceId), now)] : []),
        );
        paymentIds.push(payment.id);
      }
      await statementRepository.setPayments(line.id, paymentIds);
      Object.assign(line, { status: 'matched', paymentIds, invoiceIds: paying.map((entry) => entry.invoiceId), matchedAt: now.toISOString(), reason: null });
      matched += 1;
    } catch (error) {
      // Paid or changed meanwhile (a person matched it, another import): left for a person.
      if (!(error instanceof AppError)) throw error;
      logger.info('bank statement: credit left unmatched', { lineId: line.id, code: error.code });
      const fresh = await statementRepository.getLine(line.id);
      if (fresh) Object.assign(line, fresh);
      if (line.status === 'unmatched') {
        await statementRepository.setReason(line.id, 'already_paid', line.candidates);
        line.reason = 'already_paid';
      }
    }
  }
  const unmatched = stored.filter((line) => line.status === 'unmatched').length;
  return { object: 'bank_statement_import' as const, statementId: parsed.statementId, format: parsed.format, account: parsed.account, lineCount: stored.length, newLines, matched, unmatched, lines: stored };
}

export async function listStatementLines(filter: { statementId?: string | undefined }, page: PageRequest): Promise<Page<StoredStatementLine>> {
  if (filter.statementId !== undefined) return { data: await statementRepository.listStatement(filter.statementId), hasMore: false, nextCursor: null };
  return statementRepository.listUnmatchedPage(page);
}
