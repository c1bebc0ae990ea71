import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Issue 17 through real HTTP into DynamoDB Local: a day planned off the request path (202, then
 * ready through the local bus), applied at once (rounds, ETAs), refused when it is outdated, and
 * a new proposal after a booking of the day that keeps the rounds as they are.
 */
let api: TestApi;
let actors: Actors;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
let cargo: { id: string };
let small: { id: string };

const stops = [places.hotelDeVille, places.jeanJaures, places.firminy, places.saintChamond];
const book = async (index: number, weightKg: number) => {
  const response = await api.call('POST', '/v1/deliveries', {
    key: actors.tenantKey,
    body: quoteBody({ reference: `P-${index}`, parcels: [{ weightKg }], dropoff: { address: stops[index % stops.length], contact: { name: `Client ${index}` } } }),
  });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; tracking: { token: string } };
};

async function ready(planId: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await api.runtime.settle();
    const plan = (await api.call('GET', `/v1/hub/plans/${planId}`)).json;
    if (plan.status !== 'pending') return plan;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the plan stayed pending');
}

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  cargo = (await api.call('POST', '/v1/couriers', { body: { name: 'Camille', vehicle: { type: 'cargo_bike', capacityKg: 40 } } })).json;
  small = (await api.call('POST', '/v1/couriers', { body: { name: 'Jules', vehicle: { type: 'bike' } } })).json;
  for (const courier of [cargo, small]) await api.call('PUT', `/v1/hub/couriers/${courier.id}/shifts/${today}`, { body: { start: '00:00', end: '23:59' } });
});
afterAll(() => api?.stop());

describe('planning a day', () => {
  it('answers 202 at once, plans off the request path, and says why a delivery is left out', async () => {
    const booked = [];
    for (let index = 0; index < 6; index += 1) booked.push(await book(index, 3 + index));
    const heavy = await book(9, 120);
    const asked = await api.call('POST', '/v1/hub/plans', { body: { date: today, couriers: [cargo.id, small.id], timeLimitSeconds: 1 } });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ object: 'plan', status: 'pending', date: today, trigger: 'request' });
    const plan = await ready(asked.json.id);
    expect(plan.status, plan.error).toBe('ready');
    expect(plan.unassigned).toEqual([expect.objectContaining({ deliveryId: heavy.id, reason: 'capacity' })]);
    const placed = plan.rounds.flatMap((round: { stops: Array<{ deliveryId: string }> }) => round.stops.map((stop) => stop.deliveryId));
    for (const delivery of booked) expect(placed.filter((id: string) => id === delivery.id)).toHaveLength(2);
    for (const round of plan.rounds) {
      const capacity = round.courierId === cargo.id ? 40 : 15;
      const seen = new Set<string>();
      let previous = '';
      for (const stop of round.stops) {
        if (stop.type === 'pickup') seen.add(stop.deliveryId);
        else expect(seen.has(stop.deliveryId)).toBe(true);
        expect(stop.loadAfter.kg).toBeLessThanOrEqual(capacity);
        expect(stop.arrival >= previous).toBe(true);
        previous = stop.departure;
      }
    }
    expect(plan.summary).toMatchObject({ deliveries: 7, served: 6 });

    // Applied: every round at once, in the planned order; the recipients' ETAs follow.
    const applied = await api.call('POST', `/v1/hub/plans/${plan.id}/apply`);
    expect(applied.json.status).toBe('applied');
    for (const round of plan.rounds) {
      const current = (await api.call('GET', `/v1/hub/couriers/${round.courierId}/rounds/${today}`)).json;
      expect(current.stops.map((stop: { deliveryId: string; type: string }) => `${stop.deliveryId}:${stop.type}`)).toEqual(round.stops.map((stop: { deliveryId: string; type: string }) => `${stop.deliveryId}:${stop.type}`));
    }
    const tracked = (await api.call('GET', `/v1/track/${booked[0]!.tracking.token}`, { key: null })).json;
    expect(tracked.eta.basis).toBe('round');
    expect((await api.call('POST', `/v1/hub/plans/${plan.id}/apply`)).json.status).toBe('applied');
  });

  it('refuses a plan made before a delivery changed, and proposes a new one after a booking of the day, moving as little as it can', async () => {
    const stale = await ready((await api.call('POST', '/v1/hub/plans', { body: { date: today, couriers: [cargo.id, small.id], timeLimitSeconds: 1 } })).json.id);
    const added = await book(20, 2);
    await api.runtime.settle();
    const list = await api.call('GET', `/v1/hub/plans?date=${today}`);
    const proposal = list.json.data.find((plan: { trigger: string }) => plan.trigger === 'booking');
    expect(proposal).toBeDefined();
    const done = await ready(proposal.id);
    expect(done.status).toBe('ready');
    const placed = done.rounds.flatMap((round: { stops: Array<{ deliveryId: string }> }) => round.stops.map((stop) => stop.deliveryId));
    expect(placed.filter((id: string) => id === added.id)).toHaveLength(2);
    // The stops already on the rounds stay with their courier, in their order: only the new one is placed.
    expect(done.summary.moved).toBe(0);

    // A delivery the stale plan placed changes (the heavy one is cancelled): applying it is refused.
    const heavy = stale.unassigned[0].deliveryId;
    expect((await api.call('POST', `/v1/deliveries/${heavy}/cancel`, { key: actors.tenantKey, body: {} })).status).toBe(200);
    expectError(await api.call('POST', `/v1/hub/plans/${stale.id}/apply`), 409, 'plan_outdated');
  });

  it('refuses bad requests in words', async () => {
    expectError(await api.call('POST', '/v1/hub/plans', { body: { date: today, couriers: [actors.courier.id] } }), 400, 'parameter_invalid');
    expectError(await api.call('POST', '/v1/hub/plans', { body: { date: today, timeLimitSeconds: 600 } }), 400, 'parameter_invalid');
    expectError(await api.call('GET', '/v1/hub/plans/pln_01JDQ6V7M5B8XK2ZQ3W4E5R6T7'), 404, 'resource_missing');
    expectError(await api.call('POST', '/v1/hub/plans', { key: actors.tenantKey, body: { date: today } }), 403, 'forbidden');
  });
});
