import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp, useMe } from '../context.js';
import { formatDate, formatLocalDate, formatPeriod, parisMonth } from '../format.js';
import type { MessageKey } from '../i18n.js';
import type { CreditNote, Invoice } from '../types.js';
import { DownloadLink, ErrorNotice, Loading, Money, PageTitle, SelectField, TableWrap, TextField, useAsync } from '../ui.js';

export function invoiceState(invoice: Invoice): 'overdue' | Invoice['status'] {
  return invoice.status === 'open' && invoice.overdue ? 'overdue' : invoice.status;
}

export function InvoiceStatus({ invoice }: { invoice: Invoice }) {
  const { t } = useApp();
  const state = invoiceState(invoice);
  return <span class={`badge status-${state}`}>{t(`invoice.status.${state}` as MessageKey)}</span>;
}

export const pdfHref = (invoice: { id: string }) => `/v1/billing/invoices/${encodeURIComponent(invoice.id)}?format=pdf`;
export const creditNotePdfHref = (note: { id: string }) => `/v1/billing/credit-notes/${encodeURIComponent(note.id)}?format=pdf`;

/** The tenant's invoices (to pay, or a month's) and credit notes, each with its PDF. */
export function InvoicesPage() {
  const { t, lang } = useApp();
  const me = useMe();
  const [view, setView] = useState<'open' | 'period'>('open');
  const [period, setPeriod] = useState(parisMonth());
  const invoices = useAsync(
    (signal) => api<Page<Invoice>>('GET', '/v1/billing/invoices', { query: view === 'open' ? { status: 'open', limit: 100 } : { period, limit: 100 }, signal }),
    [view, period],
  );
  const notes = useAsync(
    (signal) => api<Page<CreditNote>>('GET', '/v1/billing/credit-notes', { query: view === 'open' ? { tenantId: me.tenantId, limit: 100 } : { period, limit: 100 }, signal }),
    [view, period, me.tenantId],
  );
  return (
    <>
      <PageTitle>{t('invoices.title')}</PageTitle>
      <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label={t('invoices.filters')}>
        <SelectField label={t('invoices.show')} value={view} onValue={(value) => setView(value === 'period' ? 'period' : 'open')} options={[['open', t('invoices.toPay')], ['period', t('invoices.byMonth')]]} />
        {view === 'period' ? <TextField label={t('invoices.month')} type="month" value={period} onValue={(value) => value && setPeriod(value)} /> : null}
      </form>
      <h2>{view === 'open' ? t('invoices.toPay') : t('invoices.ofMonth', { month: formatPeriod(period, lang) })}</h2>
      {invoices.loading && !invoices.data ? <Loading /> : null}
      <ErrorNotice error={invoices.error} />
      {invoices.data && invoices.data.data.length === 0 ? <p>{view === 'open' ? t('invoices.noneToPay') : t('invoices.none')}</p> : null}
      {invoices.data && invoices.data.data.length > 0 ? (
        <TableWrap label={t('invoices.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('invoices.number')}</th>
                <th scope="col">{t('invoices.period')}</th>
                <th scope="col">{t('invoices.issued')}</th>
                <th scope="col">{t('invoices.due')}</th>
                <th scope="col" class="num">{t('invoices.total')}</th>
                <th scope="col" class="num">{t('invoices.amountDue')}</th>
                <th scope="col">{t('invoices.state')}</th>
                <th scope="col">{t('invoices.document')}</th>
              </tr>
            </thead>
            <tbody>
              {invoices.data.data.map((invoice) => (
                <tr key={invoice.id} class={invoice.overdue ? 'problem' : ''}>
                  <th scope="row">{invoice.number ?? '—'}</th>
                  <td>{formatPeriod(invoice.period, lang)}</td>
                  <td>{invoice.issuedAt ? formatDate(invoice.issuedAt, lang) : '—'}</td>
                  <td>{invoice.dueDate ? formatLocalDate(invoice.dueDate, lang, true) : '—'}</td>
                  <td class="num"><Money cents={invoice.total.gross} /></td>
                  <td class="num"><Money cents={invoice.amountDue} /></td>
                  <td><InvoiceStatus invoice={invoice} /></td>
                  <td>
                    {invoice.number ? (
                      <DownloadLink href={pdfHref(invoice)} class="">
                        PDF<span class="visually-hidden"> {invoice.number}</span>
                      </DownloadLink>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <h2>{t('invoices.creditNotes')}</h2>
      {notes.loading && !notes.data ? <Loading /> : null}
      <ErrorNotice error={notes.error} />
      {notes.data && notes.data.data.length === 0 ? <p>{t('invoices.noCreditNotes')}</p> : null}
      {notes.data && notes.data.data.length > 0 ? <CreditNotesTable notes={notes.data.data} /> : null}
    </>
  );
}

export function CreditNotesTable({ notes }: { notes: CreditNote[] }) {
  const { t, lang } = useApp();
  return (
    <TableWrap label={t('invoices.creditNotes')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('invoices.number')}</th>
            <th scope="col">{t('invoices.ofInvoice')}</th>
            <th scope="col">{t('invoices.issued')}</th>
            <th scope="col">{t('invoices.reason')}</th>
            <th scope="col" class="num">{t('invoices.total')}</th>
            <th scope="col">{t('invoices.document')}</th>
          </tr>
        </thead>
        <tbody>
          {notes.map((note) => (
            <tr key={note.id}>
              <th scope="row">{note.number}</th>
              <td>{note.invoiceNumber}</td>
              <td>{formatDate(note.issuedAt, lang)}</td>
              <td>{note.reason}</td>
              <td class="num"><Money cents={note.total.gross} /></td>
              <td>
                <DownloadLink href={creditNotePdfHref(note)} class="">
                  PDF<span class="visually-hidden"> {note.number}</span>
                </DownloadLink>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
