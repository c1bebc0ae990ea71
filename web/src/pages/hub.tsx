import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatDate, formatLocalDate, nextDays } from '../format.js';
import type { MessageKey } from '../i18n.js';
import type { Slot, Tenant } from '../types.js';
import { AddressFields, ConfirmDialog, emptyAddress, ErrorNotice, formToAddress, Loading, Notice, PageTitle, SelectField, TextField, useAction, useAsync, type AddressForm } from '../ui.js';
import { UsersSection } from './users.js';

const KINDS = ['shop', 'ressourcerie', 'producer', 'catering', 'other'] as const;

/** The organisations the hub delivers for: the list, a new one, and each one's people. */
export function TenantsPage() {
  const { t, lang, announce } = useApp();
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(async (signal) => {
    const page = await api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 }, signal });
    setTenants(page.data);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
    return page;
  }, []);
  const more = useAction(async () => {
    const page = await api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100, cursor } });
    setTenants((previous) => [...previous, ...page.data]);
    setCursor(page.hasMore ? page.nextCursor ?? null : null);
  });
  const [people, setPeople] = useState<string | null>(null);

  const [name, setName] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('shop');
  const [billingEmail, setBillingEmail] = useState('');
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const [siren, setSiren] = useState('');
  const [created, setCreated] = useState<Tenant | null>(null);
  const create = useAction(async () => {
    const body: Record<string, unknown> = { name: name.trim(), kind, billingEmail: billingEmail.trim(), address: formToAddress(address) };
    if (siren.trim() !== '') body.siren = siren.replace(/\s/g, '');
    const tenant = await api<Tenant>('POST', '/v1/tenants', { body });
    setCreated(tenant);
    announce(t('tenants.created', { name: tenant.name }));
    setName('');
    setBillingEmail('');
    setAddress(emptyAddress());
    setSiren('');
    list.reload();
    setPeople(tenant.id);
  });

  return (
    <>
      <PageTitle>{t('tenants.title')}</PageTitle>
      {list.loading && tenants.length === 0 ? <Loading /> : null}
      <ErrorNotice error={list.error ?? more.error} />
      {!list.loading && tenants.length === 0 ? <p>{t('tenants.none')}</p> : null}
      <ul class="cards two">
        {tenants.map((tenant) => (
          <li key={tenant.id} class="card">
            <h2>{tenant.name}</h2>
            <p>
              {t(`tenantKind.${tenant.kind}` as MessageKey)} · {tenant.address.postcode} {tenant.address.city}
            </p>
            <p class="small">
              {tenant.billingEmail} · {t('tenants.since', { date: formatDate(tenant.createdAt, lang) })}
            </p>
            <button type="button" class="secondary" aria-expanded={people === tenant.id} onClick={() => setPeople(people === tenant.id ? null : tenant.id)}>
              {people === tenant.id ? t('tenants.hidePeople') : t('tenants.people')}
              <span class="visually-hidden"> {tenant.name}</span>
            </button>
            {people === tenant.id ? <UsersSection scope={{ kind: 'tenant', tenantId: tenant.id }} canManage /> : null}
          </li>
        ))}
      </ul>
      {cursor ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void more.run()} disabled={more.pending}>
            {t('common.more')}
          </button>
        </div>
      ) : null}

      <form
        onSubmit={(event) => {
          event.preventDefault();
          setCreated(null);
          void create.run();
        }}
      >
        <h2>{t('tenants.new')}</h2>
        <div class="row">
          <TextField label={t('tenants.name')} value={name} onValue={setName} required />
          <SelectField label={t('tenants.kind')} value={kind} onValue={(value) => setKind(value as (typeof KINDS)[number])} options={KINDS.map((value) => [value, t(`tenantKind.${value}` as MessageKey)] as const)} />
        </div>
        <div class="row">
          <TextField label={t('tenants.billingEmail')} type="email" value={billingEmail} onValue={setBillingEmail} required />
          <TextField label={t('tenants.siren')} hint={t('tenants.sirenHint')} value={siren} onValue={setSiren} inputMode="numeric" />
        </div>
        <AddressFields legend={t('tenants.address')} value={address} onChange={setAddress} />
        <ErrorNotice error={create.error} />
        {created ? <Notice kind="success">{t('tenants.created', { name: created.name })}</Notice> : null}
        <button type="submit" disabled={create.pending}>
          {t('tenants.create')}
        </button>
      </form>
    </>
  );
}

interface SlotRow {
  start: string;
  end: string;
  capacity: string;
  /** Units booked already: capacity may not go below. */
  taken: number;
}

const toRows = (slots: Slot[]): SlotRow[] => slots.map((slot) => ({ start: slot.start, end: slot.end, capacity: String(slot.capacity), taken: slot.capacity - slot.remaining }));

/** The pickup slots of the coming 14 days: open a day, change a capacity, close a day. */
export function SlotsPage() {
  const { t } = useApp();
  const days = nextDays(14);
  return (
    <>
      <PageTitle>{t('slots.title')}</PageTitle>
      <p>{t('slots.intro')}</p>
      <div class="days">
        {days.map((date) => (
          <SlotDay key={date} date={date} />
        ))}
      </div>
    </>
  );
}

function SlotDay({ date }: { date: string }) {
  const { t, lang, announce } = useApp();
  const day = useAsync((signal) => api<{ data: Slot[] }>('GET', '/v1/slots', { query: { date }, signal }), [date]);
  const [rows, setRows] = useState<SlotRow[]>([]);
  const [closing, setClosing] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (day.data) setRows(toRows(day.data.data));
  }, [day.data]);
  const save = useAction(async (next: SlotRow[]) => {
    const body = { slots: next.map((row) => ({ start: row.start, end: row.end, capacity: Math.max(0, Math.floor(Number(row.capacity) || 0)) })) };
    const answer = await api<{ data: Slot[] }>('PUT', `/v1/hub/slots/${date}`, { body });
    day.setData(answer);
    setSaved(true);
    setClosing(false);
    announce(t('slots.saved', { day: formatLocalDate(date, lang) }));
  });
  const update = (index: number, patch: Partial<SlotRow>) => {
    setSaved(false);
    setRows(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  };
  const title = formatLocalDate(date, lang);
  const headingId = `day-${date}`;
  return (
    <section class="card day" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {day.loading && !day.data ? <Loading /> : null}
      <ErrorNotice error={day.error} />
      {day.data && rows.length === 0 ? <p>{t('slots.closed')}</p> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run(rows);
        }}
      >
        {rows.map((row, index) => (
          <fieldset key={index}>
            <legend>
              {t('slots.slot')} {row.start || '…'}–{row.end || '…'}
              {row.taken > 0 ? ` · ${t('slots.booked', { count: row.taken })}` : ''}
            </legend>
            <div class="row">
              <TextField class="narrow" label={t('slots.start')} type="time" value={row.start} onValue={(start) => update(index, { start })} required />
              <TextField class="narrow" label={t('slots.end')} type="time" value={row.end} onValue={(end) => update(index, { end })} required />
              <TextField class="narrow" label={t('slots.capacity')} type="number" min={Math.max(1, row.taken)} max={100} value={row.capacity} onValue={(capacity) => update(index, { capacity })} required />
            </div>
            {row.taken === 0 ? (
              <button type="button" class="link" onClick={() => { setSaved(false); setRows(rows.filter((_, at) => at !== index)); }}>
                {t('slots.remove')}
                <span class="visually-hidden"> {row.start}–{row.end}</span>
              </button>
            ) : null}
          </fieldset>
        ))}
        <div class="actions">
          <button type="button" class="secondary" onClick={() => { setSaved(false); setRows([...rows, { start: rows.length === 0 ? '09:00' : '14:00', end: rows.length === 0 ? '11:00' : '16:00', capacity: '3', taken: 0 }]); }}>
            + {t('slots.add')}
            <span class="visually-hidden"> {title}</span>
          </button>
          <button type="submit" disabled={save.pending}>
            {t('slots.save')}
            <span class="visually-hidden"> {title}</span>
          </button>
          {(day.data?.data.length ?? 0) > 0 ? (
            <button type="button" class="danger" onClick={() => setClosing(true)}>
              {t('slots.closeDay')}
              <span class="visually-hidden"> {title}</span>
            </button>
          ) : null}
        </div>
        <ErrorNotice error={save.error} />
        {saved ? <Notice kind="success">{t('slots.saved', { day: title })}</Notice> : null}
      </form>
      <ConfirmDialog
        open={closing}
        title={t('slots.closeTitle', { day: title })}
        confirmLabel={t('slots.closeDay')}
        cancelLabel={t('common.cancel')}
        danger
        pending={save.pending}
        onConfirm={() => void save.run([])}
        onCancel={() => setClosing(false)}
      >
        <p>{t('slots.closeText')}</p>
        <ErrorNotice error={save.error} />
      </ConfirmDialog>
    </section>
  );
}

export function HubUsersPage() {
  const { t } = useApp();
  return (
    <>
      <PageTitle>{t('nav.hubUsers')}</PageTitle>
      <p>{t('hubUsers.intro')}</p>
      <UsersSection scope={{ kind: 'hub' }} canManage />
    </>
  );
}
