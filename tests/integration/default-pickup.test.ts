import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, sampleTenant, startTestApi, type ApiResponse, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/** A tenant's default pickup: what applies when a quote or booking leaves its own place out. */
let api: TestApi;
let actors: Actors;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

/** A tenant of its own for each scenario, so none depends on what another saved. */
async function newTenant(overrides: Record<string, unknown> = {}) {
  const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant(overrides) })).json;
  const key = (await api.call('POST', `/v1/tenants/${tenant.id}/api-keys`, { body: {} })).json.key as string;
  return { id: tenant.id as string, key, name: tenant.name as string, address: tenant.address };
}

const withoutPickup = () => {
  const { pickup: _left, ...body } = quoteBody();
  return body;
};

const workshop = {
  address: places.jeanJaures,
  contact: { name: 'Atelier du Panier', phone: '+33 4 77 11 22 33' },
  instructions: 'Porte bleue au fond de la cour, sonner à « Atelier ».',
};

/** The error, with what differs between two ids taken out: the answer must not tell them apart. */
const comparable = (response: ApiResponse) => ({ ...response.json.error, requestId: undefined, message: response.json.error.message.replace(/'.*'/, "'…'") });

describe("a tenant's default pickup", () => {
  it('is its registered address, with its name as the contact, until it saves one: quotes and bookings may leave pickup out', async () => {
    const tenant = await newTenant({ name: 'La Fromagerie' });
    expect((await api.call('GET', `/v1/tenants/${tenant.id}`, { key: tenant.key })).json.defaultPickup).toBeNull();
    expect((await api.call('GET', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key })).json).toEqual({
      object: 'default_pickup',
      tenantId: tenant.id,
      source: 'tenant_address',
      address: tenant.address,
      contact: { name: 'La Fromagerie' },
      instructions: null,
      updatedAt: null,
    });

    const quote = await api.call('POST', '/v1/quotes', { key: tenant.key, body: withoutPickup() });
    expect(quote.status).toBe(201);
    expect(quote.json.pickup).toEqual({ address: tenant.address, contact: { name: 'La Fromagerie' } });
    const booked = await api.call('POST', '/v1/deliveries', { key: tenant.key, body: withoutPickup() });
    expect(booked.status).toBe(201);
    expect(booked.json.pickup).toEqual({ address: tenant.address, contact: { name: 'La Fromagerie' } });
  });

  it('once saved, is located, shown on the tenant, and used by quotes and bookings that leave pickup out (never over a pickup given)', async () => {
    const tenant = await newTenant();
    const saved = await api.call('PUT', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key, body: workshop });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({
      object: 'default_pickup',
      tenantId: tenant.id,
      source: 'saved',
      address: { ...places.jeanJaures, country: 'FR' },
      contact: workshop.contact,
      instructions: workshop.instructions,
      updatedAt: expect.any(String),
    });
    expect((await api.call('GET', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key })).json).toEqual(saved.json);
    expect((await api.call('GET', `/v1/tenants/${tenant.id}`, { key: tenant.key })).json.defaultPickup).toEqual({
      address: { ...places.jeanJaures, country: 'FR' },
      contact: workshop.contact,
      instructions: workshop.instructions,
      updatedAt: saved.json.updatedAt,
    });

    const expected = { address: { ...places.jeanJaures, country: 'FR' }, contact: workshop.contact, instructions: workshop.instructions };
    expect((await api.call('POST', '/v1/quotes', { key: tenant.key, body: withoutPickup() })).json.pickup).toEqual(expected);
    const booked = await api.call('POST', '/v1/deliveries', { key: tenant.key, body: { ...withoutPickup(), reference: 'SANS-DEPART' } });
    expect(booked.status).toBe(201);
    expect(booked.json.pickup).toEqual(expected);
    // A pickup given is the pickup.
    expect((await api.call('POST', '/v1/quotes', { key: tenant.key, body: quoteBody() })).json.pickup.address.line1).toBe(places.hotelDeVille.line1);

    // Saved without a contact: the tenant's name is whom the courier asks for.
    const bare = await api.call('PUT', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key, body: { address: places.saintChamond } });
    expect(bare.json).toMatchObject({ source: 'saved', contact: { name: tenant.name }, instructions: null });
    expect((await api.call('POST', '/v1/quotes', { key: tenant.key, body: withoutPickup() })).json.pickup).toEqual({ address: { ...places.saintChamond, country: 'FR' }, contact: { name: tenant.name } });
  });

  it('fills the drop-off of a pickup (kind "pickup"): the pickup is the donor\'s home, the items go to the ressourcerie', async () => {
    const ressourcerie = await newTenant({ name: 'La Ressourcerie du Furan', kind: 'ressourcerie' });
    await api.call('PUT', `/v1/tenants/${ressourcerie.id}/default-pickup`, { key: ressourcerie.key, body: workshop });
    const donor = { address: places.firminy, contact: { name: 'Dominique, donatrice', phone: '+33 6 98 76 54 32' } };
    const parcels = [{ weightKg: 12, description: 'Vaisselle' }];

    const collected = await api.call('POST', '/v1/deliveries', { key: ressourcerie.key, body: { kind: 'pickup', pickup: donor, parcels, reference: 'DON-42' } });
    expect(collected.status).toBe(201);
    expect(collected.json).toMatchObject({ kind: 'pickup', pickup: { address: { line1: places.firminy.line1 }, contact: donor.contact } });
    expect(collected.json.dropoff).toEqual({ address: { ...places.jeanJaures, country: 'FR' }, contact: workshop.contact, instructions: workshop.instructions });

    const noDonor = expectError(await api.call('POST', '/v1/deliveries', { key: ressourcerie.key, body: { kind: 'pickup', parcels } }), 400, 'parameter_missing');
    expect(noDonor.param).toBe('pickup');
    expect(noDonor.message).toContain("donor's address");
    const noDestination = expectError(await api.call('POST', '/v1/deliveries', { key: ressourcerie.key, body: { pickup: donor, parcels } }), 400, 'parameter_missing');
    expect(noDestination).toMatchObject({ param: 'dropoff', message: 'dropoff is required: where the parcels go.' });
  });

  it("is the tenant's own: another tenant's id answers 404 exactly as an unknown id; the hub reads and sets any tenant's", async () => {
    const unknown = 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7';
    for (const method of ['GET', 'PUT'] as const) {
      const body = method === 'PUT' ? workshop : undefined;
      const other = await api.call(method, `/v1/tenants/${actors.otherTenantId}/default-pickup`, { key: actors.tenantKey, body });
      const missing = await api.call(method, `/v1/tenants/${unknown}/default-pickup`, { key: actors.tenantKey, body });
      expectError(other, 404, 'resource_missing');
      expectError(missing, 404, 'resource_missing');
      expect(comparable(other)).toEqual(comparable(missing));
      expectError(await api.call(method, `/v1/tenants/${unknown}/default-pickup`, { body }), 404, 'resource_missing');
      expectError(await api.call(method, `/v1/tenants/${actors.tenantId}/default-pickup`, { key: actors.courier.key, body }), 403, 'forbidden');
    }
    const byHub = await api.call('PUT', `/v1/tenants/${actors.otherTenantId}/default-pickup`, { body: workshop });
    expect(byHub.json).toMatchObject({ tenantId: actors.otherTenantId, source: 'saved' });
    expect((await api.call('GET', `/v1/tenants/${actors.otherTenantId}/default-pickup`, { key: actors.otherTenantKey })).json).toEqual(byHub.json);
  });

  it('refuses bad input with a 4xx naming the field, in plain words', async () => {
    const tenant = await newTenant();
    const put = (body: unknown) => api.call('PUT', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key, body });
    expect(expectError(await put({ contact: workshop.contact }), 400, 'parameter_missing').param).toBe('address');
    expect(expectError(await put({ ...workshop, contact: { name: 'X', phone: 'call me' } }), 400, 'parameter_invalid').param).toBe('contact.phone');
    expect(expectError(await put({ ...workshop, floor: 2 }), 400, 'unknown_parameter').param).toBe('floor');
    expect(expectError(await put({ ...workshop, instructions: 'x'.repeat(501) }), 400, 'parameter_invalid').param).toBe('instructions');
    expect(expectError(await put({ address: places.lyon }), 422, 'outside_service_area').param).toBe('address');
    // No geocoder here: an address without coordinates cannot be saved, and the answer says what to do.
    const { line1, postcode, city } = places.jeanJaures;
    const unlocated = expectError(await put({ address: { line1, postcode, city } }), 422, 'address_not_geocoded');
    expect(unlocated.param).toBe('address');
    expect(unlocated.message).toContain('GEOCODER=ban npm start');
    expect((await api.call('GET', `/v1/tenants/${tenant.id}`, { key: tenant.key })).json.defaultPickup).toBeNull();
  });

  it('says what to do when no default is saved and the registered address cannot be located', async () => {
    const { line1, postcode, city } = places.hotelDeVille;
    const tenant = await newTenant({ address: { line1, postcode, city } });
    const error = expectError(await api.call('POST', '/v1/quotes', { key: tenant.key, body: withoutPickup() }), 422, 'address_not_geocoded');
    expect(error.param).toBe('pickup');
    expect(error.message).toContain(`PUT /v1/tenants/${tenant.id}/default-pickup`);
  });

  it('leaves an integration its own pickup', async () => {
    const tenant = await newTenant();
    expect((await api.call('PUT', `/v1/tenants/${tenant.id}/default-pickup`, { key: tenant.key, body: workshop })).status).toBe(200);
    const integration = (await api.call('POST', '/v1/integrations', { key: tenant.key, body: { provider: 'generic', pickup: { address: places.hotelDeVille, contact: { name: 'Boutique' } } } })).json;
    const body = JSON.stringify({ orderId: 'W-1', dropoff: { address: places.firminy, contact: { name: 'Camille' } }, parcels: [{ weightKg: 2 }] });
    const sentAt = new Date();
    const posted = await api.call('POST', `/v1/inbound/${integration.id}`, {
      key: null,
      rawBody: body,
      headers: { 'content-type': 'application/json', 'webhook-id': 'evt_w1', 'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)), 'webhook-signature': new Webhook(integration.secret).sign('evt_w1', sentAt, body) },
    });
    expect(posted.json.deliveryId).toMatch(/^dlv_/);
    const delivery = (await api.call('GET', `/v1/deliveries/${posted.json.deliveryId}`, { key: tenant.key })).json;
    expect(delivery.pickup).toEqual({ address: { ...places.hotelDeVille, country: 'FR' }, contact: { name: 'Boutique' } });
  });

  it('is in the OpenAPI document: the new routes, and pickup optional where the default applies, saying what applies', async () => {
    const document = (await api.call('GET', '/v1/openapi.json', { key: null })).json;
    expect(Object.keys(document.paths['/v1/tenants/{id}/default-pickup']).sort()).toEqual(['get', 'put']);
    const { QuoteRequest, BookDirect, Tenant } = document.components.schemas;
    expect(QuoteRequest.required).toEqual(expect.arrayContaining(['dropoff', 'parcels']));
    expect(QuoteRequest.required).not.toContain('pickup');
    expect(QuoteRequest.properties.pickup.description).toContain('default pickup');
    expect(BookDirect.required ?? []).not.toContain('pickup');
    expect(BookDirect.required ?? []).not.toContain('dropoff');
    expect(BookDirect.properties.dropoff.description).toContain('kind: "pickup"');
    expect(Tenant.required).toContain('defaultPickup');
  });
});
