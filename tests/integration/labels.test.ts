import { PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Parcel labels through real HTTP into DynamoDB Local: a delivery's labels (A6 and A4), a day's
 * sheet for a tenant and for the hub, a cancelled delivery, another tenant's, and who may print.
 */
let api: TestApi;
let actors: Actors;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

const book = async (key: string, parcels: number, reference: string) => {
  const response = await api.call('POST', '/v1/deliveries', { key, body: { ...quoteBody(), reference, parcels: Array.from({ length: parcels }, (_, index) => ({ weightKg: 1 + index })) } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; serviceDate: string };
};
const pages = async (bytes: Uint8Array) => {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => [page.getWidth(), page.getHeight()]);
};

let three: { id: string; serviceDate: string };
let cancelled: { id: string };

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  three = await book(actors.tenantKey, 3, 'LBL-3');
  cancelled = await book(actors.tenantKey, 2, 'LBL-CANCELLED');
  await book(actors.otherTenantKey, 2, 'OTHER-2');
  const cancel = await api.call('POST', `/v1/deliveries/${cancelled.id}/cancel`, { key: actors.tenantKey, body: {} });
  expect(cancel.status, cancel.text).toBe(200);
});
afterAll(() => api?.stop());

describe("a delivery's labels", () => {
  it('prints one A6 page per parcel, or four labels per A4 sheet', async () => {
    expect(three.serviceDate).toBe(today);
    const a6 = await api.call('GET', `/v1/deliveries/${three.id}/labels`, { key: actors.tenantKey });
    expect(a6.status, a6.text.slice(0, 300)).toBe(200);
    expect(a6.headers.get('content-type')).toBe('application/pdf');
    expect(a6.headers.get('content-disposition')).toContain('.pdf');
    expect(await pages(a6.bytes)).toEqual([
      [297.64, 419.53],
      [297.64, 419.53],
      [297.64, 419.53],
    ]);
    const a4 = await api.call('GET', `/v1/deliveries/${three.id}/labels?format=a4`, { key: actors.tenantKey });
    expect(a4.status).toBe(200);
    expect(await pages(a4.bytes)).toEqual([[595.28, 841.89]]);
    // The hub prints any tenant's.
    expect((await api.call('GET', `/v1/deliveries/${three.id}/labels`)).status).toBe(200);
  });

  it("refuses a cancelled delivery (409), another tenant's (404), a bad format (400), and couriers (403)", async () => {
    const refused = expectError(await api.call('GET', `/v1/deliveries/${cancelled.id}/labels`, { key: actors.tenantKey }), 409, 'delivery_cancelled');
    expect(refused.message).toMatch(/cancelled/);
    expectError(await api.call('GET', `/v1/deliveries/${three.id}/labels`, { key: actors.otherTenantKey }), 404, 'resource_missing');
    expectError(await api.call('GET', '/v1/deliveries/dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7/labels', { key: actors.tenantKey }), 404, 'resource_missing');
    expect(expectError(await api.call('GET', `/v1/deliveries/${three.id}/labels?format=a5`, { key: actors.tenantKey }), 400, 'parameter_invalid').param).toBe('format');
    expectError(await api.call('GET', `/v1/deliveries/${three.id}/labels`, { key: actors.courier.key }), 403, 'forbidden');
    // Accountants never see a recipient's name, not even a first name on a label.
    const bookkeeper = (await api.call('POST', `/v1/tenants/${actors.tenantId}/api-keys`, { body: { role: 'accountant' } })).json.key as string;
    expectError(await api.call('GET', `/v1/deliveries/${three.id}/labels`, { key: bookkeeper }), 403, 'forbidden');
    expectError(await api.call('GET', `/v1/labels?date=${today}`, { key: bookkeeper }), 403, 'forbidden');
  });
});

describe("a day's labels", () => {
  it("gives a tenant its own parcels of the day, the hub every tenant's, cancelled ones left out", async () => {
    const mine = await api.call('GET', `/v1/labels?date=${today}`, { key: actors.tenantKey });
    expect(mine.status, mine.text.slice(0, 300)).toBe(200);
    expect(await pages(mine.bytes)).toHaveLength(3);
    const hub = await api.call('GET', `/v1/labels?date=${today}&format=a4`);
    expect(hub.status).toBe(200);
    expect(await pages(hub.bytes)).toEqual([
      [595.28, 841.89],
      [595.28, 841.89],
    ]); // 3 + 2 labels: two sheets
    const hubA6 = await api.call('GET', `/v1/labels?date=${today}`);
    expect(await pages(hubA6.bytes)).toHaveLength(5);
  });

  it('prints the parcels of a delivery through the hub once, with its recipient, from its first leg too', async () => {
    const before = await pages((await api.call('GET', `/v1/labels?date=${today}`, { key: actors.tenantKey })).bytes);
    const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { ...quoteBody(), reference: 'VIA-HUB', viaHub: { firstLeg: 'courier' }, parcels: [{ weightKg: 1 }, { weightKg: 2 }] } });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.hub).toMatchObject({ firstLeg: 'courier', stage: 'expected' });
    const firstLegId = booked.json.hub.firstLegId as string;
    // Two parcels: two labels, whether asked from the delivery or from its first leg.
    expect(await pages((await api.call('GET', `/v1/deliveries/${booked.json.id}/labels`, { key: actors.tenantKey })).bytes)).toHaveLength(2);
    expect(await pages((await api.call('GET', `/v1/deliveries/${firstLegId}/labels`, { key: actors.tenantKey })).bytes)).toHaveLength(2);
    // On the day's sheet, the delivery and its first leg are the same two parcels, printed once.
    const after = await pages((await api.call('GET', `/v1/labels?date=${today}`, { key: actors.tenantKey })).bytes);
    expect(after.length - before.length).toBe(2);
  });

  it('says so when there is nothing to print, and wants a date', async () => {
    const none = expectError(await api.call('GET', '/v1/labels?date=2020-01-06', { key: actors.tenantKey }), 404, 'resource_missing');
    expect(none.message).toMatch(/2020-01-06/);
    expect(expectError(await api.call('GET', '/v1/labels', { key: actors.tenantKey }), 400, 'parameter_missing').param).toBe('date');
    expect(expectError(await api.call('GET', '/v1/labels?date=06/01/2020', { key: actors.tenantKey }), 400, 'parameter_invalid').param).toBe('date');
  });
});
