import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp } from '../context.js';
import { errorMessage } from '../errors.js';
import { addDays, formatDateTime, formatLocalDate, formatMoney, parisDate } from '../format.js';
import { Submission } from '../idempotency.js';
import type { Address, Delivery } from '../types.js';
import { ConfirmDialog, Loading, TextField, useAction, useAsync } from '../ui.js';
import { loadDaySlots, SlotOptions } from './booking-parts.js';
import { afterFailureState, canReturnToSender, failureReasonKey, problemKey, rescheduleBody, type ChoiceProblem, type RescheduleBody } from './reschedule-model.js';

/**
 * After a failure, shared by the tenant's delivery page and the hub's board: the failure in
 * words, and the form that books a new attempt (`POST /v1/deliveries/{id}/reschedule`) or a last
 * one back to the sender (`POST /v1/deliveries/{id}/return-to-sender`, confirmed first), each
 * with its own Idempotency-Key (one per intent, kept while the outcome is unknown).
 */

type FailedDelivery = Pick<Delivery, 'id' | 'status' | 'timeline' | 'pickup'> & Partial<Pick<Delivery, 'failure' | 'attempt' | 'origin' | 'reference'>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function addressLine(address: Address): string {
  return [address.line1, [address.postcode, address.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

/** The last failure: which attempt, when, why (in words), the courier's note and any fee. */
export function FailureFacts({ delivery }: { delivery: FailedDelivery }) {
  const { t, lang } = useApp();
  const failure = delivery.failure;
  if (!failure) return null;
  return (
    <>
      <p>
        {t('after.failure.summary', { attempt: failure.attempt, date: formatDateTime(failure.at, lang), reason: t(failureReasonKey(failure.code)) })}
      </p>
      {failure.note ? <p>{t('after.courierNote', { note: failure.note })}</p> : null}
      {failure.fee && failure.fee.gross > 0 ? <p>{t('after.failure.fee', { fee: formatMoney(failure.fee.gross) })}</p> : null}
    </>
  );
}

/** A refusal of the API in words; for a move the delivery's state refuses, the API's own sentence too. */
function Refusal({ error }: { error: unknown }) {
  const { t, lang } = useApp();
  if (error === undefined || error === null) return null;
  const { code, message, requestId } = error as { code?: string; message?: string; requestId?: string };
  const words = errorMessage(error, lang);
  return (
    <div class="notice error" role="alert">
      <p>{words}</p>
      {code === 'invalid_transition' && message && message !== words ? <p class="small">{t('after.detail', { message })}</p> : null}
      {requestId ? (
        <p class="small">
          {lang === 'fr' ? 'Référence de la demande : ' : 'Request reference: '}
          <code>{requestId}</code>
        </p>
      ) : null}
    </div>
  );
}

export type AfterKind = 'reschedule' | 'return';

export interface RescheduleFormProps {
  delivery: FailedDelivery;
  /** The answer of the API (the delivery, booked for its new attempt) and the day chosen. */
  onDone(delivery: Delivery, kind: AfterKind, date: string): void;
  /** The level of the form's heading (its return part is one below). */
  level?: 2 | 3;
  /** The heading's text (default: "Programmer une nouvelle tentative"). */
  title?: string;
}

/**
 * "Programmer une nouvelle tentative": a Paris day (today or later), a pickup slot of that day
 * (`GET /v1/slots?date=`) or none, an optional drop-off window; and, once the parcel is at the
 * hub, "Retourner à l'expéditeur" on the same day, after a confirmation.
 */
export function RescheduleForm({ delivery, onDone, level = 2, title }: RescheduleFormProps) {
  const { t, lang } = useApp();
  const id = useId();
  const today = parisDate();
  const [date, setDate] = useState(() => addDays(today, 1));
  const [slotId, setSlotId] = useState('');
  const [windowFrom, setWindowFrom] = useState('');
  const [windowTo, setWindowTo] = useState('');
  const [problem, setProblem] = useState<ChoiceProblem | null>(null);
  const [confirming, setConfirming] = useState<RescheduleBody | null>(null);
  const submissions = useRef({ reschedule: new Submission(), return: new Submission() }).current;

  const dayOk = DAY.test(date) && date >= today;
  const slots = useAsync((signal) => (dayOk ? loadDaySlots(date, signal) : Promise.resolve([])), [date, dayOk]);
  // A slot of another day, or one gone since, is no choice.
  const chosenSlot = slots.data?.some((slot) => slot.id === slotId && slot.remaining > 0) ? slotId : '';
  useEffect(() => setProblem(null), [date, slotId, windowFrom, windowTo]);

  const choice = () => {
    const built = rescheduleBody({ date, slotId: chosenSlot, windowFrom, windowTo });
    if ('problem' in built) {
      setProblem(built.problem);
      return null;
    }
    return built.body;
  };

  const send = useAction(async (kind: AfterKind, body: RescheduleBody) => {
    const submission = submissions[kind];
    const key = submission.keyFor(body);
    try {
      const path = `/v1/deliveries/${encodeURIComponent(delivery.id)}/${kind === 'return' ? 'return-to-sender' : 'reschedule'}`;
      const answer = await api<Delivery>('POST', path, { body, idempotencyKey: key });
      submission.settled();
      setConfirming(null);
      onDone(answer, kind, answer.slot?.date ?? answer.serviceDate ?? date);
    } catch (error) {
      submission.failed(error);
      const { code, param } = error as { code?: string; param?: string };
      if (code === 'slot_full' || (code === 'parameter_invalid' && param === 'slotId')) {
        // The slot filled (or ended) meanwhile: nothing was booked; show what is left now.
        setSlotId('');
        slots.reload();
      }
      throw error;
    }
  });

  const Heading = `h${level}` as 'h2';
  const SubHeading = `h${level + 1}` as 'h3';
  const titleId = `${id}-title`;
  const state = afterFailureState(delivery);
  const sender = delivery.origin?.address ?? delivery.pickup.address;
  const returnable = canReturnToSender(delivery);

  return (
    <>
      <form
        class="reschedule-form"
        aria-labelledby={titleId}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const body = choice();
          if (body) void send.run('reschedule', body);
        }}
      >
        <Heading id={titleId}>{title ?? t('after.form.title')}</Heading>
        <p class="small">
          {t('after.form.intro')} {state === 'at_hub' ? t('after.form.fromHub') : t('after.form.fromPickup')}
        </p>
        <TextField label={t('after.form.date')} hint={t('after.form.dateHint')} type="date" min={today} value={date} onValue={setDate} required />
        <fieldset>
          <legend>{t('after.form.slots')}</legend>
          {!dayOk ? null : slots.loading && !slots.data ? (
            <Loading label={t('after.form.loadingSlots')} />
          ) : slots.error ? (
            <Refusal error={slots.error} />
          ) : (slots.data ?? []).length === 0 ? (
            <p class="small">{t('after.form.noSlots')}</p>
          ) : (
            <SlotOptions slots={slots.data ?? []} value={chosenSlot} onChange={setSlotId} name={`${id}-slot`} none={t('after.form.noSlot')} />
          )}
        </fieldset>
        <fieldset>
          <legend>{t('after.form.window')}</legend>
          <p class="hint">{t('after.form.windowHint')}</p>
          <div class="row">
            <TextField class="narrow" label={t('after.form.windowFrom')} type="time" value={windowFrom} onValue={setWindowFrom} />
            <TextField class="narrow" label={t('after.form.windowTo')} type="time" value={windowTo} onValue={setWindowTo} />
          </div>
        </fieldset>
        {problem ? (
          <div class="notice error" role="alert">
            <p>{t(problemKey[problem])}</p>
          </div>
        ) : null}
        {confirming ? null : <Refusal error={send.error} />}
        <div class="actions">
          <button type="submit" disabled={send.pending} aria-busy={send.pending}>
            {send.pending && !confirming ? t('common.sending') : t('after.form.submit')}
          </button>
        </div>
        {returnable ? (
          <div class="return-to-sender">
            <SubHeading>{t('after.return.title')}</SubHeading>
            <p class="small">{t('after.return.intro', { address: addressLine(sender) })}</p>
            <div class="actions">
              <button
                type="button"
                class="secondary"
                disabled={send.pending}
                onClick={() => {
                  const body = choice();
                  if (body) {
                    send.setError(undefined);
                    setConfirming(body);
                  }
                }}
              >
                {t('after.return.button')}
              </button>
            </div>
          </div>
        ) : null}
      </form>
      <ConfirmDialog
        open={confirming !== null}
        title={t('after.return.confirmTitle')}
        confirmLabel={t('after.return.confirmYes')}
        cancelLabel={t('after.return.confirmNo')}
        pending={send.pending}
        onConfirm={() => confirming && void send.run('return', confirming)}
        onCancel={() => {
          setConfirming(null);
          send.setError(undefined);
        }}
      >
        <p>{t('after.return.confirmText', { address: addressLine(sender), date: formatLocalDate(date, lang, true) })}</p>
        {confirming ? <Refusal error={send.error} /> : null}
      </ConfirmDialog>
    </>
  );
}
