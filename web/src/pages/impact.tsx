import { useState } from 'preact/hooks';
import { api, withQuery, type Page } from '../api.js';
import { useApp, useMe } from '../context.js';
import { formatPeriod, parisMonth, previousMonth, type Lang } from '../format.js';
import type { Tenant } from '../types.js';
import { DownloadLink, ErrorNotice, Loading, PageTitle, SelectField, TableWrap, useAsync } from '../ui.js';
import { Field } from './standing-orders-form.js';
import './standing-orders.css';

/**
 * The impact report (issue 18, `GET /v1/impact`): for a month (last month by default), the
 * deliveries, the kilometres ridden and the CO₂e a diesel van would have emitted over them, with
 * the factor and its source; the year's summary month by month for funders; the API's CSV of
 * both. A tenant sees its own; the hub sees the whole cooperative's, or one tenant's.
 */

interface Figures {
  deliveries: number;
  failedAttempts: number;
  parcels: number;
  weightKg: number;
  stops: number;
  metres: number;
  km: number;
  kgCo2eAvoided: number;
}

interface ImpactReport {
  object: 'impact_report';
  scope: 'hub' | 'tenant';
  tenantId: string | null;
  period: { month: string | null; year: string | null; from: string; to: string; complete: boolean };
  method: { distances: 'road' | 'great_circle'; detourFactor: number | null; description: string; allocation: string };
  factor: { kgCo2ePerKm: number; name: string; source: string; identifier: string | null; version: string; derivation: string; bikeEmissions: string };
  totals: Figures;
  months: Array<Figures & { month: string }>;
  /** The hub's report: each tenant's figures. */
  tenants: Array<Figures & { tenantId: string }> | null;
  generatedAt: string;
}

const formats = new Map<string, Intl.NumberFormat>();
/** A number as people read it: "1 234,5" in French, "1,234.5" in English. */
export function formatNumber(value: number, lang: Lang, digits = 1): string {
  const id = `${lang}:${digits}`;
  let format = formats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    formats.set(id, format);
  }
  return format.format(value);
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function ImpactPage() {
  const { t, lang } = useApp();
  const me = useMe();
  // The hub's people (admins, the cooperative's accountant) see the whole hub, or one tenant.
  const hub = me.tenantId === null && me.role !== 'tenant';
  const [month, setMonth] = useState(() => previousMonth(parisMonth()));
  const [tenantId, setTenantId] = useState('');
  const tenants = useAsync((signal) => (hub ? api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 }, signal }).then((page) => page.data) : Promise.resolve([] as Tenant[])), [hub]);
  const validMonth = MONTH.test(month);
  const year = validMonth ? month.slice(0, 4) : '';
  const scope = hub && tenantId !== '' ? { tenantId } : {};
  const monthReport = useAsync((signal) => (validMonth ? api<ImpactReport>('GET', '/v1/impact', { query: { month, ...scope }, signal }) : Promise.resolve(undefined)), [month, tenantId]);
  const yearReport = useAsync((signal) => (validMonth ? api<ImpactReport>('GET', '/v1/impact', { query: { year, ...scope }, signal }) : Promise.resolve(undefined)), [year, tenantId]);

  const report = monthReport.data;
  const figures = report?.totals;
  const factor = report?.factor ?? yearReport.data?.factor;
  return (
    <div class="impact-page">
      <PageTitle>{t('impact.title')}</PageTitle>
      <p>{t('impact.intro')}</p>
      {hub ? <p>{t('impact.introHub')}</p> : null}
      <div class="filters">
        <Field type="month" label={t('impact.month')} value={month} onValue={(value) => value !== '' && setMonth(value)} max={parisMonth()} />
        {hub ? (
          <SelectField
            label={t('impact.tenant')}
            value={tenantId}
            onValue={setTenantId}
            options={[['', t('impact.allTenants')], ...(tenants.data ?? []).map((tenant) => [tenant.id, tenant.name] as const)]}
          />
        ) : null}
      </div>

      <section aria-labelledby="impact-month" aria-busy={monthReport.loading}>
        <h2 id="impact-month">{t('impact.monthTitle', { month: formatPeriod(month, lang) })}</h2>
        <ErrorNotice error={monthReport.error} />
        {monthReport.loading && !report ? (
          <Loading />
        ) : figures ? (
          <>
            <dl class="impact-figures">
              <div>
                <dt>{t('impact.deliveries')}</dt>
                <dd data-figure="deliveries">{formatNumber(figures.deliveries, lang, 0)}</dd>
              </div>
              <div>
                <dt>{t('impact.distance')}</dt>
                <dd data-figure="km">{formatNumber(figures.km, lang)} km</dd>
              </div>
              <div>
                <dt>{t('impact.co2')}</dt>
                <dd data-figure="co2">{formatNumber(figures.kgCo2eAvoided, lang)} kg</dd>
              </div>
            </dl>
            {figures.deliveries === 0 ? <p>{t('impact.empty')}</p> : null}
            {!report.period.complete ? <p class="small">{t('impact.partial')}</p> : null}
            <p class="small">{t('impact.method')}</p>
            <div class="actions">
              <DownloadLink href={withQuery('/v1/impact', { month, ...scope, format: 'csv' })}>{t('impact.csvMonth')}</DownloadLink>
              {hub && tenantId === '' ? <DownloadLink href={withQuery('/v1/impact', { month, format: 'csv', detail: 'rounds' })}>{t('impact.csvRounds')}</DownloadLink> : null}
            </div>
          </>
        ) : null}
        {hub && tenantId === '' && report?.tenants && report.tenants.length > 0 ? (
          <ByTenant rows={report.tenants} names={new Map((tenants.data ?? []).map((tenant) => [tenant.id, tenant.name]))} month={month} />
        ) : null}
        {factor ? (
          <p class="small factor">
            {t('impact.factor', { factor: formatNumber(factor.kgCo2ePerKm, lang, 3), name: factor.name, source: factor.source, version: factor.version })}
          </p>
        ) : null}
      </section>

      <YearSummary year={year} report={yearReport.data} loading={yearReport.loading} error={yearReport.error} csv={withQuery('/v1/impact', { year, ...scope, format: 'csv' })} />
    </div>
  );
}

/** The hub's month, client by client (their deliveries, their share of the kilometres). */
function ByTenant({ rows, names, month }: { rows: Array<Figures & { tenantId: string }>; names: Map<string, string>; month: string }) {
  const { t, lang } = useApp();
  const label = t('impact.byTenant', { month: formatPeriod(month, lang) });
  const sorted = [...rows].sort((a, b) => b.km - a.km);
  return (
    <>
      <h3>{label}</h3>
      <TableWrap label={label}>
        <table>
          <caption class="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">{t('impact.tenant')}</th>
              <th scope="col" class="num">
                {t('impact.deliveries')}
              </th>
              <th scope="col" class="num">
                {t('impact.distance')}
              </th>
              <th scope="col" class="num">
                {t('impact.co2')}
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.tenantId}>
                <th scope="row">{names.get(row.tenantId) ?? row.tenantId}</th>
                <td class="num">{formatNumber(row.deliveries, lang, 0)}</td>
                <td class="num">{formatNumber(row.km, lang)} km</td>
                <td class="num">{formatNumber(row.kgCo2eAvoided, lang)} kg</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

function YearSummary({ year, report, loading, error, csv }: { year: string; report: ImpactReport | undefined; loading: boolean; error: unknown; csv: string }) {
  const { t, lang } = useApp();
  return (
    <section aria-labelledby="impact-year" aria-busy={loading}>
      <h2 id="impact-year">{t('impact.yearTitle', { year })}</h2>
      <p>{t('impact.yearIntro')}</p>
      {report && !report.period.complete ? <p class="small">{t('impact.partialYear')}</p> : null}
      <ErrorNotice error={error} />
      {loading && !report ? (
        <Loading />
      ) : report ? (
        <>
          <TableWrap label={t('impact.yearTable', { year })}>
            <table>
              <caption class="visually-hidden">{t('impact.yearTable', { year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('impact.month')}</th>
                  <th scope="col" class="num">
                    {t('impact.deliveries')}
                  </th>
                  <th scope="col" class="num">
                    {t('impact.distance')}
                  </th>
                  <th scope="col" class="num">
                    {t('impact.co2')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.months.map((row) => (
                  <tr key={row.month}>
                    <th scope="row">{formatPeriod(row.month, lang)}</th>
                    <td class="num">{formatNumber(row.deliveries, lang, 0)}</td>
                    <td class="num">{formatNumber(row.km, lang)} km</td>
                    <td class="num">{formatNumber(row.kgCo2eAvoided, lang)} kg</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('impact.total')}</th>
                  <td class="num">{formatNumber(report.totals.deliveries, lang, 0)}</td>
                  <td class="num">{formatNumber(report.totals.km, lang)} km</td>
                  <td class="num">{formatNumber(report.totals.kgCo2eAvoided, lang)} kg</td>
                </tr>
              </tfoot>
            </table>
          </TableWrap>
          <div class="actions">
            <DownloadLink href={csv}>{t('impact.csvYear')}</DownloadLink>
          </div>
        </>
      ) : null}
    </section>
  );
}
