import { config } from '../config.js';
import type { Notifier } from './notifier.js';
import { TableOutboxNotifier } from './outbox-notifier.js';
import { SesNotifier } from './ses-notifier.js';

let override: Notifier | undefined;
const outbox = new TableOutboxNotifier();

/** The notifier the environment chooses: `NOTIFIER=ses` (with `SES_FROM_ADDRESS`), else the table outbox. */
export function activeNotifier(): Notifier {
  if (override) return override;
  if (config.notifier === 'outbox') return outbox;
  const from = config.sesFromAddress;
  if (from === undefined) throw new Error('NOTIFIER=ses needs SES_FROM_ADDRESS, the verified sender.');
  return new SesNotifier(from);
}

/** Tests swap the notifier. */
export function setNotifier(notifier: Notifier | undefined): void {
  override = notifier;
}
