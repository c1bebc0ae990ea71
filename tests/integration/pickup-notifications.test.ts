import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/** A ressourcerie's pickup serves the donor: the donor gets the tracking link, not the workshop. */
let api: TestApi;
let actors: Actors;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

describe('e-mails for a pickup', () => {
  it('go to the donor at the pickup address', async () => {
    const body = {
      ...quoteBody(),
      kind: 'pickup',
      pickup: { address: places.firminy, contact: { name: 'Donatrice', email: 'donor@example.org' } },
      dropoff: { address: places.hotelDeVille, contact: { name: 'Atelier de la ressourcerie', email: 'atelier@example.org' } },
    };
    const delivery = (await api.call('POST', '/v1/deliveries', { key: actors.otherTenantKey, body })).json;
    await api.runtime.settle();
    const mails = (await api.call('GET', `/v1/hub/notifications?tenantId=${actors.otherTenantId}&limit=100`)).json.data.filter(
      (mail: { deliveryId: string }) => mail.deliveryId === delivery.id,
    );
    expect(mails.map((mail: { to: string }) => mail.to)).toEqual(['donor@example.org']);
    expect(mails[0].text).toContain(delivery.tracking.url);
  });
});
