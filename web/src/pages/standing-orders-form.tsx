import type { ComponentChildren } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import { errorMessage } from '../errors.js';
import { formatLocalDate, parisDate } from '../format.js';
import type { MessageKey, Translator } from '../i18n.js';
import { Submission } from '../idempotency.js';
import { DEFAULT_CAPACITY, linesToParcels, type Capacity, type ItemLine } from '../presets.js';
import { href, onLinkClick } from '../router.js';
import type { DefaultPickupView, Stop } from '../types.js';
import { AddressFields, addressToForm, emptyAddress, ErrorNotice, formToAddress, isAddressEmpty, TextArea, useAction, useAsync, type AddressForm } from '../ui.js';
import { ContactFields, emptyContact, formToContact, ItemsEditor, type ContactForm } from './booking-parts.js';
import { byWeek, closureProblems, composeRrule, parcelsToLines, parseSimpleRrule, WEEKDAYS, windowProblem, type ClosureForm, type Weekday } from './standing-orders-model.js';

/* ---------- The API's shapes (shared/standing-orders/routes.ts) ---------- */

export type StandingOrderStatus = 'active' | 'paused' | 'ended';

export interface Closure {
  id?: string;
  start: string;
  end: string;
  reason: string;
}

export interface StandingOrder {
  id: string;
  object?: 'standing_order';
  tenantId: string;
  status: StandingOrderStatus;
  reference: string | null;
  pickup: Stop | null;
  dropoff: Stop;
  parcels: Array<{ weightKg: number; lengthCm?: number; widthCm?: number; heightCm?: number; description?: string }>;
  service?: 'standard' | 'express';
  window: { start: string; end: string };
  /** `dayBefore`: an evening pickup the day before, the parcels spending the night at the hub. */
  pickupWindow: { start: string; end: string; dayBefore?: boolean } | null;
  slotStart?: string | null;
  rrule: string;
  startDate: string;
  endDate: string | null;
  skipPublicHolidays: boolean;
  /** The order's own closures (the tenant's and the hub's apply too). */
  closures: Closure[];
  endedOn?: string | null;
  createdAt?: string;
  updatedAt?: string;
  version: number;
}

/** Why a date is not delivered (skipped: `public_holiday`, `closure`, `skipped_by_tenant`, `too_late`; failed: the booking's error). */
export type SkipReason = { code: string; label: string } | null | undefined;

export interface PreviewDate {
  date: string;
  bookable: boolean;
  reason: SkipReason;
}

/* ---------- Words ---------- */

/** A rule in words: "lundi, mardi, jeudi et vendredi, chaque semaine"; another rule as typed. */
export function ruleInWords(rrule: string, t: Translator): string {
  const simple = parseSimpleRrule(rrule);
  if (!simple) return t('standing.rule.custom', { rrule });
  const names = simple.days.map((day) => t(`standing.day.${day}` as MessageKey));
  const days = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')}${t('standing.rule.and')}${names[names.length - 1]}`;
  return t('standing.rule.simple', { days, frequency: simple.interval === 2 ? t('standing.rule.everyOtherWeek') : t('standing.rule.everyWeek') });
}

/** Why a date is skipped, in words: "Jour férié : Ascension", "Fermeture : vacances de printemps", "Annulée par vous". */
export function reasonInWords(reason: SkipReason, t: Translator): string {
  if (!reason) return t('standing.preview.skipped');
  const { code, label } = reason;
  if (code === 'public_holiday') return label ? t('standing.reason.holiday', { name: label }) : t('standing.reason.holidayUnnamed');
  if (code === 'closure') return t('standing.reason.closure', { reason: label });
  if (code === 'skipped_by_tenant') return t('standing.reason.cancelled');
  if (code === 'too_late') return t('standing.reason.tooLate');
  return t('standing.reason.other', { reason: label || code });
}

/* ---------- A field that carries its refusal ---------- */

export type FieldErrors = Partial<Record<string, string>>;

export function Field(props: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
  class?: string;
  value: string;
  onValue(value: string): void;
  type?: 'text' | 'time' | 'date' | 'month' | 'number';
  min?: string | number;
  max?: string | number;
  step?: string | number;
  name?: string;
  spellcheck?: boolean;
}) {
  const { t } = useApp();
  const id = useId();
  const { label, hint, error, required, value, onValue, type = 'text', class: className, ...rest } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter((part) => part !== '').join(' ');
  return (
    <div class={`field ${className ?? ''}`}>
      <label for={id}>
        {label}
        {required ? <span class="required"> ({t('common.required')})</span> : null}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        {...(rest as Record<string, unknown>)}
        id={id}
        type={type as 'text'}
        value={value}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy === '' ? undefined : describedBy}
        onInput={(event) => onValue((event.currentTarget as HTMLInputElement).value)}
      />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** A refusal under a field; `group`: about a whole group of fields (an address), focused itself when first. */
export function FieldError({ id, error, group = false }: { id?: string; error: string | undefined; group?: boolean }) {
  if (!error) return null;
  return (
    <p class="field-error" id={id} tabIndex={group ? -1 : undefined} data-refusal={group ? '' : undefined}>
      {error}
    </p>
  );
}

/** After a refusal, the focus goes to the first field it is about. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  setTimeout(() => form?.querySelector<HTMLElement>('[aria-invalid="true"], [data-refusal]')?.focus(), 0);
}

/* ---------- Closures (of an order, or the tenant's) ---------- */

export function ClosuresEditor({ closures, onChange, errors, legend, hint }: { closures: ClosureForm[]; onChange(closures: ClosureForm[]): void; errors: FieldErrors; legend: string; hint: string }) {
  const { t } = useApp();
  const update = (index: number, patch: Partial<ClosureForm>) => onChange(closures.map((closure, at) => (at === index ? { ...closure, ...patch } : closure)));
  return (
    <fieldset class="closures">
      <legend>{legend}</legend>
      <p class="hint">{hint}</p>
      {closures.map((closure, index) => (
        <div class="closure" key={index} role="group" aria-label={t('standing.form.closureLabel', { n: index + 1 })}>
          <div class="row">
            <Field type="date" label={t('standing.form.closureStart')} value={closure.start} onValue={(start) => update(index, { start })} error={errors[`closures.${index}.start`]} required />
            <Field type="date" label={t('standing.form.closureEnd')} value={closure.end} onValue={(end) => update(index, { end })} error={errors[`closures.${index}.end`]} required />
          </div>
          <Field label={t('standing.form.closureReason')} hint={t('standing.form.closureReasonHint')} value={closure.reason} onValue={(reason) => update(index, { reason })} error={errors[`closures.${index}.reason`]} required />
          <button type="button" class="link" onClick={() => onChange(closures.filter((_, at) => at !== index))}>
            {t('standing.form.removeClosure', { n: index + 1 })}
          </button>
        </div>
      ))}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => onChange([...closures, { start: '', end: '', reason: '' }])}>
          + {t('standing.form.addClosure')}
        </button>
      </div>
    </fieldset>
  );
}

/** The closures' refusals said at their field (`closures.<i>.<field>`). */
export function closureErrors(closures: readonly ClosureForm[], t: Translator, showMissing: boolean): FieldErrors {
  const errors: FieldErrors = {};
  closureProblems(closures).forEach((problems, index) => {
    if (problems.start === 'missing' && showMissing) errors[`closures.${index}.start`] = t('standing.error.closureStartMissing');
    if (problems.start === 'invalid') errors[`closures.${index}.start`] = t('standing.error.dayInvalid');
    if (problems.end === 'missing' && showMissing) errors[`closures.${index}.end`] = t('standing.error.closureEndMissing');
    if (problems.end === 'invalid') errors[`closures.${index}.end`] = t('standing.error.dayInvalid');
    if (problems.end === 'order') errors[`closures.${index}.end`] = t('standing.error.closureOrder');
    if (problems.reason === 'missing' && showMissing) errors[`closures.${index}.reason`] = t('standing.error.closureReasonMissing');
  });
  return errors;
}

/* ---------- The API's refusals, at their field ---------- */

/** The form's field a refusal's `param` is about. */
export function fieldOfParam(param: string | undefined): string | undefined {
  if (!param) return undefined;
  const parts = param.split(/[.[\]]+/).filter((part) => part !== '');
  const [head, second, third] = parts;
  if (head === 'closures' && second !== undefined && /^\d+$/.test(second)) return `closures.${second}.${third === 'start' || third === 'end' ? third : third === 'reason' ? 'reason' : 'end'}`;
  if (head === 'window' || head === 'dropoffWindow') return second === 'start' ? 'window.start' : 'window.end';
  if (head === 'pickupWindow') return second === 'start' ? 'pickupWindow.start' : 'pickupWindow.end';
  if (head === 'rrule' || head === 'recurrence') return 'rrule';
  if (head === 'startDate' || head === 'endDate' || head === 'dropoff' || head === 'pickup' || head === 'parcels' || head === 'reference') return head;
  return undefined;
}

/** The codes of the standing orders' API (shared/standing-orders/errors.ts) in words. */
const CODE_SENTENCES: Record<string, MessageKey> = {
  rrule_invalid: 'standing.error.rruleInvalid',
  rrule_too_frequent: 'standing.error.tooFrequent',
  rrule_empty: 'standing.error.noDates',
  version_conflict: 'standing.error.versionConflict',
  invalid_transition: 'standing.error.notEditable',
};

/** The field a refusal is about: its `param`, else what its code says. */
export function refusalField(error: unknown): string | undefined {
  const field = fieldOfParam((error as { param?: string } | undefined)?.param);
  if (field) return field;
  const code = (error as { code?: string } | undefined)?.code;
  const key = code ? CODE_SENTENCES[code] : undefined;
  if (key === 'standing.error.rruleInvalid' || key === 'standing.error.tooFrequent' || key === 'standing.error.noDates') return 'rrule';
  return undefined;
}

/** A refusal in words: the sentence for its code, else the app's general one. */
export function refusalInWords(error: unknown, t: Translator, lang: 'fr' | 'en'): string {
  const code = (error as { code?: string } | undefined)?.code;
  const key = code ? CODE_SENTENCES[code] : undefined;
  if (key) return t(key);
  const field = fieldOfParam((error as { param?: string } | undefined)?.param);
  if (code === 'parameter_invalid' || code === 'parameter_missing') {
    if (field?.startsWith('closures.') && field.endsWith('.end')) return t('standing.error.closureOrder');
    if (field === 'endDate') return t('standing.error.endBeforeStart');
    if (field === 'rrule') return t('standing.error.rruleInvalid');
    if (field === 'window.start' || field === 'pickupWindow.start') return t('standing.error.windowStartInvalid');
    if (field === 'window.end' || field === 'pickupWindow.end') return t('standing.error.windowOrder');
    if (field === 'dropoff') return t('standing.error.dropoff');
    if (field === 'pickup') return t('standing.error.pickup');
    if (field === 'parcels') return t('standing.error.parcels');
  }
  return errorMessage(error, lang);
}

/* ---------- The form ---------- */

interface FormState {
  reference: string;
  otherPickup: boolean;
  pickupAddress: AddressForm;
  pickupContact: ContactForm;
  eveningPickup: boolean;
  pickupStart: string;
  pickupEnd: string;
  /** A same-day pickup window set through the API: kept as it is by an edit. */
  keptPickupWindow: StandingOrder['pickupWindow'];
  dropoffAddress: AddressForm;
  dropoffContact: ContactForm;
  instructions: string;
  lines: ItemLine[];
  windowStart: string;
  windowEnd: string;
  days: Weekday[];
  interval: 1 | 2;
  advanced: boolean;
  rrule: string;
  startDate: string;
  endDate: string;
  skipPublicHolidays: boolean;
  closures: ClosureForm[];
}

const emptyLine = (): ItemLine => ({ presetId: null, description: '', quantity: 1, weightKg: 0, lengthCm: null, widthCm: null, heightCm: null });

function contactToForm(contact: Stop['contact']): ContactForm {
  return contact ? { name: contact.name, phone: contact.phone ?? '', email: contact.email ?? '' } : emptyContact();
}

function initialState(order: StandingOrder | undefined): FormState {
  if (!order) {
    return {
      reference: '',
      otherPickup: false,
      pickupAddress: emptyAddress(),
      pickupContact: emptyContact(),
      eveningPickup: false,
      pickupStart: '17:00',
      pickupEnd: '19:00',
      keptPickupWindow: null,
      dropoffAddress: emptyAddress(),
      dropoffContact: emptyContact(),
      instructions: '',
      lines: [emptyLine()],
      windowStart: '',
      windowEnd: '',
      days: [],
      interval: 1,
      advanced: false,
      rrule: '',
      startDate: parisDate(),
      endDate: '',
      skipPublicHolidays: true,
      closures: [],
    };
  }
  const simple = parseSimpleRrule(order.rrule);
  return {
    reference: order.reference ?? '',
    otherPickup: order.pickup !== null && order.pickup !== undefined,
    pickupAddress: addressToForm(order.pickup?.address),
    pickupContact: contactToForm(order.pickup?.contact),
    eveningPickup: order.pickupWindow?.dayBefore === true,
    pickupStart: order.pickupWindow?.start ?? '17:00',
    pickupEnd: order.pickupWindow?.end ?? '19:00',
    keptPickupWindow: order.pickupWindow && !order.pickupWindow.dayBefore ? order.pickupWindow : null,
    dropoffAddress: addressToForm(order.dropoff.address),
    dropoffContact: contactToForm(order.dropoff.contact),
    instructions: order.dropoff.instructions ?? '',
    lines: order.parcels.length > 0 ? parcelsToLines(order.parcels) : [emptyLine()],
    windowStart: order.window.start,
    windowEnd: order.window.end,
    days: simple?.days ?? [],
    interval: simple?.interval ?? 1,
    advanced: simple === null,
    rrule: order.rrule,
    startDate: order.startDate,
    endDate: order.endDate ?? '',
    skipPublicHolidays: order.skipPublicHolidays,
    closures: order.closures.map(({ start, end, reason }) => ({ start, end, reason })),
  };
}

/** What the form sends (`POST /v1/standing-orders`, its preview, and `PATCH` for an edit). */
function toBody(form: FormState): Record<string, unknown> {
  const dropoff: Stop = { address: formToAddress(form.dropoffAddress) };
  const contact = formToContact(form.dropoffContact);
  if (contact) dropoff.contact = contact;
  if (form.instructions.trim() !== '') dropoff.instructions = form.instructions.trim().slice(0, 500);
  const body: Record<string, unknown> = {
    dropoff,
    parcels: linesToParcels(form.lines),
    window: { start: form.windowStart, end: form.windowEnd },
    rrule: form.advanced ? form.rrule.trim().replace(/^RRULE:/i, '') : composeRrule({ days: form.days, interval: form.interval }),
    startDate: form.startDate,
    skipPublicHolidays: form.skipPublicHolidays,
    closures: form.closures.map((closure) => ({ start: closure.start, end: closure.end, reason: closure.reason.trim() })),
  };
  if (form.endDate !== '') body.endDate = form.endDate;
  if (form.reference.trim() !== '') body.reference = form.reference.trim().slice(0, 100);
  if (form.otherPickup && !isAddressEmpty(form.pickupAddress)) {
    const pickup: Stop = { address: formToAddress(form.pickupAddress) };
    const who = formToContact(form.pickupContact);
    if (who) pickup.contact = who;
    body.pickup = pickup;
  }
  if (form.eveningPickup) body.pickupWindow = { start: form.pickupStart, end: form.pickupEnd, dayBefore: true };
  return body;
}

/** An edit (`PATCH`): what the form shows, what it no longer has said as null, and the version read. */
function toPatch(form: FormState, order: StandingOrder): Record<string, unknown> {
  const body = toBody(form);
  return {
    ...body,
    reference: body.reference ?? null,
    pickup: body.pickup ?? null,
    pickupWindow: body.pickupWindow ?? form.keptPickupWindow ?? null,
    endDate: body.endDate ?? null,
    version: order.version,
  };
}

/** The refusals the form can say before asking the API (missing ones only once "save" was pressed). */
function localErrors(form: FormState, t: Translator, tried: boolean, today: string, editing: boolean): FieldErrors {
  const errors: FieldErrors = {};
  const window = windowProblem(form.windowStart, form.windowEnd);
  if (window && (tried || (window.problem !== 'startMissing' && window.problem !== 'endMissing'))) {
    const key = { startMissing: 'standing.error.windowStartMissing', endMissing: 'standing.error.windowEndMissing', startInvalid: 'standing.error.windowStartInvalid', endInvalid: 'standing.error.windowEndInvalid', order: 'standing.error.windowOrder' }[window.problem] as MessageKey;
    errors[`window.${window.field}`] = t(key);
  }
  if (tried && isAddressEmpty(form.dropoffAddress)) errors.dropoff = t('standing.error.dropoff');
  if (tried && form.otherPickup && isAddressEmpty(form.pickupAddress)) errors.pickup = t('standing.error.pickup');
  if (tried && linesToParcels(form.lines).length === 0) errors.parcels = t('standing.error.parcels');
  if (form.eveningPickup) {
    const pickup = windowProblem(form.pickupStart, form.pickupEnd);
    if (pickup && (tried || (pickup.problem !== 'startMissing' && pickup.problem !== 'endMissing'))) {
      const key = { startMissing: 'standing.error.windowStartMissing', endMissing: 'standing.error.windowEndMissing', startInvalid: 'standing.error.windowStartInvalid', endInvalid: 'standing.error.windowEndInvalid', order: 'standing.error.windowOrder' }[pickup.problem] as MessageKey;
      errors[`pickupWindow.${pickup.field}`] = t(key);
    }
  }
  if (form.advanced) {
    if (form.rrule.trim() === '' && tried) errors.rrule = t('standing.error.rruleMissing');
  } else if (form.days.length === 0 && tried) errors.rrule = t('standing.error.noDay');
  if (form.startDate === '') {
    if (tried) errors.startDate = t('standing.error.startMissing');
  } else if (!editing && form.startDate < today) errors.startDate = t('standing.error.datePast');
  if (form.endDate !== '' && form.startDate !== '' && form.endDate < form.startDate) errors.endDate = t('standing.error.endBeforeStart');
  Object.assign(errors, closureErrors(form.closures, t, tried));
  return errors;
}

/** Whether the preview can be asked: the days, a window in order, a first date, closures readable. */
function previewable(form: FormState): boolean {
  if (windowProblem(form.windowStart, form.windowEnd)) return false;
  if (form.advanced ? form.rrule.trim() === '' : form.days.length === 0) return false;
  if (form.startDate === '' || (form.endDate !== '' && form.endDate < form.startDate)) return false;
  return closureProblems(form.closures).every((problems) => Object.keys(problems).length === 0);
}

const PREVIEW_DELAY_MS = 400;
/** How many dates the preview shows (skipped ones included). */
const PREVIEW_COUNT = 30;
const MAX_PREVIEW_COUNT = 366;

/**
 * The standing order's form (a new one, or an edit): the drop-off found like on the booking page,
 * the pickup (the usual one or another), the parcels, the window, the days composing an RRULE (or
 * one typed), the dates, public holidays and closures; a preview of the next dates beside it,
 * asked again (debounced) as the form changes. Refusals are said at their field.
 */
export function StandingOrderForm({ order, onSaved, onCancel }: { order?: StandingOrder; onSaved(order: StandingOrder): void; onCancel?: () => void }) {
  const { t, lang, announce } = useApp();
  const me = useMe();
  const tenantId = me.tenantId ?? '';
  const editing = order !== undefined;
  const defaults = useAsync((signal) => api<DefaultPickupView>('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/default-pickup`, { signal }), [tenantId]);
  const capacity = useAsync((signal) => api<Capacity>('GET', '/v1/hub/capacity', { signal }).catch(() => DEFAULT_CAPACITY), []);
  const [form, setForm] = useState<FormState>(() => initialState(order));
  const [tried, setTried] = useState(false);
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});
  const submission = useRef(new Submission()).current;
  const formRef = useRef<HTMLFormElement>(null);
  const today = useMemo(() => parisDate(), []);
  const set = <K extends keyof FormState>(key: K) => (value: FormState[K]) => setForm((previous) => ({ ...previous, [key]: value }));

  const body = useMemo(() => toBody(form), [form]);
  const bodyKey = JSON.stringify(body);
  const rrule = body.rrule as string;
  // A refusal of the API is about what was sent: a change makes it old.
  useEffect(() => setApiErrors({}), [bodyKey]);

  const errors: FieldErrors = { ...localErrors(form, t, tried, today, editing), ...apiErrors };

  /* The preview, asked again a moment after the form stops changing. */
  const [preview, setPreview] = useState<{ dates: PreviewDate[]; hasMore: boolean; forKey: string } | null>(null);
  const [previewCount, setPreviewCount] = useState(PREVIEW_COUNT);
  const [previewError, setPreviewError] = useState<unknown>(undefined);
  const [previewing, setPreviewing] = useState(false);
  const canPreview = previewable(form);
  useEffect(() => {
    if (!canPreview) {
      setPreviewing(false);
      return;
    }
    const controller = new AbortController();
    setPreviewing(true);
    const timer = setTimeout(() => {
      api<{ data: PreviewDate[]; hasMore: boolean }>('POST', '/v1/standing-orders/preview', { body: { ...body, count: previewCount }, signal: controller.signal }).then(
        (answer) => {
          setPreview({ dates: answer.data, hasMore: answer.hasMore, forKey: bodyKey });
          setPreviewError(undefined);
          setPreviewing(false);
          const skipped = answer.data.filter(isSkipped).length;
          announce(t('standing.preview.summary', { delivered: answer.data.length - skipped, skipped }));
        },
        (error: unknown) => {
          if ((error as { name?: string })?.name === 'AbortError') return;
          setPreviewing(false);
          const about = refusalField(error);
          if (about) setApiErrors({ [about]: refusalInWords(error, t, lang) });
          setPreviewError(about ? undefined : error);
          setPreview(null);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [bodyKey, canPreview, previewCount]);

  const save = useAction(async () => {
    setTried(true);
    if (Object.keys(localErrors(form, t, true, today, editing)).length > 0) {
      focusFirstInvalid(formRef.current);
      announce(t('standing.form.fixFirst'));
      return;
    }
    try {
      let saved: StandingOrder;
      if (order) {
        saved = await api<StandingOrder>('PATCH', `/v1/standing-orders/${encodeURIComponent(order.id)}`, { body: toPatch(form, order) });
      } else {
        const key = submission.keyFor(body);
        try {
          saved = await api<StandingOrder>('POST', '/v1/standing-orders', { body, idempotencyKey: key });
          submission.settled();
        } catch (error) {
          submission.failed(error);
          throw error;
        }
      }
      announce(order ? t('standing.form.saved') : t('standing.form.created'));
      onSaved(saved);
    } catch (error) {
      const field = refusalField(error);
      if (field) {
        setApiErrors({ [field]: refusalInWords(error, t, lang) });
        focusFirstInvalid(formRef.current);
        announce(t('standing.form.fixFirst'));
        return;
      }
      const code = (error as { code?: string }).code;
      if (code && CODE_SENTENCES[code]) throw new Error(refusalInWords(error, t, lang));
      throw error;
    }
  });

  const saved = defaults.data;
  const toggleDay = (day: Weekday, on: boolean) => set('days')(on ? [...form.days.filter((other) => other !== day), day] : form.days.filter((other) => other !== day));
  const dayError = errors.rrule && !form.advanced ? errors.rrule : undefined;

  return (
    <div class="standing-form-layout">
      <form
        ref={formRef}
        class="standing-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <Field label={t('standing.form.reference')} hint={t('standing.form.referenceHint')} value={form.reference} onValue={set('reference')} error={errors.reference} />

        <AddressFields legend={t('book.dropoffAddress')} value={form.dropoffAddress} onChange={set('dropoffAddress')} />
        <FieldError error={errors.dropoff} group />
        <ContactFields legend={t('book.recipient')} value={form.dropoffContact} onChange={set('dropoffContact')} />
        <TextArea label={t('book.instructions')} hint={t('book.instructionsHint')} value={form.instructions} onValue={set('instructions')} maxLength={500} />

        <fieldset>
          <legend>{t('standing.form.pickupLegend')}</legend>
          {saved ? (
            <p>
              {t('standing.form.defaultPickup')} <strong>{saved.address.line1}, {saved.address.postcode} {saved.address.city}</strong>{' '}
              (<a href={href('/settings')} onClick={(event) => onLinkClick(event, '/settings')}>{t('book.changeDefault')}</a>)
            </p>
          ) : (
            <ErrorNotice error={defaults.error} />
          )}
          <Check label={t('standing.form.otherPickup')} checked={form.otherPickup} onChecked={set('otherPickup')} />
          {form.otherPickup ? (
            <>
              <AddressFields legend={t('book.pickupAddress')} value={form.pickupAddress} onChange={set('pickupAddress')} />
              <ContactFields legend={t('book.pickupContact')} value={form.pickupContact} onChange={set('pickupContact')} />
            </>
          ) : null}
          <FieldError error={errors.pickup} group />
          <Check label={t('standing.form.eveningPickup')} hint={t('standing.form.eveningPickupHint')} checked={form.eveningPickup} onChecked={set('eveningPickup')} />
          {form.eveningPickup ? (
            <div class="row">
              <Field class="narrow" type="time" label={t('standing.form.pickupStart')} value={form.pickupStart} onValue={set('pickupStart')} error={errors['pickupWindow.start']} required />
              <Field class="narrow" type="time" label={t('standing.form.pickupEnd')} value={form.pickupEnd} onValue={set('pickupEnd')} error={errors['pickupWindow.end']} required />
            </div>
          ) : null}
        </fieldset>

        <ItemsEditor lines={form.lines} onChange={set('lines')} capacity={capacity.data ?? DEFAULT_CAPACITY} presets={false} />
        <FieldError error={errors.parcels} group />

        <fieldset>
          <legend>{t('standing.form.windowLegend')}</legend>
          <p class="hint">{t('standing.form.windowHint')}</p>
          <div class="row">
            <Field class="narrow" type="time" label={t('standing.form.windowStart')} value={form.windowStart} onValue={set('windowStart')} error={errors['window.start']} required />
            <Field class="narrow" type="time" label={t('standing.form.windowEnd')} value={form.windowEnd} onValue={set('windowEnd')} error={errors['window.end']} required />
          </div>
        </fieldset>

        <fieldset class="days-fieldset" aria-describedby={dayError ? 'standing-days-error' : undefined}>
          <legend>{t('standing.form.daysLegend')}</legend>
          <p class="hint">{t('standing.form.daysHint')}</p>
          <div class="weekdays">
            {WEEKDAYS.map((day) => (
              <DayBox key={day} day={day} checked={form.days.includes(day)} disabled={form.advanced} invalid={dayError !== undefined} onChecked={(on) => toggleDay(day, on)} />
            ))}
          </div>
          <FieldError id="standing-days-error" error={dayError} />
          <div class="frequency" role="radiogroup" aria-label={t('standing.form.frequency')}>
            <Radio name="frequency" label={t('standing.form.everyWeek')} checked={form.interval === 1} disabled={form.advanced} onChecked={() => set('interval')(1)} />
            <Radio name="frequency" label={t('standing.form.everyOtherWeek')} checked={form.interval === 2} disabled={form.advanced} onChecked={() => set('interval')(2)} />
          </div>
          <p class="rrule-shown">
            {t('standing.form.rruleIs', { rrule: rrule === '' ? '—' : rrule })}
          </p>
          <details class="advanced" open={form.advanced}>
            <summary>{t('standing.form.advanced')}</summary>
            <Check
              label={t('standing.form.advancedUse')}
              checked={form.advanced}
              onChecked={(on) => setForm((previous) => ({ ...previous, advanced: on, rrule: on && previous.rrule.trim() === '' ? composeRrule({ days: previous.days, interval: previous.interval }) : previous.rrule }))}
            />
            {form.advanced ? (
              <Field label={t('standing.form.rrule')} hint={t('standing.form.advancedHint')} value={form.rrule} onValue={set('rrule')} error={errors.rrule} spellcheck={false} />
            ) : null}
          </details>
        </fieldset>

        <fieldset>
          <legend>{t('standing.detail.period')}</legend>
          <div class="row">
            <Field type="date" label={t('standing.form.startDate')} value={form.startDate} onValue={set('startDate')} error={errors.startDate} required />
            <Field type="date" label={t('standing.form.endDate')} hint={t('standing.form.endDateHint')} value={form.endDate} onValue={set('endDate')} error={errors.endDate} />
          </div>
          <Check label={t('standing.form.skipHolidays')} hint={t('standing.form.skipHolidaysHint')} checked={form.skipPublicHolidays} onChecked={set('skipPublicHolidays')} />
        </fieldset>

        <ClosuresEditor closures={form.closures} onChange={set('closures')} errors={errors} legend={t('standing.form.closuresLegend')} hint={t('standing.form.closuresHint')} />

        <ErrorNotice error={save.error} />
        <div class="actions">
          <button type="submit" disabled={save.pending} aria-busy={save.pending}>
            {save.pending ? t('common.sending') : editing ? t('standing.form.saveChanges') : t('standing.form.save')}
          </button>
          {onCancel ? (
            <button type="button" class="secondary" onClick={onCancel}>
              {t('standing.form.cancel')}
            </button>
          ) : null}
        </div>
      </form>
      <PreviewPanel
        dates={preview && (preview.forKey === bodyKey || previewing) ? preview.dates : null}
        incomplete={!canPreview}
        updating={previewing}
        error={previewError}
        onMore={preview?.hasMore && previewCount < MAX_PREVIEW_COUNT ? () => setPreviewCount((count) => Math.min(MAX_PREVIEW_COUNT, count + PREVIEW_COUNT)) : undefined}
      />
    </div>
  );
}

function isSkipped(date: PreviewDate): boolean {
  return !date.bookable;
}

/** The next dates the form gives, by week: delivered ones and skipped ones with their reason. */
function PreviewPanel({ dates, incomplete, updating, error, onMore }: { dates: PreviewDate[] | null; incomplete: boolean; updating: boolean; error: unknown; onMore: (() => void) | undefined }) {
  const { t, lang } = useApp();
  const weeks = dates ? byWeek(dates) : [];
  return (
    <section class="panel standing-preview" aria-labelledby="standing-preview-title" aria-busy={updating}>
      <h2 id="standing-preview-title">{t('standing.preview.title')}</h2>
      <p class="hint">{t('standing.preview.intro')}</p>
      {incomplete ? <p>{t('standing.preview.incomplete')}</p> : null}
      {!incomplete && updating ? <p class="small">{t('standing.preview.updating')}</p> : null}
      <ErrorNotice error={error} />
      {!incomplete && dates ? (
        dates.length === 0 ? (
          <p>{t('standing.preview.empty')}</p>
        ) : (
          <>
            <p>{t('standing.preview.summary', { delivered: dates.filter((date) => !isSkipped(date)).length, skipped: dates.filter(isSkipped).length })}</p>
            {weeks.map((week) => (
              <div class="preview-week" key={week.monday}>
                <h3>{t('standing.preview.week', { day: formatLocalDate(week.monday, lang) })}</h3>
                <ul>
                  {week.items.map((date) => {
                    const skipped = isSkipped(date);
                    return (
                      <li key={date.date} class={skipped ? 'skipped' : 'delivered'}>
                        <span class="preview-day">{formatLocalDate(date.date, lang)}</span>
                        <span class="preview-what">
                          <span aria-hidden="true">{skipped ? '✕ ' : '✓ '}</span>
                          {skipped ? reasonInWords(date.reason, t) : t('standing.preview.delivered')}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              </div>
            ))}
            {onMore ? (
              <div class="actions">
                <button type="button" class="secondary" onClick={onMore} disabled={updating}>
                  {t('standing.preview.more')}
                </button>
              </div>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}

function Check({ label, checked, onChecked, hint }: { label: string; checked: boolean; onChecked(value: boolean): void; hint?: string }) {
  const id = useId();
  return (
    <div class="field checkbox">
      <input id={id} type="checkbox" checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(event) => onChecked((event.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function DayBox({ day, checked, disabled, invalid, onChecked }: { day: Weekday; checked: boolean; disabled: boolean; invalid: boolean; onChecked(on: boolean): void }) {
  const { t } = useApp();
  const id = useId();
  return (
    <div class="weekday">
      {/* The short name shows; the full one is read (it contains the short one). */}
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-label={t(`standing.day.${day}` as MessageKey)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? 'standing-days-error' : undefined}
        onChange={(event) => onChecked((event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{t(`standing.dayShort.${day}` as MessageKey)}</label>
    </div>
  );
}

function Radio({ name, label, checked, disabled, onChecked }: { name: string; label: ComponentChildren; checked: boolean; disabled: boolean; onChecked(): void }) {
  const id = useId();
  return (
    <div class="field radio">
      <input id={id} type="radio" name={name} checked={checked} disabled={disabled} onChange={() => onChecked()} />
      <label for={id}>{label}</label>
    </div>
  );
}

