/** The four roles of the contract. */
export const roles = ['admin', 'tenant', 'courier', 'accountant'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as established from the API key. */
export type Principal =
  | { role: 'admin'; keyId: string; userId?: string }
  /** `tenantAdmin`: a person of the tenant who manages its users and keys. */
  | { role: 'tenant'; keyId: string; tenantId: string; userId?: string; tenantAdmin?: boolean }
  | { role: 'courier'; keyId: string; courierId: string; userId?: string }
  /**
   * Accountants. Without `tenantId`: the cooperative's accountant (a hub key issued by an admin),
   * who runs billing and reads every tenant's books. With it: a tenant's bookkeeper, who reads
   * that tenant's invoices, payments and credit notes only. Neither sees recipients' personal data.
   */
  | { role: 'accountant'; keyId: string; tenantId?: string; userId?: string };

/**
 * `keyId` names the credential: an API key's id (`key_…`), or for a person signed in, their
 * session's (`ses_…`); `userId` is then the person.
 */

/**
 * The scope a caller's idempotency keys and other per-caller records live in: a tenant's
 * own id, a courier's id, or `hub` for the cooperative's staff.
 */
export function callerScope(principal: Principal): string {
  switch (principal.role) {
    case 'tenant':
      return principal.tenantId;
    case 'courier':
      return principal.courierId;
    case 'accountant':
      return principal.tenantId ?? 'hub';
    case 'admin':
      return 'hub';
  }
}
