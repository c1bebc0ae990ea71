import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import type { Tenant } from '../types.js';
import { ErrorNotice, Loading, PageTitle, SelectField, TableWrap, useAction, useAsync } from '../ui.js';
import { ClosuresSection, OrderCells } from './standing-orders.js';
import type { StandingOrder } from './standing-orders-form.js';
import './standing-orders.css';

/**
 * The hub's view of standing orders (`/app/hub/standing-orders`, issue 18): every tenant's orders
 * (or one tenant's), each opening its page (pause, resume, end, skip a day), and the hub's own
 * closures (`GET/PUT /v1/hub/closures`), which every order skips.
 */
export function HubStandingOrdersPage() {
  const { t } = useApp();
  const [tenantId, setTenantId] = useState('');
  const tenants = useAsync((signal) => api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 }, signal }).then((page) => page.data), []);
  const names = new Map((tenants.data ?? []).map((tenant) => [tenant.id, tenant.name]));
  const [extra, setExtra] = useState<StandingOrder[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(
    async (signal) => {
      const page = await api<Page<StandingOrder>>('GET', '/v1/standing-orders', { query: { limit: 50, tenantId }, signal });
      setExtra([]);
      setCursor(page.hasMore ? page.nextCursor ?? null : null);
      return page.data;
    },
    [tenantId],
  );
  const more = useAction(async () => {
    if (!cursor) return;
    const page = await api<Page<StandingOrder>>('GET', '/v1/standing-orders', { query: { limit: 50, tenantId, cursor } });
    setExtra((previous) => [...previous, ...page.data]);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
  });
  const orders = [...(list.data ?? []), ...extra];
  return (
    <div class="standing-page">
      <PageTitle>{t('standing.hub.title')}</PageTitle>
      <p>{t('standing.hub.intro')}</p>
      <div class="filters">
        <SelectField label={t('standing.hub.tenant')} value={tenantId} onValue={setTenantId} options={[['', t('standing.hub.allTenants')], ...(tenants.data ?? []).map((tenant) => [tenant.id, tenant.name] as const)]} />
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : orders.length === 0 ? (
        <p>{t('standing.none')}</p>
      ) : (
        <TableWrap label={t('standing.hub.title')}>
          <table>
            <caption class="visually-hidden">{t('standing.hub.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('standing.hub.tenant')}</th>
                <th scope="col">{t('standing.col.dropoff')}</th>
                <th scope="col">{t('standing.col.rule')}</th>
                <th scope="col">{t('standing.col.window')}</th>
                <th scope="col">{t('standing.col.next')}</th>
                <th scope="col">{t('standing.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <tr key={order.id}>
                  <td>{names.get(order.tenantId) ?? order.tenantId}</td>
                  <OrderCells order={order} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {cursor ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void more.run()} disabled={more.pending}>
            {t('standing.loadMore')}
          </button>
        </div>
      ) : null}
      <ErrorNotice error={more.error} />
      <ClosuresSection hub />
    </div>
  );
}
