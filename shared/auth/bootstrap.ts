import { transact } from '../db/transact.js';
import { markAdminBootstrapped, newApiKey, type IssuedKey } from './api-keys.js';

class AlreadyBootstrapped extends Error {}

/**
 * Issues the hub's first admin key, once per table: the key and a marker are written in one
 * transaction, conditional on the marker's absence, so two starts racing still make one key.
 * Returns the key when this call made it (to print once), `undefined` when one already existed.
 */
export async function bootstrapAdminKey(): Promise<IssuedKey | undefined> {
  const { issued, create } = newApiKey({ role: 'admin' });
  try {
    await transact([markAdminBootstrapped(issued), create], () => new AlreadyBootstrapped());
    return issued;
  } catch (error) {
    if (error instanceof AlreadyBootstrapped) return undefined;
    throw error;
  }
}
