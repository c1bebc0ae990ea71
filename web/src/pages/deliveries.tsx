import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp, useMe } from '../context.js';
import { errorMessage } from '../errors.js';
import { formatDateTime, formatKg, formatKm, formatLocalDate, formatMoney } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { loadOf } from '../presets.js';
import { href, onLinkClick } from '../router.js';
import { DELIVERY_STATUSES, type Delivery, type ProofPhoto, type RateCardView, type Stop } from '../types.js';
import { ConfirmDialog, CopyButton, ErrorNotice, Loading, Money, Notice, PageTitle, SelectField, StatusBadge, TextField, useAction, useAsync } from '../ui.js';
import { HubStageLine, LabelButtons, ViaHubForm, type HubDelivery } from './labels-parts.js';
import { addressLine, FailureFacts, RescheduleForm, type AfterKind } from './reschedule-form.js';
import { afterFailureState, canReschedule, timelineWords } from './reschedule-model.js';

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
          <a class="button secondary" href={href('/labels')} onClick={(event) => onLinkClick(event, '/labels')}>
            {t('labels.dayLink')}
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
              {(delivery.attempt ?? 1) > 1 ? ` · ${t('after.attempt', { n: delivery.attempt ?? 1 })}` : ''}
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

  const afterDone = (next: Delivery, kind: AfterKind, date: string) => {
    delivery.setData(next);
    const day = formatLocalDate(date, lang, true);
    announce(kind === 'return' ? t('after.return.done', { date: day }) : t('after.form.done', { date: day, n: next.attempt ?? 1 }));
    // The form is gone with the failure: the focus goes back to the page's heading.
    setTimeout(() => document.getElementById('page-title')?.focus(), 0);
  };

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
  const state = afterFailureState(d);
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
        <StatusBadge status={d.status} />
        {(d.attempt ?? 1) > 1 ? (
          <>
            {' · '}
            <strong>{t('after.attempt', { n: d.attempt ?? 1 })}</strong>
          </>
        ) : null}{' '}
        · {t('deliveries.bookedOn', { date: formatDateTime(d.createdAt, lang) })}
      </p>
      {d.returnToSender && d.status !== 'returned_to_sender' && d.status !== 'cancelled' ? <Notice>{t('after.returnToSender', { address: addressLine(d.dropoff.address) })}</Notice> : null}
      {d.failure ? (
        <section aria-labelledby="failure-title" class={`failure${state ? ' current' : ''}`}>
          <h2 id="failure-title">{t('after.failure.title')}</h2>
          <FailureFacts delivery={d} />
          {state && me.role === 'tenant' ? <p>{t(state === 'at_hub' ? 'after.failure.atHub' : state === 'on_bike' ? 'after.failure.withCourier' : 'after.failure.notPickedUp')}</p> : null}
        </section>
      ) : null}
      {me.role === 'tenant' && canReschedule(d) ? (
        <div class="panel">
          <RescheduleForm delivery={d} onDone={afterDone} level={2} />
        </div>
      ) : null}
      {d.proof && (d.status === 'delivered' || d.status === 'returned_to_sender') ? <ProofSection delivery={d} showImages={me.role === 'tenant'} /> : null}
      {(d as HubDelivery).hub ? <HubStageLine hub={(d as HubDelivery).hub!} /> : null}
      {me.role === 'tenant' && d.kind === 'delivery' && d.status === 'booked' && !(d as HubDelivery).hub && !(d as HubDelivery).leg ? <ViaHubForm delivery={d} onDone={(next) => delivery.setData(next)} /> : null}
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
          {me.role === 'tenant' ? <LabelButtons delivery={d} /> : null}
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
            {d.timeline.map((entry, index) => {
              const words = (entry as { step?: string }).step === 'at_hub' ? { key: 'hubStage.timeline' as const } : timelineWords(entry, d);
              return (
                <li key={index}>
                  <strong>{t(words.key, words.reasonKey ? { reason: t(words.reasonKey) } : words.vars)}</strong>
                  {(entry.attempt ?? 1) > 1 ? <span class="small"> · {t('after.timeline.attempt', { n: entry.attempt ?? 1 })}</span> : null}
                  <br />
                  <time dateTime={entry.at}>{formatDateTime(entry.at, lang)}</time>
                </li>
              );
            })}
          </ol>
          {d.failureReason && !d.failure ? <p>{t('delivery.failure', { reason: d.failureReason })}</p> : null}
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

/**
 * The proof of delivery: who received the parcel, the courier's note, and the photo and the
 * signature as images (for the tenant: an accountant never sees them). Their URLs last minutes:
 * each is asked for when the page shows, and again if the image fails to load.
 */
function ProofSection({ delivery, showImages }: { delivery: Delivery; showImages: boolean }) {
  const { t } = useApp();
  const proof = delivery.proof ?? {};
  const photo = showImages && proof.photoId;
  const signature = showImages && proof.signatureId;
  if (!proof.recipientName && !proof.note && !photo && !signature) return null;
  return (
    <section aria-labelledby="proof-title" class="proof">
      <h2 id="proof-title">{t('after.proof.title')}</h2>
      {proof.recipientName ? <p>{t('after.proof.recipient', { name: proof.recipientName })}</p> : null}
      {proof.note ? <p>{t('after.courierNote', { note: proof.note })}</p> : null}
      {photo || signature ? (
        <>
          <div class="proof-images">
            {photo ? <ProofImage deliveryId={delivery.id} purpose="proof" alt={t('after.proof.photoAlt')} caption={t('after.proof.photo')} /> : null}
            {signature ? (
              <ProofImage
                deliveryId={delivery.id}
                purpose="signature"
                alt={proof.recipientName ? t('after.proof.signatureAltOf', { name: proof.recipientName }) : t('after.proof.signatureAlt')}
                caption={t('after.proof.signature')}
              />
            ) : null}
          </div>
          <p class="small">{t('after.proof.private')}</p>
        </>
      ) : null}
    </section>
  );
}

/** How many times an image that failed to load is asked for again before saying so. */
const IMAGE_RETRIES = 2;

function ProofImage({ deliveryId, purpose, alt, caption }: { deliveryId: string; purpose: 'proof' | 'signature'; alt: string; caption: string }) {
  const { t, lang } = useApp();
  const [photo, setPhoto] = useState<ProofPhoto | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [broken, setBroken] = useState(false);
  /** Each value asks for a fresh URL. */
  const [asked, setAsked] = useState(0);
  const retries = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    setPhoto(null);
    api<ProofPhoto>('GET', `/v1/deliveries/${encodeURIComponent(deliveryId)}/proof/photo`, { query: { purpose }, signal: controller.signal }).then(
      (answer) => {
        if (!controller.signal.aborted) setPhoto(answer);
      },
      (caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      },
    );
    return () => controller.abort();
  }, [deliveryId, purpose, asked]);
  const again = () => {
    setBroken(false);
    setAsked((value) => value + 1);
  };
  return (
    <figure class="proof-image">
      {photo && !broken ? (
        <img
          src={photo.url}
          alt={alt}
          decoding="async"
          onLoad={() => {
            retries.current = 0;
          }}
          onError={() => {
            // Most likely the URL expired (a page left open): ask for a new one, a few times.
            if (retries.current < IMAGE_RETRIES) {
              retries.current += 1;
              again();
            } else setBroken(true);
          }}
        />
      ) : null}
      {!photo && !error ? <Loading label={t('after.proof.loading')} /> : null}
      {error || broken ? (
        <div class="notice warning" role="status">
          <p>{t('after.proof.unavailable')}</p>
          {error ? <p class="small">{errorMessage(error, lang)}</p> : null}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              retries.current = 0;
              again();
            }}
          >
            {t('common.retry')}
          </button>
        </div>
      ) : null}
      <figcaption class="small">{caption}</figcaption>
    </figure>
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
