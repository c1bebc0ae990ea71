import { api } from '../api.js';
import { useApp } from '../context.js';
import { formatKg, formatLitres, formatTime } from '../format.js';
import { fitsCargoBike, ITEM_PRESETS, lineFromPreset, linesToParcels, presetLabel, type Capacity, type ItemLine } from '../presets.js';
import type { Contact, Quote, Slot } from '../types.js';
import { TextField } from '../ui.js';
import { PriceTable } from './deliveries.js';

export interface ContactForm {
  name: string;
  phone: string;
  email: string;
}
export const emptyContact = (): ContactForm => ({ name: '', phone: '', email: '' });

export function formToContact(form: ContactForm): Contact | undefined {
  const name = form.name.trim();
  if (name === '') return undefined;
  const contact: Contact = { name };
  if (form.phone.trim() !== '') contact.phone = form.phone.trim();
  if (form.email.trim() !== '') contact.email = form.email.trim();
  return contact;
}

export function ContactFields({ value, onChange, legend, requirePhone = false }: { value: ContactForm; onChange(value: ContactForm): void; legend: string; requirePhone?: boolean }) {
  const { t } = useApp();
  const set = (field: keyof ContactForm) => (text: string) => onChange({ ...value, [field]: text });
  return (
    <fieldset>
      <legend>{legend}</legend>
      <TextField label={t('contact.name')} value={value.name} onValue={set('name')} required autoComplete="off" />
      <div class="row">
        <TextField label={t('contact.phone')} type="tel" value={value.phone} onValue={set('phone')} required={requirePhone} autoComplete="off" hint={t('contact.phoneHint')} />
        <TextField label={t('contact.email')} type="email" value={value.email} onValue={set('email')} autoComplete="off" hint={t('contact.emailHint')} />
      </div>
    </fieldset>
  );
}

function numberOrNull(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

/** The items to carry: presets to start from, every figure editable, the load checked at once. */
export function ItemsEditor({ lines, onChange, capacity, presets }: { lines: ItemLine[]; onChange(lines: ItemLine[]): void; capacity: Capacity; presets: boolean }) {
  const { t, lang } = useApp();
  const update = (index: number, patch: Partial<ItemLine>) => onChange(lines.map((line, at) => (at === index ? { ...line, ...patch } : line)));
  const remove = (index: number) => onChange(lines.filter((_, at) => at !== index));
  const fit = fitsCargoBike(linesToParcels(lines), capacity);
  return (
    <fieldset>
      <legend>{presets ? t('items.legend') : t('items.parcels')}</legend>
      {presets ? (
        <>
          <p class="hint" id="presets-hint">
            {t('items.presetsHint')}
          </p>
          <div class="presets" role="group" aria-label={t('items.presets')}>
            {ITEM_PRESETS.map((preset) => (
              <button key={preset.id} type="button" class="secondary" onClick={() => onChange([...lines, lineFromPreset(preset.id, lang)])}>
                + {presetLabel(preset, lang)}
              </button>
            ))}
          </div>
        </>
      ) : null}
      {lines.map((line, index) => (
        <div class="item-line" key={index} role="group" aria-label={`${t('items.item')} ${index + 1}${line.description ? ` : ${line.description}` : ''}`}>
          <div class="row">
            <TextField label={t('items.description')} value={line.description} onValue={(description) => update(index, { description })} />
            <TextField class="narrow" label={t('items.quantity')} type="number" min={1} max={50} step={1} value={String(line.quantity)} onValue={(text) => update(index, { quantity: Math.max(0, Math.floor(Number(text) || 0)) })} />
          </div>
          <div class="row">
            <TextField label={t('items.weight')} type="number" min={0.001} step="any" inputMode="decimal" required value={line.weightKg ? String(line.weightKg) : ''} onValue={(text) => update(index, { weightKg: numberOrNull(text) ?? 0 })} />
            <TextField label={t('items.length')} type="number" min={0} step="any" value={line.lengthCm === null ? '' : String(line.lengthCm)} onValue={(text) => update(index, { lengthCm: numberOrNull(text) })} />
            <TextField label={t('items.width')} type="number" min={0} step="any" value={line.widthCm === null ? '' : String(line.widthCm)} onValue={(text) => update(index, { widthCm: numberOrNull(text) })} />
            <TextField label={t('items.height')} type="number" min={0} step="any" value={line.heightCm === null ? '' : String(line.heightCm)} onValue={(text) => update(index, { heightCm: numberOrNull(text) })} />
          </div>
          <button type="button" class="link" onClick={() => remove(index)}>
            {t('items.remove')}
            <span class="visually-hidden"> {line.description || `${t('items.item')} ${index + 1}`}</span>
          </button>
        </div>
      ))}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => onChange([...lines, { presetId: null, description: '', quantity: 1, weightKg: 0, lengthCm: null, widthCm: null, heightCm: null }])}>
          + {t('items.addOther')}
        </button>
      </div>
      <p aria-live="polite">
        {t('items.total', { weight: formatKg(fit.load.weightKg, lang), volume: formatLitres(fit.load.volumeLitres, lang) })}{' '}
        {t('items.limit', { weight: formatKg(capacity.maxWeightKg, lang), volume: formatLitres(capacity.maxVolumeLiters, lang) })}
      </p>
      {fit.tooHeavy || fit.tooBulky ? (
        <div class="notice error" role="alert">
          <p>
            {fit.tooHeavy && fit.tooBulky ? t('items.tooBoth') : fit.tooHeavy ? t('items.tooHeavy') : t('items.tooBulky')} {t('items.split')}
          </p>
        </div>
      ) : lines.length > 0 && fit.fits ? (
        <p class="fits">✓ {t('items.fits')}</p>
      ) : null}
    </fieldset>
  );
}

/** The price of a quote, and how long it holds. */
export function QuoteSummary({ quote }: { quote: Quote }) {
  const { t, lang } = useApp();
  return (
    <section class="panel" aria-labelledby="quote-title">
      <h2 id="quote-title">{t('quote.title')}</h2>
      <PriceTable lines={quote.lines} net={quote.price.net} vat={quote.price.vat} gross={quote.price.gross} />
      <p class="small">{t('quote.validUntil', { time: formatTime(quote.expiresAt, lang) })}</p>
    </section>
  );
}

/** A day's pickup slots (`GET /v1/slots?date=`) that have not ended, each with what remains. */
export async function loadDaySlots(date: string, signal?: AbortSignal, now: number = Date.now()): Promise<Slot[]> {
  const answer = await api<{ data: Slot[] }>('GET', '/v1/slots', { query: { date }, ...(signal ? { signal } : {}) });
  return answer.data.filter((slot) => Date.parse(slot.endsAt) > now);
}

/**
 * One day's slots as radio buttons, what remains of each in words, full ones disabled (the pickup
 * booking form, and a new attempt after a failure). `none`: a first choice for "no slot" (value '').
 */
export function SlotOptions({ slots, value, onChange, name, required = false, none }: { slots: readonly Slot[]; value: string; onChange(slotId: string): void; name: string; required?: boolean; none?: string }) {
  const { t } = useApp();
  return (
    <div class="slot-options">
      {none !== undefined ? (
        <label class="slot-option">
          <input type="radio" name={name} value="" checked={value === ''} onChange={() => onChange('')} />
          <span>{none}</span>
        </label>
      ) : null}
      {slots.map((slot) => {
        const full = slot.remaining <= 0;
        const label = `${slot.start}–${slot.end}`;
        return (
          <label key={slot.id} class={`slot-option${full ? ' full' : ''}`}>
            <input type="radio" name={name} value={slot.id} checked={value === slot.id} disabled={full} required={required} onChange={() => onChange(slot.id)} />
            <span>
              {label} · {full ? t('pickup.full') : t('pickup.remaining', { count: slot.remaining })}
            </span>
          </label>
        );
      })}
    </div>
  );
}
