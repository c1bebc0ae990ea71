import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { addDays, formatKg, formatLocalDate, parisDate } from '../format.js';
import type { MessageKey, Translator } from '../i18n.js';
import { href, navigate, onLinkClick } from '../router.js';
import { ConfirmDialog, ErrorNotice, Loading, Notice, PageTitle, StatusBadge, TableWrap, useAction, useAsync } from '../ui.js';
import { byWeek, parseSimpleRrule, windowProblem } from './standing-orders-model.js';
import { closureErrors, ClosuresEditor, Field, focusFirstInvalid, reasonInWords, refusalField, refusalInWords, ruleInWords, StandingOrderForm, type Closure, type FieldErrors, type SkipReason, type StandingOrder } from './standing-orders-form.js';
import type { ClosureForm } from './standing-orders-model.js';
import './standing-orders.css';

/**
 * A tenant's standing orders (issue 18): the list (status, the rule in words, the next date) and
 * the tenant's closures; a new order and an edit (the form with its preview, in
 * standing-orders-form.tsx); an order's page with its details, pause / resume / end, and its
 * coming dates with their state in words, each one skipped or restored.
 */

/* ---------- The API's shapes ---------- */

type OccurrenceState = 'scheduled' | 'booked' | 'skipped' | 'failed';

interface Occurrence {
  object: 'standing_order_occurrence';
  standingOrderId: string;
  date: string;
  state: OccurrenceState;
  deliveryId: string | null;
  deliveryStatus: string | null;
  /** Skipped: why; failed: the booking's error code and message. */
  reason: SkipReason;
  /** What changes on this day only. */
  override: { window?: { start: string; end: string }; instructions?: string; reference?: string } | null;
  failedAt: string | null;
}

interface ClosureList {
  object: 'closure_list';
  scope: 'tenant' | 'hub';
  tenantId: string | null;
  closures: Closure[];
  updatedAt: string | null;
}

/** An order's days from today: the next weeks (the API books the first two of them). */
const OCCURRENCE_DAYS = 42;
/** An order's days from today (or its first day, when later) to six weeks on. */
const occurrencesOf = (order: Pick<StandingOrder, 'id' | 'startDate'>, signal?: AbortSignal) => {
  const from = order.startDate > parisDate() ? order.startDate : parisDate();
  return api<{ data: Occurrence[] }>('GET', `/v1/standing-orders/${encodeURIComponent(order.id)}/occurrences`, { query: { from, to: addDays(from, OCCURRENCE_DAYS) }, ...(signal ? { signal } : {}) });
};

export function statusLabel(status: string, t: Translator): string {
  const key = `standing.status.${status}` as MessageKey;
  return t(key) === key ? status : t(key);
}

export function addressLine(order: StandingOrder): string {
  const address = order.dropoff.address;
  return `${address.line1}, ${address.postcode} ${address.city}`;
}

function periodInWords(order: StandingOrder, t: Translator, lang: 'fr' | 'en'): string {
  const start = formatLocalDate(order.startDate, lang, true);
  return order.endDate ? t('standing.period.fromTo', { start, end: formatLocalDate(order.endDate, lang, true) }) : t('standing.period.from', { start });
}

/* ---------- The list, and the tenant's closures ---------- */

export function StandingOrdersPage() {
  const { t } = useApp();
  const [extra, setExtra] = useState<StandingOrder[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(async (signal) => {
    const page = await api<Page<StandingOrder>>('GET', '/v1/standing-orders', { query: { limit: 50 }, signal });
    setExtra([]);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
    return page.data;
  }, []);
  const more = useAction(async () => {
    if (!cursor) return;
    const page = await api<Page<StandingOrder>>('GET', '/v1/standing-orders', { query: { limit: 50, cursor } });
    setExtra((previous) => [...previous, ...page.data]);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
  });
  const orders = [...(list.data ?? []), ...extra];
  return (
    <div class="standing-page">
      <PageTitle>{t('standing.title')}</PageTitle>
      <p>{t('standing.intro')}</p>
      <p>
        <a class="button" href={href('/standing-orders/new')} onClick={(event) => onLinkClick(event, '/standing-orders/new')}>
          + {t('standing.new')}
        </a>
      </p>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : orders.length === 0 ? (
        <p>{t('standing.none')}</p>
      ) : (
        <TableWrap label={t('standing.listLabel')}>
          <table>
            <caption class="visually-hidden">{t('standing.listLabel')}</caption>
            <thead>
              <tr>
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
      <ClosuresSection />
    </div>
  );
}

/** An order's next date to be delivered (scheduled or booked), read from its occurrences. */
/** An order's cells in a list (the tenant's and the hub's): its link, rule, window, next day and status. */
export function OrderCells({ order }: { order: StandingOrder }) {
  const { t } = useApp();
  return (
    <>
      <td>
        <a href={href(`/standing-orders/${order.id}`)} onClick={(event) => onLinkClick(event, `/standing-orders/${order.id}`)}>
          {order.reference ?? addressLine(order)}
        </a>
        {order.reference ? <div class="small">{addressLine(order)}</div> : null}
      </td>
      <td>{ruleInWords(order.rrule, t)}</td>
      <td>{t('standing.windowText', { start: order.window.start, end: order.window.end })}</td>
      <td>
        <NextDate order={order} />
      </td>
      <td>
        <span class={`badge standing-${order.status}`}>{statusLabel(order.status, t)}</span>
      </td>
    </>
  );
}

export function NextDate({ order }: { order: StandingOrder }) {
  const { t, lang } = useApp();
  const next = useAsync(async (signal) => (order.status === 'ended' ? null : (await occurrencesOf(order, signal)).data.find((day) => day.state === 'scheduled' || day.state === 'booked') ?? null), [order.id, order.status, order.version]);
  if (next.loading) return <span class="small">…</span>;
  return <>{next.data ? formatLocalDate(next.data.date, lang) : t('standing.noNext')}</>;
}

/**
 * Closure periods kept as a whole list (`GET/PUT`): the tenant's (`/v1/closures`), valid for all
 * its orders, or the hub's (`/v1/hub/closures`), valid for every order.
 */
export function ClosuresSection({ hub = false }: { hub?: boolean }) {
  const path = hub ? '/v1/hub/closures' : '/v1/closures';
  const { t, lang, announce } = useApp();
  const [closures, setClosures] = useState<ClosureForm[] | null>(null);
  const [tried, setTried] = useState(false);
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const loaded = useAsync(async (signal) => {
    const answer = await api<ClosureList>('GET', path, { signal });
    setClosures(answer.closures.map(({ start, end, reason }) => ({ start, end, reason })));
    return answer;
  }, []);
  const save = useAction(async () => {
    if (!closures) return;
    setTried(true);
    setApiErrors({});
    if (Object.keys(closureErrors(closures, t, true)).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    try {
      const answer = await api<ClosureList>('PUT', path, { body: { closures: closures.map((closure) => ({ ...closure, reason: closure.reason.trim() })) } });
      setClosures(answer.closures.map(({ start, end, reason }) => ({ start, end, reason })));
      setTried(false);
      announce(t('closures.saved'));
    } catch (error) {
      const field = refusalField(error);
      if (field?.startsWith('closures.')) {
        setApiErrors({ [field]: refusalInWords(error, t, lang) });
        focusFirstInvalid(formRef.current);
        return;
      }
      throw error;
    }
  });
  const errors = closures ? { ...closureErrors(closures, t, tried), ...apiErrors } : {};
  return (
    <section class="panel" aria-labelledby="closures-title">
      <h2 id="closures-title">{t(hub ? 'closures.hubTitle' : 'closures.title')}</h2>
      <p>{t(hub ? 'closures.hubIntro' : 'closures.intro')}</p>
      <ErrorNotice error={loaded.error} />
      {closures === null ? (
        loaded.loading ? <Loading /> : null
      ) : (
        <form
          ref={formRef}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save.run();
          }}
        >
          {closures.length === 0 ? <p>{t('closures.none')}</p> : null}
          <ClosuresEditor
            closures={closures}
            onChange={(next) => {
              setClosures(next);
              setApiErrors({});
            }}
            errors={errors}
            legend={t(hub ? 'closures.hubTitle' : 'closures.title')}
            hint={t('standing.form.closuresHint')}
          />
          <ErrorNotice error={save.error} />
          <div class="actions">
            <button type="submit" disabled={save.pending} aria-busy={save.pending}>
              {t('closures.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/* ---------- A new order, an edit ---------- */

export function NewStandingOrderPage() {
  const { t } = useApp();
  return (
    <div class="standing-page">
      <PageTitle>{t('standing.form.newTitle')}</PageTitle>
      <p>{t('standing.intro')}</p>
      <StandingOrderForm onSaved={(order) => navigate(`/standing-orders/${order.id}`)} onCancel={() => navigate('/standing-orders')} />
    </div>
  );
}

export function EditStandingOrderPage({ params }: { params: Record<string, string> }) {
  const { t } = useApp();
  const id = params.id ?? '';
  const order = useAsync((signal) => api<StandingOrder>('GET', `/v1/standing-orders/${encodeURIComponent(id)}`, { signal }), [id]);
  if (order.loading && !order.data) return <Loading />;
  return (
    <div class="standing-page">
      <PageTitle>{t('standing.form.editTitle')}</PageTitle>
      <ErrorNotice error={order.error} />
      {order.data ? (
        order.data.status === 'ended' ? (
          <Notice kind="warning">{t('standing.error.notEditable')}</Notice>
        ) : (
          <>
            <p>{t('standing.form.editIntro')}</p>
            <StandingOrderForm order={order.data} onSaved={() => navigate(`/standing-orders/${id}`)} onCancel={() => navigate(`/standing-orders/${id}`)} />
          </>
        )
      ) : null}
    </div>
  );
}

/* ---------- An order's page ---------- */

export function StandingOrderPage({ params }: { params: Record<string, string> }) {
  const { t, lang, announce, me } = useApp();
  // The hub reads any tenant's order, pauses, resumes, ends it and skips days; the tenant edits it.
  const tenant = me?.role === 'tenant';
  const listPath = tenant ? '/standing-orders' : '/hub/standing-orders';
  const id = params.id ?? '';
  const path = `/v1/standing-orders/${encodeURIComponent(id)}`;
  const order = useAsync((signal) => api<StandingOrder>('GET', path, { signal }), [id]);
  const startDate = order.data?.startDate;
  const occurrences = useAsync((signal) => (startDate ? occurrencesOf({ id, startDate }, signal) : new Promise<never>(() => undefined)), [id, startDate]);
  const [confirmEnd, setConfirmEnd] = useState(false);

  const act = useAction(async (action: 'pause' | 'resume' | 'end') => {
    try {
      const answer = await api<StandingOrder & { cancelledDeliveryIds?: string[]; keptDeliveryIds?: string[] }>('POST', `${path}/${action}`, action === 'end' ? { body: {} } : {});
      order.setData(answer);
      occurrences.reload();
      setConfirmEnd(false);
      if (action === 'end') {
        const cancelled = answer.cancelledDeliveryIds?.length ?? 0;
        const kept = answer.keptDeliveryIds?.length ?? 0;
        announce(cancelled + kept > 0 ? t('standing.action.endedWith', { cancelled, kept }) : t('standing.action.ended'));
      } else announce(t(action === 'pause' ? 'standing.action.paused' : 'standing.action.resumed'));
    } catch (error) {
      // Changed meanwhile (another tab, the hub): the page shows the order as it is now.
      if ((error as { code?: string }).code === 'version_conflict' || (error as { code?: string }).code === 'invalid_transition') {
        order.reload();
        occurrences.reload();
        throw new Error(refusalInWords(error, t, lang));
      }
      throw error;
    }
  });
  const occurrenceAction = useAction(async (date: string, action: 'skip' | 'restore') => {
    try {
      await api('POST', `${path}/occurrences/${encodeURIComponent(date)}/${action}`, action === 'skip' ? { body: {} } : {});
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'invalid_transition' || code === 'version_conflict') {
        occurrences.reload();
        throw new Error(code === 'invalid_transition' && action === 'skip' ? t('standing.error.occurrenceGone') : refusalInWords(error, t, lang));
      }
      throw error;
    }
    occurrences.reload();
    order.reload();
    announce(t(action === 'skip' ? 'standing.occ.skippedDone' : 'standing.occ.restoredDone', { date: formatLocalDate(date, lang) }));
  });

  if (order.loading && !order.data) return <Loading />;
  const o = order.data;
  if (!o) {
    return (
      <>
        <PageTitle>{t('standing.title')}</PageTitle>
        <ErrorNotice error={order.error} />
      </>
    );
  }
  const weight = o.parcels.reduce((sum, parcel) => sum + parcel.weightKg, 0);
  const closures = o.closures;
  return (
    <div class="standing-page">
      <p>
        <a href={href(listPath)} onClick={(event) => onLinkClick(event, listPath)}>
          ← {t('standing.detail.back')}
        </a>
      </p>
      <PageTitle>{o.reference ?? addressLine(o)}</PageTitle>
      <ErrorNotice error={order.error} />
      <section class="panel" aria-labelledby="standing-facts">
        <h2 id="standing-facts">{t('standing.detail.facts')}</h2>
        <dl class="facts">
          <dt>{t('standing.detail.status')}</dt>
          <dd>
            <span class={`badge standing-${o.status}`}>{statusLabel(o.status, t)}</span>
          </dd>
          <dt>{t('standing.detail.dropoff')}</dt>
          <dd>
            {addressLine(o)}
            {o.dropoff.contact ? ` · ${o.dropoff.contact.name}` : ''}
          </dd>
          <dt>{t('standing.detail.pickup')}</dt>
          <dd>
            {o.pickup ? `${o.pickup.address.line1}, ${o.pickup.address.postcode} ${o.pickup.address.city}` : t('standing.detail.pickupDefault')}
            {o.pickupWindow?.dayBefore ? ` · ${t('standing.detail.eveningPickup')} ${t('standing.windowText', { start: o.pickupWindow.start, end: o.pickupWindow.end })}` : ''}
          </dd>
          <dt>{t('standing.detail.parcels')}</dt>
          <dd>{t('standing.detail.parcelsText', { count: o.parcels.length, weight: formatKg(weight, lang) })}</dd>
          <dt>{t('standing.detail.rule')}</dt>
          <dd>
            {ruleInWords(o.rrule, t)}
            {parseSimpleRrule(o.rrule) ? (
              <>
                {' '}
                <code class="small">{o.rrule}</code>
              </>
            ) : null}
          </dd>
          <dt>{t('standing.detail.window')}</dt>
          <dd>{t('standing.windowText', { start: o.window.start, end: o.window.end })}</dd>
          <dt>{t('standing.detail.period')}</dt>
          <dd>{periodInWords(o, t, lang)}</dd>
          <dt>{t('standing.detail.holidays')}</dt>
          <dd>{o.skipPublicHolidays ? t('standing.detail.holidaysSkipped') : t('standing.detail.holidaysKept')}</dd>
          <dt>{t('standing.detail.closures')}</dt>
          <dd>
            {closures.length === 0 ? (
              t('standing.detail.noClosure')
            ) : (
              <ul class="plain">
                {closures.map((closure) => (
                  <li key={`${closure.start}-${closure.end}`}>
                    {t('closures.range', { start: formatLocalDate(closure.start, lang, true), end: formatLocalDate(closure.end, lang, true) })} : {closure.reason}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('standing.detail.next')}</dt>
          <dd>{nextDate(occurrences.data?.data, lang, t)}</dd>
        </dl>
        {o.status !== 'ended' ? (
          <div class="actions">
            {tenant ? (
              <a class="button secondary" href={href(`/standing-orders/${o.id}/edit`)} onClick={(event) => onLinkClick(event, `/standing-orders/${o.id}/edit`)}>
                {t('standing.detail.edit')}
              </a>
            ) : null}
            {o.status === 'active' ? (
              <button type="button" class="secondary" onClick={() => void act.run('pause')} disabled={act.pending}>
                {t('standing.action.pause')}
              </button>
            ) : (
              <button type="button" class="secondary" onClick={() => void act.run('resume')} disabled={act.pending}>
                {t('standing.action.resume')}
              </button>
            )}
            <button type="button" class="danger" onClick={() => setConfirmEnd(true)} disabled={act.pending}>
              {t('standing.action.end')}
            </button>
          </div>
        ) : null}
        {!confirmEnd ? <ErrorNotice error={act.error} /> : null}
      </section>
      <ConfirmDialog
        open={confirmEnd}
        title={t('standing.end.title')}
        confirmLabel={t('standing.end.confirm')}
        cancelLabel={t('standing.end.cancel')}
        onConfirm={() => void act.run('end')}
        onCancel={() => setConfirmEnd(false)}
        pending={act.pending}
        danger
      >
        <p>{t('standing.end.text')}</p>
        {confirmEnd ? <ErrorNotice error={act.error} /> : null}
      </ConfirmDialog>

      <section aria-labelledby="standing-occurrences">
        <h2 id="standing-occurrences">{t('standing.occ.title')}</h2>
        <ErrorNotice error={occurrences.error} />
        <ErrorNotice error={occurrenceAction.error} />
        {occurrences.loading && !occurrences.data ? (
          <Loading />
        ) : (occurrences.data?.data.length ?? 0) === 0 ? (
          <p>{t('standing.occ.none')}</p>
        ) : (
          byWeek(occurrences.data?.data ?? []).map((week) => (
            <div class="occurrence-week" key={week.monday}>
              <h3>{t('standing.preview.week', { day: formatLocalDate(week.monday, lang) })}</h3>
              <ul class="occurrences">
                {week.items.map((occurrence) => (
                  <OccurrenceItem
                    key={occurrence.date}
                    order={o}
                    occurrence={occurrence}
                    ended={o.status === 'ended'}
                    pending={occurrenceAction.pending}
                    onAction={(action) => void occurrenceAction.run(occurrence.date, action)}
                    onChanged={(changed) => {
                      occurrences.reload();
                      announce(t('standing.occ.changedDone', { date: formatLocalDate(changed.date, lang), start: changed.window.start, end: changed.window.end }));
                    }}
                  />
                ))}
              </ul>
            </div>
          ))
        )}
      </section>
    </div>
  );
}

function nextDate(days: Occurrence[] | undefined, lang: 'fr' | 'en', t: Translator): string {
  const next = days?.find((day) => day.state === 'scheduled' || day.state === 'booked');
  return next ? formatLocalDate(next.date, lang, true) : t('standing.noNext');
}

/** Why a day's booking failed, in words (the booking's error code), else the API's message. */
function failureInWords(reason: SkipReason, t: Translator): string {
  const code = reason?.code ?? 'other';
  const key = `standing.occ.failure.${code}` as MessageKey;
  const words = t(key) === key ? reason?.label || t('standing.occ.failure.other') : t(key);
  return t('standing.occ.failureText', { reason: words });
}

function OccurrenceItem(props: { order: StandingOrder; occurrence: Occurrence; ended: boolean; pending: boolean; onAction(action: 'skip' | 'restore'): void; onChanged(change: { date: string; window: { start: string; end: string } }): void }) {
  const { order, occurrence, ended, pending, onAction, onChanged } = props;
  const { t, lang } = useApp();
  const [changing, setChanging] = useState(false);
  const day = formatLocalDate(occurrence.date, lang, true);
  const status = occurrence.state;
  const state = t(`standing.occ.state.${status}` as MessageKey);
  const skippable = !ended && (status === 'scheduled' || status === 'failed' || (status === 'booked' && occurrence.deliveryStatus === 'booked'));
  const restorable = !ended && status === 'skipped' && occurrence.reason?.code === 'skipped_by_tenant';
  const changeable = skippable;
  const changeButton = `change-${occurrence.date}`;
  return (
    <li class={`occurrence occurrence-${status}`}>
      <div class="occurrence-what">
        <strong class="occurrence-day">{day}</strong>{' '}
        <span class={`badge occ-${status}`}>{state}</span>
        {occurrence.deliveryId ? (
          <>
            {' · '}
            <a href={href(`/deliveries/${occurrence.deliveryId}`)} onClick={(event) => onLinkClick(event, `/deliveries/${occurrence.deliveryId}`)}>
              {t('standing.occ.seeDelivery')}
              <span class="visually-hidden"> ({day})</span>
            </a>
          </>
        ) : null}
        {occurrence.deliveryStatus && occurrence.deliveryStatus !== 'booked' ? (
          <>
            {' · '}
            <StatusBadge status={occurrence.deliveryStatus} />
          </>
        ) : null}
        {status === 'skipped' ? <div class="small">{reasonInWords(occurrence.reason, t)}</div> : null}
        {status === 'failed' ? <div class="small">{failureInWords(occurrence.reason, t)}</div> : null}
        {occurrence.override?.window ? <div class="small">{t('standing.occ.windowThatDay', { start: occurrence.override.window.start, end: occurrence.override.window.end })}</div> : null}
        {occurrence.override?.instructions ? <div class="small">{t('standing.occ.instructionsThatDay', { text: occurrence.override.instructions })}</div> : null}
      </div>
      <div class="occurrence-action">
        {changeable && !changing ? (
          <button type="button" class="secondary" data-focus={changeButton} disabled={pending} onClick={() => setChanging(true)}>
            {t('standing.occ.change')}
            <span class="visually-hidden"> ({day})</span>
          </button>
        ) : null}
        {skippable ? (
          <button type="button" class="secondary" disabled={pending} onClick={() => onAction('skip')}>
            {t('standing.occ.skip')}
            <span class="visually-hidden"> ({day})</span>
          </button>
        ) : restorable ? (
          <button type="button" class="secondary" disabled={pending} onClick={() => onAction('restore')}>
            {t('standing.occ.restore')}
            <span class="visually-hidden"> ({day})</span>
          </button>
        ) : null}
      </div>
      {changing ? (
        <OccurrenceChange
          order={order}
          occurrence={occurrence}
          day={day}
          onDone={(changed) => {
            setChanging(false);
            if (changed) onChanged({ date: occurrence.date, window: changed });
            setTimeout(() => document.querySelector<HTMLElement>(`[data-focus="${changeButton}"]`)?.focus(), 0);
          }}
        />
      ) : null}
    </li>
  );
}

/**
 * One day changed (`PATCH …/occurrences/{date}`): its window and a word for the courier. A day
 * booked is booked again with the change (its delivery still `booked`), one not booked yet
 * keeps the change for its booking.
 */
function OccurrenceChange({ order, occurrence, day, onDone }: { order: StandingOrder; occurrence: Occurrence; day: string; onDone(changed: { start: string; end: string } | null): void }) {
  const { t, lang } = useApp();
  const [start, setStart] = useState(occurrence.override?.window?.start ?? order.window.start);
  const [end, setEnd] = useState(occurrence.override?.window?.end ?? order.window.end);
  const [instructions, setInstructions] = useState(occurrence.override?.instructions ?? '');
  const [tried, setTried] = useState(false);
  const problem = windowProblem(start, end);
  const errors: FieldErrors = {};
  if (problem && (tried || problem.problem === 'order')) {
    errors[`window.${problem.field}`] = t(`standing.error.window${problem.problem.charAt(0).toUpperCase()}${problem.problem.slice(1)}` as MessageKey);
  }
  const save = useAction(async () => {
    setTried(true);
    if (problem) return;
    const body: Record<string, unknown> = { window: { start, end } };
    if (instructions.trim() !== '') body.instructions = instructions.trim().slice(0, 500);
    try {
      await api('PATCH', `/v1/standing-orders/${encodeURIComponent(order.id)}/occurrences/${encodeURIComponent(occurrence.date)}`, { body });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'invalid_transition' || code === 'version_conflict') throw new Error(code === 'invalid_transition' ? t('standing.error.occurrenceGoneChange') : refusalInWords(error, t, lang));
      throw error;
    }
    onDone({ start, end });
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.querySelector<HTMLElement>('input')?.focus(), []);
  return (
    <form
      ref={formRef}
      class="occurrence-change"
      noValidate
      aria-label={t('standing.occ.changeTitle', { date: day })}
      onSubmit={(event) => {
        event.preventDefault();
        void save.run().then(() => focusFirstInvalid(formRef.current));
      }}
    >
      <div class="row">
        <Field class="narrow" type="time" label={t('standing.form.windowStart')} value={start} onValue={setStart} error={errors['window.start']} required />
        <Field class="narrow" type="time" label={t('standing.form.windowEnd')} value={end} onValue={setEnd} error={errors['window.end']} required />
      </div>
      <Field label={t('standing.occ.instructions')} value={instructions} onValue={setInstructions} />
      <ErrorNotice error={save.error} />
      <div class="actions">
        <button type="submit" disabled={save.pending} aria-busy={save.pending}>
          {t('standing.occ.changeSave')}
        </button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          {t('standing.form.cancel')}
        </button>
      </div>
    </form>
  );
}
