import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { centsToInput, formatDate, parseEuros } from '../format.js';
import { Submission } from '../idempotency.js';
import { outlinePaths, parseServiceArea, polygonsOf, type ServiceArea } from '../outline.js';
import type { ApiKeyCreated, Tenant } from '../types.js';
import { KeyShownOnce, RevokeKeyDialog } from './key-parts.js';
import { ErrorNotice, Loading, Notice, PageTitle, SelectField, TableWrap, TextArea, TextField, useAction, useAsync } from '../ui.js';

interface RateCard {
  currency?: 'EUR';
  baseCents: number;
  includedDistanceMeters: number;
  perKmCents: number;
  weightTiers: Array<{ upToKg: number; cents: number }>;
  volume: { includedLiters: number; perLiterCents: number };
  expressSurchargeCents: number;
  expressSurchargePercent: number;
  cancellationFeeCents: number;
  vatRateBasisPoints: number;
}
type RateCardView = RateCard & { source: 'hub' | 'tenant'; tenantId: string | null };

interface RateForm {
  base: string;
  includedKm: string;
  perKm: string;
  tiers: Array<{ upToKg: string; price: string }>;
  includedLiters: string;
  perLiter: string;
  express: string;
  expressPercent: string;
  cancellation: string;
  vat: string;
}

const decimal = (value: number) => String(value).replace('.', ',');
const parseNumber = (text: string) => {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(value) ? Number.NaN : value;
};

export function rateToForm(card: RateCard): RateForm {
  return {
    base: centsToInput(card.baseCents),
    includedKm: decimal(card.includedDistanceMeters / 1000),
    perKm: centsToInput(card.perKmCents),
    tiers: card.weightTiers.map((tier) => ({ upToKg: decimal(tier.upToKg), price: centsToInput(tier.cents) })),
    includedLiters: decimal(card.volume.includedLiters),
    perLiter: centsToInput(card.volume.perLiterCents),
    express: centsToInput(card.expressSurchargeCents),
    expressPercent: String(card.expressSurchargePercent),
    cancellation: centsToInput(card.cancellationFeeCents),
    vat: decimal(card.vatRateBasisPoints / 100),
  };
}

/** The form back to the API's rate card (the API checks the ranges and says what is wrong). */
export function formToRate(form: RateForm): RateCard {
  const cents = (text: string) => parseEuros(text) ?? Number.NaN;
  return {
    currency: 'EUR',
    baseCents: cents(form.base),
    includedDistanceMeters: Math.round(parseNumber(form.includedKm) * 1000),
    perKmCents: cents(form.perKm),
    weightTiers: form.tiers.map((tier) => ({ upToKg: parseNumber(tier.upToKg), cents: cents(tier.price) })),
    volume: { includedLiters: parseNumber(form.includedLiters), perLiterCents: cents(form.perLiter) },
    expressSurchargeCents: cents(form.express),
    expressSurchargePercent: Math.round(parseNumber(form.expressPercent)),
    cancellationFeeCents: cents(form.cancellation),
    vatRateBasisPoints: Math.round(parseNumber(form.vat) * 100),
  };
}

/** Rates, service area, capacity and the hub's API keys. */
export function HubSettingsPage() {
  const { t } = useApp();
  return (
    <>
      <PageTitle>{t('hubSettings.title')}</PageTitle>
      <HubRateCard />
      <TenantRateCard />
      <ServiceAreaSection />
      <CapacitySection />
      <HubKeysSection />
    </>
  );
}

function RateCardForm({ id, card, saveLabel, onSave }: { id: string; card: RateCard; saveLabel: string; onSave(card: RateCard): Promise<void> }) {
  const { t } = useApp();
  const [form, setForm] = useState<RateForm>(() => rateToForm(card));
  useEffect(() => setForm(rateToForm(card)), [card]);
  const save = useAction(async () => onSave(formToRate(form)));
  const set = (field: keyof Omit<RateForm, 'tiers'>) => (value: string) => setForm({ ...form, [field]: value });
  const setTier = (index: number, patch: Partial<RateForm['tiers'][number]>) => setForm({ ...form, tiers: form.tiers.map((tier, at) => (at === index ? { ...tier, ...patch } : tier)) });
  return (
    <form
      id={id}
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <div class="row">
        <TextField class="narrow" label={t('hubSettings.base')} value={form.base} onValue={set('base')} inputMode="decimal" required />
        <TextField class="narrow" label={t('hubSettings.includedKm')} value={form.includedKm} onValue={set('includedKm')} inputMode="decimal" required />
        <TextField class="narrow" label={t('hubSettings.perKm')} value={form.perKm} onValue={set('perKm')} inputMode="decimal" required />
      </div>
      <fieldset>
        <legend>{t('hubSettings.tiers')}</legend>
        {form.tiers.map((tier, index) => (
          <fieldset key={index}>
            <legend>{t('hubSettings.tier', { n: index + 1 })}</legend>
            <div class="row">
              <TextField class="narrow" label={t('hubSettings.upToKg')} value={tier.upToKg} onValue={(upToKg) => setTier(index, { upToKg })} inputMode="decimal" required />
              <TextField class="narrow" label={t('hubSettings.tierPrice')} value={tier.price} onValue={(price) => setTier(index, { price })} inputMode="decimal" required />
            </div>
            {form.tiers.length > 1 ? (
              <button type="button" class="link" onClick={() => setForm({ ...form, tiers: form.tiers.filter((_, at) => at !== index) })}>
                {t('hubSettings.removeTier')}
                <span class="visually-hidden"> {index + 1}</span>
              </button>
            ) : null}
          </fieldset>
        ))}
        <button type="button" class="secondary" onClick={() => setForm({ ...form, tiers: [...form.tiers, { upToKg: '', price: '' }] })}>
          {t('hubSettings.addTier')}
        </button>
      </fieldset>
      <div class="row">
        <TextField class="narrow" label={t('hubSettings.includedLiters')} value={form.includedLiters} onValue={set('includedLiters')} inputMode="decimal" required />
        <TextField class="narrow" label={t('hubSettings.perLiter')} value={form.perLiter} onValue={set('perLiter')} inputMode="decimal" required />
      </div>
      <div class="row">
        <TextField class="narrow" label={t('hubSettings.express')} value={form.express} onValue={set('express')} inputMode="decimal" required />
        <TextField class="narrow" label={t('hubSettings.expressPercent')} value={form.expressPercent} onValue={set('expressPercent')} inputMode="numeric" required />
      </div>
      <div class="row">
        <TextField class="narrow" label={t('hubSettings.cancellation')} value={form.cancellation} onValue={set('cancellation')} inputMode="decimal" required />
        <TextField class="narrow" label={t('hubSettings.vat')} value={form.vat} onValue={set('vat')} inputMode="decimal" required />
      </div>
      <ErrorNotice error={save.error} />
      <button type="submit" disabled={save.pending}>
        {saveLabel}
      </button>
    </form>
  );
}

function HubRateCard() {
  const { t, announce } = useApp();
  const card = useAsync((signal) => api<RateCardView>('GET', '/v1/hub/rate-card', { signal }), []);
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="rates-title">
      <h2 id="rates-title">{t('hubSettings.rateTitle')}</h2>
      <p>{t('hubSettings.rateIntro')}</p>
      {card.loading && !card.data ? <Loading /> : null}
      <ErrorNotice error={card.error} />
      {card.data ? (
        <RateCardForm
          id="hub-rates"
          card={card.data}
          saveLabel={t('hubSettings.saveRates')}
          onSave={async (next) => {
            setSaved(false);
            card.setData(await api<RateCardView>('PUT', '/v1/hub/rate-card', { body: next }));
            setSaved(true);
            announce(t('hubSettings.ratesSaved'));
          }}
        />
      ) : null}
      {saved ? <Notice kind="success">{t('hubSettings.ratesSaved')}</Notice> : null}
    </section>
  );
}

function TenantRateCard() {
  const { t, announce } = useApp();
  const tenants = useAsync((signal) => api<Page<Tenant>>('GET', '/v1/tenants', { query: { limit: 100 }, signal }), []);
  const [tenantId, setTenantId] = useState('');
  const [saved, setSaved] = useState(false);
  const card = useAsync((signal) => (tenantId ? api<RateCardView>('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/rate-card`, { signal }) : Promise.resolve(undefined)), [tenantId]);
  const name = tenants.data?.data.find((tenant) => tenant.id === tenantId)?.name ?? '';
  return (
    <section aria-labelledby="tenant-rates-title">
      <h2 id="tenant-rates-title">{t('hubSettings.tenantRateTitle')}</h2>
      <p>{t('hubSettings.tenantRateIntro')}</p>
      <ErrorNotice error={tenants.error ?? card.error} />
      <SelectField
        label={t('hubSettings.tenant')}
        value={tenantId}
        onValue={(value) => {
          setSaved(false);
          setTenantId(value);
        }}
        options={[['', t('hubSettings.chooseTenant')], ...(tenants.data?.data ?? []).map((tenant) => [tenant.id, tenant.name] as const)]}
      />
      {tenantId && card.loading && !card.data ? <Loading /> : null}
      {tenantId && card.data ? (
        <>
          <p>{card.data.source === 'tenant' ? t('hubSettings.sourceTenant') : t('hubSettings.sourceHub')}</p>
          <RateCardForm
            id="tenant-rates"
            card={card.data}
            saveLabel={t('hubSettings.saveRates')}
            onSave={async (next) => {
              setSaved(false);
              card.setData(await api<RateCardView>('PUT', `/v1/tenants/${encodeURIComponent(tenantId)}/rate-card`, { body: next }));
              setSaved(true);
              announce(t('hubSettings.tenantRatesSaved', { name }));
            }}
          />
          {saved ? <Notice kind="success">{t('hubSettings.tenantRatesSaved', { name })}</Notice> : null}
        </>
      ) : null}
    </section>
  );
}

/** The outline, drawn to fit, with a text alternative that says what it shows. */
export function AreaOutline({ area, label }: { area: ServiceArea; label?: string }) {
  const { t, lang } = useApp();
  const outline = outlinePaths(area, 480, 360, 12);
  const positions = polygonsOf(area).flat(2);
  const number = (value: number) => value.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 3 });
  const description =
    label ??
    t('hubSettings.areaFigure', {
      polygons: polygonsOf(area).length,
      points: positions.length,
      west: number(Math.min(...positions.map((p) => p[0]))),
      east: number(Math.max(...positions.map((p) => p[0]))),
      south: number(Math.min(...positions.map((p) => p[1]))),
      north: number(Math.max(...positions.map((p) => p[1]))),
    });
  return (
    <svg class="outline" viewBox={`0 0 ${outline.width} ${outline.height}`} role="img" aria-label={description}>
      {outline.paths.map((d, index) => (
        <path key={index} d={d} />
      ))}
    </svg>
  );
}

function ServiceAreaSection() {
  const { t, lang, announce } = useApp();
  const area = useAsync((signal) => api<ServiceArea>('GET', '/v1/hub/service-area', { signal }), []);
  const [text, setText] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (area.data) setText(JSON.stringify(area.data, null, 1));
  }, [area.data]);
  const parsed = text.trim() === '' ? null : parseServiceArea(text);
  const save = useAction(async () => {
    setSaved(false);
    if (!parsed || 'problem' in parsed) return;
    area.setData(await api<ServiceArea>('PUT', '/v1/hub/service-area', { body: parsed.area }));
    setSaved(true);
    announce(t('hubSettings.areaSaved'));
  });
  const current = area.data;
  const previewChanged = parsed && 'area' in parsed && current && JSON.stringify(parsed.area) !== JSON.stringify(current);
  return (
    <section aria-labelledby="area-title">
      <h2 id="area-title">{t('hubSettings.areaTitle')}</h2>
      <p>{t('hubSettings.areaIntro')}</p>
      {area.loading && !current ? <Loading /> : null}
      <ErrorNotice error={area.error} />
      {current ? (
        <>
          <AreaOutline area={current} />
          <details>
            <summary>{t('hubSettings.vertices', { count: polygonsOf(current).flat(2).length })}</summary>
            {polygonsOf(current).map((rings, polygon) => (
              <TableWrap key={polygon} label={t('hubSettings.polygon', { n: polygon + 1 })}>
                <table>
                  <caption>{t('hubSettings.polygon', { n: polygon + 1 })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">{t('hubSettings.lng')}</th>
                      <th scope="col">{t('hubSettings.lat')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rings.flatMap((ring, r) =>
                      ring.map(([lng, lat], index) => (
                        <tr key={`${r}-${index}`}>
                          <th scope="row">{rings.length > 1 ? `${r + 1}.${index + 1}` : index + 1}</th>
                          <td class="num">{lng.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 6 })}</td>
                          <td class="num">{lat.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 6 })}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </TableWrap>
            ))}
          </details>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void save.run();
            }}
          >
            <TextArea label={t('hubSettings.geojson')} hint={t('hubSettings.geojsonHint')} value={text} onValue={(value) => { setSaved(false); setText(value); }} rows={8} />
            {parsed && 'problem' in parsed ? (
              <div class="notice error" role="alert">
                <p>{parsed.problem[lang]}</p>
              </div>
            ) : null}
            {previewChanged && parsed && 'area' in parsed ? (
              <>
                <h3>{t('hubSettings.preview')}</h3>
                <AreaOutline area={parsed.area} />
              </>
            ) : null}
            <ErrorNotice error={save.error} />
            {saved ? <Notice kind="success">{t('hubSettings.areaSaved')}</Notice> : null}
            <button type="submit" disabled={save.pending || !parsed || 'problem' in parsed}>
              {t('hubSettings.saveArea')}
            </button>
          </form>
        </>
      ) : null}
    </section>
  );
}

function CapacitySection() {
  const { t, announce } = useApp();
  const capacity = useAsync((signal) => api<{ maxWeightKg: number; maxVolumeLiters: number }>('GET', '/v1/hub/capacity', { signal }), []);
  const [weight, setWeight] = useState('');
  const [volume, setVolume] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!capacity.data) return;
    setWeight(decimal(capacity.data.maxWeightKg));
    setVolume(decimal(capacity.data.maxVolumeLiters));
  }, [capacity.data]);
  const save = useAction(async () => {
    setSaved(false);
    capacity.setData(await api('PUT', '/v1/hub/capacity', { body: { maxWeightKg: parseNumber(weight), maxVolumeLiters: parseNumber(volume) } }));
    setSaved(true);
    announce(t('hubSettings.capacitySaved'));
  });
  return (
    <section aria-labelledby="capacity-title">
      <h2 id="capacity-title">{t('hubSettings.capacityTitle')}</h2>
      <p>{t('hubSettings.capacityIntro')}</p>
      {capacity.loading && !capacity.data ? <Loading /> : null}
      <ErrorNotice error={capacity.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div class="row">
          <TextField class="narrow" label={t('hubSettings.maxWeight')} value={weight} onValue={setWeight} inputMode="decimal" required />
          <TextField class="narrow" label={t('hubSettings.maxVolume')} value={volume} onValue={setVolume} inputMode="decimal" required />
        </div>
        <ErrorNotice error={save.error} />
        {saved ? <Notice kind="success">{t('hubSettings.capacitySaved')}</Notice> : null}
        <button type="submit" disabled={save.pending}>
          {t('hubSettings.saveCapacity')}
        </button>
      </form>
    </section>
  );
}

interface HubKey {
  id: string;
  role: string;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

function HubKeysSection() {
  const { t, lang, announce } = useApp();
  const keys = useAsync((signal) => api<{ data: HubKey[] }>('GET', '/v1/hub/api-keys', { signal }), []);
  const [role, setRole] = useState<'accountant' | 'admin'>('accountant');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<HubKey | null>(null);
  const submission = useRef(new Submission()).current;
  const roleName = (value: string) => (value === 'admin' ? t('hubSettings.roleAdmin') : t('hubSettings.roleAccountant'));
  const create = useAction(async () => {
    setCreated(null);
    const body = { role };
    try {
      const key = await api<ApiKeyCreated>('POST', '/v1/hub/api-keys', { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      setCreated(key);
      announce(t('keys.created'));
      keys.reload();
    } catch (error) {
      submission.failed(error);
      throw error;
    }
  });
  const revoke = useAction(async () => {
    if (!revoking) return;
    await api('DELETE', `/v1/hub/api-keys/${encodeURIComponent(revoking.id)}`);
    announce(t('keys.revoked', { hint: revoking.hint }));
    setRevoking(null);
    keys.reload();
  });
  return (
    <section aria-labelledby="hub-keys-title">
      <h2 id="hub-keys-title">{t('hubSettings.keysTitle')}</h2>
      <p>{t('hubSettings.keysIntro')}</p>
      {keys.loading && !keys.data ? <Loading /> : null}
      <ErrorNotice error={keys.error} />
      {keys.data && keys.data.data.length === 0 ? <p>{t('keys.none')}</p> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <TableWrap label={t('hubSettings.keysTitle')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('keys.key')}</th>
                <th scope="col">{t('keys.role')}</th>
                <th scope="col">{t('keys.createdOn')}</th>
                <th scope="col">{t('keys.state')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <tr key={key.id}>
                  <th scope="row">
                    <code>{key.hint}</code>
                  </th>
                  <td>{roleName(key.role)}</td>
                  <td>{formatDate(key.createdAt, lang)}</td>
                  <td>{key.revokedAt ? t('keys.revokedOn', { date: formatDate(key.revokedAt, lang) }) : t('keys.active')}</td>
                  <td>
                    {key.revokedAt ? null : (
                      <button type="button" class="link" onClick={() => setRevoking(key)}>
                        {t('keys.revoke')}
                        <span class="visually-hidden"> {key.hint}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <h3>{t('keys.new')}</h3>
        <SelectField label={t('keys.role')} value={role} onValue={(value) => setRole(value === 'admin' ? 'admin' : 'accountant')} options={[['accountant', t('hubSettings.roleAccountant')], ['admin', t('hubSettings.roleAdmin')]]} />
        <ErrorNotice error={create.error} />
        <button type="submit" disabled={create.pending}>
          {t('keys.create')}
        </button>
      </form>
      <KeyShownOnce secret={created?.key} />
      <RevokeKeyDialog revoking={revoking} action={revoke} onCancel={() => setRevoking(null)} />
    </section>
  );
}
