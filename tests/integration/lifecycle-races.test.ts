import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

const book = async () => (await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() })).json.id as string;

describe('concurrent changes of one delivery', () => {
  it('never answer a parameter error the caller did not make: parallel assigns all succeed', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 15; round += 1) {
      const id = await book();
      const couriers = [actors.courier.id, actors.otherCourier.id, actors.courier.id, actors.otherCourier.id];
      const answers = await Promise.all(couriers.map((courierId) => api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId } })));
      for (const answer of answers) {
        if (answer.status !== 200) throw new Error(`assign answered ${answer.status} ${answer.text}`);
        statuses.push(answer.status);
      }
      // The timeline stays in order, whatever the interleaving.
      const final = (await api.call('GET', `/v1/deliveries/${id}`, { key: actors.tenantKey })).json;
      const times = (final.timeline as Array<{ at: string }>).map((entry) => Date.parse(entry.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(statuses).toHaveLength(60);
  });

  it('a cancellation racing assignments ends cancelled or assigned, with only 200 or 409 invalid_transition', async () => {
    for (let round = 0; round < 10; round += 1) {
      const id = await book();
      const answers = await Promise.all([
        api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: actors.courier.id } }),
        api.call('POST', `/v1/deliveries/${id}/cancel`, { key: actors.tenantKey, body: {} }),
        api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: actors.otherCourier.id } }),
      ]);
      for (const answer of answers) {
        const ok = answer.status === 200 || (answer.status === 409 && answer.json.error.code === 'invalid_transition');
        if (!ok) throw new Error(`answered ${answer.status} ${answer.text}`);
      }
      const final = (await api.call('GET', `/v1/deliveries/${id}`, { key: actors.tenantKey })).json;
      expect(['cancelled', 'assigned']).toContain(final.status);
    }
  });
});
