import { expect } from 'vitest';
import type { TestApi } from './runtime.js';
import { sampleTenant } from './runtime.js';

/** Addresses in Saint-Étienne Métropole, with coordinates. */
export const places = {
  hotelDeVille: { line1: '1 place de l’Hôtel de Ville', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872 },
  jeanJaures: { line1: '5 place Jean Jaurès', postcode: '42000', city: 'Saint-Étienne', lat: 45.4412, lng: 4.3866 },
  firminy: { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy', lat: 45.388, lng: 4.288 },
  saintChamond: { line1: '1 place de la Liberté', postcode: '42400', city: 'Saint-Chamond', lat: 45.4757, lng: 4.5149 },
  lyon: { line1: '1 place Bellecour', postcode: '69002', city: 'Lyon', lat: 45.7578, lng: 4.832 },
};

export const quoteBody = (overrides: Record<string, unknown> = {}) => ({
  pickup: { address: places.hotelDeVille, contact: { name: 'Épicerie du centre', phone: '+33 4 77 00 00 00' } },
  dropoff: { address: places.firminy, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78', email: 'camille@example.org' } },
  parcels: [{ weightKg: 4.5, lengthCm: 40, widthCm: 30, heightCm: 30, description: 'Panier de légumes' }],
  ...overrides,
});

export interface Actors {
  tenantId: string;
  tenantKey: string;
  otherTenantId: string;
  otherTenantKey: string;
  courier: { id: string; key: string };
  otherCourier: { id: string; key: string };
}

/** Two tenants with keys and two couriers, made through the API itself. */
export async function setUpActors(api: TestApi): Promise<Actors> {
  const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Le Panier' }) })).json;
  const other = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'La Ressourcerie', kind: 'ressourcerie' }) })).json;
  const key = (await api.call('POST', `/v1/tenants/${tenant.id}/api-keys`, { body: {} })).json.key;
  const otherKey = (await api.call('POST', `/v1/tenants/${other.id}/api-keys`, { body: {} })).json.key;
  const courier = (await api.call('POST', '/v1/couriers', { body: { name: 'Alex' } })).json;
  const otherCourier = (await api.call('POST', '/v1/couriers', { body: { name: 'Sam' } })).json;
  expect([tenant.id, other.id, key, otherKey, courier.id, otherCourier.id].every(Boolean)).toBe(true);
  return {
    tenantId: tenant.id,
    tenantKey: key,
    otherTenantId: other.id,
    otherTenantKey: otherKey,
    courier: { id: courier.id, key: courier.apiKey },
    otherCourier: { id: otherCourier.id, key: otherCourier.apiKey },
  };
}

/** A YYYY-MM-DD a few days ahead (slots may not be set in the past). */
export function futureDate(daysAhead: number): string {
  return new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
}
