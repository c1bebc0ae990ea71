import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatLocalDate, formatMoney } from '../format.js';
import type { MessageKey } from '../i18n.js';
import type { Invoice, StatementImport, StatementLine } from '../types.js';
import { ErrorNotice, Loading, Money, Notice, PageTitle, SelectField, TableWrap, useAction, useAsync } from '../ui.js';

/** The bank's statement in, what matched by itself, and what remains to match by hand. */
export function BankPage() {
  const { t, announce } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<StatementImport | null>(null);
  const lines = useAsync((signal) => api<Page<StatementLine>>('GET', '/v1/billing/bank-statements/lines', { query: { status: 'unmatched', limit: 100 }, signal }), []);
  const open = useAsync((signal) => api<Page<Invoice>>('GET', '/v1/billing/invoices', { query: { status: 'open', limit: 100 }, signal }), []);

  const upload = useAction(async () => {
    if (!file) return;
    const isXml = /\.xml$/i.test(file.name) || file.type.includes('xml');
    const answer = await api<StatementImport>('POST', '/v1/billing/bank-statements', { raw: { data: await file.arrayBuffer(), contentType: isXml ? 'application/xml' : 'text/csv' } });
    setResult(answer);
    announce(t('bank.imported', { matched: answer.matched, unmatched: answer.unmatched }));
    lines.reload();
    open.reload();
  });

  return (
    <>
      <PageTitle>{t('bank.title')}</PageTitle>
      <section aria-labelledby="upload-title">
        <h2 id="upload-title">{t('bank.upload')}</h2>
        <p>{t('bank.uploadIntro')}</p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setResult(null);
            void upload.run();
          }}
        >
          <div class="field">
            <label for="statement-file">{t('bank.file')}</label>
            <p class="hint" id="statement-hint">
              {t('bank.fileHint')}
            </p>
            <input id="statement-file" type="file" accept=".xml,.csv,.txt,application/xml,text/xml,text/csv" required aria-describedby="statement-hint" onChange={(event) => setFile((event.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
          </div>
          <ErrorNotice error={upload.error} />
          {result ? (
            <Notice kind="success">
              {t('bank.result', { lines: result.lineCount, added: result.newLines, matched: result.matched, unmatched: result.unmatched })}
            </Notice>
          ) : null}
          <button type="submit" disabled={upload.pending || !file} aria-busy={upload.pending}>
            {upload.pending ? t('common.sending') : t('bank.import')}
          </button>
        </form>
      </section>

      <section aria-labelledby="unmatched-title">
        <h2 id="unmatched-title">{t('bank.unmatched')}</h2>
        {lines.loading && !lines.data ? <Loading /> : null}
        <ErrorNotice error={lines.error ?? open.error} />
        {lines.data && lines.data.data.length === 0 ? <p>{t('bank.noneUnmatched')}</p> : null}
        {lines.data && lines.data.data.length > 0 ? (
          <TableWrap label={t('bank.unmatched')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('bank.date')}</th>
                  <th scope="col" class="num">{t('bank.amount')}</th>
                  <th scope="col">{t('bank.label')}</th>
                  <th scope="col">{t('bank.why')}</th>
                  <th scope="col">{t('bank.match')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.data.data.map((line) => (
                  <UnmatchedRow key={line.id} line={line} invoices={open.data?.data ?? []} onMatched={() => { lines.reload(); open.reload(); }} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
    </>
  );
}

function UnmatchedRow({ line, invoices, onMatched }: { line: StatementLine; invoices: Invoice[]; onMatched(): void }) {
  const { t, lang, announce } = useApp();
  // The invoices the line names come first, then those owing exactly its amount, then the rest.
  const ranked = [...invoices].sort((a, b) => score(b) - score(a));
  function score(invoice: Invoice): number {
    return (invoice.number && line.candidates.includes(invoice.number) ? 2 : 0) + (invoice.amountDue === line.amount ? 1 : 0);
  }
  const [invoiceId, setInvoiceId] = useState(ranked[0]?.id ?? '');
  const match = useAction(async () => {
    await api('POST', `/v1/billing/invoices/${encodeURIComponent(invoiceId)}/payments`, { body: { statementLineId: line.id } });
    const invoice = invoices.find((candidate) => candidate.id === invoiceId);
    announce(t('bank.matched', { amount: formatMoney(line.amount), number: invoice?.number ?? '' }));
    onMatched();
  });
  return (
    <tr>
      <td>{formatLocalDate(line.bookingDate, lang, true)}</td>
      <td class="num"><Money cents={line.amount} /></td>
      <td>
        {line.label}
        {line.counterparty ? <div class="small">{line.counterparty}</div> : null}
      </td>
      <td>{line.reason ? t(`bank.reason.${line.reason}` as MessageKey) : '—'}</td>
      <td>
        {ranked.length === 0 ? (
          <span class="small">{t('bank.noOpenInvoice')}</span>
        ) : (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void match.run();
            }}
          >
            <SelectField
              label={t('bank.invoiceFor', { amount: formatMoney(line.amount) })}
              value={invoiceId}
              onValue={setInvoiceId}
              options={ranked.map((invoice) => [invoice.id, `${invoice.number ?? invoice.id} · ${invoice.buyer?.name ?? ''} · ${t('invoices.amountDue')} ${formatMoney(invoice.amountDue)}`] as const)}
            />
            <ErrorNotice error={match.error} />
            <button type="submit" class="secondary" disabled={match.pending || invoiceId === ''}>
              {t('bank.matchButton')}
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
