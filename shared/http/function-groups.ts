import type { Capability } from '../capabilities.js';
import type { Role } from '../auth/principal.js';

/**
 * HTTP routes run in a few functions shaped by what they need, not one function per route:
 * at a cooperative's traffic a function per route is invoked a few times a day and mostly
 * starts cold, while one function for the authenticated API stays warm with the couriers'
 * position reports. Each function routes on API Gateway's route key (`shared/http/router.ts`)
 * to the same handler modules the route table names; least privilege holds per function (its
 * routes' `needs`, table access only where a route reads data). The route table stays the one
 * definition: a route's function follows from it (`functionGroupOf`).
 */
export const functionGroups = {
  api: {
    description: 'The authenticated JSON API: tenants, the hub, couriers and accountants.',
    memoryMb: 1024,
    // API Gateway's own limit for an integration (30 s), less a second: reconciliations and exports of a month.
    timeoutSeconds: 29,
    // Renders invoices and names the FEC export by the seller's SIREN (see `needs` below the table).
    needs: ['sellerIdentity'],
  },
  public: {
    description: 'Public routes that read data: tracking links, the orders shops post.',
    memoryMb: 512,
    timeoutSeconds: 15,
  },
  static: {
    description: 'Public routes that answer from code alone: health, the OpenAPI document, unknown routes.',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  documents: {
    description: 'Routes that render invoices and credit notes (Factur-X PDF, CII XML): the PDF library and its fonts (about 1 MB) stay out of the other functions.',
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  billing: {
    description: "Routes that read the Stripe keys: billing runs and Stripe's webhook.",
    memoryMb: 1024,
    timeoutSeconds: 29,
    // Billing runs issue invoices.
    needs: ['sellerIdentity'],
  },
} as const satisfies Record<string, { description: string; memoryMb: number; timeoutSeconds: number; needs?: readonly Capability[] }>;

export type FunctionGroupName = keyof typeof functionGroups;

/**
 * What a group's function needs besides what its routes declare (`needs` on a group): for
 * configuration-only capabilities (`configurationOnly` in `shared/capabilities.ts`), which grant
 * no permission, so giving one to every route of a group widens no one's access. The seller's
 * identity goes to the `billing` group (billing runs issue invoices) and the `api` group (the
 * invoice and its FEC export), rather than to the three routes that use it, while their
 * definitions (`shared/billing/routes.ts`) do not declare it; a route may declare it too.
 */
export function groupNeeds(group: FunctionGroupName): readonly Capability[] {
  const settings = functionGroups[group];
  return 'needs' in settings ? settings.needs : [];
}

/** The function a route runs in: by the secrets it reads, whether it renders documents, whether it is public, whether it reads data. */
export function functionGroupOf(route: { roles: readonly Role[] | 'public'; needs?: readonly Capability[] | undefined; readsData?: false | undefined; rendersDocuments?: true | undefined }): FunctionGroupName {
  if (route.needs?.includes('stripeSecrets')) return 'billing';
  if (route.rendersDocuments) return 'documents';
  if (route.roles === 'public') return route.readsData === false ? 'static' : 'public';
  return 'api';
}

/** API Gateway's `$default` route (the contract's 404 for unknown routes) runs with the routes that read no data. */
export const FALLBACK_GROUP: FunctionGroupName = 'static';
