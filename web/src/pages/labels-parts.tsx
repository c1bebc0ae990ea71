import { useId, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ApiError, errorMessage, NETWORK_ERROR } from '../errors.js';
import { useApp } from '../context.js';
import type { Lang } from '../format.js';
import type { MessageKey, Translator } from '../i18n.js';
import { Submission } from '../idempotency.js';
import type { Delivery } from '../types.js';
import './labels.css';

/**
 * Parcel labels and the hub's stage, shared by the labels page (labels.tsx) and the tenant's
 * delivery page (deliveries.tsx), issue 18. The labels are PDF files the API makes
 * (`GET /v1/deliveries/{id}/labels?format=a6|a4`, `GET /v1/labels?date=…&format=…`): read with
 * the session as a file and saved (the browser opens or keeps it, ready to print).
 */

export type LabelFormat = 'a6' | 'a4';

/** What the API adds to a delivery going through the hub (`hub`), or a first leg (`leg`). */
export type HubStage = 'expected' | 'to_hub' | 'at_hub' | 'left_hub';
export interface DeliveryHub {
  firstLeg: 'courier' | 'tenant';
  firstLegId: string | null;
  stage: HubStage | string;
  parcels: Array<{ number: number; checkedInAt: string | null; checkedOutAt: string | null }>;
  checkedInAt: string | null;
  checkedOutAt: string | null;
}
export type HubDelivery = Delivery & { hub?: DeliveryHub | null; leg?: { of: string } | null; collectionPoint?: { id: string; name: string } | null };

/** Reads a PDF of the API with the session; a refusal comes back as the API's error. */
export async function fetchPdf(path: string, query: Record<string, string>, lang: Lang): Promise<Blob> {
  const url = `${path}?${new URLSearchParams(query).toString()}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/pdf, application/json', 'accept-language': lang }, credentials: 'same-origin', cache: 'no-store' });
  } catch (cause) {
    throw new ApiError(0, { code: NETWORK_ERROR, message: String(cause) });
  }
  if (!response.ok) {
    const text = await response.text();
    let body: { error?: Record<string, string> } | undefined;
    try {
      body = JSON.parse(text) as { error?: Record<string, string> };
    } catch {
      body = undefined;
    }
    throw new ApiError(response.status, body?.error ?? { message: text.slice(0, 200) });
  }
  const blob = await response.blob();
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/** Hands the file to the browser: saved under `name` (a phone or a desktop opens it from there to print). */
export function savePdf(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name people recognise: `etiquettes-CMD-12-a6.pdf`. */
export function labelFileName(what: string, format: LabelFormat): string {
  const safe = what.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'colis';
  return `etiquettes-${safe}-${format}.pdf`;
}

/** A refusal of a labels route, in words. */
export function labelsRefusal(error: unknown, lang: Lang, t: Translator): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'delivery_cancelled') return t('labels.error.cancelled');
  if (code === 'resource_missing') return t('labels.error.missing');
  return errorMessage(error, lang);
}

/**
 * "Étiquettes A6" and "Planche A4" for one delivery; nothing for a cancelled one (it has no
 * labels: nothing will be picked up), said in words instead.
 */
export function LabelButtons({ delivery, name }: { delivery: Pick<Delivery, 'id' | 'reference' | 'status'>; name?: string }) {
  const { t, lang, announce } = useApp();
  const [pending, setPending] = useState<LabelFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const what = name ?? delivery.reference ?? delivery.id;
  if (delivery.status === 'cancelled') return <p class="small">{t('labels.noneCancelled')}</p>;
  const open = async (format: LabelFormat) => {
    if (pending) return;
    setPending(format);
    setError(null);
    try {
      const blob = await fetchPdf(`/v1/deliveries/${encodeURIComponent(delivery.id)}/labels`, { format }, lang);
      const file = labelFileName(delivery.reference ?? delivery.id, format);
      savePdf(blob, file);
      announce(t('labels.saved', { file }));
    } catch (caught) {
      const text = labelsRefusal(caught, lang, t);
      setError(text);
      announce(text);
    } finally {
      setPending(null);
    }
  };
  return (
    <div class="label-buttons">
      <div class="actions">
        <button type="button" class="secondary" aria-label={t('labels.a6For', { what })} disabled={pending !== null} onClick={() => void open('a6')}>
          {pending === 'a6' ? t('labels.preparing') : t('labels.a6')}
        </button>
        <button type="button" class="secondary" aria-label={t('labels.a4For', { what })} disabled={pending !== null} onClick={() => void open('a4')}>
          {pending === 'a4' ? t('labels.preparing') : t('labels.a4')}
        </button>
      </div>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Where the parcels of a delivery through the hub are, in words. */
export function hubStageText(t: Translator, hub: DeliveryHub): string {
  const stage = ['expected', 'to_hub', 'at_hub', 'left_hub'].includes(hub.stage) ? hub.stage : 'expected';
  const key = stage === 'expected' ? (hub.firstLeg === 'tenant' ? 'hubStage.expectedTenant' : 'hubStage.expectedCourier') : `hubStage.${stage}`;
  return t(key as MessageKey);
}

export function HubStageLine({ hub }: { hub: DeliveryHub }) {
  const { t } = useApp();
  const total = hub.parcels.length;
  const inside = hub.parcels.filter((parcel) => parcel.checkedInAt !== null).length;
  const out = hub.parcels.filter((parcel) => parcel.checkedOutAt !== null).length;
  return (
    <section aria-labelledby="hub-stage-title" class="panel hub-stage">
      <h2 id="hub-stage-title">{t('hubStage.title')}</h2>
      <p>
        <strong>{hubStageText(t, hub)}</strong>
      </p>
      <p class="small">{t('hubStage.counts', { inside, out, total })}</p>
    </section>
  );
}

/**
 * One click to turn a booked direct delivery (A → B) into two legs through the hub
 * (`POST /v1/deliveries/{id}/via-hub`): a courier collects the parcels for the hub, or the tenant
 * drops them there. Offered while the delivery is booked and not assigned yet.
 */
export function ViaHubForm({ delivery, onDone }: { delivery: HubDelivery; onDone(next: HubDelivery): void }) {
  const { t, lang, announce } = useApp();
  const [firstLeg, setFirstLeg] = useState<'courier' | 'tenant'>('courier');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submission = useRef(new Submission()).current;
  const name = useId();
  const send = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    const body = { firstLeg };
    try {
      const next = await api<HubDelivery>('POST', `/v1/deliveries/${encodeURIComponent(delivery.id)}/via-hub`, { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      announce(t(firstLeg === 'tenant' ? 'viaHub.doneTenant' : 'viaHub.doneCourier'));
      onDone(next);
    } catch (caught) {
      submission.failed(caught);
      const code = (caught as { code?: string }).code;
      setError(code === 'invalid_transition' ? t('viaHub.tooLate') : errorMessage(caught, lang));
    } finally {
      setPending(false);
    }
  };
  return (
    <section aria-labelledby="via-hub-title" class="panel via-hub">
      <h2 id="via-hub-title">{t('viaHub.title')}</h2>
      <p class="small">{t('viaHub.intro')}</p>
      <form onSubmit={(event) => void send(event)}>
        <fieldset>
          <legend>{t('viaHub.who')}</legend>
          {(['courier', 'tenant'] as const).map((who) => (
            <div class="field radio" key={who}>
              <input id={`${name}-${who}`} type="radio" name={name} checked={firstLeg === who} onChange={() => setFirstLeg(who)} />
              <label for={`${name}-${who}`}>{t(who === 'courier' ? 'viaHub.courier' : 'viaHub.tenant')}</label>
            </div>
          ))}
        </fieldset>
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="secondary" disabled={pending} aria-busy={pending}>
            {pending ? t('common.sending') : t('viaHub.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
