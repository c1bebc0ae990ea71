import { useMemo, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp, useMe } from '../context.js';
import { formatDateTime, formatKg, formatKm, formatLocalDate, formatMoney } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { loadOf } from '../presets.js';
import { href, onLinkClick } from '../router.js';
import { DELIVERY_STATUSES, type Delivery, type RateCardView, type Stop } from '../types.js';
import { ConfirmDialog, CopyButton, ErrorNotice, Loading, Money, Notice, PageTitle, SelectField, StatusBadge, TextField, useAction, useAsync } from '../ui.js';

/** The tenant's deliveries and pickups, newest first, filtered by status (API) and reference (here). */
export function DeliveriesPage() {
  const { t, lang } = useApp();
  const me = useMe();
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [reference, setReference] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const datesWrong = from !== '' && to !== '' && from > to;
  const [pages, setPages] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(async (signal) => {
    if (datesWrong) {
      setPages([]);
      setCursor(null);
      return { data: [], hasMore: false };
    }
    const page = await api<Page<Delivery>>('GET', '/v1/deliveries', { query: { status, from, to, limit: 50 }, signal });
    setPages(page.data);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
    return page;
  }, [status, from, to]);
  const more = useAction(async () => {
    if (!cursor) return;
    const page = await api<Page<Delivery>>('GET', '/v1/deliveries', { query: { status, from, to, limit: 50, cursor } });
    setPages((previous) => [...previous, ...page.data]);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
  });

  const shown = useMemo(() => {
    const needle = reference.trim().toLowerCase();
    return pages.filter((delivery) => (kind === '' || delivery.kind === kind) && (needle === '' || (delivery.reference ?? '').toLowerCase().includes(needle)));
  }, [pages, kind, reference]);

  return (
    <>
      <PageTitle>{t('deliveries.title')}</PageTitle>
      {me.role === 'tenant' ? (
        <div class="actions">
          <a class="button" href={href('/book/delivery')} onClick={(event) => onLinkClick(event, '/book/delivery')}>
            {t('nav.bookDelivery')}
          </a>
          <a class="button secondary" href={href('/book/pickup')} onClick={(event) => onLinkClick(event, '/book/pickup')}>
            {t('nav.bookPickup')}
          </a>
        </div>
      ) : null}
      <form class="filters" role="search" aria-label={t('deliveries.filters')} onSubmit={(event) => event.preventDefault()}>
        <SelectField label={t('deliveries.status')} value={status} onValue={setStatus} options={[['', t('deliveries.allStatuses')], ...DELIVERY_STATUSES.map((value) => [value, t(`status.${value}` as MessageKey)] as const)]} />
        <SelectField label={t('deliveries.kind')} value={kind} onValue={setKind} options={[['', t('deliveries.allKinds')], ['delivery', t('kind.delivery')], ['pickup', t('kind.pickup')]]} />
        <TextField label={t('deliveries.reference')} type="search" value={reference} onValue={setReference} />
        <TextField label={t('deliveries.bookedFrom')} type="date" value={from} onValue={setFrom} max={to || undefined} />
        <TextField label={t('deliveries.bookedTo')} type="date" value={to} onValue={setTo} min={from || undefined} />
      </form>
      {datesWrong ? <p class="notice warning">{t('deliveries.datesWrong')}</p> : null}
      {list.loading && pages.length === 0 ? <Loading /> : null}
      <ErrorNotice error={list.error ?? more.error} />
      {!list.loading || pages.length > 0 ? (
        <p role="status" class="small">
          {t('deliveries.count', { count: shown.length })}
        </p>
      ) : null}
      {shown.length === 0 && !list.loading && !list.error ? <p>{t('deliveries.none')}</p> : null}
      <ul class="cards two">
        {shown.map((delivery) => (
          <li key={delivery.id} class="card">
            <h2>
              <a href={href(`/deliveries/${delivery.id}`)} onClick={(event) => onLinkClick(event, `/deliveries/${delivery.id}`)}>
                {delivery.reference || t('deliveries.noReference')}
              </a>
            </h2>
            <p>
              <StatusBadge status={delivery.status} /> · {t(`kind.${delivery.kind}`)}
            </p>
            <p>
              {delivery.kind === 'pickup' ? t('deliveries.from') : t('deliveries.to')} {stopCity(delivery.kind === 'pickup' ? delivery.pickup : delivery.dropoff)}
              {delivery.slot ? ` · ${formatLocalDate(delivery.slot.date, lang)} ${delivery.slot.start}–${delivery.slot.end}` : ''}
            </p>
            <p class="small">
              {t('deliveries.bookedOn', { date: formatDateTime(delivery.createdAt, lang) })} · <Money cents={delivery.price.gross} />
            </p>
          </li>
        ))}
      </ul>
      {cursor ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void more.run()} disabled={more.pending}>
            {t('common.more')}
          </button>
        </div>
      ) : null}
    </>
  );
}

function stopCity(stop: Stop): string {
  return [stop.address.postcode, stop.address.city].filter(Boolean).join(' ') || '—';
}

function StopFacts({ stop, title }: { stop: Stop; title: string }) {
  const { t } = useApp();
  const address = stop.address;
  return (
    <div class="card">
      <h3>{title}</h3>
      <p>
        {address.line1 ? (
          <>
            {address.line1}
            {address.line2 ? `, ${address.line2}` : ''}
          </>
        ) : (
          <span title={t('deliveries.hidden')}>
            <span aria-hidden="true">—</span>
            <span class="visually-hidden">{t('deliveries.hidden')}</span>
          </span>
        )}
        <br />
        {[address.postcode, address.city].filter(Boolean).join(' ') || '—'}
      </p>
      {stop.contact ? (
        <p>
          {stop.contact.name || '—'}
          {stop.contact.phone ? ` · ${stop.contact.phone}` : ''}
          {stop.contact.email ? ` · ${stop.contact.email}` : ''}
        </p>
      ) : null}
      {stop.instructions ? (
        <p class="small">
          {t('delivery.instructions')} : {stop.instructions}
        </p>
      ) : null}
    </div>
  );
}

/** One delivery: its stops, parcels, price, timeline, tracking link, and cancelling it. */
export function DeliveryPage({ params }: { params: Record<string, string> }) {
  const { t, lang, announce } = useApp();
  const me = useMe();
  const id = params.id ?? '';
  const delivery = useAsync((signal) => api<Delivery>('GET', `/v1/deliveries/${encodeURIComponent(id)}`, { signal }), [id]);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const canCancel = me.role === 'tenant' && (delivery.data?.status === 'booked' || delivery.data?.status === 'assigned');
  const fee = useAsync(async (signal) => {
    if (!canCancel || delivery.data?.status !== 'assigned' || !me.tenantId) return 0;
    const card = await api<RateCardView>('GET', `/v1/tenants/${encodeURIComponent(me.tenantId)}/rate-card`, { signal });
    const net = card.cancellationFeeCents ?? 0;
    return net + Math.round((net * (card.vatRateBasisPoints ?? 2000)) / 10000);
  }, [canCancel, delivery.data?.status]);
  const cancel = useAction(async () => {
    const body = reason.trim() === '' ? {} : { reason: reason.trim().slice(0, 500) };
    const cancelled = await api<Delivery>('POST', `/v1/deliveries/${encodeURIComponent(id)}/cancel`, { body });
    delivery.setData(cancelled);
    setConfirming(false);
    announce(t('delivery.cancelled'));
  });

  if (delivery.loading && !delivery.data) return <Loading />;
  if (!delivery.data) {
    return (
      <>
        <PageTitle>{t('delivery.title')}</PageTitle>
        <ErrorNotice error={delivery.error} />
      </>
    );
  }
  const d = delivery.data;
  const load = loadOf(d.parcels);
  const trackingUrl = d.tracking?.url;
  const mail = `mailto:?subject=${encodeURIComponent(t('delivery.mailSubject'))}&body=${encodeURIComponent(`${t('delivery.mailBody')}\n${trackingUrl}`)}`;
  return (
    <>
      <p>
        <a href={href('/deliveries')} onClick={(event) => onLinkClick(event, '/deliveries')}>
          ← {t('delivery.back')}
        </a>
      </p>
      <PageTitle>
        {t(`kind.${d.kind}`)} {d.reference ? `« ${d.reference} »` : ''}
      </PageTitle>
      <p>
        <StatusBadge status={d.status} /> · {t('deliveries.bookedOn', { date: formatDateTime(d.createdAt, lang) })}
      </p>
      <div class="split">
        <div>
          {d.slot ? (
            <p>
              <strong>{t('delivery.slot')} :</strong> {formatLocalDate(d.slot.date, lang)}, {d.slot.start}–{d.slot.end}
            </p>
          ) : null}
          <div class="cards two">
            <StopFacts stop={d.pickup} title={d.kind === 'pickup' ? t('delivery.donor') : t('delivery.pickup')} />
            <StopFacts stop={d.dropoff} title={d.kind === 'pickup' ? t('delivery.bringTo') : t('delivery.dropoff')} />
          </div>
          <h2>{t('delivery.parcels')}</h2>
          <ul>
            {d.parcels.map((parcel, index) => (
              <li key={index}>
                {parcel.description || t('delivery.parcel', { n: index + 1 })} · {formatKg(parcel.weightKg, lang)}
                {parcel.lengthCm ? ` · ${parcel.lengthCm}×${parcel.widthCm}×${parcel.heightCm} cm` : ''}
              </li>
            ))}
          </ul>
          <p class="small">
            {t('delivery.load', { weight: formatKg(load.weightKg, lang), distance: formatKm(d.distanceMeters, lang) })}
          </p>
          <h2>{t('delivery.price')}</h2>
          <PriceTable lines={d.lines} net={d.price.net} vat={d.price.vat} gross={d.price.gross} />
          {d.cancellation ? (
            <Notice kind="warning">
              {t('delivery.cancelledOn', { date: formatDateTime(d.cancellation.at, lang) })}
              {d.cancellation.fee ? (
                <>
                  {' '}
                  {t('delivery.feeCharged')} <Money cents={d.cancellation.fee.gross} />
                </>
              ) : null}
            </Notice>
          ) : null}
        </div>
        <div>
          <h2>{t('delivery.timeline')}</h2>
          <ol class="timeline">
            {d.timeline.map((entry, index) => (
              <li key={index}>
                <strong>{t(`status.${entry.status}` as MessageKey)}</strong>
                <br />
                <time dateTime={entry.at}>{formatDateTime(entry.at, lang)}</time>
              </li>
            ))}
          </ol>
          {d.failureReason ? <p>{t('delivery.failure', { reason: d.failureReason })}</p> : null}
          {trackingUrl ? (
            <section aria-labelledby="tracking-title">
              <h2 id="tracking-title">{t('delivery.tracking')}</h2>
              <p class="small">{t('delivery.trackingHint')}</p>
              <p>
                <a href={trackingUrl} target="_blank" rel="noopener noreferrer" class="tracking-url">
                  {trackingUrl}
                </a>
              </p>
              <div class="actions">
                <CopyButton text={trackingUrl} label={t('delivery.copyLink')} />
                <a class="button secondary" href={mail}>
                  {t('delivery.sendLink')}
                </a>
              </div>
            </section>
          ) : null}
          {canCancel ? (
            <section aria-labelledby="cancel-title">
              <h2 id="cancel-title">{t('delivery.cancelTitle')}</h2>
              {fee.loading ? <Loading /> : <p>{fee.data ? t('delivery.cancelFee', { fee: formatMoney(fee.data) }) : t('delivery.cancelFree')}</p>}
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                {t('delivery.cancel')}
              </button>
            </section>
          ) : null}
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('delivery.confirmTitle')}
        confirmLabel={t('delivery.confirmYes')}
        cancelLabel={t('delivery.confirmNo')}
        danger
        pending={cancel.pending}
        onConfirm={() => void cancel.run()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {fee.data ? t('delivery.cancelFee', { fee: formatMoney(fee.data) }) : t('delivery.cancelFree')}
        </p>
        <TextField label={t('delivery.cancelReason')} value={reason} onValue={setReason} />
        <ErrorNotice error={cancel.error} />
      </ConfirmDialog>
    </>
  );
}

export function PriceTable({ lines, net, vat, gross }: { lines: Array<{ code: string; label: string; amount: number }>; net: number; vat: number; gross: number }) {
  const { t } = useApp();
  return (
    <table class="price">
      <caption class="small caption-left">{t('price.caption')}</caption>
      <tbody>
        {lines.map((line) => (
          <tr key={line.code + line.label}>
            <th scope="row">{line.label}</th>
            <td class="num">
              <Money cents={line.amount} />
            </td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t('price.net')}</th>
          <td class="num">
            <Money cents={net} />
          </td>
        </tr>
        <tr>
          <th scope="row">{t('price.vat')}</th>
          <td class="num">
            <Money cents={vat} />
          </td>
        </tr>
        <tr>
          <th scope="row">{t('price.gross')}</th>
          <td class="num price-total">
            <Money cents={gross} />
          </td>
        </tr>
      </tbody>
    </table>
  );
}
