import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { addDays, formatKg, formatLocalDate, formatTime, parisDate } from '../format.js';
import type { Tenant } from '../types.js';
import { ErrorNotice, Loading, PageTitle, StatusBadge, TableWrap } from '../ui.js';
import { failureFocus, FailuresSection, type FailureActions } from './dispatch-failures.js';
import { DispatchMap } from './dispatch-map.js';
import { PlanSection } from './dispatch-plan.js';
import { countByStatus, deliveryName, filterByStatus, groupBySlot, moveDeliveryBetween, roundName, roundOrder, stopKey } from './dispatch-model.js';
import { alertLabel, alertText, describeStop, focusId, QueueItem, RefusalNotice, RoundCard, type BoardActions, type Dragged, type Refusal } from './dispatch-round.js';
import { BOARD_STATUSES, type Board, type BoardDelivery, type BoardStatus, type Round } from './dispatch-types.js';
import './dispatch-board.css';

/** How often the board reads the day again by itself. */
export const REFRESH_MS = 30_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The hub's dispatch board (`/app/hub/dispatch`), for the coordinator at a desktop: one call
 * (`GET /v1/hub/board?date=`) reads the day, again every 30 seconds and after each change. The
 * queue of deliveries to assign, each courier's round (load, times, alerts, stops in order), the
 * day's deliveries by slot, and the map. Every change has keyboard controls named for what they
 * do; after one, the focus stays on the item moved and the live region says what happened; a
 * refusal is said in words and the board reloaded.
 */
export function DispatchPage() {
  const { t, lang, announce } = useApp();
  const [date, setDate] = useState(() => parisDate());
  const [board, setBoard] = useState<Board | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [refusal, setRefusal] = useState<Refusal | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<BoardStatus | ''>('');
  const [assignChoice, setAssignChoice] = useState<Record<string, string>>({});
  const [moveChoice, setMoveChoice] = useState<Record<string, string>>({});
  const [dragged, setDragged] = useState<Dragged | null>(null);
  const [tenants, setTenants] = useState<Record<string, string>>({});

  /** Each read of the board has a number: an answer older than the last change is dropped. */
  const sequence = useRef(0);
  const busyRef = useRef(false);
  const dateRef = useRef(date);
  dateRef.current = date;
  /** The control to focus once the board shows the change (data-focus value). */
  const focusAfter = useRef<string | null>(null);

  /** Reads the board; `prepare` sees it before it shows (where the focus goes after a change). */
  const load = useCallback(async (day: string, prepare?: (next: Board) => void): Promise<Board | undefined> => {
    const mine = ++sequence.current;
    try {
      const next = await api<Board>('GET', '/v1/hub/board', { query: { date: day } });
      if (mine !== sequence.current) return undefined;
      prepare?.(next);
      setBoard(next);
      setLoadError(undefined);
      return next;
    } catch (error) {
      if (mine === sequence.current) setLoadError(error);
      return undefined;
    }
  }, []);

  useEffect(() => {
    void load(date);
  }, [date]);

  // Every 30 seconds, unless a change is being saved or the tab is hidden (then at its return).
  useEffect(() => {
    const tick = () => {
      if (!busyRef.current && document.visibilityState !== 'hidden') void load(dateRef.current);
    };
    const timer = setInterval(tick, REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  // Organisations' names for the lists (the board names deliveries by tenant id).
  useEffect(() => {
    api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 } }).then(
      (page) => setTenants(Object.fromEntries(page.data.map((tenant) => [tenant.id, tenant.name]))),
      () => undefined,
    );
  }, []);

  // After a change, the focus goes back to the item moved (its new place), else to its round.
  useEffect(() => {
    const target = focusAfter.current;
    if (!target || !board) return;
    focusAfter.current = null;
    const element = document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(target)}"]`);
    element?.focus();
  }, [board]);

  /**
   * One change: sent, then the board read again; the focus and the announcement follow the new
   * board. A refusal is shown (role=alert) with the API's own words, and the board is read again
   * so what is shown is what is true; the choices made in the selects stay.
   */
  const change = useCallback(
    async (where: string, send: () => Promise<unknown>, after: (next: Board) => { focus: string | null; message: string }) => {
      if (busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      setRefusal(undefined);
      sequence.current += 1; // a read of the board started before the change is now stale
      try {
        await send();
        let message: string | undefined;
        await load(dateRef.current, (next) => {
          const then = after(next);
          focusAfter.current = then.focus;
          message = then.message;
        });
        if (message) announce(message);
      } catch (error) {
        const conflict = (error as { code?: string }).code === 'version_conflict';
        setRefusal({ error, conflict, where });
        await load(dateRef.current);
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [load, announce],
  );

  const roundPath = (courierId: string, day: string) => `/v1/hub/couriers/${encodeURIComponent(courierId)}/rounds/${encodeURIComponent(day)}`;
  const courierIn = (next: Board, id: string) => next.couriers.find((courier) => courier.id === id);
  const numbersOf = (round: Round | undefined, deliveryId: string) =>
    (round?.stops ?? [])
      .map((stop, index) => (stop.deliveryId === deliveryId ? index + 1 : 0))
      .filter(Boolean)
      .join(', ');
  const firstStopFocus = (round: Round | undefined, deliveryId: string) => {
    const first = round?.stops.find((stop) => stop.deliveryId === deliveryId);
    return first ? focusId.stop(first) : null;
  };

  const actions: BoardActions = {
    reorder(courier, stops, moved, focus) {
      const day = courier.round.date || dateRef.current;
      void change(
        courier.id,
        () => api<Round>('PUT', roundPath(courier.id, day), { body: roundOrder(stops, courier.round.version) }),
        (next) => {
          const round = courierIn(next, courier.id)?.round;
          const at = round ? round.stops.findIndex((stop) => stopKey(stop) === stopKey(moved)) : -1;
          const now = round?.stops[at] ?? moved;
          return { focus, message: t('dispatch.moved', { what: describeStop(now, t), n: at + 1, round: roundName(courier.name, lang) }) };
        },
      );
    },
    moveTo(deliveryId, from, toCourierId, position) {
      const target = board?.couriers.find((courier) => courier.id === toCourierId);
      if (!target) return;
      const moved = moveDeliveryBetween(from.round.stops, target.round.stops, deliveryId, position);
      if (!moved) return;
      const name = deliveryName(from.round.stops.find((stop) => stop.deliveryId === deliveryId) ?? { deliveryId, reference: null });
      void change(
        from.id,
        () => api<Round>('PUT', roundPath(target.id, target.round.date || dateRef.current), { body: roundOrder(moved.to, target.round.version) }),
        (next) => {
          const round = courierIn(next, target.id)?.round;
          setMoveChoice((choices) => ({ ...choices, [deliveryId]: '' }));
          return { focus: firstStopFocus(round, deliveryId) ?? focusId.round(target.id), message: t('dispatch.movedTo', { name, round: roundName(target.name, lang), numbers: numbersOf(round, deliveryId) }) };
        },
      );
    },
    unassign(deliveryId, from) {
      const name = deliveryName(from.round.stops.find((stop) => stop.deliveryId === deliveryId) ?? { deliveryId, reference: null });
      void change(
        from.id,
        () => api('POST', `/v1/hub/deliveries/${encodeURIComponent(deliveryId)}/unassign`, { body: {} }),
        (next) => ({
          focus: next.unassigned.some((delivery) => delivery.id === deliveryId) ? focusId.queue(deliveryId) : focusId.round(from.id),
          message: t('dispatch.unassigned', { name, round: roundName(from.name, lang) }),
        }),
      );
    },
    assign(deliveryId, courierId, position) {
      const courier = board?.couriers.find((candidate) => candidate.id === courierId);
      const delivery = board?.deliveries.find((candidate) => candidate.id === deliveryId) ?? board?.unassigned.find((candidate) => candidate.id === deliveryId);
      const name = delivery ? deliveryName(delivery) : deliveryName({ id: deliveryId, reference: null });
      const body: { courierId: string; position?: number } = { courierId };
      if (position !== undefined) body.position = position;
      void change(
        position === undefined ? 'queue' : courierId,
        () => api('POST', `/v1/hub/deliveries/${encodeURIComponent(deliveryId)}/assign`, { body }),
        (next) => {
          const round = courierIn(next, courierId)?.round;
          setAssignChoice((choices) => ({ ...choices, [deliveryId]: '' }));
          return { focus: firstStopFocus(round, deliveryId) ?? focusId.round(courierId), message: t('dispatch.assigned', { name, courier: courier?.name ?? '', numbers: numbersOf(round, deliveryId) }) };
        },
      );
    },
    explain(message) {
      announce(message);
    },
  };

  /** After a failure: the parcel checked in at the hub, or a new attempt booked by the form. */
  const failureActions: FailureActions = {
    checkIn(delivery) {
      const name = deliveryName(delivery);
      void change(
        'failures',
        () => api('POST', `/v1/hub/deliveries/${encodeURIComponent(delivery.id)}/return`, { body: {} }),
        (next) => ({
          focus: next.deliveries.some((other) => other.id === delivery.id && other.status === 'returned') ? failureFocus.reschedule(delivery.id) : failureFocus.section,
          message: t('after.board.checkedIn', { name }),
        }),
      );
    },
    rescheduled(next, kind, day, before) {
      const name = deliveryName(before);
      const when = formatLocalDate(day, lang, true);
      // The change is made (by the form): the board is read again, the focus follows the delivery.
      void change(
        'failures',
        async () => undefined,
        (shown) => ({
          focus: shown.unassigned.some((other) => other.id === next.id) ? focusId.queue(next.id) : failureFocus.section,
          message: kind === 'return' ? t('after.board.returned', { name, date: when }) : t('after.board.rescheduled', { name, n: next.attempt ?? 1, date: when }),
        }),
      );
    },
  };

  /** A plan of the day applied (dispatch-plan.tsx): the board read again, the focus on the rounds. */
  const planApplied = useCallback(
    async (message: string) => {
      await load(dateRef.current, () => {
        focusAfter.current = 'rounds';
      });
      announce(message);
    },
    [load, announce],
  );

  const shownDate = board && board.date === date ? board : undefined;

  return (
    <div class="dispatch-board">
      <PageTitle>{t('dispatch.title')}</PageTitle>
      <p>{t('dispatch.intro')}</p>
      <p class="small">{t('dispatch.dragHint')}</p>
      <DayControls date={date} setDate={setDate} refresh={() => void load(date)} generatedAt={shownDate?.generatedAt} />
      <ErrorNotice error={loadError} />
      {!shownDate && !loadError ? <Loading label={t('dispatch.loading')} /> : null}
      {shownDate ? <PlanSection key={shownDate.date} board={shownDate} onApplied={planApplied} /> : null}
      {shownDate ? (
        <BoardView
          board={shownDate}
          tenants={tenants}
          actions={actions}
          failureActions={failureActions}
          busy={busy}
          refusal={refusal}
          status={status}
          setStatus={setStatus}
          assignChoice={assignChoice}
          setAssignChoice={(deliveryId, courierId) => setAssignChoice((choices) => ({ ...choices, [deliveryId]: courierId }))}
          moveChoice={moveChoice}
          setMoveChoice={(deliveryId, courierId) => setMoveChoice((choices) => ({ ...choices, [deliveryId]: courierId }))}
          dragged={dragged}
          setDragged={setDragged}
          lang={lang}
        />
      ) : null}
    </div>
  );
}

function DayControls({ date, setDate, refresh, generatedAt }: { date: string; setDate(date: string): void; refresh(): void; generatedAt: string | undefined }) {
  const { t, lang } = useApp();
  const [text, setText] = useState(date);
  useEffect(() => setText(date), [date]);
  return (
    <div class="board-controls" role="group" aria-label={t('dispatch.controls')}>
      <div class="field">
        <label for="board-day">{t('dispatch.day')}</label>
        <input
          id="board-day"
          type="date"
          value={text}
          onInput={(event) => {
            const value = (event.currentTarget as HTMLInputElement).value;
            setText(value);
            if (DATE.test(value)) setDate(value);
          }}
        />
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => setDate(addDays(date, -1))}>
          {t('dispatch.previousDay')}
        </button>
        <button type="button" class="secondary" onClick={() => setDate(parisDate())}>
          {t('dispatch.today')}
        </button>
        <button type="button" class="secondary" onClick={() => setDate(addDays(date, 1))}>
          {t('dispatch.nextDay')}
        </button>
        <button type="button" class="secondary" onClick={refresh}>
          {t('dispatch.refresh')}
        </button>
      </div>
      {generatedAt ? <p class="small updated">{t('dispatch.updatedAt', { time: formatTime(generatedAt, lang) })}</p> : null}
    </div>
  );
}

interface BoardViewProps {
  board: Board;
  tenants: Record<string, string>;
  actions: BoardActions;
  failureActions: FailureActions;
  busy: boolean;
  refusal: Refusal | undefined;
  status: BoardStatus | '';
  setStatus(status: BoardStatus | ''): void;
  assignChoice: Record<string, string>;
  setAssignChoice(deliveryId: string, courierId: string): void;
  moveChoice: Record<string, string>;
  setMoveChoice(deliveryId: string, courierId: string): void;
  dragged: Dragged | null;
  setDragged(dragged: Dragged | null): void;
  lang: 'fr' | 'en';
}

function BoardView(props: BoardViewProps) {
  const { board, tenants, actions, busy, refusal, lang } = props;
  const { t } = useApp();
  const tenantName = (id: string) => tenants[id] ?? id;
  const alerts = board.couriers.flatMap((courier) => courier.round.alerts.map((alert) => ({ courier, alert })));
  return (
    <>
      <p class="summary">
        {t('dispatch.summary', { date: formatLocalDate(board.date, lang, true), deliveries: board.deliveries.length, unassigned: board.unassigned.length, couriers: board.couriers.length })}
      </p>
      <section aria-labelledby="alerts-title" class="board-alerts">
        <h2 id="alerts-title">{t('dispatch.alertsTitle', { count: alerts.length })}</h2>
        {alerts.length === 0 ? (
          <p class="small">{t('dispatch.noAlert')}</p>
        ) : (
          <ul class="alerts">
            {alerts.map(({ courier, alert }, index) => (
              <li key={`${courier.id}-${alert.code}-${alert.deliveryId ?? ''}-${index}`} class={`alert alert-${alert.code}`}>
                <span aria-hidden="true">⚠ </span>
                <strong>{t('dispatch.alertOf', { courier: courier.name, label: alertLabel(alert.code, t) })}</strong> {alertText(alert, courier, t, lang)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {refusal && refusal.where !== 'queue' && refusal.where !== 'failures' && !board.couriers.some((courier) => courier.id === refusal.where) ? <RefusalNotice refusal={refusal} /> : null}
      <div class="board-grid" aria-busy={busy}>
        <div class="board-lists">
          <section aria-labelledby="queue-title" class="queue">
            <h2 id="queue-title">{t('dispatch.queueTitle', { count: board.unassigned.length })}</h2>
            {refusal?.where === 'queue' ? <RefusalNotice refusal={refusal} /> : null}
            {board.unassigned.length === 0 ? (
              <p>{t('dispatch.queueEmpty')}</p>
            ) : (
              <ul class="queue-list" aria-label={t('dispatch.queueLabel')}>
                {board.unassigned.map((delivery) => (
                  <QueueItem
                    key={delivery.id}
                    delivery={delivery}
                    couriers={board.couriers}
                    tenantName={tenantName(delivery.tenantId)}
                    choice={props.assignChoice[delivery.id] ?? ''}
                    setChoice={(courierId) => props.setAssignChoice(delivery.id, courierId)}
                    actions={actions}
                    setDragged={props.setDragged}
                  />
                ))}
              </ul>
            )}
          </section>
          <FailuresSection board={board} tenantName={tenantName} actions={props.failureActions} busy={busy} refusal={refusal?.where === 'failures' ? refusal : undefined} />
          <section aria-labelledby="rounds-title" class="rounds">
            <h2 id="rounds-title" tabIndex={-1} data-focus="rounds">
              {t('dispatch.roundsTitle')}
            </h2>
            {busy ? (
              <p class="small" role="status">
                {t('dispatch.saving')}
              </p>
            ) : null}
            {board.couriers.length === 0 ? <p>{t('dispatch.noCourier')}</p> : null}
            {board.couriers.map((courier) => (
              <RoundCard
                key={courier.id}
                courier={courier}
                couriers={board.couriers}
                actions={actions}
                moveChoice={props.moveChoice}
                setMoveChoice={props.setMoveChoice}
                dragged={props.dragged}
                setDragged={props.setDragged}
                refusal={refusal?.where === courier.id ? refusal : undefined}
              />
            ))}
          </section>
        </div>
        <div class="board-side">
          <DispatchMap board={board} />
        </div>
      </div>
      <DayTable board={board} tenantName={tenantName} status={props.status} setStatus={props.setStatus} />
    </>
  );
}

function DayTable({ board, tenantName, status, setStatus }: { board: Board; tenantName(id: string): string; status: BoardStatus | ''; setStatus(status: BoardStatus | ''): void }) {
  const { t, lang } = useApp();
  const counts = countByStatus(board.deliveries);
  const groups = groupBySlot(filterByStatus(board.deliveries, status));
  const courierOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const courier of board.couriers) for (const stop of courier.round.stops) names.set(stop.deliveryId, courier.name);
    return (delivery: BoardDelivery) => names.get(delivery.id) ?? board.couriers.find((courier) => courier.id === delivery.courierId)?.name;
  }, [board]);
  return (
    <section aria-labelledby="day-title" class="day">
      <h2 id="day-title">{t('dispatch.dayTitle')}</h2>
      <form class="filters" role="search" aria-label={t('dispatch.dayTable')} onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="board-status">{t('dispatch.statusFilter')}</label>
          <select id="board-status" value={status} onChange={(event) => setStatus((event.currentTarget as HTMLSelectElement).value as BoardStatus | '')}>
            <option value="">{t('dispatch.allStatuses', { count: board.deliveries.length })}</option>
            {BOARD_STATUSES.map((value) => (
              <option key={value} value={value}>
                {t('dispatch.statusOption', { status: t(`status.${value}`), count: counts[value] ?? 0 })}
              </option>
            ))}
          </select>
        </div>
      </form>
      {board.deliveries.length === 0 ? (
        <p>{t('dispatch.noDelivery')}</p>
      ) : groups.length === 0 ? (
        <p>{t('dispatch.noneForStatus')}</p>
      ) : (
        <TableWrap label={t('dispatch.dayTable')}>
          <table class="day-table">
            <caption class="visually-hidden">{t('dispatch.dayTable')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dispatch.col.reference')}</th>
                <th scope="col">{t('dispatch.col.tenant')}</th>
                <th scope="col">{t('dispatch.col.kind')}</th>
                <th scope="col">{t('dispatch.col.route')}</th>
                <th scope="col" class="num">
                  {t('dispatch.col.weight')}
                </th>
                <th scope="col">{t('dispatch.col.status')}</th>
                <th scope="col">{t('dispatch.col.courier')}</th>
              </tr>
            </thead>
            {groups.map((group) => (
              <tbody key={group.key || 'none'}>
                <tr class="slot-row">
                  <th scope="colgroup" colSpan={7}>
                    {group.slot ? t('dispatch.slot', group.slot) : t('dispatch.noSlot')} ({group.deliveries.length})
                  </th>
                </tr>
                {group.deliveries.map((delivery) => {
                  const courier = courierOf(delivery);
                  return (
                    <tr key={delivery.id}>
                      <th scope="row">{deliveryName(delivery)}</th>
                      <td>{tenantName(delivery.tenantId)}</td>
                      <td>{t(`dispatch.kind.${delivery.kind}`)}</td>
                      <td>
                        {delivery.pickup.address.city || '—'} → {delivery.dropoff.address.city || '—'}
                      </td>
                      <td class="num">{formatKg(delivery.parcels.reduce((sum, parcel) => sum + parcel.weightKg, 0), lang)}</td>
                      <td>
                        <StatusBadge status={delivery.status} />
                      </td>
                      <td>
                        {courier ?? (
                          <>
                            <span aria-hidden="true">—</span>
                            <span class="visually-hidden">{t('dispatch.nobody')}</span>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
        </TableWrap>
      )}
    </section>
  );
}
