import { useApp } from '../context.js';
import { ConfirmDialog, CopyButton, ErrorNotice } from '../ui.js';

/** A new key's secret, shown this once, with a copy button (tenant settings and the hub's keys). */
export function KeyShownOnce(props: { secret: string | undefined }) {
  const { t } = useApp();
  if (!props.secret) return null;
  return (
    <div class="notice warning" role="status">
      <p>
        <strong>{t('keys.once')}</strong>
      </p>
      <code class="secret">{props.secret}</code>
      <div class="actions">
        <CopyButton text={props.secret} label={t('keys.copy')} />
      </div>
    </div>
  );
}

/** Asks before revoking a key, naming it by its last characters. */
export function RevokeKeyDialog(props: { revoking: { hint: string } | null; action: { run(): Promise<unknown>; pending: boolean; error: unknown }; onCancel(): void }) {
  const { t } = useApp();
  return (
    <ConfirmDialog
      open={props.revoking !== null}
      title={t('keys.revokeTitle')}
      confirmLabel={t('keys.revoke')}
      cancelLabel={t('common.cancel')}
      danger
      pending={props.action.pending}
      onConfirm={() => void props.action.run()}
      onCancel={props.onCancel}
    >
      <p>{t('keys.revokeText', { hint: props.revoking?.hint ?? '' })}</p>
      <ErrorNotice error={props.action.error} />
    </ConfirmDialog>
  );
}
