import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { errorMessage } from '../errors.js';
import { addDays, formatKg, formatLitres, formatLocalDate, formatTime, parisDate, type Lang } from '../format.js';
import type { MessageKey, Translator } from '../i18n.js';
import { Submission } from '../idempotency.js';
import type { Address } from '../types.js';
import { AddressFields, addressToForm, ConfirmDialog, emptyAddress, ErrorNotice, formToAddress, Loading, Notice, PageTitle, SelectField, TextField, useAction, useAsync, type AddressForm, type Async } from '../ui.js';
import { KeyShownOnce } from './key-parts.js';
import './couriers.css';

/**
 * The hub's couriers (`/app/hub/couriers`, issue 16): everything the API offers for couriers
 * without curl. The couriers of a day with their vehicle, shift, state and round's progress; a
 * new courier (with an e-mail address they sign in, else their API key shown once); a vehicle
 * and a name changed; a day's shift set (start, end, breaks, start and end place) or removed; the
 * depot. Refusals are said next to the field they are about, and each change is announced.
 */

/* ---------- The API's shapes (docs/rounds.md) ---------- */

const VEHICLE_TYPES = ['cargo_bike', 'e_cargo_bike', 'bike_trailer', 'bike', 'on_foot'] as const;
type VehicleType = (typeof VEHICLE_TYPES)[number];
/** What each type carries when only its type is given (the API's `vehicleDefaults`). */
const VEHICLE_DEFAULTS: Record<VehicleType, { kg: number; litres: number }> = {
  cargo_bike: { kg: 100, litres: 300 },
  e_cargo_bike: { kg: 150, litres: 400 },
  bike_trailer: { kg: 60, litres: 200 },
  bike: { kg: 15, litres: 50 },
  on_foot: { kg: 8, litres: 30 },
};

interface Vehicle {
  type: VehicleType;
  capacityKg: number;
  capacityLitres: number;
}

interface Place {
  label: string;
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
}

interface Shift {
  object: 'shift';
  courierId: string;
  date: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  breaks: Array<{ start: string; end: string; startsAt: string; endsAt: string }>;
  startPlace: Place;
  endPlace: Place;
  updatedAt: string;
}

type CourierState = 'off' | 'before_shift' | 'on_shift' | 'on_break' | 'after_shift';

interface CourierDay {
  id: string;
  object: 'courier';
  name: string;
  email: string | null;
  userId: string | null;
  vehicle: Vehicle;
  createdAt: string;
  date: string;
  shift: Shift | null;
  state: CourierState;
  lastPosition: { lat: number; lng: number; at: string } | null;
  stops: { total: number; done: number };
}

interface Depot {
  object: 'depot';
  name: string;
  address: Address & { lat: number; lng: number };
  source: 'hub' | 'default';
  updatedAt: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/* ---------- Small pieces: fields that can carry a refusal ---------- */

/** Refusals by field: `name`, `email`, `capacityKg`, `capacityLitres`, `start`, `end`, `break:<i>`, `breaks`, `startPlace`, `endPlace`. */
type FieldErrors = Partial<Record<string, string>>;

/** A labelled input whose refusal is said under it (and read with it: aria-describedby). */
function Field(props: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
  class?: string;
  value: string;
  onValue(value: string): void;
  type?: 'text' | 'email' | 'time' | 'date' | 'number';
  min?: string | number;
  max?: string | number;
  step?: string | number;
  inputMode?: 'decimal' | 'numeric' | 'email';
  autoComplete?: string;
  placeholder?: string;
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
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Radio(props: { name: string; label: ComponentChildren; checked: boolean; onChecked(): void; invalid?: boolean; describedBy?: string | undefined }) {
  const id = useId();
  return (
    <div class="field radio">
      <input id={id} type="radio" name={props.name} checked={props.checked} aria-invalid={props.invalid ? true : undefined} aria-describedby={props.describedBy} onChange={() => props.onChecked()} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** After a refusal, the focus goes to the first field it is about (its label and refusal are read). */
function useFocusFirstInvalid(form: { current: HTMLFormElement | null }): () => void {
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    if (turn === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [turn]);
  return () => setTurn((value) => value + 1);
}

/** Focuses the element marked `data-focus="<name>"`, once the page has drawn it. */
function focusLater(name: string): void {
  setTimeout(() => document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(name)}"]`)?.focus(), 0);
}

const paramParts = (param: unknown): string[] => (typeof param === 'string' ? param.split(/[.[\]]+/).filter((part) => part !== '') : []);

/* ---------- Words for the API's values ---------- */

const vehicleName = (t: Translator, type: VehicleType) => t(`couriers.vehicle.${type}` as MessageKey);

function vehicleText(t: Translator, lang: Lang, vehicle: Vehicle): string {
  return t('couriers.vehicleText', { vehicle: vehicleName(t, vehicle.type), kg: formatKg(vehicle.capacityKg, lang), litres: formatLitres(vehicle.capacityLitres, lang) });
}

const overnight = (start: string, end: string) => start !== '' && end !== '' && end <= start;

function placeText(place: Place): string {
  return place.label === place.line1 ? `${place.line1}, ${place.postcode} ${place.city}` : `${place.label} (${place.line1}, ${place.postcode} ${place.city})`;
}

function depotText(depot: Depot): string {
  return `${depot.name} (${depot.address.line1}, ${depot.address.postcode} ${depot.address.city})`;
}

/**
 * Whether a shift's place is the depot it was given when left out: the API names that place after
 * the depot (its `label`), while another address is labelled by its first line.
 */
const isDepotPlace = (place: Place, depot: Depot | undefined) => place.label !== place.line1 || (depot !== undefined && place.line1 === depot.address.line1 && place.postcode === depot.address.postcode);

/* ---------- The vehicle's fields (a new courier, a change) ---------- */

interface VehicleForm {
  type: VehicleType;
  kg: string;
  litres: string;
}

const decimal = (text: string): number | undefined => {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(value) ? undefined : value;
};

function vehicleBody(form: VehicleForm): { type: VehicleType; capacityKg?: number; capacityLitres?: number } {
  const kg = decimal(form.kg);
  const litres = decimal(form.litres);
  return { type: form.type, ...(kg !== undefined ? { capacityKg: kg } : {}), ...(litres !== undefined ? { capacityLitres: litres } : {}) };
}

/** A vehicle in the form: capacities left empty when they are the type's usual ones. */
function vehicleToForm(vehicle: Vehicle): VehicleForm {
  const usual = VEHICLE_DEFAULTS[vehicle.type];
  return { type: vehicle.type, kg: vehicle.capacityKg === usual.kg ? '' : String(vehicle.capacityKg), litres: vehicle.capacityLitres === usual.litres ? '' : String(vehicle.capacityLitres) };
}

function VehicleFields({ value, onChange, errors }: { value: VehicleForm; onChange(value: VehicleForm): void; errors: FieldErrors }) {
  const { t, lang } = useApp();
  const usual = VEHICLE_DEFAULTS[value.type];
  return (
    <fieldset>
      <legend>{t('couriers.vehicle')}</legend>
      <SelectField
        label={t('couriers.vehicleType')}
        value={value.type}
        // Another type: its usual capacities, unless the person types others.
        onValue={(type) => onChange({ type: type as VehicleType, kg: '', litres: '' })}
        options={VEHICLE_TYPES.map((type) => [type, t('couriers.vehicleOption', { vehicle: vehicleName(t, type), kg: formatKg(VEHICLE_DEFAULTS[type].kg, lang), litres: formatLitres(VEHICLE_DEFAULTS[type].litres, lang) })] as const)}
      />
      <div class="row">
        <Field
          label={t('couriers.capacityKg')}
          hint={t('couriers.capacityHint', { value: formatKg(usual.kg, lang) })}
          error={errors.capacityKg}
          type="number"
          min={0.1}
          max={1000}
          step={0.1}
          inputMode="decimal"
          value={value.kg}
          onValue={(kg) => onChange({ ...value, kg })}
        />
        <Field
          label={t('couriers.capacityLitres')}
          hint={t('couriers.capacityHint', { value: formatLitres(usual.litres, lang) })}
          error={errors.capacityLitres}
          type="number"
          min={0.1}
          max={5000}
          step={0.1}
          inputMode="decimal"
          value={value.litres}
          onValue={(litres) => onChange({ ...value, litres })}
        />
      </div>
    </fieldset>
  );
}

/** A refusal of `POST`/`PATCH /v1/couriers` said next to its field; what no field is about, as is. */
function courierRefusal(error: unknown, t: Translator): { fields: FieldErrors; rest: unknown } {
  const { code, param } = (error ?? {}) as { code?: string; param?: string };
  const [first, second] = paramParts(param);
  if (code === 'invalid_transition' && first === 'email') return { fields: { email: t('couriers.error.emailTaken') }, rest: undefined };
  if (code === 'parameter_invalid' || code === 'parameter_missing') {
    if (first === 'email') return { fields: { email: t('couriers.error.email') }, rest: undefined };
    if (first === 'name') return { fields: { name: t('couriers.error.name') }, rest: undefined };
    if (first === 'vehicle' && second === 'capacityKg') return { fields: { capacityKg: t('couriers.error.capacityKg') }, rest: undefined };
    if (first === 'vehicle' && second === 'capacityLitres') return { fields: { capacityLitres: t('couriers.error.capacityLitres') }, rest: undefined };
  }
  return { fields: {}, rest: error };
}

/* ---------- The page ---------- */

type Editing = { courierId: string; what: 'courier' | 'shift' } | null;

export function CouriersPage() {
  const { t, lang, announce } = useApp();
  const [date, setDate] = useState(() => parisDate());
  const [dateText, setDateText] = useState(date);
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<CourierDay | null>(null);
  const depot = useAsync((signal) => api<Depot>('GET', '/v1/hub/depot', { signal }), []);
  // Every courier of the day: the API's pages followed to the end (a cooperative has dozens).
  const list = useAsync(async (signal) => {
    const all: CourierDay[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page += 1) {
      const answer = await api<Page<CourierDay>>('GET', '/v1/couriers', { query: { date, limit: 100, cursor }, signal });
      all.push(...answer.data);
      if (!answer.hasMore || !answer.nextCursor) break;
      cursor = answer.nextCursor;
    }
    return all;
  }, [date]);
  const day = formatLocalDate(date, lang);
  // After a change the list is read again: the focus goes back to where the person was once it is
  // drawn (a dialog closing gives the focus back to its opener first).
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    if (list.loading || pendingFocus.current === null) return;
    focusLater(pendingFocus.current);
    pendingFocus.current = null;
  }, [list.loading]);
  const reloadAndFocus = (name: string) => {
    pendingFocus.current = name;
    focusLater(name);
    list.reload();
  };

  const showDay = (next: string) => {
    setEditing(null);
    setDate(next);
    setDateText(next);
    announce(t('couriers.dayShown', { day: formatLocalDate(next, lang, true) }));
  };

  const removeShift = useAction(async () => {
    if (!removing) return;
    await api('DELETE', `/v1/hub/couriers/${encodeURIComponent(removing.id)}/shifts/${date}`);
    announce(t('couriers.shift.removed', { name: removing.name, day }));
    setRemoving(null);
    reloadAndFocus(`shift:${removing.id}`);
  });

  const couriers = list.data ?? [];
  return (
    <div class="couriers-page">
      <PageTitle>{t('couriers.title')}</PageTitle>
      <p>{t('couriers.intro')}</p>

      <section aria-labelledby="couriers-day-title" class="courier-list">
        <h2 id="couriers-day-title">{t('couriers.ofDay', { day })}</h2>
        <form
          class="day-nav"
          aria-label={t('couriers.dayNav')}
          onSubmit={(event) => {
            event.preventDefault();
            if (DAY.test(dateText)) showDay(dateText);
          }}
        >
          <Field label={t('couriers.day')} type="date" value={dateText} onValue={(text) => { setDateText(text); if (DAY.test(text) && text !== date) showDay(text); }} required />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => showDay(addDays(date, -1))}>
              {t('couriers.previousDay')}
            </button>
            <button type="button" class="secondary" onClick={() => showDay(parisDate())} disabled={date === parisDate()}>
              {t('couriers.today')}
            </button>
            <button type="button" class="secondary" onClick={() => showDay(addDays(date, 1))}>
              {t('couriers.nextDay')}
            </button>
          </div>
        </form>
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorNotice error={list.error} />
        {list.data && couriers.length === 0 ? <p>{t('couriers.none')}</p> : null}
        <ul class="cards two" aria-busy={list.loading}>
          {couriers.map((courier) => (
            <CourierCard
              key={courier.id}
              courier={courier}
              date={date}
              depot={depot.data}
              editing={editing?.courierId === courier.id ? editing.what : null}
              onEdit={(what) => setEditing(what === null ? null : { courierId: courier.id, what })}
              onRemoveShift={() => {
                removeShift.setError(undefined);
                setRemoving(courier);
              }}
              onChanged={(message, focus) => {
                setEditing(null);
                announce(message);
                reloadAndFocus(focus);
              }}
            />
          ))}
        </ul>
      </section>

      <AddCourier
        onCreated={(name) => {
          announce(t('couriers.created', { name }));
          list.reload();
        }}
      />

      <DepotSection depot={depot} />

      <ConfirmDialog
        open={removing !== null}
        title={t('couriers.shift.removeTitle', { name: removing?.name ?? '', day })}
        confirmLabel={t('couriers.shift.remove')}
        cancelLabel={t('common.cancel')}
        danger
        pending={removeShift.pending}
        onConfirm={() => void removeShift.run()}
        onCancel={() => {
          if (removing) focusLater(`remove:${removing.id}`);
          setRemoving(null);
        }}
      >
        <p>{t('couriers.shift.removeText', { start: removing?.shift?.start ?? '', end: removing?.shift?.end ?? '' })}</p>
        <ErrorNotice error={removeShift.error} />
      </ConfirmDialog>
    </div>
  );
}

/* ---------- One courier ---------- */

function CourierCard(props: {
  courier: CourierDay;
  date: string;
  depot: Depot | undefined;
  editing: 'courier' | 'shift' | null;
  onEdit(what: 'courier' | 'shift' | null): void;
  onRemoveShift(): void;
  onChanged(message: string, focus: string): void;
}) {
  const { t, lang } = useApp();
  const { courier, date, editing } = props;
  const shift = courier.shift;
  const headingId = `courier-${courier.id}`;
  const editorId = `courier-editor-${courier.id}`;
  return (
    <li class={`card courier-card${editing ? ' editing' : ''}`} data-courier={courier.id}>
      <h3 id={headingId}>{courier.name}</h3>
      <dl class="facts">
        <dt>{t('couriers.email')}</dt>
        <dd>{courier.email ?? t('couriers.noAccount')}</dd>
        <dt>{t('couriers.vehicle')}</dt>
        <dd>{vehicleText(t, lang, courier.vehicle)}</dd>
        <dt>{t('couriers.shift')}</dt>
        <dd>
          {shift ? (
            <>
              {shift.start}–{shift.end}
              {overnight(shift.start, shift.end) ? ` ${t('couriers.shift.untilNextDay')}` : ''}
              <br />
              {shift.breaks.length === 0 ? t('couriers.shift.noBreak') : t('couriers.shift.breaksText', { breaks: shift.breaks.map((entry) => `${entry.start}–${entry.end}`).join(', ') })}
              <br />
              {placeText(shift.startPlace) === placeText(shift.endPlace)
                ? t('couriers.shift.fromAndTo', { place: placeText(shift.startPlace) })
                : t('couriers.shift.fromTo', { from: placeText(shift.startPlace), to: placeText(shift.endPlace) })}
            </>
          ) : (
            t('couriers.shift.none')
          )}
        </dd>
        <dt>{t('couriers.state')}</dt>
        <dd>
          <span class={`badge state-${courier.state}`}>{t(`couriers.state.${courier.state}` as MessageKey)}</span>
        </dd>
        <dt>{t('couriers.stops')}</dt>
        <dd>{courier.stops.total === 0 ? t('couriers.stopsNone') : t('couriers.stopsDone', { done: courier.stops.done, total: courier.stops.total })}</dd>
        <dt>{t('couriers.position')}</dt>
        <dd>{courier.lastPosition ? t('couriers.positionAt', { time: formatTime(courier.lastPosition.at, lang) }) : t('couriers.positionNone')}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="secondary" data-focus={`edit:${courier.id}`} aria-expanded={editing === 'courier'} aria-controls={editing === 'courier' ? editorId : undefined} onClick={() => props.onEdit(editing === 'courier' ? null : 'courier')}>
          {t('couriers.edit')}
          <span class="visually-hidden"> {t('couriers.ofName', { name: courier.name })}</span>
        </button>
        <button type="button" class="secondary" data-focus={`shift:${courier.id}`} aria-expanded={editing === 'shift'} aria-controls={editing === 'shift' ? editorId : undefined} onClick={() => props.onEdit(editing === 'shift' ? null : 'shift')}>
          {shift ? t('couriers.shift.change') : t('couriers.shift.set')}
          <span class="visually-hidden"> {t('couriers.ofName', { name: courier.name })}</span>
        </button>
        {shift ? (
          <button type="button" class="secondary" data-focus={`remove:${courier.id}`} onClick={props.onRemoveShift}>
            {t('couriers.shift.remove')}
            <span class="visually-hidden"> {t('couriers.ofName', { name: courier.name })}</span>
          </button>
        ) : null}
      </div>
      {editing === 'courier' ? (
        <div class="editor" id={editorId}>
          <EditCourier courier={courier} onCancel={() => { props.onEdit(null); focusLater(`edit:${courier.id}`); }} onSaved={(name) => props.onChanged(t('couriers.updated', { name }), `edit:${courier.id}`)} />
        </div>
      ) : null}
      {editing === 'shift' ? (
        <div class="editor" id={editorId}>
          <ShiftEditor
            courier={courier}
            date={date}
            depot={props.depot}
            onCancel={() => { props.onEdit(null); focusLater(`shift:${courier.id}`); }}
            onSaved={(saved) => props.onChanged(t('couriers.shift.saved', { name: courier.name, day: formatLocalDate(date, lang), start: saved.start, end: saved.end }), `shift:${courier.id}`)}
          />
        </div>
      ) : null}
    </li>
  );
}

/* ---------- A new courier ---------- */

function AddCourier({ onCreated }: { onCreated(name: string): void }) {
  const { t } = useApp();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [vehicle, setVehicle] = useState<VehicleForm>({ type: 'cargo_bike', kg: '', litres: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<{ name: string; email: string | null; apiKey: string } | null>(null);
  const submission = useRef(new Submission()).current;
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(form);
  const create = useAction(async () => {
    setErrors({});
    setCreated(null);
    const body: Record<string, unknown> = { name: name.trim(), vehicle: vehicleBody(vehicle) };
    if (email.trim() !== '') body.email = email.trim();
    try {
      // One key per intent: the same courier sent twice (a double click, a lost answer) is one courier.
      const answer = await api<{ id: string; name: string; email: string | null; apiKey: string }>('POST', '/v1/couriers', { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      setCreated({ name: answer.name, email: answer.email, apiKey: answer.apiKey });
      setName('');
      setEmail('');
      setVehicle({ type: 'cargo_bike', kg: '', litres: '' });
      onCreated(answer.name);
    } catch (error) {
      submission.failed(error);
      const refusal = courierRefusal(error, t);
      setErrors(refusal.fields);
      focusInvalid();
      if (refusal.rest !== undefined) throw refusal.rest;
    }
  });
  return (
    <section aria-labelledby="courier-new-title">
      <form
        ref={form}
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <h2 id="courier-new-title">{t('couriers.new')}</h2>
        <div class="row">
          <Field label={t('couriers.name')} value={name} onValue={setName} error={errors.name} required autoComplete="off" />
          <Field label={t('couriers.emailOptional')} hint={t('couriers.emailHint')} type="email" inputMode="email" value={email} onValue={setEmail} error={errors.email} autoComplete="off" />
        </div>
        <VehicleFields value={vehicle} onChange={setVehicle} errors={errors} />
        <ErrorNotice error={create.error} />
        <button type="submit" disabled={create.pending} aria-busy={create.pending}>
          {t('couriers.create')}
        </button>
      </form>
      {created ? (
        <>
          <Notice kind="success">
            <p>{t('couriers.created', { name: created.name })}</p>
            <p>{created.email ? t('couriers.keyWithEmail', { email: created.email }) : t('couriers.keyWithoutEmail', { name: created.name })}</p>
          </Notice>
          <KeyShownOnce secret={created.apiKey} />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setCreated(null)}>
              {t('couriers.keyHide')}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

/* ---------- A courier's name and vehicle ---------- */

function EditCourier({ courier, onSaved, onCancel }: { courier: CourierDay; onSaved(name: string): void; onCancel(): void }) {
  const { t } = useApp();
  const [name, setName] = useState(courier.name);
  const [vehicle, setVehicle] = useState<VehicleForm>(() => vehicleToForm(courier.vehicle));
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(form);
  const save = useAction(async () => {
    setErrors({});
    try {
      const answer = await api<{ name: string }>('PATCH', `/v1/couriers/${encodeURIComponent(courier.id)}`, { body: { name: name.trim(), vehicle: vehicleBody(vehicle) } });
      onSaved(answer.name);
    } catch (error) {
      const refusal = courierRefusal(error, t);
      setErrors(refusal.fields);
      focusInvalid();
      if (refusal.rest !== undefined) throw refusal.rest;
    }
  });
  return (
    <form
      ref={form}
      aria-label={t('couriers.editTitle', { name: courier.name })}
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <h4>{t('couriers.editTitle', { name: courier.name })}</h4>
      <Field label={t('couriers.name')} value={name} onValue={setName} error={errors.name} required autoComplete="off" />
      <VehicleFields value={vehicle} onChange={setVehicle} errors={errors} />
      <ErrorNotice error={save.error} />
      <div class="actions">
        <button type="submit" disabled={save.pending} aria-busy={save.pending}>
          {t('common.save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/* ---------- A courier's shift of the day ---------- */

interface PlaceChoice {
  kind: 'depot' | 'other';
  address: AddressForm;
}

interface ShiftForm {
  start: string;
  end: string;
  breaks: Array<{ key: number; start: string; end: string }>;
  startPlace: PlaceChoice;
  endPlace: PlaceChoice;
}

let breakKeys = 0;

function placeToChoice(place: Place | undefined, depot: Depot | undefined): PlaceChoice {
  if (!place || isDepotPlace(place, depot)) return { kind: 'depot', address: emptyAddress() };
  return { kind: 'other', address: addressToForm({ line1: place.line1, ...(place.line2 ? { line2: place.line2 } : {}), postcode: place.postcode, city: place.city, lat: place.lat, lng: place.lng }) };
}

function shiftToForm(shift: Shift | null, depot: Depot | undefined): ShiftForm {
  if (!shift) return { start: '08:00', end: '17:00', breaks: [], startPlace: placeToChoice(undefined, depot), endPlace: placeToChoice(undefined, depot) };
  return {
    start: shift.start,
    end: shift.end,
    breaks: shift.breaks.map((entry) => ({ key: (breakKeys += 1), start: entry.start, end: entry.end })),
    startPlace: placeToChoice(shift.startPlace, depot),
    endPlace: placeToChoice(shift.endPlace, depot),
  };
}

function shiftBody(form: ShiftForm): Record<string, unknown> {
  const body: Record<string, unknown> = { start: form.start, end: form.end, breaks: form.breaks.map((entry) => ({ start: entry.start, end: entry.end })) };
  if (form.startPlace.kind === 'other') body.startPlace = formToAddress(form.startPlace.address);
  if (form.endPlace.kind === 'other') body.endPlace = formToAddress(form.endPlace.address);
  return body;
}

/**
 * A refusal of `PUT …/shifts/{date}` in words, next to its field. An overlap names the shift it
 * runs into (read from the API: the day before for `start`, the day after for `end`).
 */
async function shiftRefusal(error: unknown, context: { t: Translator; lang: Lang; courierId: string; date: string; form: ShiftForm }): Promise<{ fields: FieldErrors; rest: unknown }> {
  const { t, lang, courierId, date, form } = context;
  const { code, param } = (error ?? {}) as { code?: string; param?: string };
  const [first, second] = paramParts(param);
  if (code === 'shift_overlap') {
    const before = first === 'start';
    const other = addDays(date, before ? -1 : 1);
    const found = await api<{ data: Shift[] }>('GET', `/v1/hub/couriers/${encodeURIComponent(courierId)}/shifts`, { query: { from: other, to: other } }).then(
      (answer) => answer.data.find((shift) => shift.date === other),
      () => undefined,
    );
    const vars = { day: formatLocalDate(other, lang), start: found?.start ?? '…', end: found?.end ?? '…', time: before ? form.start : form.end };
    return before ? { fields: { start: t('couriers.error.overlapBefore', vars) }, rest: undefined } : { fields: { end: t('couriers.error.overlapAfter', vars) }, rest: undefined };
  }
  if (code === 'parameter_invalid' || code === 'parameter_missing') {
    if (first === 'breaks' && second !== undefined && /^\d+$/.test(second)) {
      const index = Number(second);
      const entry = form.breaks[index];
      const reversed = entry !== undefined && entry.end <= entry.start && !overnight(form.start, form.end);
      const sentence = entry === undefined || entry.start === '' || entry.end === '' ? t('couriers.error.time') : reversed ? t('couriers.error.breakOrder') : t('couriers.error.breakOutside', { start: form.start, end: form.end });
      return { fields: { [`break:${index}`]: sentence }, rest: undefined };
    }
    if (first === 'breaks') return { fields: { breaks: t('couriers.error.breaksOverlap') }, rest: undefined };
    if (first === 'start' || first === 'end') return { fields: { [first]: t('couriers.error.time') }, rest: undefined };
  }
  if (first === 'startPlace' || first === 'endPlace') return { fields: { [first]: errorMessage(error, lang) }, rest: undefined };
  return { fields: {}, rest: error };
}

function PlaceFields(props: { legend: string; addressLegend: string; choice: PlaceChoice; onChange(choice: PlaceChoice): void; depot: Depot | undefined; error: string | undefined; saved: Place | undefined }) {
  const { legend, addressLegend, choice, onChange, depot, error, saved } = props;
  const { t } = useApp();
  const name = useId();
  const errorId = `${name}-error`;
  // The shift kept the depot of the day it was set: said when the depot has moved since.
  const former = saved && depot && choice.kind === 'depot' && isDepotPlace(saved, depot) && !(saved.label === depot.name && saved.line1 === depot.address.line1 && saved.postcode === depot.address.postcode) ? placeText(saved) : undefined;
  return (
    <fieldset class="place-choice">
      <legend>{legend}</legend>
      <Radio
        name={name}
        checked={choice.kind === 'depot'}
        onChecked={() => onChange({ ...choice, kind: 'depot' })}
        label={depot ? t('couriers.shift.placeDepot', { depot: depotText(depot) }) : t('couriers.shift.placeDepotPlain')}
        describedBy={former ? `${name}-former` : undefined}
      />
      {former ? (
        <p class="hint" id={`${name}-former`}>
          {t('couriers.shift.formerDepot', { place: former })}
        </p>
      ) : null}
      <Radio
        name={name}
        checked={choice.kind === 'other'}
        onChecked={() => onChange({ ...choice, kind: 'other' })}
        label={t('couriers.shift.placeOther')}
        invalid={error !== undefined}
        describedBy={error ? errorId : undefined}
      />
      {error ? (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
      {choice.kind === 'other' ? <AddressFields legend={addressLegend} value={choice.address} onChange={(address) => onChange({ ...choice, address })} /> : null}
    </fieldset>
  );
}

function ShiftEditor({ courier, date, depot, onSaved, onCancel }: { courier: CourierDay; date: string; depot: Depot | undefined; onSaved(shift: Shift): void; onCancel(): void }) {
  const { t, lang } = useApp();
  const [form, setForm] = useState<ShiftForm>(() => shiftToForm(courier.shift, depot));
  const [errors, setErrors] = useState<FieldErrors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const day = formatLocalDate(date, lang);
  const update = (patch: Partial<ShiftForm>) => {
    setErrors({});
    setForm({ ...form, ...patch });
  };
  const updateBreak = (index: number, patch: { start?: string; end?: string }) => update({ breaks: form.breaks.map((entry, at) => (at === index ? { ...entry, ...patch } : entry)) });
  const addBreak = () => {
    const key = (breakKeys += 1);
    const first = form.breaks.length === 0;
    update({ breaks: [...form.breaks, { key, start: first ? '12:00' : '', end: first ? '12:30' : '' }] });
    setTimeout(() => formRef.current?.querySelector<HTMLInputElement>(`[data-break="${key}"] input`)?.focus(), 0);
  };
  const removeBreak = (index: number) => {
    update({ breaks: form.breaks.filter((_, at) => at !== index) });
    setTimeout(() => formRef.current?.querySelector<HTMLElement>('[data-focus="add-break"]')?.focus(), 0);
  };
  const save = useAction(async () => {
    setErrors({});
    try {
      const shift = await api<Shift>('PUT', `/v1/hub/couriers/${encodeURIComponent(courier.id)}/shifts/${date}`, { body: shiftBody(form) });
      onSaved(shift);
    } catch (error) {
      const refusal = await shiftRefusal(error, { t, lang, courierId: courier.id, date, form });
      setErrors(refusal.fields);
      focusInvalid();
      if (refusal.rest !== undefined) throw refusal.rest;
    }
  });
  const nightShift = overnight(form.start, form.end);
  const endHint = nightShift ? `${t('couriers.shift.endHint')} ${t('couriers.shift.overnight', { day: formatLocalDate(addDays(date, 1), lang), end: form.end })}` : t('couriers.shift.endHint');
  return (
    <form
      ref={formRef}
      aria-label={t('couriers.shift.title', { name: courier.name, day })}
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <h4>{t('couriers.shift.title', { name: courier.name, day })}</h4>
      <div class="row">
        <Field label={t('couriers.shift.start')} hint={t('couriers.shift.startHint')} type="time" value={form.start} onValue={(start) => update({ start })} error={errors.start} required />
        <Field label={t('couriers.shift.end')} hint={endHint} type="time" value={form.end} onValue={(end) => update({ end })} error={errors.end} required />
      </div>
      <fieldset>
        <legend>{t('couriers.shift.breaks')}</legend>
        {form.breaks.length === 0 ? <p class="hint">{t('couriers.shift.noBreakYet')}</p> : null}
        {form.breaks.map((entry, index) => (
          <div key={entry.key} class="break-row" data-break={entry.key} role="group" aria-label={t('couriers.shift.breakN', { n: index + 1 })}>
            <Field label={t('couriers.shift.breakStart', { n: index + 1 })} type="time" value={entry.start} onValue={(start) => updateBreak(index, { start })} error={errors[`break:${index}`] ?? (errors.breaks && index === 0 ? errors.breaks : undefined)} required />
            <Field label={t('couriers.shift.breakEnd', { n: index + 1 })} type="time" value={entry.end} onValue={(end) => updateBreak(index, { end })} required />
            <button type="button" class="link" onClick={() => removeBreak(index)}>
              {t('couriers.shift.removeBreak', { n: index + 1 })}
            </button>
          </div>
        ))}
        {form.breaks.length < 6 ? (
          <div class="actions">
            <button type="button" class="secondary" data-focus="add-break" onClick={addBreak}>
              + {t('couriers.shift.addBreak')}
            </button>
          </div>
        ) : null}
      </fieldset>
      <PlaceFields
        legend={t('couriers.shift.startPlace')}
        addressLegend={t('couriers.shift.startAddress')}
        choice={form.startPlace}
        onChange={(startPlace) => update({ startPlace })}
        depot={depot}
        error={errors.startPlace}
        saved={courier.shift?.startPlace}
      />
      <PlaceFields
        legend={t('couriers.shift.endPlace')}
        addressLegend={t('couriers.shift.endAddress')}
        choice={form.endPlace}
        onChange={(endPlace) => update({ endPlace })}
        depot={depot}
        error={errors.endPlace}
        saved={courier.shift?.endPlace}
      />
      <ErrorNotice error={save.error} />
      <div class="actions">
        <button type="submit" disabled={save.pending} aria-busy={save.pending}>
          {t('couriers.shift.save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/* ---------- The depot ---------- */

function DepotSection({ depot }: { depot: Async<Depot> }) {
  const { t, announce } = useApp();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const current = depot.data;
  const begin = () => {
    if (current) {
      setName(current.name);
      setAddress(addressToForm(current.address));
    }
    save.setError(undefined);
    setOpen(true);
  };
  const save = useAction(async () => {
    const answer = await api<Depot>('PUT', '/v1/hub/depot', { body: { name: name.trim(), address: formToAddress(address) } });
    depot.setData(answer);
    setOpen(false);
    announce(t('couriers.depot.saved', { depot: depotText(answer) }));
    focusLater('depot-change');
  });
  return (
    <section aria-labelledby="depot-title">
      <h2 id="depot-title">{t('couriers.depot.title')}</h2>
      <p>{t('couriers.depot.intro')}</p>
      {depot.loading && !current ? <Loading /> : null}
      <ErrorNotice error={depot.error} />
      {current ? (
        <dl class="facts">
          <dt>{t('couriers.depot.name')}</dt>
          <dd>{current.name}</dd>
          <dt>{t('couriers.depot.address')}</dt>
          <dd>
            {current.address.line1}
            {current.address.line2 ? `, ${current.address.line2}` : ''}, {current.address.postcode} {current.address.city}
          </dd>
        </dl>
      ) : null}
      {current?.source === 'default' ? <p class="hint">{t('couriers.depot.default')}</p> : null}
      <div class="actions">
        <button type="button" class="secondary" data-focus="depot-change" aria-expanded={open} aria-controls={open ? 'depot-form' : undefined} onClick={() => (open ? setOpen(false) : begin())} disabled={!current}>
          {t('couriers.depot.change')}
        </button>
      </div>
      {open ? (
        <form
          id="depot-form"
          aria-labelledby="depot-form-title"
          onSubmit={(event) => {
            event.preventDefault();
            void save.run();
          }}
        >
          <h3 id="depot-form-title">{t('couriers.depot.formTitle')}</h3>
          <p class="hint">{t('couriers.depot.shiftsKeep')}</p>
          <TextField label={t('couriers.depot.name')} value={name} onValue={setName} required autoComplete="off" />
          <AddressFields legend={t('couriers.depot.address')} value={address} onChange={setAddress} />
          <ErrorNotice error={save.error} />
          <div class="actions">
            <button type="submit" disabled={save.pending} aria-busy={save.pending}>
              {t('couriers.depot.save')}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                focusLater('depot-change');
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
