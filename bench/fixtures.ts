import type { ApiRequest, BenchApi } from './harness.js';

/** Addresses in Saint-Étienne Métropole, inside the default service area. */
const places = {
  hotelDeVille: { line1: '1 place de l’Hôtel de Ville', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872 },
  firminy: { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy', lat: 45.388, lng: 4.288 },
};

/** The body of a quote, and of a direct booking (a booking body is a quote body and more). */
export const quoteBody = () => ({
  pickup: { address: places.hotelDeVille, contact: { name: 'Épicerie du centre', phone: '+33 4 77 00 00 00' } },
  dropoff: { address: places.firminy, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78', email: 'camille@example.org' } },
  parcels: [{ weightKg: 4.5, lengthCm: 40, widthCm: 30, heightCm: 30, description: 'Panier de légumes' }],
});

/** A courier's position report somewhere between the two stops. */
export const positionBody = (index: number) => ({ type: 'position', position: { lat: 45.42 - (index % 50) * 0.0005, lng: 4.35 - (index % 50) * 0.0005 } });

/** Slot capacity of the benchmark's one slot: far more than any run books. */
const SLOT_CAPACITY = 1000;

export interface Fixtures {
  tenantId: string;
  tenantKey: string;
  courierId: string;
  courierKey: string;
  slotId: string;
  asAdmin(request: Omit<ApiRequest, 'key'>): ApiRequest;
  asTenant(request: Omit<ApiRequest, 'key'>): ApiRequest;
  asCourier(request: Omit<ApiRequest, 'key'>): ApiRequest;
  /** A new open quote's id. */
  quote(): Promise<string>;
  /** A new delivery, booked direct; its id. */
  book(): Promise<string>;
  /** A new delivery, booked and assigned to the courier; its id. */
  assigned(): Promise<string>;
}

/** A YYYY-MM-DD a few days ahead (slots cannot be set in the past). */
function futureDate(daysAhead: number): string {
  return new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
}

/** A tenant made through the API (admin key), with a tenant key of its own. */
async function createTenant(api: BenchApi, name: string, billingEmail: string): Promise<{ tenantId: string; tenantKey: string }> {
  const admin = (request: Omit<ApiRequest, 'key'>): ApiRequest => ({ ...request, key: api.adminKey });
  const tenant = (
    await api.expect(
      admin({
        method: 'POST',
        path: '/v1/tenants',
        body: {
          name,
          kind: 'shop',
          billingEmail,
          address: { line1: '12 rue de la République', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872 },
        },
      }),
      201,
    )
  ).json;
  const tenantKey: string = (await api.expect(admin({ method: 'POST', path: `/v1/tenants/${tenant.id}/api-keys`, body: { role: 'tenant' } }), 201)).json.key;
  return { tenantId: tenant.id as string, tenantKey };
}

/** The fixtures of one tenant, with the courier and the slot given. */
function fixturesFor(api: BenchApi, parts: { tenantId: string; tenantKey: string; courierId: string; courierKey: string; slotId: string }): Fixtures {
  const admin = (request: Omit<ApiRequest, 'key'>): ApiRequest => ({ ...request, key: api.adminKey });
  const asTenant = (request: Omit<ApiRequest, 'key'>): ApiRequest => ({ ...request, key: parts.tenantKey });
  const asCourier = (request: Omit<ApiRequest, 'key'>): ApiRequest => ({ ...request, key: parts.courierKey });
  const book = async () => (await api.expect(asTenant({ method: 'POST', path: '/v1/deliveries', body: quoteBody() }), 201)).json.id as string;

  return {
    ...parts,
    asAdmin: admin,
    asTenant,
    asCourier,
    quote: async () => (await api.expect(asTenant({ method: 'POST', path: '/v1/quotes', body: quoteBody() }), 201)).json.id as string,
    book,
    async assigned() {
      const id = await book();
      await api.expect(admin({ method: 'POST', path: `/v1/hub/deliveries/${id}/assign`, body: { courierId: parts.courierId } }), 200);
      return id;
    },
  };
}

/** One tenant with a key, one courier, and a pickup slot with room for every booking of the run: made through the API. */
export async function setUpFixtures(api: BenchApi): Promise<Fixtures> {
  const admin = (request: Omit<ApiRequest, 'key'>): ApiRequest => ({ ...request, key: api.adminKey });
  const { tenantId, tenantKey } = await createTenant(api, 'Le Panier Stéphanois', 'compta@panier.example');
  const courier = (await api.expect(admin({ method: 'POST', path: '/v1/couriers', body: { name: 'Alex' } }), 201)).json;
  const date = futureDate(3);
  const day = (await api.expect(admin({ method: 'PUT', path: `/v1/hub/slots/${date}`, body: { slots: [{ start: '09:00', end: '12:00', capacity: SLOT_CAPACITY }] } }), 200)).json;
  const slotId: string = day.data[0].id;
  return fixturesFor(api, { tenantId, tenantKey, courierId: courier.id, courierKey: courier.apiKey, slotId });
}

/** Another tenant, sharing the courier and the slot of `base`: for a section that must not change the first tenant's set-up. */
export async function anotherTenant(api: BenchApi, base: Fixtures, name: string): Promise<Fixtures> {
  const { tenantId, tenantKey } = await createTenant(api, name, 'compta@autre.example');
  return fixturesFor(api, { tenantId, tenantKey, courierId: base.courierId, courierKey: base.courierKey, slotId: base.slotId });
}
