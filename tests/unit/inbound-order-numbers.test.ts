import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapOrder, parseOrderJson } from '../../shared/integrations/providers.js';
import { dynamoDbStores, unstorableNumbersIn } from '../helpers/dynamodb-numbers.js';

const shopifyOrder = readFileSync(new URL('../fixtures/shopify/orders-paid.json', import.meta.url), 'utf8');

/** The fixture with some of its numbers replaced by JSON number texts, as a platform would send them. */
function shopifyText(numbers: { latitude?: string; longitude?: string; totalWeight?: string; grams?: string; quantity?: string }): string {
  let text = shopifyOrder;
  const swap = (pattern: RegExp, token: string | undefined) => {
    if (token === undefined) return;
    if (!pattern.test(text)) throw new Error(`the fixture has no ${String(pattern)}`);
    text = text.replace(pattern, (_match, key: string) => `${key}${token}`);
  };
  swap(/("latitude": )45\.4397/, numbers.latitude);
  swap(/("longitude": )4\.3872/, numbers.longitude);
  swap(/("total_weight": )4200/, numbers.totalWeight);
  swap(/("grams": )2100/, numbers.grams);
  swap(/("quantity": )2/, numbers.quantity);
  return text;
}

const mapShopify = (text: string, defaultWeightKg?: number) => mapOrder('shopify', parseOrderJson(text), defaultWeightKg);

/**
 * What a coordinate's text should give, worked out apart from the code under test: the nearest
 * double, unless no double holds it (1e999, or 1e-400 that is not 0), it is out of range, or
 * DynamoDB cannot store it.
 */
function coordinate(text: string, limit: number): number | undefined {
  const value = Number(text);
  const underflows = value === 0 && /[1-9]/.test(text.split(/e/i)[0] ?? '');
  return !underflows && Number.isFinite(value) && Math.abs(value) <= limit && dynamoDbStores(value) ? value : undefined;
}

/** JSON number texts at every edge: doubles, and texts no double holds exactly or at all. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.constantFrom('0', '-0', '1e-130', '1e-131', '9.99e-131', '1e-200', '5e-324', '1e-400', '-1e-400', '9.99e125', '1e126', '1e300', '1.7976931348623157e308', '1e999', '-1e999'),
  fc.constantFrom('123456789012345678901234567890123456789', '45.439700000000000000000000000000000000001', `0.${'0'.repeat(140)}1`),
  fc.integer({ min: -1000, max: 1000 }).map(String),
);

describe('Shopify orders with numbers DynamoDB cannot store', () => {
  it('keep an order whose latitude is too close to 0 to store for review, with a reason naming the field', () => {
    const mapped = mapShopify(shopifyText({ latitude: '1e-200' }));
    expect(mapped.problem).toEqual({
      code: 'invalid_order',
      message: 'shipping_address.latitude must be 0 or at least 1e-130 in absolute value: nothing closer to 0 can be stored, send 0. The order gives 1e-200.',
    });
    expect(mapped.request.dropoff).toMatchObject({ address: { line1: '12 rue de la République', postcode: '42000' } });
    expect(mapped.request.dropoff).not.toHaveProperty('address.lat');
    expect(mapped.request.dropoff).not.toHaveProperty('address.lng');
  });

  it('do not read a latitude no double holds (1e-400) as the equator', () => {
    const mapped = mapShopify(shopifyText({ latitude: '1e-400' }));
    expect(mapped.problem).toMatchObject({ code: 'invalid_order', message: expect.stringContaining('shipping_address.latitude') });
    expect(mapped.request.dropoff).not.toHaveProperty('address.lat');
  });

  it('keep an order whose weight is beyond any number for review, not as a weight', () => {
    const mapped = mapShopify(shopifyText({ totalWeight: '1e300' }));
    expect(mapped.problem).toMatchObject({ code: 'invalid_order' });
    expect(mapped.request.parcels).toBeUndefined();
  });

  it('never keep a number DynamoDB cannot store, and say why whenever a coordinate is dropped', () => {
    fc.assert(
      fc.property(
        fc.record({ latitude: numberText, longitude: numberText, totalWeight: numberText, grams: numberText, quantity: numberText }, { requiredKeys: [] }),
        fc.option(fc.constantFrom(3, 0.001, 1000), { nil: undefined }),
        (numbers, defaultWeightKg) => {
          const mapped = mapShopify(shopifyText(numbers), defaultWeightKg);
          expect(unstorableNumbersIn(mapped.request)).toEqual([]);
          const latitude = coordinate(numbers.latitude ?? '45.4397', 90);
          const longitude = coordinate(numbers.longitude ?? '4.3872', 180);
          const address = (mapped.request.dropoff as { address: Record<string, unknown> }).address;
          if (latitude !== undefined && longitude !== undefined) {
            expect(address).toMatchObject({ lat: latitude, lng: longitude });
            expect(mapped.problem?.message ?? '').not.toContain('shipping_address');
          } else {
            expect(address).not.toHaveProperty('lat');
            expect(address).not.toHaveProperty('lng');
            expect(mapped.problem).toMatchObject({ code: 'invalid_order', message: expect.stringContaining('shipping_address.') });
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('generic orders with numbers DynamoDB cannot store', () => {
  const generic = (lat: string, weightKg: string) =>
    parseOrderJson(
      `{"orderId":"A-1","dropoff":{"address":{"line1":"2 place du Breuil","postcode":"42700","city":"Firminy","lat":${lat},"lng":4.288},"contact":{"name":"Dominique"}},"parcels":[{"weightKg":${weightKg}}]}`,
    );

  it('keep an order whose coordinate is too close to 0 to store for review, naming the field', () => {
    const mapped = mapOrder('generic', generic('1e-200', '2'), undefined);
    expect(mapped.problem).toEqual({ code: 'invalid_order', message: 'dropoff.address.lat must be 0 or at least 1e-130 in absolute value: nothing closer to 0 can be stored, send 0.' });
    expect(mapped.request).toEqual({});
  });

  it('keep an order with a weight under 1 g for review', () => {
    expect(mapOrder('generic', generic('45.388', '1e-131'), undefined).problem).toEqual({ code: 'invalid_order', message: 'parcels[0].weightKg must be at least 0.001.' });
  });

  it('read a weight with more digits than a double holds as the nearest double, not as text', () => {
    const mapped = mapOrder('generic', generic('45.388', '4.50000000000000000000001'), undefined);
    expect(mapped.problem).toBeUndefined();
    expect(mapped.request.parcels).toEqual([{ weightKg: 4.5 }]);
  });
});
