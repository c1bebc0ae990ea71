import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Issue 16 through real HTTP into DynamoDB Local: couriers with vehicles and shifts, rounds kept
 * in order and within the vehicle's capacity, the courier's steps (arrived, picked up, delivered,
 * failed, returned) with their own times, a failed delivery rescheduled, and the board.
 */
let api: TestApi;
let actors: Actors;
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const today = parisToday();

const book = async (extra: Record<string, unknown> = {}) => {
  const response = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { ...quoteBody(), ...extra } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; status: string; tracking: { token: string } };
};
const step = (id: string, body: Record<string, unknown>, key: string) => api.call('POST', `/v1/courier/deliveries/${id}/events`, { key, body });

let bike: { id: string; apiKey: string };
let trailer: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  bike = (await api.call('POST', '/v1/couriers', { body: { name: 'Léa', email: 'lea@coop.example', vehicle: { type: 'cargo_bike', capacityKg: 20 } } })).json;
  trailer = (await api.call('POST', '/v1/couriers', { body: { name: 'Malik', vehicle: { type: 'bike_trailer' } } })).json;
});
afterAll(() => api?.stop());

describe('couriers and shifts', () => {
  it('registers a courier as a person with a vehicle, its capacity from the type when not given', async () => {
    const read = await api.call('GET', `/v1/couriers/${trailer.id}`);
    expect(read.json.vehicle).toEqual({ type: 'bike_trailer', capacityKg: 60, capacityLitres: 200 });
    const lea = await api.call('GET', `/v1/couriers/${bike.id}`);
    expect(lea.json).toMatchObject({ email: 'lea@coop.example', vehicle: { type: 'cargo_bike', capacityKg: 20, capacityLitres: 300 } });
    expect(lea.json.userId).toMatch(/^usr_/);
    const users = await api.call('GET', '/v1/hub/users');
    expect(users.json.data.find((user: { email: string }) => user.email === 'lea@coop.example')).toMatchObject({ role: 'courier', courierId: bike.id });
    const patched = await api.call('PATCH', `/v1/couriers/${trailer.id}`, { body: { vehicle: { type: 'e_cargo_bike', capacityLitres: 350 } } });
    expect(patched.json.vehicle).toEqual({ type: 'e_cargo_bike', capacityKg: 150, capacityLitres: 350 });
  });

  it('sets shifts in Paris time, refuses overlaps and breaks outside the shift, and lists couriers with their state', async () => {
    const put = await api.call('PUT', `/v1/hub/couriers/${bike.id}/shifts/${today}`, { body: { start: '00:00', end: '23:59', breaks: [{ start: '12:00', end: '12:30' }] } });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ object: 'shift', courierId: bike.id, date: today, start: '00:00', end: '23:59' });
    expect(put.json.startPlace).toMatchObject({ label: expect.any(String), lat: expect.any(Number) });
    await api.call('PUT', `/v1/hub/couriers/${trailer.id}/shifts/${today}`, { body: { start: '00:00', end: '23:59' } });

    // The day after, a night shift that starts before today's ends is an overlap, the other way too.
    const tomorrow = plusDays(today, 1);
    const night = await api.call('PUT', `/v1/hub/couriers/${bike.id}/shifts/${plusDays(today, -1)}`, { body: { start: '22:00', end: '06:00' } });
    expectError(night, 409, 'shift_overlap');
    expect((await api.call('PUT', `/v1/hub/couriers/${bike.id}/shifts/${tomorrow}`, { body: { start: '08:00', end: '12:00', breaks: [{ start: '13:00', end: '13:30' }] } })).json.error.code).toBe('parameter_invalid');
    expectError(await api.call('PUT', `/v1/hub/couriers/${bike.id}/shifts/${tomorrow}`, { body: { start: '8h', end: '12:00' } }), 400, 'parameter_invalid');

    const list = await api.call('GET', '/v1/couriers?limit=100');
    const lea = list.json.data.find((courier: { id: string }) => courier.id === bike.id);
    expect(lea).toMatchObject({ date: today, shift: { start: '00:00' }, stops: { total: 0, done: 0 } });
    expect(['on_shift', 'on_break']).toContain(lea.state);
    const sam = list.json.data.find((courier: { id: string }) => courier.id === actors.courier.id);
    expect(sam).toMatchObject({ state: 'off', shift: null });
  });
});

describe('rounds', () => {
  it('assigns into the round in order, refuses a round over the bike’s capacity, and reorders and moves stops', async () => {
    const light = await book({ reference: 'R-1', parcels: [{ weightKg: 6 }] });
    const second = await book({ reference: 'R-2', parcels: [{ weightKg: 8 }] });
    const heavy = await book({ reference: 'R-3', parcels: [{ weightKg: 15 }] });
    expect((await api.call('POST', `/v1/hub/deliveries/${light.id}/assign`, { body: { courierId: bike.id } })).status).toBe(200);
    expect((await api.call('POST', `/v1/hub/deliveries/${second.id}/assign`, { body: { courierId: bike.id } })).status).toBe(200);
    let round = (await api.call('GET', `/v1/hub/couriers/${bike.id}/rounds/${today}`)).json;
    expect(round.stops.map((stop: { deliveryId: string; type: string }) => `${stop.deliveryId}:${stop.type}`)).toEqual([`${light.id}:pickup`, `${light.id}:dropoff`, `${second.id}:pickup`, `${second.id}:dropoff`]);

    // Both picked up first: 14 kg on a 20 kg bike. The heavy one on top would be 29 kg.
    const both = [
      { deliveryId: light.id, type: 'pickup' },
      { deliveryId: second.id, type: 'pickup' },
      { deliveryId: light.id, type: 'dropoff' },
      { deliveryId: second.id, type: 'dropoff' },
    ];
    const put = await api.call('PUT', `/v1/hub/couriers/${bike.id}/rounds/${today}`, { body: { stops: both, version: round.version } });
    expect(put.status).toBe(200);
    expect(put.json.maxLoad.kg).toBe(14);
    const over = await api.call('POST', `/v1/hub/deliveries/${heavy.id}/assign`, { body: { courierId: bike.id, position: 1 } });
    expectError(over, 409, 'over_capacity');
    expect(over.json.error.message).toMatch(/20 kg/);
    expect((await api.call('GET', `/v1/deliveries/${heavy.id}`)).json.status).toBe('booked');

    // A stale version, a drop-off before its pickup, a missing stop: refused in words.
    expectError(await api.call('PUT', `/v1/hub/couriers/${bike.id}/rounds/${today}`, { body: { stops: both, version: round.version } }), 409, 'version_conflict');
    expectError(await api.call('PUT', `/v1/hub/couriers/${bike.id}/rounds/${today}`, { body: { stops: [both[2], both[0], both[1], both[3]] } }), 400, 'parameter_invalid');
    expectError(await api.call('PUT', `/v1/hub/couriers/${bike.id}/rounds/${today}`, { body: { stops: both.slice(0, 3) } }), 400, 'parameter_invalid');

    // Move the second delivery to the trailer's round: its round is set with it, Léa's without it.
    const moved = await api.call('PUT', `/v1/hub/couriers/${trailer.id}/rounds/${today}`, { body: { stops: [{ deliveryId: second.id, type: 'pickup' }, { deliveryId: second.id, type: 'dropoff' }] } });
    expect(moved.status).toBe(200);
    expect((await api.call('GET', `/v1/deliveries/${second.id}`)).json.courierId).toBe(trailer.id);
    round = (await api.call('GET', `/v1/hub/couriers/${bike.id}/rounds/${today}`)).json;
    expect(round.stops.map((stop: { deliveryId: string }) => stop.deliveryId)).toEqual([light.id, light.id]);

    // Unassign: back in the queue of the board.
    expect((await api.call('POST', `/v1/hub/deliveries/${second.id}/unassign`)).json).toMatchObject({ status: 'booked', courierId: null });
    const board = (await api.call('GET', `/v1/hub/board?date=${today}`)).json;
    expect(board.unassigned.map((delivery: { id: string }) => delivery.id)).toEqual(expect.arrayContaining([second.id, heavy.id]));
    const lea = board.couriers.find((courier: { id: string }) => courier.id === bike.id);
    expect(lea.round.stops).toHaveLength(2);
    expect(board.map).toEqual({ tileUrl: null, attribution: null });
  });

  it("gives the courier its round, takes steps in order with their own time, and refuses a step for a delivery taken away", async () => {
    const mine = await book({ reference: 'C-1', parcels: [{ weightKg: 3 }], dropoff: { address: places.jeanJaures, contact: { name: 'Inès' }, instructions: 'Code 1234' } });
    const taken = await book({ reference: 'C-2', parcels: [{ weightKg: 2 }] });
    await api.call('POST', `/v1/hub/deliveries/${mine.id}/assign`, { body: { courierId: trailer.id } });
    await api.call('POST', `/v1/hub/deliveries/${taken.id}/assign`, { body: { courierId: trailer.id } });
    const day = await api.call('GET', '/v1/courier/round', { key: trailer.apiKey });
    expect(day.status).toBe(200);
    const stop = day.json.round.stops.find((entry: { deliveryId: string; type: string }) => entry.deliveryId === mine.id && entry.type === 'dropoff');
    expect(stop).toMatchObject({ contact: { name: 'Inès' }, instructions: 'Code 1234', weightKg: 3, status: 'pending' });
    expect(day.json.positionReporting).toEqual({ active: true, intervalSeconds: 60 });

    // Steps a few seconds apart, after the assignment (a step is never before the delivery's last event).
    const base = Date.now();
    const at = (tick: number) => new Date(base + tick * 3_000).toISOString();
    expectError(await step(mine.id, { type: 'arrived', stop: 'dropoff', at: at(0) }, trailer.apiKey), 409, 'invalid_transition');
    expect((await step(mine.id, { type: 'arrived', stop: 'pickup', at: at(1) }, trailer.apiKey)).status).toBe(200);
    expect((await step(mine.id, { type: 'picked_up', at: at(2) }, trailer.apiKey)).json.status).toBe('picked_up');
    const onBike = (await api.call('GET', '/v1/courier/round', { key: trailer.apiKey })).json.onBike;
    expect(onBike).toEqual([expect.objectContaining({ deliveryId: mine.id, weightKg: 3 })]);
    expect((await step(mine.id, { type: 'arrived', stop: 'dropoff', at: at(9) }, trailer.apiKey)).status).toBe(200);
    const delivered = await step(mine.id, { type: 'delivered', at: at(10), proof: { recipientName: 'Inès' } }, trailer.apiKey);
    expect(delivered.json.status).toBe('delivered');
    expect(delivered.json.timeline.map((entry: { status: string; step?: string; at: string }) => [entry.status, entry.step ?? null, entry.at])).toEqual([
      ['booked', null, expect.any(String)],
      ['assigned', null, expect.any(String)],
      ['assigned', 'arrived', at(1)],
      ['picked_up', null, at(2)],
      ['picked_up', 'arrived', at(9)],
      ['delivered', null, at(10)],
    ]);
    // The same step again (a phone retrying) changes nothing.
    expect((await step(mine.id, { type: 'delivered', at: at(10), proof: { recipientName: 'Inès' } }, trailer.apiKey)).json.version).toBe(delivered.json.version);

    // The hub gives the other delivery to Léa while Malik's phone was offline: his step is refused.
    await api.call('POST', `/v1/hub/deliveries/${taken.id}/assign`, { body: { courierId: bike.id } });
    expectError(await step(taken.id, { type: 'picked_up', at: at(11) }, trailer.apiKey), 409, 'not_on_round');
  });

  it("moves each recipient's ETA on the tracking page when the hub changes the round", async () => {
    const far = await book({ reference: 'E-1', parcels: [{ weightKg: 1 }], dropoff: { address: places.saintChamond, contact: { name: 'Yann' } } });
    const near = await book({ reference: 'E-2', parcels: [{ weightKg: 1 }], dropoff: { address: places.jeanJaures, contact: { name: 'Zoé' } } });
    const date = today;
    const courier = (await api.call('POST', '/v1/couriers', { body: { name: 'Noé' } })).json;
    await api.call('PUT', `/v1/hub/couriers/${courier.id}/shifts/${date}`, { body: { start: '00:00', end: '23:59' } });
    await api.call('POST', `/v1/hub/deliveries/${far.id}/assign`, { body: { courierId: courier.id } });
    await api.call('POST', `/v1/hub/deliveries/${near.id}/assign`, { body: { courierId: courier.id } });
    const eta = async (token: string) => (await api.call('GET', `/v1/track/${token}`, { key: null })).json.eta;
    const before = await eta(near.tracking.token);
    expect(before.basis).toBe('round');
    const nearFirst = [
      { deliveryId: near.id, type: 'pickup' },
      { deliveryId: near.id, type: 'dropoff' },
      { deliveryId: far.id, type: 'pickup' },
      { deliveryId: far.id, type: 'dropoff' },
    ];
    expect((await api.call('PUT', `/v1/hub/couriers/${courier.id}/rounds/${date}`, { body: { stops: nearFirst } })).status).toBe(200);
    const after = await eta(near.tracking.token);
    expect(Date.parse(after.earliest)).toBeLessThan(Date.parse(before.earliest));
    expect(Date.parse((await eta(far.tracking.token)).earliest)).toBeGreaterThan(Date.parse(after.earliest));
  });

  it('takes positions during a shift only, and keeps only the last', async () => {
    const kept = await api.call('POST', '/v1/courier/position', { key: trailer.apiKey, body: { lat: 45.44, lng: 4.39 } });
    expect(kept.json).toMatchObject({ object: 'position', lat: 45.44, kept: true });
    const older = await api.call('POST', '/v1/courier/position', { key: trailer.apiKey, body: { lat: 45.45, lng: 4.4, at: new Date(Date.now() - 60_000).toISOString() } });
    expect(older.json.kept).toBe(false);
    expectError(await api.call('POST', '/v1/courier/position', { key: actors.courier.key, body: { lat: 45.44, lng: 4.39 } }), 409, 'off_shift');
    const list = await api.call('GET', '/v1/couriers?limit=100');
    expect(list.json.data.find((courier: { id: string }) => courier.id === trailer.id).lastPosition).toMatchObject({ lat: 45.44, lng: 4.39 });
  });
});

describe('a failed delivery is not the end', () => {
  it('fails with a reason, comes back to the hub, is rescheduled for another day with its history, and can go back to the sender', async () => {
    // The tenant's rate card charges 4 € for a failed attempt.
    const card = (await api.call('GET', `/v1/tenants/${actors.tenantId}/rate-card`)).json;
    const { object: _object, source: _source, tenantId: _tenant, ...rates } = card;
    expect((await api.call('PUT', `/v1/tenants/${actors.tenantId}/rate-card`, { body: { ...rates, failedAttemptFeeCents: 400 } })).status).toBe(200);
    const parcel = await book({ reference: 'F-1', parcels: [{ weightKg: 2 }] });
    await api.call('POST', `/v1/hub/deliveries/${parcel.id}/assign`, { body: { courierId: bike.id } });
    await step(parcel.id, { type: 'picked_up' }, bike.apiKey);
    const failed = await step(parcel.id, { type: 'failed', reasonCode: 'absent', reason: 'Personne, avis laissé' }, bike.apiKey);
    expect(failed.json).toMatchObject({ status: 'failed', failure: { code: 'absent', note: 'Personne, avis laissé', attempt: 1, fee: { net: 400, vat: 80, gross: 480 } } });
    // Still on the bike: rescheduling waits for the parcel to be back at the hub.
    expectError(await api.call('POST', `/v1/deliveries/${parcel.id}/reschedule`, { key: actors.tenantKey, body: { date: plusDays(today, 1) } }), 409, 'invalid_transition');
    expect((await step(parcel.id, { type: 'returned' }, bike.apiKey)).json.status).toBe('returned');
    expectError(await api.call('POST', `/v1/deliveries/${parcel.id}/reschedule`, { key: actors.tenantKey, body: { date: plusDays(today, -1) } }), 400, 'parameter_invalid');
    expectError(await api.call('POST', `/v1/deliveries/${parcel.id}/reschedule`, { key: actors.otherTenantKey, body: { date: plusDays(today, 1) } }), 404, 'resource_missing');
    const again = await api.call('POST', `/v1/deliveries/${parcel.id}/reschedule`, { key: actors.tenantKey, body: { date: plusDays(today, 1) } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: parcel.id, status: 'booked', attempt: 2, courierId: null, serviceDate: plusDays(today, 1) });
    expect(again.json.pickup.contact.name).toBeTruthy();
    expect(again.json.timeline.map((entry: { status: string }) => entry.status)).toEqual(['booked', 'assigned', 'picked_up', 'failed', 'returned', 'booked']);
    expect(again.json.timeline.at(-1)).toMatchObject({ step: 'rescheduled', attempt: 2 });
    const tracking = await api.call('GET', `/v1/track/${parcel.tracking.token}`, { key: null });
    expect(tracking.status, tracking.text).toBe(200);
    expect(JSON.stringify(tracking.json)).not.toMatch(/proof|photo/i);
    expect(tracking.json).toMatchObject({ status: 'booked', attempt: 2 });
    expect(tracking.json.events.at(-1)).toMatchObject({ status: 'booked', step: 'rescheduled' });
    const page = await api.call('GET', `/track/${parcel.tracking.token}`, { key: null, headers: { 'accept-language': 'fr' } });
    expect(page.text).toContain('Nouvelle tentative programmée');
    expect(page.text).toContain('Colis revenu au hub');
    // The recipient is told the new day by e-mail (quoteBody's drop-off contact has an address).
    await api.runtime.settle();
    const mails = (await api.call('GET', `/v1/hub/notifications?tenantId=${actors.tenantId}&limit=100`)).json.data.filter((mail: { deliveryId?: string; eventType: string }) => mail.deliveryId === parcel.id && mail.eventType === 'delivery.rescheduled');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/Nouvelle tentative/);

    // The second attempt fails too, before pickup this time: it can go back to the sender once returned.
    const tomorrow = plusDays(today, 1);
    await api.call('PUT', `/v1/hub/couriers/${bike.id}/shifts/${tomorrow}`, { body: { start: '00:00', end: '23:00' } });
    await api.call('POST', `/v1/hub/deliveries/${parcel.id}/assign`, { body: { courierId: bike.id } });
    await step(parcel.id, { type: 'picked_up' }, bike.apiKey);
    await step(parcel.id, { type: 'failed', reasonCode: 'refused' }, bike.apiKey);
    expect((await api.call('POST', `/v1/hub/deliveries/${parcel.id}/return`)).json.status).toBe('returned');
    const back = await api.call('POST', `/v1/deliveries/${parcel.id}/return-to-sender`, { key: actors.tenantKey, body: { date: tomorrow } });
    expect(back.json).toMatchObject({ status: 'booked', attempt: 3, returnToSender: true });
    expect(back.json.dropoff.address.line1).toBe(quoteBody().pickup.address.line1);
    await api.call('POST', `/v1/hub/deliveries/${parcel.id}/assign`, { body: { courierId: bike.id } });
    await step(parcel.id, { type: 'picked_up' }, bike.apiKey);
    expect((await step(parcel.id, { type: 'delivered', proof: { recipientName: 'Épicerie' } }, bike.apiKey)).json.status).toBe('returned_to_sender');
  });
});
