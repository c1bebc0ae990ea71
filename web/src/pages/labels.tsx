import { useId, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp, useMe } from '../context.js';
import { addDays, formatLocalDate, parisDate } from '../format.js';
import { href, onLinkClick } from '../router.js';
import { ErrorNotice, Loading, PageTitle, StatusBadge, useAsync } from '../ui.js';
import type { Board } from './dispatch-types.js';
import { fetchPdf, hubStageText, LabelButtons, labelFileName, labelsRefusal, savePdf, type HubDelivery, type LabelFormat } from './labels-parts.js';
import './labels.css';

/**
 * The labels of a day (issue 18): `/app/hub/labels` for the hub (every delivery of the day, from
 * the day's board) and `/app/labels` for a tenant (its own deliveries of the day). One file for
 * the whole day (`GET /v1/labels?date=…&format=a4|a6`), and each delivery's own labels.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The tenant's deliveries served on `date`: those booked up to that day, read back a few weeks. */
async function tenantDay(date: string, signal: AbortSignal): Promise<HubDelivery[]> {
  const all: HubDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const answer = await api<Page<HubDelivery>>('GET', '/v1/deliveries', { query: { from: addDays(date, -45), to: date, limit: 100, cursor }, signal });
    all.push(...answer.data);
    if (!answer.hasMore || !answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return all.filter((delivery) => (delivery.serviceDate ?? delivery.slot?.date) === date);
}

async function hubDay(date: string, signal: AbortSignal): Promise<HubDelivery[]> {
  const board = await api<Board>('GET', '/v1/hub/board', { query: { date }, signal });
  return board.deliveries as unknown as HubDelivery[];
}

export function LabelsPage() {
  const { t, lang, announce } = useApp();
  const me = useMe();
  const hub = me.role === 'admin';
  const dateId = useId();
  const [date, setDate] = useState(() => parisDate());
  const [pending, setPending] = useState<LabelFormat | null>(null);
  const [dayError, setDayError] = useState<string | null>(null);
  const list = useAsync((signal) => (hub ? hubDay(date, signal) : tenantDay(date, signal)), [date, hub]);
  const day = formatLocalDate(date, lang);
  // A first leg (pickup → hub) carries the same parcels as its delivery: listed on its own only
  // when that delivery is another day's (an evening pickup for a delivery the next morning).
  const ofDay = list.data ?? [];
  const listed = new Set(ofDay.map((delivery) => delivery.id));
  const deliveries = ofDay.filter((delivery) => !delivery.leg || !listed.has(delivery.leg.of)).sort((a, b) => (a.reference ?? a.id).localeCompare(b.reference ?? b.id));
  const printable = deliveries.filter((delivery) => delivery.status !== 'cancelled');

  const show = (next: string) => {
    if (!DAY.test(next)) return;
    setDate(next);
    setDayError(null);
    announce(t('labels.dayShown', { day: formatLocalDate(next, lang) }));
  };

  const dayFile = async (format: LabelFormat) => {
    if (pending) return;
    setPending(format);
    setDayError(null);
    try {
      const blob = await fetchPdf('/v1/labels', { date, format }, lang);
      const file = labelFileName(date, format);
      savePdf(blob, file);
      announce(t('labels.saved', { file }));
    } catch (caught) {
      const text = (caught as { code?: string }).code === 'resource_missing' ? t('labels.error.dayEmpty') : labelsRefusal(caught, lang, t);
      setDayError(text);
      announce(text);
    } finally {
      setPending(null);
    }
  };

  return (
    <div class="labels-page">
      <PageTitle>{t('labels.title')}</PageTitle>
      <p>{t(hub ? 'labels.introHub' : 'labels.introTenant')}</p>
      <form
        class="day-nav"
        aria-label={t('labels.dayNav')}
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <div class="field">
          <label for={dateId}>{t('labels.day')}</label>
          <input id={dateId} type="date" value={date} required onChange={(event) => show((event.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => show(addDays(date, -1))}>
            {t('labels.previousDay')}
          </button>
          <button type="button" class="secondary" onClick={() => show(parisDate())} disabled={date === parisDate()}>
            {t('labels.today')}
          </button>
          <button type="button" class="secondary" onClick={() => show(addDays(date, 1))}>
            {t('labels.nextDay')}
          </button>
        </div>
      </form>

      <section aria-labelledby="labels-day-title">
        <h2 id="labels-day-title">{t('labels.ofDay', { day })}</h2>
        <div class="actions">
          <button type="button" disabled={pending !== null || printable.length === 0} onClick={() => void dayFile('a4')}>
            {pending === 'a4' ? t('labels.preparing') : t('labels.dayA4')}
          </button>
          <button type="button" class="secondary" disabled={pending !== null || printable.length === 0} onClick={() => void dayFile('a6')}>
            {pending === 'a6' ? t('labels.preparing') : t('labels.dayA6')}
          </button>
        </div>
        {dayError ? (
          <p class="field-error" role="alert">
            {dayError}
          </p>
        ) : null}
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorNotice error={list.error} />
        {list.data && deliveries.length === 0 ? <p>{t('labels.none')}</p> : null}
        {list.data && deliveries.length > 0 ? <p class="small">{t('labels.count', { count: printable.length, parcels: printable.reduce((sum, delivery) => sum + delivery.parcels.length, 0) })}</p> : null}
        <ul class="cards two" aria-busy={list.loading}>
          {deliveries.map((delivery) => {
            const name = delivery.reference ?? delivery.id;
            return (
              <li key={delivery.id} class="card">
                <h3>
                  {hub ? (
                    name
                  ) : (
                    <a href={href(`/deliveries/${delivery.id}`)} onClick={(event) => onLinkClick(event, `/deliveries/${delivery.id}`)}>
                      {name}
                    </a>
                  )}
                </h3>
                <p>
                  <StatusBadge status={delivery.status} /> · {t('labels.parcels', { count: delivery.parcels.length })}
                  {delivery.slot ? ` · ${delivery.slot.start}–${delivery.slot.end}` : ''}
                </p>
                <p class="small">
                  {delivery.dropoff.contact?.name ? `${delivery.dropoff.contact.name} · ` : ''}
                  {delivery.dropoff.address.postcode} {delivery.dropoff.address.city}
                  {delivery.hub ? ` · ${t('labels.viaHub')} : ${hubStageText(t, delivery.hub)}` : ''}
                  {delivery.leg ? ` · ${t('labels.firstLeg')}` : ''}
                </p>
                <LabelButtons delivery={delivery} name={name} />
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
