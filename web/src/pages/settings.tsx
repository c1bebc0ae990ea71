import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import type { ApiKeyCreated, DefaultPickupView } from '../types.js';
import { formatDate } from '../format.js';
import { Submission } from '../idempotency.js';
import { addressToForm, AddressFields, emptyAddress, ErrorNotice, formToAddress, Loading, Notice, PageTitle, SelectField, TableWrap, TextArea, useAction, useAsync, type AddressForm } from '../ui.js';
import { ContactFields, emptyContact, formToContact, type ContactForm } from './booking-parts.js';
import { UsersSection } from './users.js';
import { KeyShownOnce, RevokeKeyDialog } from './key-parts.js';
import { href, onLinkClick } from '../router.js';

export function SettingsPage() {
  const { t } = useApp();
  const me = useMe();
  const tenantId = me.tenantId ?? '';
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <nav aria-labelledby="connect-title" class="card">
        <h2 id="connect-title">{t('settings.connect')}</h2>
        <p>{t('settings.connectIntro')}</p>
        <ul>
          <li>
            <a href={href('/settings/webhooks')} onClick={(event) => onLinkClick(event, '/settings/webhooks')}>
              {t('nav.webhooks')}
            </a>
          </li>
          <li>
            <a href={href('/settings/integrations')} onClick={(event) => onLinkClick(event, '/settings/integrations')}>
              {t('nav.integrations')}
            </a>
          </li>
        </ul>
      </nav>
      <DefaultPickupSection tenantId={tenantId} />
      <UsersSection scope={{ kind: 'tenant', tenantId }} canManage={me.role === 'admin' || me.user?.tenantAdmin === true} />
      <ApiKeysSection tenantId={tenantId} canManage={me.role === 'admin' || me.user?.tenantAdmin === true} />
    </>
  );
}

function DefaultPickupSection({ tenantId }: { tenantId: string }) {
  const { t, announce } = useApp();
  const current = useAsync((signal) => api<DefaultPickupView>('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/default-pickup`, { signal }), [tenantId]);
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const [contact, setContact] = useState<ContactForm>(emptyContact);
  const [instructions, setInstructions] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const view = current.data;
    if (!view) return;
    setAddress(addressToForm(view.address));
    setContact({ name: view.contact?.name ?? '', phone: view.contact?.phone ?? '', email: view.contact?.email ?? '' });
    setInstructions(view.instructions ?? '');
  }, [current.data]);
  const save = useAction(async () => {
    const body: Record<string, unknown> = { address: formToAddress(address) };
    const who = formToContact(contact);
    if (who) body.contact = who;
    if (instructions.trim() !== '') body.instructions = instructions.trim().slice(0, 500);
    await api('PUT', `/v1/tenants/${encodeURIComponent(tenantId)}/default-pickup`, { body });
    setSaved(true);
    announce(t('settings.pickupSaved'));
    current.reload();
  });
  return (
    <section aria-labelledby="pickup-title">
      <h2 id="pickup-title">{t('settings.pickupTitle')}</h2>
      <p>{t('settings.pickupIntro')}</p>
      {current.loading && !current.data ? <Loading /> : null}
      <ErrorNotice error={current.error} />
      {current.data?.source === 'tenant_address' ? <Notice>{t('settings.pickupFromAddress')}</Notice> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          void save.run();
        }}
      >
        <AddressFields legend={t('settings.pickupAddress')} value={address} onChange={setAddress} />
        <ContactFields legend={t('settings.pickupContact')} value={contact} onChange={setContact} />
        <TextArea label={t('book.instructions')} hint={t('book.instructionsHint')} value={instructions} onValue={setInstructions} maxLength={500} />
        <ErrorNotice error={save.error} />
        {saved ? <Notice kind="success">{t('settings.pickupSaved')}</Notice> : null}
        <button type="submit" disabled={save.pending}>
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}

interface ApiKeyListed {
  id: string;
  role: string;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

function ApiKeysSection({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const { t, lang, announce } = useApp();
  const path = `/v1/tenants/${encodeURIComponent(tenantId)}/api-keys`;
  const keys = useAsync((signal) => api<{ data: ApiKeyListed[] }>('GET', path, { query: { limit: 100 }, signal }), [path]);
  const [role, setRole] = useState<'tenant' | 'accountant'>('tenant');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyListed | null>(null);
  const submission = useRef(new Submission()).current;
  const create = useAction(async () => {
    setCreated(null);
    const body = { role };
    try {
      const key = await api<ApiKeyCreated>('POST', path, { body, idempotencyKey: submission.keyFor(body) });
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
    await api('DELETE', `${path}/${encodeURIComponent(revoking.id)}`);
    announce(t('keys.revoked', { hint: revoking.hint }));
    setRevoking(null);
    keys.reload();
  });
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('keys.title')}</h2>
      <p>{t('keys.intro')}</p>
      {keys.loading && !keys.data ? <Loading /> : null}
      <ErrorNotice error={keys.error} />
      {keys.data && keys.data.data.length === 0 ? <p>{t('keys.none')}</p> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <TableWrap label={t('keys.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('keys.key')}</th>
                <th scope="col">{t('keys.role')}</th>
                <th scope="col">{t('keys.createdOn')}</th>
                <th scope="col">{t('keys.state')}</th>
                {canManage ? <th scope="col">{t('users.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <tr key={key.id}>
                  <th scope="row">
                    <code>{key.hint}</code>
                  </th>
                  <td>{key.role === 'accountant' ? t('keys.roleAccountant') : t('keys.roleTenant')}</td>
                  <td>{formatDate(key.createdAt, lang)}</td>
                  <td>{key.revokedAt ? t('keys.revokedOn', { date: formatDate(key.revokedAt, lang) }) : t('keys.active')}</td>
                  {canManage ? (
                    <td>
                      {key.revokedAt ? null : (
                        <button type="button" class="link" onClick={() => setRevoking(key)}>
                          {t('keys.revoke')}
                          <span class="visually-hidden"> {key.hint}</span>
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {canManage ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <h3>{t('keys.new')}</h3>
          <SelectField label={t('keys.role')} value={role} onValue={(value) => setRole(value === 'accountant' ? 'accountant' : 'tenant')} options={[['tenant', t('keys.roleTenant')], ['accountant', t('keys.roleAccountant')]]} />
          <ErrorNotice error={create.error} />
          <button type="submit" disabled={create.pending}>
            {t('keys.create')}
          </button>
        </form>
      ) : (
        <p class="small">{t('keys.askAdmin')}</p>
      )}
      <KeyShownOnce secret={created?.key} />
      <RevokeKeyDialog revoking={revoking} action={revoke} onCancel={() => setRevoking(null)} />
    </section>
  );
}
