import * as z from 'zod';
import { Timestamp } from '../schemas/common.js';

export const StatementLine = z
  .object({
    id: z.string(),
    object: z.literal('bank_statement_line'),
    statementId: z.string(),
    format: z.enum(['camt.053', 'csv']),
    account: z.string().nullable(),
    bookingDate: z.string().meta({ description: 'YYYY-MM-DD.' }),
    valueDate: z.string().nullable(),
    amount: z.number().int().meta({ description: 'Cents: > 0 a credit (money in), < 0 a debit.' }),
    currency: z.string(),
    label: z.string(),
    counterparty: z.string().nullable(),
    reference: z.string().nullable(),
    status: z.enum(['matched', 'unmatched', 'debit']).meta({ description: '`matched`: it paid `invoiceIds` (`paymentIds`); `unmatched`: a credit for a person to match; `debit`: money out.' }),
    reason: z.string().nullable().meta({ description: 'Why an unmatched credit was not matched: `no_invoice_number`, `unknown_invoice`, `amount_differs`, `ambiguous`, `already_paid`.' }),
    candidates: z.array(z.string()).meta({ description: 'Invoice numbers found in its text.' }),
    paymentIds: z.array(z.string()),
    invoiceIds: z.array(z.string()),
    importedAt: Timestamp,
    matchedAt: Timestamp.nullable(),
  })
  .meta({ id: 'BankStatementLine' });

export const BankStatementImport = z
  .object({
    object: z.literal('bank_statement_import'),
    statementId: z.string(),
    format: z.enum(['camt.053', 'csv']),
    account: z.string().nullable(),
    lineCount: z.number().int(),
    newLines: z.number().int().meta({ description: 'Lines never imported before (0 when the same statement comes again).' }),
    matched: z.number().int().meta({ description: 'Credits that became payments in this import.' }),
    unmatched: z.number().int().meta({ description: 'Credits left for a person to match.' }),
    lines: z.array(StatementLine),
  })
  .meta({ id: 'BankStatementImport' });

export const ListStatementLinesQuery = z.strictObject({
  status: z.enum(['unmatched']).default('unmatched'),
  statementId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});
