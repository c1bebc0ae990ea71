import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatDateTime, formatLocalDate } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus, type Tenant } from '../types.js';
import { ErrorNotice, Loading, PageTitle, SelectField, StatusBadge, useAction, useAsync } from '../ui.js';

interface Courier {
  id: string;
  name: string;
}

const place = (delivery: Delivery) => {
  const stop = delivery.kind === 'pickup' ? delivery.pickup : delivery.dropoff;
  return [stop.address.line1, [stop.address.postcode, stop.address.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || '—';
};

/** The whole hub's deliveries by status, each booked one assigned to a courier. */
export function DispatchPage() {
  const { t, lang, announce } = useApp();
  const [status, setStatus] = useState<DeliveryStatus>('booked');
  const list = useAsync((signal) => api<Page<Delivery>>('GET', '/v1/deliveries', { query: { status, limit: 100 }, signal }), [status]);
  const couriers = useAsync((signal) => api<Page<Courier>>('GET', '/v1/couriers', { query: { limit: 100 }, signal }), []);
  const tenants = useAsync((signal) => api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 }, signal }), []);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const assign = useAction(async (delivery: Delivery) => {
    const courierId = choice[delivery.id];
    if (!courierId) return;
    await api('POST', `/v1/hub/deliveries/${encodeURIComponent(delivery.id)}/assign`, { body: { courierId } });
    announce(t('dispatch.assigned', { name: couriers.data?.data.find((courier) => courier.id === courierId)?.name ?? '' }));
    list.reload();
  });
  const tenantName = (id: string) => tenants.data?.data.find((tenant) => tenant.id === id)?.name ?? id;
  const courierOptions = [['', t('dispatch.choose')] as const, ...(couriers.data?.data ?? []).map((courier) => [courier.id, courier.name] as const)];
  return (
    <>
      <PageTitle>{t('dispatch.title')}</PageTitle>
      <p>{t('dispatch.intro')}</p>
      <form class="filters" role="search" aria-label={t('deliveries.filters')} onSubmit={(event) => event.preventDefault()}>
        <SelectField label={t('deliveries.status')} value={status} onValue={(value) => setStatus(value as DeliveryStatus)} options={DELIVERY_STATUSES.map((value) => [value, t(`status.${value}` as MessageKey)] as const)} />
      </form>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNotice error={list.error ?? couriers.error ?? assign.error} />
      {couriers.data && couriers.data.data.length === 0 ? <p>{t('dispatch.noCourier')}</p> : null}
      {list.data ? (
        <p role="status" class="small">
          {t('deliveries.count', { count: list.data.data.length })}
        </p>
      ) : null}
      {list.data && list.data.data.length === 0 ? <p>{t('deliveries.none')}</p> : null}
      <ul class="cards two">
        {list.data?.data.map((delivery) => (
          <li key={delivery.id} class="card">
            <h2>
              {tenantName(delivery.tenantId)} · {delivery.reference || t('deliveries.noReference')}
            </h2>
            <p>
              <StatusBadge status={delivery.status} /> · {t(`kind.${delivery.kind}` as MessageKey)}
            </p>
            <p>
              {delivery.kind === 'pickup' ? t('deliveries.from') : t('deliveries.to')} {place(delivery)}
              {delivery.slot ? ` · ${formatLocalDate(delivery.slot.date, lang)} ${delivery.slot.start}–${delivery.slot.end}` : ''}
            </p>
            <p class="small">{t('deliveries.bookedOn', { date: formatDateTime(delivery.createdAt, lang) })}</p>
            {delivery.status === 'booked' || delivery.status === 'assigned' ? (
              <form
                class="row"
                onSubmit={(event) => {
                  event.preventDefault();
                  void assign.run(delivery);
                }}
              >
                <SelectField label={t('dispatch.courier')} value={choice[delivery.id] ?? ''} onValue={(value) => setChoice({ ...choice, [delivery.id]: value })} options={courierOptions} />
                <div class="actions">
                  <button type="submit" disabled={assign.pending || !choice[delivery.id]}>
                    {t('dispatch.assign')}
                    <span class="visually-hidden"> {delivery.reference ?? delivery.id}</span>
                  </button>
                </div>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
