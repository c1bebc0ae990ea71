import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { centsToInput, formatDate, formatLocalDate, formatMoney, formatPeriod, parisDate, parisMonth, parseEuros } from '../format.js';
import { Submission } from '../idempotency.js';
import type { MessageKey } from '../i18n.js';
import type { CreditNote, Invoice, Payment } from '../types.js';
import { Checkbox, DownloadLink, ErrorNotice, Loading, Money, Notice, PageTitle, SelectField, TextField, useAction, useAsync } from '../ui.js';
import { CreditNotesTable, InvoiceStatus, pdfHref } from './invoices.js';

type View = 'open' | 'overdue' | 'paid' | 'period';

/** Invoices by status, each with its payments and credit notes, recorded from here. */
export function AccountingInvoicesPage() {
  const { t, lang } = useApp();
  const [view, setView] = useState<View>('open');
  const [period, setPeriod] = useState(parisMonth());
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useAsync(async (signal) => {
    const query = view === 'open' || view === 'overdue' ? { status: view, limit: 100 } : { period, limit: 100 };
    const page = await api<Page<Invoice>>('GET', '/v1/billing/invoices', { query, signal });
    return view === 'paid' ? page.data.filter((invoice) => invoice.status === 'paid') : page.data;
  }, [view, period]);

  return (
    <>
      <PageTitle>{t('accInvoices.title')}</PageTitle>
      <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label={t('invoices.filters')}>
        <SelectField
          label={t('invoices.show')}
          value={view}
          onValue={(value) => setView(value as View)}
          options={[['open', t('accInvoices.open')], ['overdue', t('accInvoices.overdue')], ['paid', t('accInvoices.paid')], ['period', t('accInvoices.all')]]}
        />
        {view === 'paid' || view === 'period' ? <TextField label={t('invoices.month')} type="month" value={period} onValue={(value) => value && setPeriod(value)} /> : null}
      </form>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNotice error={list.error} />
      {list.data ? (
        <p role="status" class="small">
          {t('accInvoices.count', { count: list.data.length })}
        </p>
      ) : null}
      <ul class="cards">
        {(list.data ?? []).map((invoice) => (
          <li key={invoice.id} class={`card${invoice.overdue ? ' overdue' : ''}`}>
            <h2>
              {t('accInvoices.invoice')} {invoice.number ?? '—'} · {invoice.buyer?.name ?? invoice.tenantId}
            </h2>
            <p>
              <InvoiceStatus invoice={invoice} /> · {formatPeriod(invoice.period, lang)} · {t('invoices.total')} <Money cents={invoice.total.gross} /> · {t('invoices.amountDue')} <Money cents={invoice.amountDue} />
              {invoice.dueDate ? ` · ${t('invoices.due')} ${formatLocalDate(invoice.dueDate, lang, true)}` : ''}
            </p>
            <div class="actions">
              <button type="button" class="secondary" aria-expanded={openId === invoice.id} aria-controls={`invoice-${invoice.id}`} onClick={() => setOpenId(openId === invoice.id ? null : invoice.id)}>
                {openId === invoice.id ? t('accInvoices.close') : t('accInvoices.manage')}
                <span class="visually-hidden"> {invoice.number}</span>
              </button>
              {invoice.number ? (
                <DownloadLink href={pdfHref(invoice)}>
                  PDF<span class="visually-hidden"> {invoice.number}</span>
                </DownloadLink>
              ) : null}
            </div>
            {openId === invoice.id ? (
              <div id={`invoice-${invoice.id}`}>
                <InvoiceDetail invoice={invoice} onChanged={list.reload} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

const METHODS = ['transfer', 'cheque', 'cash', 'direct_debit', 'card'] as const;

function InvoiceDetail({ invoice, onChanged }: { invoice: Invoice; onChanged(): void }) {
  const { t, lang, announce } = useApp();
  const payments = useAsync((signal) => api<Page<Payment>>('GET', '/v1/billing/payments', { query: { invoiceId: invoice.id, limit: 100 }, signal }), [invoice.id, invoice.paidAmount]);
  const notes = useAsync((signal) => api<Page<CreditNote>>('GET', '/v1/billing/credit-notes', { query: { invoiceId: invoice.id, limit: 100 }, signal }), [invoice.id, invoice.creditedAmount]);

  const [amount, setAmount] = useState(centsToInput(invoice.amountDue));
  useEffect(() => setAmount(centsToInput(invoice.amountDue)), [invoice.amountDue]);
  const [date, setDate] = useState(parisDate());
  const [method, setMethod] = useState<(typeof METHODS)[number]>('transfer');
  const [reference, setReference] = useState('');
  const [paid, setPaid] = useState<Payment | null>(null);
  const paymentSubmission = useRef(new Submission()).current;
  const cents = parseEuros(amount);
  const pay = useAction(async () => {
    if (cents === null || cents <= 0) throw { code: 'parameter_invalid', param: 'amount' };
    const body: Record<string, unknown> = { amount: cents, date, method };
    if (reference.trim() !== '') body.reference = reference.trim().slice(0, 140);
    try {
      const payment = await api<Payment>('POST', `/v1/billing/invoices/${encodeURIComponent(invoice.id)}/payments`, { body, idempotencyKey: paymentSubmission.keyFor(body) });
      paymentSubmission.settled();
      setPaid(payment);
      announce(t('payment.recorded', { amount: formatMoney(payment.amount) }));
      onChanged();
    } catch (error) {
      paymentSubmission.failed(error);
      throw error;
    }
  });

  const [reason, setReason] = useState('');
  const [whole, setWhole] = useState(true);
  const [selected, setSelected] = useState<Record<string, boolean>>({});
  const [credited, setCredited] = useState<CreditNote | null>(null);
  const noteSubmission = useRef(new Submission()).current;
  const credit = useAction(async () => {
    const body: Record<string, unknown> = { reason: reason.trim() };
    if (!whole) body.lines = invoice.lines.filter((line) => selected[line.id]).map((line) => ({ lineId: line.id }));
    try {
      const note = await api<CreditNote>('POST', `/v1/billing/invoices/${encodeURIComponent(invoice.id)}/credit-notes`, { body, idempotencyKey: noteSubmission.keyFor(body) });
      noteSubmission.settled();
      setCredited(note);
      announce(t('creditNote.issued', { number: note.number }));
      onChanged();
    } catch (error) {
      noteSubmission.failed(error);
      throw error;
    }
  });

  const owed = invoice.amountDue > 0 && invoice.status === 'open';
  return (
    <div class="invoice-detail">
      <h3>{t('accInvoices.lines')}</h3>
      <ul>
        {invoice.lines.map((line) => (
          <li key={line.id}>
            {line.description}
            {line.reference ? ` (${line.reference})` : ''} · {formatDate(line.occurredAt, lang)} · <Money cents={line.gross} />
          </li>
        ))}
      </ul>
      <h3>{t('accInvoices.payments')}</h3>
      {payments.loading && !payments.data ? <Loading /> : null}
      <ErrorNotice error={payments.error} />
      {payments.data && payments.data.data.length === 0 ? <p>{t('accInvoices.noPayments')}</p> : null}
      <ul>
        {(payments.data?.data ?? []).map((payment) => (
          <li key={payment.id}>
            {formatLocalDate(payment.date, lang, true)} · <Money cents={payment.amount} /> · {t(`payment.method.${payment.method}` as MessageKey)}
            {payment.reference ? ` · ${payment.reference}` : ''}
          </li>
        ))}
      </ul>
      {notes.data && notes.data.data.length > 0 ? <CreditNotesTable notes={notes.data.data} /> : null}

      {owed ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setPaid(null);
            void pay.run();
          }}
        >
          <h3>{t('payment.title')}</h3>
          <div class="row">
            <TextField label={t('payment.amount')} hint={t('payment.amountHint', { due: formatMoney(invoice.amountDue) })} value={amount} onValue={setAmount} required inputMode="decimal" />
            <TextField label={t('payment.date')} type="date" value={date} onValue={setDate} required />
          </div>
          <div class="row">
            <SelectField label={t('payment.method')} value={method} onValue={(value) => setMethod(value as (typeof METHODS)[number])} options={METHODS.map((value) => [value, t(`payment.method.${value}` as MessageKey)] as const)} />
            <TextField label={t('payment.reference')} hint={t('payment.referenceHint')} value={reference} onValue={setReference} />
          </div>
          <ErrorNotice error={pay.error} />
          {paid ? <Notice kind="success">{t('payment.recorded', { amount: formatMoney(paid.amount) })}</Notice> : null}
          <button type="submit" disabled={pay.pending}>
            {t('payment.record')}
          </button>
        </form>
      ) : paid ? (
        <Notice kind="success">{t('payment.recorded', { amount: formatMoney(paid.amount) })}</Notice>
      ) : null}

      {invoice.status !== 'draft' && invoice.creditedAmount < invoice.total.gross ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setCredited(null);
            void credit.run();
          }}
        >
          <h3>{t('creditNote.title')}</h3>
          <TextField label={t('creditNote.reason')} value={reason} onValue={setReason} required />
          <Checkbox label={t('creditNote.whole')} checked={whole} onChecked={setWhole} />
          {!whole ? (
            <fieldset>
              <legend>{t('creditNote.lines')}</legend>
              {invoice.lines.map((line) => (
                <Checkbox key={line.id} label={`${line.description}${line.reference ? ` (${line.reference})` : ''} · ${formatMoney(line.gross)}`} checked={selected[line.id] === true} onChecked={(value) => setSelected({ ...selected, [line.id]: value })} />
              ))}
            </fieldset>
          ) : null}
          <ErrorNotice error={credit.error} />
          {credited ? <Notice kind="success">{t('creditNote.issued', { number: credited.number })}</Notice> : null}
          <button type="submit" class="secondary" disabled={credit.pending}>
            {t('creditNote.issue')}
          </button>
        </form>
      ) : null}
    </div>
  );
}
