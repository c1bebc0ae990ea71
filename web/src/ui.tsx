import type { ComponentChildren, HTMLInputTypeAttribute } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { errorMessage } from './errors.js';
import { formatMoney } from './format.js';
import type { MessageKey } from './i18n.js';
import type { Address, DeliveryStatus } from './types.js';

/* ---------- Data loading ---------- */

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  setData(data: T): void;
}

/** Loads data when the inputs change; an answer that arrives after a newer request is dropped. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, inputs: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [...inputs, version]);
  const reload = useCallback(() => setVersion((value) => value + 1), []);
  const setData = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, setData };
}

/** An action of a form: pending while it runs, its error kept for the form to show. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const running = useRef(false);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      // A second click while the first is running does nothing (the key would replay it anyway).
      if (running.current) return undefined;
      running.current = true;
      setPending(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (caught) {
        setError(caught);
        return undefined;
      } finally {
        running.current = false;
        setPending(false);
      }
    },
    [action],
  );
  return { run, pending, error, setError };
}

/* ---------- Messages ---------- */

export function Loading({ label }: { label?: string }) {
  const { t } = useApp();
  return (
    <p class="loading" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

/** An error in words, announced at once (role=alert). */
export function ErrorNotice({ error }: { error: unknown }) {
  const { lang } = useApp();
  if (error === undefined || error === null) return null;
  const requestId = (error as { requestId?: string }).requestId;
  return (
    <div class="notice error" role="alert">
      <p>{errorMessage(error, lang)}</p>
      {requestId ? (
        <p class="small">
          {lang === 'fr' ? 'Référence de la demande : ' : 'Request reference: '}
          <code>{requestId}</code>
        </p>
      ) : null}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  return (
    <div class={`notice ${kind}`} role="status">
      {children}
    </div>
  );
}

/* ---------- Form fields ---------- */

interface FieldProps {
  label: string;
  hint?: string | undefined;
  required?: boolean;
  class?: string;
}

function Labelled({ id, label, hint, required, children, class: className }: FieldProps & { id: string; children: ComponentChildren }) {
  const { t } = useApp();
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
      {children}
    </div>
  );
}

type InputProps = FieldProps & {
  value: string;
  onValue(value: string): void;
  type?: HTMLInputTypeAttribute;
  autoComplete?: string;
  inputMode?: string;
  min?: string | number;
  max?: string | number;
  step?: string | number;
  name?: string;
  pattern?: string;
  placeholder?: string;
  disabled?: boolean;
};

export function TextField(props: InputProps) {
  const id = useId();
  const { label, hint, required, value, onValue, type = 'text', class: className, ...rest } = props;
  return (
    <Labelled id={id} label={label} hint={hint} required={required ?? false} class={className ?? ''}>
      <input
        {...(rest as Record<string, unknown>)}
        id={id}
        type={type as 'text'}
        value={value}
        required={required}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(event) => onValue((event.currentTarget as HTMLInputElement).value)}
      />
    </Labelled>
  );
}

export function TextArea(props: FieldProps & { value: string; onValue(value: string): void; rows?: number; maxLength?: number }) {
  const id = useId();
  const { label, hint, required, value, onValue, rows = 3, maxLength } = props;
  return (
    <Labelled id={id} label={label} hint={hint} required={required ?? false}>
      <textarea
        id={id}
        rows={rows}
        value={value}
        required={required}
        maxLength={maxLength}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(event) => onValue((event.currentTarget as HTMLTextAreaElement).value)}
      />
    </Labelled>
  );
}

export function SelectField(props: FieldProps & { value: string; onValue(value: string): void; options: ReadonlyArray<readonly [string, string]> }) {
  const id = useId();
  const { label, hint, required, value, onValue, options, class: className } = props;
  return (
    <Labelled id={id} label={label} hint={hint} required={required ?? false} class={className ?? ''}>
      <select id={id} value={value} required={required} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(event) => onValue((event.currentTarget as HTMLSelectElement).value)}>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

export function Checkbox({ label, checked, onChecked, hint }: { label: string; checked: boolean; onChecked(value: boolean): void; hint?: string }) {
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

/* ---------- Addresses ---------- */

export interface AddressForm {
  line1: string;
  line2: string;
  postcode: string;
  city: string;
  lat: string;
  lng: string;
}

export const emptyAddress = (): AddressForm => ({ line1: '', line2: '', postcode: '', city: '', lat: '', lng: '' });

export function addressToForm(address: Address | undefined): AddressForm {
  if (!address) return emptyAddress();
  return {
    line1: address.line1,
    line2: address.line2 ?? '',
    postcode: address.postcode,
    city: address.city,
    lat: address.lat === undefined ? '' : String(address.lat),
    lng: address.lng === undefined ? '' : String(address.lng),
  };
}

function coordinate(text: string): number | undefined {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(value) ? undefined : value;
}

export function formToAddress(form: AddressForm): Address {
  const address: Address = { line1: form.line1.trim(), postcode: form.postcode.trim(), city: form.city.trim(), country: 'FR' };
  if (form.line2.trim() !== '') address.line2 = form.line2.trim();
  const lat = coordinate(form.lat);
  const lng = coordinate(form.lng);
  if (lat !== undefined && lng !== undefined) {
    address.lat = lat;
    address.lng = lng;
  }
  return address;
}

export const isAddressEmpty = (form: AddressForm) => form.line1.trim() === '' && form.postcode.trim() === '' && form.city.trim() === '';

export function AddressFields({ value, onChange, legend, required = true }: { value: AddressForm; onChange(value: AddressForm): void; legend: string; required?: boolean }) {
  const { t } = useApp();
  const set = (field: keyof AddressForm) => (text: string) => onChange({ ...value, [field]: text });
  return (
    <fieldset class="address">
      <legend>{legend}</legend>
      <TextField label={t('address.line1')} value={value.line1} onValue={set('line1')} required={required} autoComplete="address-line1" />
      <TextField label={t('address.line2')} value={value.line2} onValue={set('line2')} autoComplete="address-line2" />
      <div class="row">
        <TextField class="narrow" label={t('address.postcode')} value={value.postcode} onValue={set('postcode')} required={required} autoComplete="postal-code" inputMode="numeric" pattern="[0-9]{5}" />
        <TextField label={t('address.city')} value={value.city} onValue={set('city')} required={required} autoComplete="address-level2" />
      </div>
      <details class="coordinates" open={value.lat !== '' || value.lng !== ''}>
        <summary>{t('address.coordinates')}</summary>
        <p class="hint">{t('address.coordinatesHint')}</p>
        <div class="row">
          <TextField class="narrow" label={t('address.lat')} value={value.lat} onValue={set('lat')} inputMode="decimal" />
          <TextField class="narrow" label={t('address.lng')} value={value.lng} onValue={set('lng')} inputMode="decimal" />
        </div>
      </details>
    </fieldset>
  );
}

/* ---------- Small pieces ---------- */

export function Money({ cents }: { cents: number }) {
  return <span class="money">{formatMoney(cents)}</span>;
}

export function StatusBadge({ status }: { status: DeliveryStatus | string }) {
  const { t } = useApp();
  return <span class={`badge status-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

/** The page's heading: focused after each navigation so screen readers say where they are. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  return (
    <h1 id="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t, announce } = useApp();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      announce(t('common.copied'));
      setTimeout(() => setCopied(false), 2500);
    } catch {
      announce(t('common.copyFailed'));
    }
  };
  return (
    <button type="button" class="secondary" onClick={copy}>
      {copied ? t('common.copied') : label}
    </button>
  );
}

/** A confirmation in a modal <dialog>: focus stays inside, Escape cancels. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  onCancel(): void;
  pending?: boolean;
  danger?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={() => props.open && props.onCancel()} onCancel={(event) => { event.preventDefault(); props.onCancel(); }}>
      <h2 id={titleId}>{props.title}</h2>
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel} disabled={props.pending}>
          {props.cancelLabel}
        </button>
        <button type="button" class={props.danger ? 'danger' : ''} onClick={props.onConfirm} disabled={props.pending} aria-busy={props.pending}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** A table that scrolls sideways on a phone, reachable and named for keyboard users. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Saves a file the API answered (a PDF, a CSV, the FEC) under its own name. */
export function DownloadLink({ href, children, class: className }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a class={className ?? 'button secondary'} href={href} download>
      {children}
    </a>
  );
}
