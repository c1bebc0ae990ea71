import { useApp } from '../context.js';
import { errorMessage } from '../errors.js';
import { formatKg, formatLitres, formatTime } from '../format.js';
import type { Translator } from '../i18n.js';
import { canMove, deliveryName, isOpenStop, loadShare, moveStop, moveStopTo, outsideShift, roundName, stopKey } from './dispatch-model.js';
import type { BoardCourier, BoardDelivery, RoundAlert, RoundStop } from './dispatch-types.js';

/** What the board does when the coordinator changes something (dispatch.tsx). */
export interface BoardActions {
  /** A new order of one round; `focus` is the control to focus once the board is reloaded. */
  reorder(courier: BoardCourier, stops: RoundStop[], moved: RoundStop, focus: string): void;
  /** A delivery of one round into another (at `position`, else the end). */
  moveTo(deliveryId: string, from: BoardCourier, toCourierId: string, position?: number): void;
  unassign(deliveryId: string, from: BoardCourier): void;
  assign(deliveryId: string, courierId: string, position?: number): void;
  /** Says, in the live region, why something cannot be done. */
  explain(message: string): void;
}

/** What is being dragged with the mouse (drag and drop is a bonus: every move has its buttons). */
export interface Dragged {
  from: string | 'queue';
  deliveryId: string;
  key: string | null;
}

export const focusId = {
  up: (stop: RoundStop) => `up:${stopKey(stop)}`,
  down: (stop: RoundStop) => `down:${stopKey(stop)}`,
  stop: (stop: { deliveryId: string; type: string }) => `stop:${stop.deliveryId}:${stop.type}`,
  queue: (deliveryId: string) => `queue:${deliveryId}`,
  round: (courierId: string) => `round:${courierId}`,
};

/** A stop in words for buttons and announcements: "retrait, Épicerie du Panier, CMD-1001". */
export function describeStop(stop: RoundStop, t: Translator): string {
  const who = stop.contact?.name?.trim() || stop.address.line1;
  return `${t(`dispatch.stopWord.${stop.type}`)}, ${who}, ${deliveryName(stop)}`;
}

/** A Paris "HH:MM–HH:MM" of two instants. */
export function timeRange(start: string, end: string, lang: 'fr' | 'en'): { start: string; end: string } {
  return { start: formatTime(start, lang), end: formatTime(end, lang) };
}

export function courierLoadText(courier: BoardCourier, lang: 'fr' | 'en'): string {
  return `${formatKg(courier.round.maxLoad.kg, lang)} / ${formatKg(courier.round.capacity.kg, lang)}`;
}

/** A change the API refused, shown where the keyboard's focus is: the queue, or a courier's round. */
export interface Refusal {
  error: unknown;
  conflict: boolean;
  where: 'queue' | string;
}

/** Why a change was refused, in the person's language: our sentence for the board's codes, else the app's. */
function refusalReason(error: unknown, t: Translator, lang: 'fr' | 'en'): string {
  const code = (error as { code?: string }).code;
  if (code === 'over_capacity') return t('dispatch.refusedCapacity');
  if (code === 'version_conflict') return t('dispatch.refusedConflict');
  if (code === 'parameter_invalid') return t('dispatch.refusedOrder');
  return errorMessage(error, lang);
}

/** The API's own words (which name the stop and the load), when ours said something else. */
function apiWords(error: unknown, t: Translator, lang: 'fr' | 'en') {
  const message = (error as { message?: string }).message;
  if (!message || message === refusalReason(error, t, lang)) return null;
  return <p class="small">{t('dispatch.refusedDetail', { message })}</p>;
}

export function RefusalNotice({ refusal }: { refusal: Refusal }) {
  const { t, lang } = useApp();
  return (
    <div class="notice error refusal" role="alert">
      <p>{t('dispatch.refused', { message: refusalReason(refusal.error, t, lang) })}</p>
      {apiWords(refusal.error, t, lang)}
      <p>{refusal.conflict ? t('dispatch.versionConflict') : t('dispatch.reloaded')}</p>
    </div>
  );
}

interface RoundProps {
  courier: BoardCourier;
  couriers: readonly BoardCourier[];
  actions: BoardActions;
  moveChoice: Record<string, string>;
  setMoveChoice(deliveryId: string, courierId: string): void;
  dragged: Dragged | null;
  setDragged(dragged: Dragged | null): void;
  refusal: Refusal | undefined;
}

/** One courier's day: shift, state, load against the bike, alerts, and the stops in order. */
export function RoundCard({ courier, couriers, actions, moveChoice, setMoveChoice, dragged, setDragged, refusal }: RoundProps) {
  const { t, lang } = useApp();
  const round = courier.round;
  const stops = round.stops;
  const share = loadShare(round.maxLoad, round.capacity);
  const titleId = `round-title-${courier.id}`;
  const shift = round.shift ?? courier.shift;
  const leaves = outsideShift(round, shift) || round.alerts.some((alert) => alert.code === 'outside_shift');
  const others = couriers.filter((other) => other.id !== courier.id);

  const drop = (event: DragEvent, index: number | undefined) => {
    if (!dragged) return;
    event.preventDefault();
    event.stopPropagation();
    setDragged(null);
    if (dragged.from === 'queue') actions.assign(dragged.deliveryId, courier.id, index);
    else if (dragged.from !== courier.id) {
      const from = couriers.find((other) => other.id === dragged.from);
      if (from) actions.moveTo(dragged.deliveryId, from, courier.id, index);
    } else if (dragged.key && index !== undefined) {
      const fromIndex = stops.findIndex((stop) => stopKey(stop) === dragged.key);
      const moved = stops[fromIndex];
      if (!moved || fromIndex === index) return;
      const next = moveStopTo(stops, fromIndex, Math.min(index, stops.length - 1));
      // The model checks the order: a drop that would break it is explained, not sent.
      if (!next) actions.explain(t('dispatch.cannotDrop', { n: fromIndex + 1 }));
      else actions.reorder(courier, next, moved, focusId.stop(moved));
    }
  };

  return (
    <section class={`round card${round.overCapacity ? ' over' : ''}`} aria-labelledby={titleId} data-courier={courier.id}>
      <h3 id={titleId} tabIndex={-1} data-focus={focusId.round(courier.id)}>
        {courier.name} <span class={`badge state state-${courier.state}`}>{t(`dispatch.state.${courier.state}`)}</span>
      </h3>
      <p class="small">
        {t('dispatch.vehicleCapacity', { vehicle: t(`dispatch.vehicle.${courier.vehicle.type}`), kg: formatKg(round.capacity.kg, lang), litres: formatLitres(round.capacity.litres, lang) })}
        {' · '}
        {courier.lastPosition ? t('dispatch.position', { time: formatTime(courier.lastPosition.at, lang) }) : t('dispatch.noPosition')}
      </p>
      <p class="times">
        {shift ? (
          <>
            {t('dispatch.shift', { start: shift.start, end: shift.end })}
            {shift.breaks.length > 0 ? ` (${t('dispatch.breaks', { breaks: shift.breaks.map((pause) => `${pause.start}–${pause.end}`).join(', ') })})` : ''}
          </>
        ) : (
          <span class="flag warning">
            <span aria-hidden="true">⚠ </span>
            {t('dispatch.noShift')}
          </span>
        )}
        {' · '}
        {stops.length > 0 ? t('dispatch.planned', timeRange(round.startsAt, round.endsAt, lang)) : t('dispatch.plannedNone')}
        {stops.length > 0 ? ` · ${t('dispatch.stopsDone', { done: stops.filter((stop) => !isOpenStop(stop)).length, total: stops.length })}` : ''}
      </p>
      {shift && stops.length > 0 ? <TimeBar shift={shift} startsAt={round.startsAt} endsAt={round.endsAt} /> : null}
      {leaves ? (
        <p class="flag warning">
          <span aria-hidden="true">⚠ </span>
          {t('dispatch.outsideShift')}
        </p>
      ) : null}
      <div class="meters">
        <LoadMeter id={`kg-${courier.id}`} label={t('dispatch.loadKg')} value={round.maxLoad.kg} max={round.capacity.kg} text={t('dispatch.loadOf', { load: formatKg(round.maxLoad.kg, lang), capacity: formatKg(round.capacity.kg, lang) })} over={share.kg > 1} />
        <LoadMeter id={`l-${courier.id}`} label={t('dispatch.loadLitres')} value={round.maxLoad.litres} max={round.capacity.litres} text={t('dispatch.loadOf', { load: formatLitres(round.maxLoad.litres, lang), capacity: formatLitres(round.capacity.litres, lang) })} over={share.litres > 1} />
      </div>
      {round.overCapacity ? (
        <p class="flag danger">
          <span aria-hidden="true">⚠ </span>
          {t('dispatch.overCapacity')}
        </p>
      ) : null}
      {round.alerts.length > 0 ? (
        <ul class="alerts">
          {round.alerts.map((alert, index) => (
            <li key={`${alert.code}-${alert.deliveryId ?? ''}-${index}`} class={`alert alert-${alert.code}`}>
              <strong>{t('dispatch.alertLabel', { label: alertLabel(alert.code, t) })}</strong> {alertText(alert, courier, t, lang)}
            </li>
          ))}
        </ul>
      ) : null}
      {refusal ? <RefusalNotice refusal={refusal} /> : null}
      {stops.length === 0 ? (
        <p class={`round-empty${dragged ? ' drop-target' : ''}`} onDragOver={(event) => dragged && event.preventDefault()} onDrop={(event) => drop(event, undefined)}>
          {t('dispatch.roundEmpty')}
        </p>
      ) : (
        <ol class="stops" aria-label={t('dispatch.stopsOf', { round: roundName(courier.name, lang) })} onDragOver={(event) => dragged && event.preventDefault()} onDrop={(event) => drop(event, undefined)}>
          {stops.map((stop, index) => (
            <StopItem key={stopKey(stop)} stop={stop} index={index} courier={courier} others={others} actions={actions} moveChoice={moveChoice} setMoveChoice={setMoveChoice} dragged={dragged} setDragged={setDragged} onDrop={drop} />
          ))}
        </ol>
      )}
    </section>
  );
}

/**
 * An alert in the person's language, from the round's own figures when it has them (the API's
 * sentence otherwise): which stop, by how much, against what.
 */
export function alertText(alert: RoundAlert, courier: BoardCourier, t: Translator, lang: 'fr' | 'en'): string {
  const round = courier.round;
  const shift = round.shift ?? courier.shift;
  if (alert.code === 'late') {
    const stop = round.stops.find((candidate) => candidate.deliveryId === alert.deliveryId && candidate.late);
    if (stop?.window) {
      return t('dispatch.alertLate', { stop: `${t(`dispatch.stop.${stop.type}`)} ${deliveryName(stop)}`, n: round.stops.indexOf(stop) + 1, time: formatTime(stop.plannedArrival, lang), minutes: stop.lateMinutes, end: formatTime(stop.window.end, lang) });
    }
  }
  if (alert.code === 'over_capacity') {
    const at = round.stops.findIndex((candidate) => candidate.loadAfter.kg > round.capacity.kg + 1e-9 || candidate.loadAfter.litres > round.capacity.litres + 1e-9);
    const stop = round.stops[at];
    if (stop) {
      return t('dispatch.alertOver', { n: at + 1, stop: `${t(`dispatch.stopWord.${stop.type}`)} ${deliveryName(stop)}`, kg: formatKg(stop.loadAfter.kg, lang), litres: formatLitres(stop.loadAfter.litres, lang), capacityKg: formatKg(round.capacity.kg, lang), capacityLitres: formatLitres(round.capacity.litres, lang) });
    }
  }
  if (alert.code === 'outside_shift' && shift) return t('dispatch.alertOutside', { time: formatTime(round.endsAt, lang), end: shift.end });
  if (alert.code === 'no_shift') return t('dispatch.alertNoShift', { name: courier.name });
  return alert.message;
}

/**
 * The round's planned span against the shift and its breaks, drawn (SVG: no inline style under
 * the app's CSP); hidden from screen readers, the sentence above says the same.
 */
function TimeBar({ shift, startsAt, endsAt }: { shift: NonNullable<BoardCourier['shift']>; startsAt: string; endsAt: string }) {
  const times = [shift.startsAt, shift.endsAt, startsAt, endsAt].map((iso) => Date.parse(iso));
  if (times.some((time) => !Number.isFinite(time))) return null;
  const [shiftStart, shiftEnd, roundStart, roundEnd] = times as [number, number, number, number];
  const from = Math.min(shiftStart, roundStart);
  const to = Math.max(shiftEnd, roundEnd);
  if (to <= from) return null;
  const x = (time: number) => ((time - from) / (to - from)) * 1000;
  return (
    <svg class="time-bar" viewBox="0 0 1000 24" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="time-shift" x={x(shiftStart)} y={4} width={Math.max(0, x(shiftEnd) - x(shiftStart))} height={16} />
      {shift.breaks.map((pause) => (
        <rect key={pause.startsAt} class="time-break" x={x(Date.parse(pause.startsAt))} y={4} width={Math.max(0, x(Date.parse(pause.endsAt)) - x(Date.parse(pause.startsAt)))} height={16} />
      ))}
      <rect class="time-round" x={x(roundStart)} y={9} width={Math.max(2, x(roundEnd) - x(roundStart))} height={6} />
      {roundStart < shiftStart ? <rect class="time-outside" x={x(roundStart)} y={9} width={x(shiftStart) - x(roundStart)} height={6} /> : null}
      {roundEnd > shiftEnd ? <rect class="time-outside" x={x(shiftEnd)} y={9} width={x(roundEnd) - x(shiftEnd)} height={6} /> : null}
    </svg>
  );
}

export function alertLabel(code: string, t: Translator): string {
  return code === 'late' || code === 'over_capacity' || code === 'outside_shift' || code === 'no_shift' ? t(`dispatch.alert.${code}`) : t('dispatch.alert.other');
}

function LoadMeter({ id, label, value, max, text, over }: { id: string; label: string; value: number; max: number; text: string; over: boolean }) {
  return (
    <div class={`meter${over ? ' over' : ''}`}>
      <label for={id}>{label}</label>
      <meter id={id} min={0} max={max > 0 ? max : 1} value={Math.min(value, max > 0 ? max : 1)} low={max * 0.6} high={max * 0.9} optimum={0} />
      <span class="meter-text">
        {text}
        {over ? <strong> ⚠</strong> : null}
      </span>
    </div>
  );
}

interface StopProps {
  stop: RoundStop;
  index: number;
  courier: BoardCourier;
  others: readonly BoardCourier[];
  actions: BoardActions;
  moveChoice: Record<string, string>;
  setMoveChoice(deliveryId: string, courierId: string): void;
  dragged: Dragged | null;
  setDragged(dragged: Dragged | null): void;
  onDrop(event: DragEvent, index: number): void;
}

function StopItem({ stop, index, courier, others, actions, moveChoice, setMoveChoice, dragged, setDragged, onDrop }: StopProps) {
  const { t, lang } = useApp();
  const stops = courier.round.stops;
  const n = index + 1;
  const what = describeStop(stop, t);
  const open = isOpenStop(stop);
  const movable = canMove(stops, index);
  const name = deliveryName(stop);
  // The delivery's own controls (move to another round, unassign) sit on its pickup while it is
  // still to do: a delivery already picked up stays with the courier who carries it.
  const owner = stop.type === 'pickup' && stop.status === 'pending';
  // A choice that is no longer offered (the delivery moved to that round) shows as none.
  const chosen = moveChoice[stop.deliveryId] ?? '';
  const choice = others.some((other) => other.id === chosen) ? chosen : '';
  const moveSelectId = `move-${courier.id}-${stop.deliveryId}`;

  const why = (delta: -1 | 1): string => {
    if (!open) return t('dispatch.cannotDone', { n });
    const neighbour = stops[index + delta];
    if (neighbour && neighbour.deliveryId === stop.deliveryId) return t('dispatch.cannotCross', { n, other: t(`dispatch.stopWord.${neighbour.type}`) });
    return delta === -1 ? t('dispatch.cannotUp', { n }) : t('dispatch.cannotDown', { n });
  };
  const move = (delta: -1 | 1, focus: string) => {
    const next = moveStop(stops, index, delta);
    if (!next) actions.explain(why(delta));
    else actions.reorder(courier, next, stop, focus);
  };

  const window = stop.window ? timeRange(stop.window.start, stop.window.end, lang) : null;
  const classes = ['stop', stop.type, stop.late ? 'late' : '', open ? '' : 'done', dragged?.key === stopKey(stop) ? 'dragging' : ''].filter(Boolean).join(' ');
  return (
    <li
      class={classes}
      tabIndex={-1}
      data-focus={focusId.stop(stop)}
      data-stop={stopKey(stop)}
      draggable={open}
      onDragStart={(event) => {
        event.dataTransfer?.setData('text/plain', stopKey(stop));
        setDragged({ from: courier.id, deliveryId: stop.deliveryId, key: stopKey(stop) });
      }}
      onDragEnd={() => setDragged(null)}
      onDragOver={(event) => dragged && event.preventDefault()}
      onDrop={(event) => onDrop(event, index)}
      onKeyDown={(event) => {
        // Alt + up / down moves the stop from anywhere in it (a select keeps its own keys).
        if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
        if ((event.target as HTMLElement).tagName === 'SELECT') return;
        event.preventDefault();
        move(event.key === 'ArrowUp' ? -1 : 1, focusId.stop(stop));
      }}
    >
      <div class="stop-head">
        <span class={`stop-badge ${stop.type}`} aria-hidden="true">
          {t(`dispatch.letter.${stop.type}`)}
          {n}
        </span>
        <span>
          <strong>
            {t('dispatch.stopNumber', { n })} · {t(`dispatch.stop.${stop.type}`)}
          </strong>{' '}
          · {stop.contact?.name || stop.address.line1} · {name}
          {stop.status !== 'pending' ? <span class={`badge stop-status-${stop.status}`}> {t(`dispatch.stopStatus.${stop.status}`)}</span> : null}
        </span>
      </div>
      <p class="small">
        {stop.address.line1}, {stop.address.postcode} {stop.address.city}
        {window ? ` · ${t('dispatch.window', window)}` : ''}
        {open ? ` · ${t('dispatch.arrival', { time: formatTime(stop.plannedArrival, lang) })}` : ''}
        {` · ${t('dispatch.loadAfter', { kg: formatKg(stop.loadAfter.kg, lang), litres: formatLitres(stop.loadAfter.litres, lang) })}`}
      </p>
      {stop.late && open ? (
        <p class="flag danger">
          <span aria-hidden="true">⚠ </span>
          {t('dispatch.late', { minutes: stop.lateMinutes })}
        </p>
      ) : null}
      {open ? (
        <div class="stop-actions">
          <button type="button" class="secondary small-button" aria-disabled={!movable.up} aria-label={t('dispatch.moveUpLabel', { n, what })} data-focus={focusId.up(stop)} onClick={() => move(-1, focusId.up(stop))}>
            <span aria-hidden="true">↑ </span>
            {t('dispatch.moveUp')}
          </button>
          <button type="button" class="secondary small-button" aria-disabled={!movable.down} aria-label={t('dispatch.moveDownLabel', { n, what })} data-focus={focusId.down(stop)} onClick={() => move(1, focusId.down(stop))}>
            <span aria-hidden="true">↓ </span>
            {t('dispatch.moveDown')}
          </button>
          {owner && others.length > 0 ? (
            <span class="move-to">
              <label for={moveSelectId} class="visually-hidden">
                {t('dispatch.moveTo', { name })}
              </label>
              <select id={moveSelectId} value={choice} data-focus={`move:${stop.deliveryId}`} onChange={(event) => setMoveChoice(stop.deliveryId, (event.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('dispatch.moveTo', { name })}</option>
                {others.map((other) => (
                  <option key={other.id} value={other.id}>
                    {other.name}
                  </option>
                ))}
              </select>
              <button
                type="button"
                class="secondary small-button"
                aria-disabled={!choice}
                aria-label={t('dispatch.moveLabel', { name })}
                onClick={() => (choice ? actions.moveTo(stop.deliveryId, courier, choice) : actions.explain(t('dispatch.chooseRound', { name })))}
              >
                {t('dispatch.move')}
              </button>
            </span>
          ) : null}
          {owner ? (
            <button type="button" class="secondary small-button" aria-label={t('dispatch.unassignLabel', { name, round: roundName(courier.name, lang) })} onClick={() => actions.unassign(stop.deliveryId, courier)}>
              {t('dispatch.unassign')}
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** A delivery of the queue: where, when, what, and the courier to give it to. */
export function QueueItem({
  delivery,
  couriers,
  tenantName,
  choice,
  setChoice,
  actions,
  setDragged,
}: {
  delivery: BoardDelivery;
  couriers: readonly BoardCourier[];
  tenantName: string;
  choice: string;
  setChoice(courierId: string): void;
  actions: BoardActions;
  setDragged(dragged: Dragged | null): void;
}) {
  const { t, lang } = useApp();
  const name = deliveryName(delivery);
  const selectId = `assign-${delivery.id}`;
  const weight = delivery.parcels.reduce((sum, parcel) => sum + parcel.weightKg, 0);
  return (
    <li
      class="queue-item card"
      tabIndex={-1}
      data-focus={focusId.queue(delivery.id)}
      draggable
      onDragStart={(event) => {
        event.dataTransfer?.setData('text/plain', delivery.id);
        setDragged({ from: 'queue', deliveryId: delivery.id, key: null });
      }}
      onDragEnd={() => setDragged(null)}
    >
      <p>
        <strong>{name}</strong> · {tenantName} · {t(`dispatch.kind.${delivery.kind}`)}
        {delivery.slot ? ` · ${t('dispatch.slot', { start: delivery.slot.start, end: delivery.slot.end })}` : ''}
      </p>
      <p class="small">
        {delivery.pickup.address.city || '—'} → {delivery.dropoff.address.city || '—'} · {formatKg(weight, lang)}
      </p>
      <div class="assign-row">
        <label for={selectId}>{t('dispatch.courierFor', { name })}</label>
        <select id={selectId} value={choice} data-focus={`assign:${delivery.id}`} onChange={(event) => setChoice((event.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('dispatch.choose')}</option>
          {couriers.map((courier) => (
            <option key={courier.id} value={courier.id}>
              {t('dispatch.courierOption', { name: courier.name, state: t(`dispatch.state.${courier.state}`), load: courierLoadText(courier, lang) })}
            </option>
          ))}
        </select>
        <button type="button" class="small-button" aria-disabled={!choice} aria-label={t('dispatch.assignLabel', { name })} onClick={() => (choice ? actions.assign(delivery.id, choice) : actions.explain(t('dispatch.chooseFirst', { name })))}>
          {t('dispatch.assign')}
        </button>
      </div>
    </li>
  );
}
