import { useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp } from '../context.js';
import { formatDateTime, formatPeriod, parisMonth } from '../format.js';
import { Submission } from '../idempotency.js';
import type { MessageKey } from '../i18n.js';
import { href, onLinkClick } from '../router.js';
import type { BillingRun, Reconciliation } from '../types.js';
import { DownloadLink, ErrorNotice, Loading, Money, Notice, PageTitle, TableWrap, TextField, useAction, useAsync } from '../ui.js';

/** The month end on one page: the period's reconciliation, billing it, and the files to download. */
export function ReconciliationPage() {
  const { t, lang, announce } = useApp();
  const [period, setPeriod] = useState(parisMonth());
  const report = useAsync((signal) => api<Reconciliation>('GET', '/v1/billing/reconciliation', { query: { period }, signal }), [period]);
  const [run, setRun] = useState<BillingRun | null>(null);
  const submission = useRef(new Submission()).current;
  const bill = useAction(async () => {
    const body = { period };
    try {
      const answer = await api<BillingRun>('POST', '/v1/billing/runs', { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      setRun(answer);
      announce(t('billing.done', { count: answer.invoices.length }));
      report.reload();
    } catch (error) {
      submission.failed(error);
      throw error;
    }
  });

  const problems = report.data?.tenants.reduce((sum, tenant) => sum + tenant.discrepancies.length, 0) ?? 0;
  const month = formatPeriod(period, lang);
  return (
    <>
      <PageTitle>{t('reconciliation.title')}</PageTitle>
      <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label={t('reconciliation.periodLabel')}>
        <TextField label={t('reconciliation.period')} type="month" value={period} onValue={(value) => value && (setPeriod(value), setRun(null))} />
      </form>

      <section class="panel" aria-labelledby="run-title">
        <h2 id="run-title">{t('billing.title', { month })}</h2>
        <p>{t('billing.intro')}</p>
        <button type="button" onClick={() => void bill.run()} disabled={bill.pending} aria-busy={bill.pending}>
          {bill.pending ? t('billing.running') : t('billing.run', { month })}
        </button>
        {bill.pending ? <p role="status">{t('billing.running')}</p> : null}
        <ErrorNotice error={bill.error} />
        {run ? (
          <Notice kind="success">
            <p>{run.invoices.length === 0 ? t('billing.nothing') : t('billing.done', { count: run.invoices.length })}</p>
            {run.invoices.length > 0 ? (
              <ul>
                {run.invoices.map((invoice) => (
                  <li key={invoice.id}>
                    {invoice.number} · {invoice.buyer?.name ?? invoice.tenantId} · <Money cents={invoice.total.gross} />
                  </li>
                ))}
              </ul>
            ) : null}
          </Notice>
        ) : null}
      </section>

      <section aria-labelledby="reco-title">
        <h2 id="reco-title">{t('reconciliation.of', { month })}</h2>
        {report.loading && !report.data ? <Loading /> : null}
        <ErrorNotice error={report.error} />
        {report.data ? (
          <>
            <p role="status">
              {report.data.clean ? t('reconciliation.clean') : t('reconciliation.problems', { count: problems })}{' '}
              <span class="small">{t('reconciliation.generated', { at: formatDateTime(report.data.generatedAt, lang) })}</span>
            </p>
            {report.data.tenants.length === 0 ? <p>{t('reconciliation.empty')}</p> : null}
            {report.data.tenants.length > 0 ? (
              <TableWrap label={t('reconciliation.of', { month })}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('reconciliation.tenant')}</th>
                      <th scope="col" class="num">{t('reconciliation.delivered')}</th>
                      <th scope="col" class="num">{t('reconciliation.expected')}</th>
                      <th scope="col" class="num">{t('reconciliation.billed')}</th>
                      <th scope="col" class="num">{t('reconciliation.invoiced')}</th>
                      <th scope="col" class="num">{t('reconciliation.credited')}</th>
                      <th scope="col" class="num">{t('reconciliation.paid')}</th>
                      <th scope="col" class="num">{t('reconciliation.outstanding')}</th>
                      <th scope="col">{t('reconciliation.check')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.data.tenants.map((tenant) => (
                      <tr key={tenant.tenantId} class={tenant.discrepancies.length > 0 ? 'problem' : ''}>
                        <th scope="row">{tenant.tenantName}</th>
                        <td class="num">{tenant.deliveredCount + tenant.cancellationFeeCount}</td>
                        <td class="num"><Money cents={tenant.expectedAmount} /></td>
                        <td class="num"><Money cents={tenant.billedAmount} /></td>
                        <td class="num"><Money cents={tenant.invoicedAmount} /></td>
                        <td class="num"><Money cents={tenant.creditedAmount} /></td>
                        <td class="num"><Money cents={tenant.paidAmount} /></td>
                        <td class="num"><Money cents={tenant.outstandingAmount} /></td>
                        <td>{tenant.discrepancies.length === 0 ? <span class="badge status-paid">{t('reconciliation.ok')}</span> : <span class="badge status-overdue">{t('reconciliation.toCheck', { count: tenant.discrepancies.length })}</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : null}
            {problems > 0 ? (
              <>
                <h3>{t('reconciliation.discrepancies')}</h3>
                <ul class="cards">
                  {report.data.tenants.flatMap((tenant) =>
                    tenant.discrepancies.map((discrepancy, index) => (
                      <li key={`${tenant.tenantId}-${index}`} class="card">
                        <p>
                          <strong>{tenant.tenantName}</strong> · {t(`discrepancy.${discrepancy.kind}` as MessageKey)}
                        </p>
                        <p class="small">{discrepancy.detail}</p>
                        <p>
                          <strong>{t('reconciliation.action')} :</strong> {t(`action.${discrepancy.action}` as MessageKey)}
                        </p>
                        <DiscrepancyAction action={discrepancy.action} onRun={() => void bill.run()} running={bill.pending} month={month} />
                      </li>
                    )),
                  )}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </section>

      <section aria-labelledby="files-title">
        <h2 id="files-title">{t('files.title')}</h2>
        <p>{t('files.intro')}</p>
        <div class="actions">
          <DownloadLink href={`/v1/billing/export?period=${period}&format=fec`}>{t('files.fec')}</DownloadLink>
          <DownloadLink href={`/v1/billing/export?period=${period}&format=csv`}>{t('files.lines')}</DownloadLink>
          <DownloadLink href={`/v1/billing/reconciliation?period=${period}&format=csv`}>{t('files.reconciliation')}</DownloadLink>
        </div>
      </section>
    </>
  );
}

function DiscrepancyAction({ action, onRun, running, month }: { action: string; onRun(): void; running: boolean; month: string }) {
  const { t } = useApp();
  if (action === 'run_billing') {
    return (
      <button type="button" class="secondary" onClick={onRun} disabled={running}>
        {t('billing.run', { month })}
      </button>
    );
  }
  if (action === 'issue_credit_note' || action === 'send_reminder' || action === 'refund_customer') {
    return (
      <a class="button secondary" href={href('/accounting/invoices')} onClick={(event) => onLinkClick(event, '/accounting/invoices')}>
        {t('reconciliation.openInvoices')}
      </a>
    );
  }
  return null;
}
