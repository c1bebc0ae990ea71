import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import type { MessageKey } from '../i18n.js';
import type { User } from '../types.js';
import { Checkbox, ConfirmDialog, ErrorNotice, Loading, Notice, SelectField, TableWrap, TextField, useAction, useAsync } from '../ui.js';

export type UsersScope = { kind: 'tenant'; tenantId: string } | { kind: 'hub' };

const listPath = (scope: UsersScope) => (scope.kind === 'hub' ? '/v1/hub/users' : `/v1/tenants/${encodeURIComponent(scope.tenantId)}/users`);

/** The people of a tenant (or of the hub): who they are, inviting one, removing one. */
export function UsersSection({ scope, canManage }: { scope: UsersScope; canManage: boolean }) {
  const { t, announce } = useApp();
  const me = useMe();
  const users = useAsync((signal) => api<{ data: User[] }>('GET', listPath(scope), { query: { limit: 100 }, signal }), [listPath(scope)]);
  const roles: Array<readonly [string, string]> = scope.kind === 'hub'
    ? [['accountant', t('role.accountant')], ['admin', t('role.admin')]]
    : [['tenant', t('users.roleTenant')], ['accountant', t('users.roleBookkeeper')]];
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState(roles[0]?.[0] ?? 'tenant');
  const [tenantAdmin, setTenantAdmin] = useState(false);
  const [invited, setInvited] = useState<string | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);

  const invite = useAction(async () => {
    const body: Record<string, unknown> = { email: email.trim(), name: name.trim(), role };
    if (scope.kind === 'tenant' && role === 'tenant') body.tenantAdmin = tenantAdmin;
    await api('POST', listPath(scope), { body });
    setInvited(email.trim());
    announce(t('users.invited', { email: email.trim() }));
    setEmail('');
    setName('');
    setTenantAdmin(false);
    users.reload();
  });
  const remove = useAction(async () => {
    if (!removing) return;
    await api('DELETE', `/v1/users/${encodeURIComponent(removing.id)}`);
    announce(t('users.removed', { name: removing.name || removing.email }));
    setRemoving(null);
    users.reload();
  });

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{scope.kind === 'hub' ? t('users.hubTitle') : t('users.title')}</h2>
      {users.loading && !users.data ? <Loading /> : null}
      <ErrorNotice error={users.error} />
      {users.data && users.data.data.length === 0 ? <p>{t('users.none')}</p> : null}
      {users.data && users.data.data.length > 0 ? (
        <TableWrap label={t('users.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('users.name')}</th>
                <th scope="col">{t('users.email')}</th>
                <th scope="col">{t('users.role')}</th>
                {canManage ? <th scope="col">{t('users.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.name}</th>
                  <td>{user.email}</td>
                  <td>
                    {scope.kind === 'hub' ? t(`role.${user.role}` as MessageKey) : user.role === 'accountant' ? t('users.roleBookkeeper') : t('users.roleTenant')}
                    {user.tenantAdmin ? ` · ${t('users.admin')}` : ''}
                  </td>
                  {canManage ? (
                    <td>
                      {user.id !== me.user?.id ? (
                        <button type="button" class="link" onClick={() => setRemoving(user)}>
                          {t('users.remove')}
                          <span class="visually-hidden"> {user.name || user.email}</span>
                        </button>
                      ) : (
                        <span class="small">{t('users.you')}</span>
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
            setInvited(null);
            void invite.run();
          }}
        >
          <h3>{t('users.invite')}</h3>
          <p class="hint">{t('users.inviteHint')}</p>
          <div class="row">
            <TextField label={t('users.name')} value={name} onValue={setName} required autoComplete="off" />
            <TextField label={t('users.email')} type="email" value={email} onValue={setEmail} required autoComplete="off" />
          </div>
          <SelectField label={t('users.role')} value={role} onValue={setRole} options={roles} />
          {scope.kind === 'tenant' && role === 'tenant' ? <Checkbox label={t('users.makeAdmin')} checked={tenantAdmin} onChecked={setTenantAdmin} hint={t('users.makeAdminHint')} /> : null}
          <ErrorNotice error={invite.error} />
          {invited ? <Notice kind="success">{t('users.invited', { email: invited })}</Notice> : null}
          <button type="submit" disabled={invite.pending}>
            {t('users.inviteButton')}
          </button>
        </form>
      ) : (
        <p class="small">{t('users.askAdmin')}</p>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t('users.removeTitle')}
        confirmLabel={t('users.remove')}
        cancelLabel={t('common.cancel')}
        danger
        pending={remove.pending}
        onConfirm={() => void remove.run()}
        onCancel={() => setRemoving(null)}
      >
        <p>{t('users.removeText', { name: removing?.name || removing?.email || '' })}</p>
        <ErrorNotice error={remove.error} />
      </ConfirmDialog>
    </section>
  );
}
