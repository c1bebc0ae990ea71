import type { ComponentChildren, HTMLInputTypeAttribute } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { candidateLabel, candidateToForm, moveActive, SEARCH_DELAY_MS, shouldSearch, type AddressCandidate } from './address-search.js';
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
      <AddressSearch onPick={(candidate) => onChange(candidateToForm(candidate, value))} />
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

/** Whether the hub has an address service: asked once, the search field hidden without one. */
let searchProbe: Promise<boolean> | undefined;
function addressSearchAvailable(): Promise<boolean> {
  searchProbe ??= api<{ searchAvailable: boolean }>('GET', '/v1/addresses', { query: { q: 'rue', limit: 1 } }).then(
    (answer) => answer.searchAvailable === true,
    () => {
      searchProbe = undefined;
      return false;
    },
  );
  return searchProbe;
}

/**
 * The address search of a form (ARIA combobox with a listbox of suggestions): debounced, arrow
 * keys move through the suggestions, Enter fills the address fields and coordinates, Escape
 * closes. Hidden when the hub has no address service: the address is then typed in full.
 */
export function AddressSearch({ onPick }: { onPick(candidate: AddressCandidate): void }) {
  const { t, announce } = useApp();
  const id = useId();
  const [available, setAvailable] = useState(false);
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<AddressCandidate[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [failed, setFailed] = useState<unknown>(undefined);
  useEffect(() => {
    let live = true;
    void addressSearchAvailable().then((yes) => live && setAvailable(yes));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    if (!available || !shouldSearch(text)) {
      setSuggestions([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ data: AddressCandidate[]; searchAvailable: boolean }>('GET', '/v1/addresses', { query: { q: text.trim(), limit: 5 }, signal: controller.signal }).then(
        (answer) => {
          setFailed(undefined);
          if (!answer.searchAvailable) setAvailable(false);
          setSuggestions(answer.data);
          setActive(-1);
          setOpen(true);
          announce(answer.data.length === 0 ? t('address.noSuggestion') : t('address.suggestions', { count: answer.data.length }));
        },
        (error: unknown) => {
          if ((error as { name?: string })?.name !== 'AbortError') setFailed(error);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, available]);
  if (!available) return null;
  const pick = (candidate: AddressCandidate) => {
    onPick(candidate);
    setText(candidateLabel(candidate));
    setOpen(false);
    setSuggestions([]);
    announce(t('address.filled', { address: candidateLabel(candidate) }));
  };
  const expanded = open && suggestions.length > 0;
  const listId = `${id}-list`;
  return (
    <div class="field address-search">
      <label for={id}>{t('address.search')}</label>
      <p class="hint" id={`${id}-hint`}>
        {t('address.searchHint')}
      </p>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-describedby={`${id}-hint`}
        aria-activedescendant={expanded && active >= 0 ? `${id}-option-${active}` : undefined}
        value={text}
        onInput={(event) => {
          setText((event.currentTarget as HTMLInputElement).value);
          setOpen(true);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp' || ((event.key === 'Home' || event.key === 'End') && expanded)) {
            event.preventDefault();
            setOpen(true);
            setActive(moveActive(active, suggestions.length, event.key));
          } else if (event.key === 'Enter' && expanded && active >= 0) {
            event.preventDefault();
            const chosen = suggestions[active];
            if (chosen) pick(chosen);
          } else if (event.key === 'Escape' && expanded) {
            event.preventDefault();
            setOpen(false);
          }
        }}
      />
      <ul id={listId} role="listbox" aria-label={t('address.suggestionsLabel')} class="suggestions" hidden={!expanded}>
        {suggestions.map((candidate, index) => (
          <li
            key={`${candidate.label}-${index}`}
            id={`${id}-option-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(candidate)}
          >
            {candidateLabel(candidate)}
          </li>
        ))}
      </ul>
      {failed ? <ErrorNotice error={failed} /> : null}
    </div>
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
