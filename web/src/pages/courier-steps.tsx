import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useApp } from '../context.js';
import { checkPhoto, formatMegabytes } from '../courier/photo.js';
import type { Attachment, StepError } from '../courier/queue.js';
import type { StopView } from '../courier/round-view.js';
import { SignaturePad } from '../courier/signature.js';
import { FAILURE_REASONS, type FailureReason, type PhotoType, type StepType } from '../courier/types.js';
import { errorMessage } from '../errors.js';
import type { Lang, MessageKey, Translator } from '../i18n.js';
import { TextArea, TextField } from '../ui.js';

type NewAttachment = Pick<Attachment, 'purpose' | 'blob' | 'contentType'>;

export function stepName(t: Translator, type: StepType | 'position'): string {
  return t(`courier.step.${type}` as MessageKey);
}

/** Why the server refused a step, in the courier's words (the API's own message otherwise). */
export function refusalMessage(error: StepError, lang: Lang, t: Translator): string {
  const known: Record<string, MessageKey> = {
    not_on_round: 'courier.refusal.not_on_round',
    invalid_transition: 'courier.refusal.invalid_transition',
    photo_too_large: 'courier.refusal.photo_too_large',
    photo_type_invalid: 'courier.refusal.photo_type_invalid',
    photo_upload_refused: 'courier.refusal.photo_upload_refused',
    resource_missing: 'courier.refusal.resource_missing',
    forbidden: 'courier.refusal.forbidden',
  };
  const key = error.code ? known[error.code] : undefined;
  if (key) return t(key);
  return errorMessage({ status: error.status, code: error.code, message: error.message, param: error.param }, lang);
}

/** Moves the focus into a form as it opens (the first field), so a screen reader follows. */
function useFocusFirst() {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }, []);
  return ref;
}

/** The thumbnail of a photo, drawn small (the app's CSP allows `data:` images, not `blob:`). */
async function thumbnail(blob: Blob): Promise<string | null> {
  try {
    const bitmap = await createImageBitmap(blob);
    const scale = Math.min(1, 240 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.7);
  } catch {
    return null;
  }
}

/**
 * A JPEG redrawn upright, at most 2048 px on its longer side: the server removes the Exif
 * metadata (the location with it), and the orientation is part of it, so the pixels themselves
 * must stand the right way up. Browsers apply the Exif orientation when they decode
 * (`imageOrientation: 'from-image'`). Undefined when the browser cannot (the original is kept).
 */
async function upright(blob: Blob): Promise<Blob | undefined> {
  try {
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((drawn) => resolve(drawn ?? undefined), 'image/jpeg', 0.85));
  } catch {
    return undefined;
  }
}

export function DeliveredForm({ stop, onSubmit, onCancel }: { stop: StopView; onSubmit(body: { type: 'delivered'; proof: { recipientName?: string; note?: string } }, attachments: NewAttachment[]): Promise<void>; onCancel(): void }) {
  const { t, lang, announce } = useApp();
  const id = useId();
  const form = useFocusFirst();
  const [recipient, setRecipient] = useState('');
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<{ blob: Blob; contentType: PhotoType; preview: string | null; name: string } | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [signature, setSignature] = useState<Blob | null>(null);
  const [saving, setSaving] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const choose = async (file: File | undefined) => {
    setPhotoError(null);
    if (!file) return;
    const check = await checkPhoto(file);
    if (!check.ok) {
      const message =
        check.reason === 'too_large'
          ? t('courier.photoTooLarge', { size: formatMegabytes(check.sizeBytes, lang) })
          : check.reason === 'empty'
            ? t('courier.photoEmpty')
            : t('courier.photoNotImage');
      setPhoto(null);
      setPhotoError(message);
      if (fileInput.current) fileInput.current.value = '';
      return;
    }
    const redrawn = check.contentType === 'image/jpeg' ? await upright(file) : undefined;
    const kept = redrawn ?? file;
    setPhoto({ blob: kept, contentType: redrawn ? 'image/jpeg' : check.contentType, preview: await thumbnail(kept), name: file.name });
    announce(t('courier.photoAdded'));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    try {
      const attachments: NewAttachment[] = [];
      if (photo) attachments.push({ purpose: 'proof', blob: photo.blob, contentType: photo.contentType });
      if (signature) attachments.push({ purpose: 'signature', blob: signature, contentType: 'image/png' });
      const proof: { recipientName?: string; note?: string } = {};
      if (recipient.trim() !== '') proof.recipientName = recipient.trim();
      if (note.trim() !== '') proof.note = note.trim();
      await onSubmit({ type: 'delivered', proof }, attachments);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={form} class="step-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h4 id={`${id}-title`}>{t('courier.deliveredTitle', { reference: stop.reference ?? t('courier.noReference') })}</h4>
      <TextField label={t('courier.recipientName')} hint={t('courier.recipientHint')} value={recipient} onValue={setRecipient} autoComplete="off" />
      <div class="field">
        <label for={`${id}-photo`}>{t('courier.photo')}</label>
        <p class="hint" id={`${id}-photo-hint`}>
          {t('courier.photoHint')}
        </p>
        <input
          ref={fileInput}
          id={`${id}-photo`}
          type="file"
          accept="image/*"
          capture="environment"
          aria-describedby={`${id}-photo-hint${photoError ? ` ${id}-photo-error` : ''}`}
          aria-invalid={photoError ? true : undefined}
          onChange={(event) => void choose((event.currentTarget as HTMLInputElement).files?.[0])}
        />
        {photoError ? (
          <p class="field-error" id={`${id}-photo-error`} role="alert">
            {photoError}
          </p>
        ) : null}
        {photo ? (
          <div class="photo-chosen">
            {photo.preview ? <img src={photo.preview} alt={t('courier.photoPreview')} /> : null}
            <p class="small">{t('courier.photoReady', { size: formatMegabytes(photo.blob.size, lang) })}</p>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setPhoto(null);
                if (fileInput.current) fileInput.current.value = '';
              }}
            >
              {t('courier.photoRemove')}
            </button>
          </div>
        ) : null}
      </div>
      <SignaturePad onChange={setSignature} />
      <TextArea label={t('courier.note')} value={note} onValue={setNote} rows={2} maxLength={500} />
      <div class="step-buttons">
        <button type="submit" class="step main" disabled={saving}>
          {t('courier.confirmDelivered')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function FailedForm({ stop, onSubmit, onCancel }: { stop: StopView; onSubmit(body: { type: 'failed'; reasonCode: FailureReason; reason?: string }): Promise<void>; onCancel(): void }) {
  const { t } = useApp();
  const id = useId();
  const form = useFocusFirst();
  const [reason, setReason] = useState<FailureReason | ''>('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    if (reason === '') {
      setProblem(t('courier.reasonMissing'));
      return;
    }
    if (reason === 'other' && note.trim() === '') {
      setProblem(t('courier.reasonNoteMissing'));
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      await onSubmit({ type: 'failed', reasonCode: reason, ...(note.trim() !== '' ? { reason: note.trim() } : {}) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={form} class="step-form" aria-labelledby={`${id}-title`} noValidate onSubmit={(event) => void submit(event)}>
      <h4 id={`${id}-title`}>{t('courier.failedTitle', { reference: stop.reference ?? t('courier.noReference') })}</h4>
      <fieldset class="reasons" aria-describedby={problem ? `${id}-problem` : undefined}>
        <legend>{t('courier.reason')}</legend>
        {FAILURE_REASONS.map((code) => (
          <div class="field checkbox reason" key={code}>
            <input id={`${id}-${code}`} type="radio" name={`${id}-reason`} value={code} checked={reason === code} onChange={() => setReason(code)} />
            <label for={`${id}-${code}`}>{t(`courier.reason.${code}` as MessageKey)}</label>
          </div>
        ))}
      </fieldset>
      <TextArea label={t('courier.failedNote')} hint={t('courier.failedNoteHint')} value={note} onValue={setNote} rows={2} maxLength={500} required={reason === 'other'} />
      {problem ? (
        <p class="field-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      ) : null}
      <div class="step-buttons">
        <button type="submit" class="step main danger" disabled={saving}>
          {t('courier.confirmFailed')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
