import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatLocalDate } from '../format.js';
import type { Delivery } from '../types.js';
import { StatusBadge, useAsync } from '../ui.js';
import { deliveryName } from './dispatch-model.js';
import { RefusalNotice, type Refusal } from './dispatch-round.js';
import type { Board, BoardDelivery } from './dispatch-types.js';
import { FailureFacts, RescheduleForm, type AfterKind } from './reschedule-form.js';
import { afterFailureState, canCheckIn, canReschedule } from './reschedule-model.js';

/** What the board does after a failure (dispatch.tsx): each reloads the board, moves the focus and says what happened. */
export interface FailureActions {
  /** `POST /v1/hub/deliveries/{id}/return`: the parcel is back at the hub. */
  checkIn(delivery: BoardDelivery): void;
  /** The form booked a new attempt (or a return to the sender). */
  rescheduled(next: Delivery, kind: AfterKind, date: string, before: BoardDelivery): void;
}

export const failureFocus = {
  section: 'failures',
  item: (deliveryId: string) => `failure:${deliveryId}`,
  reschedule: (deliveryId: string) => `reschedule:${deliveryId}`,
};

/**
 * Failed deliveries and parcels back at the hub of any day (`GET /v1/deliveries?status=`, the
 * whole hub's): a parcel that failed on an earlier day still waits for its new attempt.
 */
async function waitingElsewhere(signal: AbortSignal): Promise<BoardDelivery[]> {
  const pages = await Promise.all((['returned', 'failed'] as const).map((status) => api<Page<BoardDelivery>>('GET', '/v1/deliveries', { query: { status, limit: 100 }, signal })));
  return pages.flatMap((page) => page.data);
}

/**
 * The day's failed deliveries and those back at the hub (and those of other days still waiting
 * for a new attempt), each with its reason in words: "Réceptionner
 * au hub" for a parcel the courier had on the bike, "Reprogrammer" (the shared form, opened in
 * place) once it is at the hub or when it was never picked up. Buttons and the form only: every
 * step is done with the keyboard; Escape closes the form and gives the focus back to its button.
 */
export function FailuresSection({ board, tenantName, actions, busy, refusal }: { board: Board; tenantName(id: string): string; actions: FailureActions; busy: boolean; refusal: Refusal | undefined }) {
  const { t, lang } = useApp();
  // Read again with the board (every 30 seconds, after each change); the board works without it.
  const elsewhere = useAsync(waitingElsewhere, [board.generatedAt]);
  /** Rescheduled from here: no longer waiting, whatever a list read before says. */
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  const onBoard = new Set(board.deliveries.map((delivery) => delivery.id));
  const failures = [
    ...board.deliveries.filter((delivery) => delivery.status === 'failed' || delivery.status === 'returned'),
    ...(elsewhere.data ?? [])
      .filter((delivery) => !onBoard.has(delivery.id) && delivery.serviceDate !== board.date && !done.has(delivery.id))
      .sort((a, b) => (a.serviceDate ?? '').localeCompare(b.serviceDate ?? '')),
  ];
  const [open, setOpen] = useState<string | null>(null);

  // The form opens with the focus in its first field.
  useEffect(() => {
    if (open) document.getElementById(`reschedule-${open}`)?.querySelector<HTMLElement>('input')?.focus();
  }, [open]);

  const close = (deliveryId: string) => {
    setOpen(null);
    setTimeout(() => document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(failureFocus.reschedule(deliveryId))}"]`)?.focus(), 0);
  };

  return (
    <section aria-labelledby="failures-title" class="failures">
      <h2 id="failures-title" tabIndex={-1} data-focus={failureFocus.section}>
        {t('after.board.title', { count: failures.length })}
      </h2>
      <p class="small">{t('after.board.intro')}</p>
      {refusal ? <RefusalNotice refusal={refusal} /> : null}
      {failures.length === 0 ? (
        <p>{t('after.board.none')}</p>
      ) : (
        <ul class="failure-list" aria-label={t('after.board.listLabel')}>
          {failures.map((delivery) => {
            const name = deliveryName(delivery);
            const state = afterFailureState(delivery);
            const formId = `reschedule-${delivery.id}`;
            const reschedulable = canReschedule(delivery);
            const expanded = open === delivery.id && reschedulable;
            return (
              <li key={delivery.id} class="failure-item card" tabIndex={-1} data-focus={failureFocus.item(delivery.id)}>
                <p>
                  <strong>{name}</strong> · {tenantName(delivery.tenantId)} · <StatusBadge status={delivery.status} />
                  {state === 'on_bike' ? ` · ${t('after.board.onBike')}` : state === 'not_picked_up' ? ` · ${t('after.board.notPickedUp')}` : ''}
                  {delivery.serviceDate && delivery.serviceDate !== board.date ? ` · ${t('after.board.ofDay', { date: formatLocalDate(delivery.serviceDate, lang, true) })}` : ''}
                </p>
                <div class="small">
                  <FailureFacts delivery={delivery} />
                </div>
                <div class="actions">
                  {canCheckIn(delivery) ? (
                    <button type="button" class="small-button" aria-label={t('after.board.checkInLabel', { name })} aria-disabled={busy} onClick={() => !busy && actions.checkIn(delivery)}>
                      {t('after.board.checkIn')}
                    </button>
                  ) : null}
                  {reschedulable ? (
                    <button
                      type="button"
                      class="secondary small-button"
                      aria-label={t('after.board.rescheduleLabel', { name })}
                      aria-expanded={expanded}
                      aria-controls={expanded ? formId : undefined}
                      data-focus={failureFocus.reschedule(delivery.id)}
                      onClick={() => (expanded ? close(delivery.id) : setOpen(delivery.id))}
                    >
                      {t('after.board.reschedule')}
                    </button>
                  ) : null}
                </div>
                {expanded ? (
                  <div
                    id={formId}
                    class="panel"
                    onKeyDown={(event) => {
                      if (event.key !== 'Escape' || (event.target as HTMLElement).closest('dialog')) return;
                      event.preventDefault();
                      close(delivery.id);
                    }}
                  >
                    <RescheduleForm
                      delivery={delivery}
                      level={3}
                      title={t('after.board.formLabel', { name })}
                      onDone={(next, kind, date) => {
                        setOpen(null);
                        setDone((ids) => new Set([...ids, next.id]));
                        actions.rescheduled(next, kind, date, delivery);
                      }}
                    />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
