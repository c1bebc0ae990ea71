import { useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatDateTime } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { Submission } from '../idempotency.js';
import { href, onLinkClick } from '../router.js';
import type { Address } from '../types.js';
import { addressToForm, AddressFields, ConfirmDialog, CopyButton, ErrorNotice, formToAddress, Loading, Notice, PageTitle, SelectField, TextField, useAction, useAsync, type AddressForm } from '../ui.js';

const PROVIDERS = ['shopify', 'woocommerce', 'generic'] as const;
type Provider = (typeof PROVIDERS)[number];

interface Integration {
  id: string;
  provider: Provider;
  url: string;
  pickup: { address: Partial<Address> } | null;
  defaultParcel: { weightKg: number } | null;
  createdAt: string;
  secretRotatedAt: string | null;
}

interface InboundOrder {
  id: string;
  status: 'booked' | 'needs_review' | 'awaiting_payment';
  deliveryId: string | null;
  reason: { code: string; message: string; param?: string } | null;
  request: { dropoff?: { address?: Address } } | null;
  receivedAt: string;
}

/** The tenant's shop integrations: connect one (URL and secret shown once), rotate, disconnect, orders to review. */
export function IntegrationsPage() {
  const { t, lang, announce } = useApp();
  const list = useAsync((signal) => api<Page<Integration>>('GET', '/v1/integrations', { query: { limit: 100 }, signal }), []);
  const [provider, setProvider] = useState<Provider>('generic');
  const [shopifySecret, setShopifySecret] = useState('');
  const [weight, setWeight] = useState('');
  const [created, setCreated] = useState<(Integration & { secret: string }) | null>(null);
  const [rotated, setRotated] = useState<{ secret: string; note: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [rotating, setRotating] = useState<Integration | null>(null);
  const [deleting, setDeleting] = useState<Integration | null>(null);
  const submission = useRef(new Submission()).current;

  const create = useAction(async () => {
    setCreated(null);
    setRotated(null);
    const body: Record<string, unknown> = { provider };
    if (provider === 'shopify' && shopifySecret.trim() !== '') body.secret = shopifySecret.trim();
    const kg = Number(weight.replace(',', '.'));
    if (weight.trim() !== '' && Number.isFinite(kg) && kg > 0) body.defaultParcel = { weightKg: kg };
    try {
      const integration = await api<Integration & { secret: string }>('POST', '/v1/integrations', { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      setCreated(integration);
      announce(t('integrations.created'));
      setShopifySecret('');
      list.reload();
    } catch (error) {
      submission.failed(error);
      throw error;
    }
  });
  const rotate = useAction(async () => {
    if (!rotating) return;
    const answer = await api<{ secret: string; previousSecretExpiresAt: string }>('POST', `/v1/integrations/${encodeURIComponent(rotating.id)}/rotate-secret`, { body: { gracePeriodHours: 24 } });
    const note = t('integrations.rotated', { date: formatDateTime(answer.previousSecretExpiresAt, lang) });
    setCreated(null);
    setRotated({ secret: answer.secret, note });
    announce(note);
    setRotating(null);
    list.reload();
  });
  const remove = useAction(async () => {
    if (!deleting) return;
    await api('DELETE', `/v1/integrations/${encodeURIComponent(deleting.id)}`);
    announce(t('integrations.deleted'));
    if (created?.id === deleting.id) setCreated(null);
    setDeleting(null);
    list.reload();
  });
  const providerName = (value: Provider) => t(`integrations.provider.${value}` as MessageKey);

  return (
    <>
      <PageTitle>{t('integrations.title')}</PageTitle>
      <p>{t('integrations.intro')}</p>
      {created ? (
        <div class="notice warning" role="status">
          <p>
            <strong>{t('integrations.created')}</strong>
          </p>
          <p>{t(`integrations.paste.${created.provider}` as MessageKey)}</p>
          <p>{t('integrations.url')}</p>
          <code class="secret url">{created.url}</code>
          <div class="actions">
            <CopyButton text={created.url} label={t('integrations.copyUrl')} />
          </div>
          {created.provider === 'shopify' && created.secret === '' ? (
            <p>{t('integrations.secretShopify')}</p>
          ) : (
            <>
              <p>{t('integrations.secretOnce')}</p>
              <code class="secret">{created.secret}</code>
              <div class="actions">
                <CopyButton text={created.secret} label={t('integrations.copySecret')} />
              </div>
            </>
          )}
        </div>
      ) : null}
      {rotated ? (
        <div class="notice warning" role="status">
          <p>
            <strong>{rotated.note}</strong>
          </p>
          <code class="secret">{rotated.secret}</code>
          <div class="actions">
            <CopyButton text={rotated.secret} label={t('integrations.copySecret')} />
          </div>
        </div>
      ) : null}
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNotice error={list.error} />
      {list.data && list.data.data.length === 0 ? <p>{t('integrations.none')}</p> : null}
      <ul class="cards">
        {list.data?.data.map((integration) => (
          <li key={integration.id} class="card">
            <h2>{providerName(integration.provider)}</h2>
            <p class="small">{t('integrations.since', { date: formatDateTime(integration.createdAt, lang) })}</p>
            <p>{t('integrations.url')}</p>
            <code class="secret url">{integration.url}</code>
            <p class="small">
              {integration.pickup?.address
                ? t('integrations.pickupFrom', { address: [integration.pickup.address.line1, integration.pickup.address.postcode, integration.pickup.address.city].filter(Boolean).join(' ') })
                : t('integrations.pickupDefault')}
            </p>
            <div class="actions">
              <CopyButton text={integration.url} label={t('integrations.copyUrl')} />
              <button type="button" class="secondary" aria-expanded={open === integration.id} onClick={() => setOpen(open === integration.id ? null : integration.id)}>
                {open === integration.id ? t('integrations.hideOrders') : t('integrations.orders')}
                <span class="visually-hidden"> {providerName(integration.provider)} {integration.id}</span>
              </button>
              <button type="button" class="secondary" onClick={() => setRotating(integration)}>
                {t('integrations.rotate')}
                <span class="visually-hidden"> {providerName(integration.provider)} {integration.id}</span>
              </button>
              <button type="button" class="danger" onClick={() => setDeleting(integration)}>
                {t('integrations.delete')}
                <span class="visually-hidden"> {providerName(integration.provider)} {integration.id}</span>
              </button>
            </div>
            {open === integration.id ? <Orders integration={integration} /> : null}
          </li>
        ))}
      </ul>

      <form
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <h2>{t('integrations.new')}</h2>
        <SelectField label={t('integrations.provider')} value={provider} onValue={(value) => setProvider(value as Provider)} options={PROVIDERS.map((value) => [value, providerName(value)] as const)} />
        {provider === 'shopify' ? <TextField label={t('integrations.shopifySecret')} hint={t('integrations.shopifySecretHint')} value={shopifySecret} onValue={setShopifySecret} required autoComplete="off" /> : null}
        <TextField class="narrow" label={t('integrations.defaultWeight')} hint={t('integrations.defaultWeightHint')} value={weight} onValue={setWeight} inputMode="decimal" />
        <ErrorNotice error={create.error} />
        <button type="submit" disabled={create.pending}>
          {t('integrations.create')}
        </button>
      </form>

      <ConfirmDialog
        open={rotating !== null}
        title={t('integrations.rotateTitle')}
        confirmLabel={t('integrations.rotate')}
        cancelLabel={t('common.cancel')}
        pending={rotate.pending}
        onConfirm={() => void rotate.run()}
        onCancel={() => setRotating(null)}
      >
        <p>{t('integrations.rotateText')}</p>
        <ErrorNotice error={rotate.error} />
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting !== null}
        title={t('integrations.deleteTitle')}
        confirmLabel={t('integrations.delete')}
        cancelLabel={t('common.cancel')}
        danger
        pending={remove.pending}
        onConfirm={() => void remove.run()}
        onCancel={() => setDeleting(null)}
      >
        <p>{t('integrations.deleteText')}</p>
        <ErrorNotice error={remove.error} />
      </ConfirmDialog>
    </>
  );
}

function Orders({ integration }: { integration: Integration }) {
  const { t, lang } = useApp();
  const path = `/v1/integrations/${encodeURIComponent(integration.id)}/orders`;
  const orders = useAsync((signal) => api<Page<InboundOrder>>('GET', path, { query: { limit: 50 }, signal }), [path]);
  return (
    <section aria-label={t('integrations.orders')}>
      <h3>{t('integrations.orders')}</h3>
      {orders.loading && !orders.data ? <Loading /> : null}
      <ErrorNotice error={orders.error} />
      {orders.data && orders.data.data.length === 0 ? <p>{t('integrations.noOrders')}</p> : null}
      <ul class="cards">
        {orders.data?.data.map((order) => (
          <li key={order.id} class="card">
            <h4>{t('integrations.order', { id: order.id })}</h4>
            <p>
              <span class={`badge status-${order.status === 'booked' ? 'delivered' : order.status === 'needs_review' ? 'failed' : 'booked'}`}>{t(`integrations.order.${order.status}` as MessageKey)}</span> ·{' '}
              {t('integrations.receivedOn', { date: formatDateTime(order.receivedAt, lang) })}
            </p>
            {order.deliveryId ? (
              <a href={href(`/deliveries/${order.deliveryId}`)} onClick={(event) => onLinkClick(event, `/deliveries/${order.deliveryId}`)}>
                {t('integrations.openDelivery')}
                <span class="visually-hidden"> {order.id}</span>
              </a>
            ) : null}
            {order.status === 'needs_review' ? <FixOrder path={path} order={order} onBooked={orders.reload} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FixOrder({ path, order, onBooked }: { path: string; order: InboundOrder; onBooked(): void }) {
  const { t, announce } = useApp();
  const original = addressToForm(order.request?.dropoff?.address);
  const [address, setAddress] = useState<AddressForm>(original);
  const [done, setDone] = useState(false);
  const known = order.reason ? (`integrations.reason.${order.reason.code}` as MessageKey) : null;
  const explanation = known && t(known) !== known ? t(known) : order.reason?.message ?? '';
  const book = useAction(async () => {
    const changed = JSON.stringify(address) !== JSON.stringify(original);
    const body = changed ? { dropoff: { address: formToAddress(address) } } : {};
    await api('POST', `${path}/${encodeURIComponent(order.id)}/book`, { body });
    setDone(true);
    announce(t('integrations.bookedOk', { id: order.id }));
    onBooked();
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void book.run();
      }}
    >
      <p>
        <strong>{t('integrations.toFix')}</strong> {explanation}
      </p>
      <AddressFields legend={t('integrations.fixAddress')} value={address} onChange={setAddress} />
      <ErrorNotice error={book.error} />
      {done ? <Notice kind="success">{t('integrations.bookedOk', { id: order.id })}</Notice> : null}
      <button type="submit" disabled={book.pending}>
        {t('integrations.book')}
        <span class="visually-hidden"> {order.id}</span>
      </button>
    </form>
  );
}
