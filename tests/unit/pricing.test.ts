import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { localizeLines } from '../../shared/pricing/labels.js';
import { priceDelivery, type ParcelInput, type PricedDelivery, type PricingInput } from '../../shared/pricing/price.js';
import { defaultRateCard, RateCard } from '../../shared/pricing/rate-card.js';

// Arbitraries ---------------------------------------------------------------------------------

const cents = fc.integer({ min: 0, max: 100_000 });

/** Strictly ascending weights (in grams, so they are exact as kg) with non-decreasing cents. */
const weightTiers = fc
  .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 })
  .chain((grams) =>
    fc.array(cents, { minLength: grams.length, maxLength: grams.length }).map((amounts) => {
      const kgs = [...grams].sort((a, b) => a - b).map((g) => g / 1000);
      const sortedCents = [...amounts].sort((a, b) => a - b);
      return kgs.map((upToKg, index) => ({ upToKg, cents: sortedCents[index] ?? 0 }));
    }),
  );

const rateCard: fc.Arbitrary<RateCard> = fc.record({
  currency: fc.constant('EUR' as const),
  baseCents: cents,
  includedDistanceMeters: fc.integer({ min: 0, max: 100_000 }),
  perKmCents: cents,
  weightTiers,
  volume: fc.record({
    includedLiters: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0.001, max: 2000, noNaN: true, noDefaultInfinity: true })),
    perLiterCents: fc.integer({ min: 0, max: 10_000 }),
  }),
  expressSurchargeCents: cents,
  expressSurchargePercent: fc.integer({ min: 0, max: 100 }),
  cancellationFeeCents: cents,
  failedAttemptFeeCents: cents,
  vatRateBasisPoints: fc.integer({ min: 0, max: 10_000 }),
});

const dimension = fc.option(fc.double({ min: 0, max: 250, noNaN: true, noDefaultInfinity: true }), { nil: undefined });
const parcel: fc.Arbitrary<ParcelInput> = fc.record(
  {
    weightKg: fc.double({ min: 0, max: 60, noNaN: true, noDefaultInfinity: true }),
    lengthCm: dimension,
    widthCm: dimension,
    heightCm: dimension,
  },
  { requiredKeys: ['weightKg'] },
);
const parcels = fc.array(parcel, { minLength: 1, maxLength: 6 });
const distance = fc.integer({ min: 0, max: 300_000 });
const service = fc.constantFrom('standard' as const, 'express' as const);
const runs = { numRuns: 500 };

/** The gross price, or Infinity when the delivery is refused as over capacity. */
function grossOrRefused(card: RateCard, input: PricingInput): number {
  try {
    return priceDelivery(card, input).price.gross;
  } catch (error) {
    if (error instanceof AppError && error.code === 'exceeds_capacity') return Number.POSITIVE_INFINITY;
    throw error;
  }
}

function tryPrice(card: RateCard, input: PricingInput): PricedDelivery | undefined {
  try {
    return priceDelivery(card, input);
  } catch (error) {
    if (error instanceof AppError && error.code === 'exceeds_capacity') return undefined;
    throw error;
  }
}

// Properties ----------------------------------------------------------------------------------

describe('pricing properties', () => {
  it('the rate-card arbitrary only makes cards the schema accepts', () => {
    fc.assert(
      fc.property(rateCard, (card) => {
        expect(RateCard.parse(card)).toEqual(card);
      }),
      runs,
    );
  });

  it('every amount is a non-negative integer, the lines add up to net, and gross = net + vat', () => {
    fc.assert(
      fc.property(rateCard, distance, parcels, service, (card, distanceMeters, ps, level) => {
        const priced = tryPrice(card, { distanceMeters, parcels: ps, service: level });
        if (priced === undefined) return;
        const { lines, price } = priced;
        for (const amount of [...lines.map((line) => line.amount), price.net, price.vat, price.gross]) {
          expect(Number.isSafeInteger(amount)).toBe(true);
          expect(amount).toBeGreaterThanOrEqual(0);
        }
        expect(lines.reduce((total, line) => total + line.amount, 0)).toBe(price.net);
        expect(price.gross).toBe(price.net + price.vat);
        expect(price.vat).toBe(Math.floor((price.net * card.vatRateBasisPoints + 5000) / 10_000));
        expect(price.currency).toBe('EUR');
        expect(lines[0]).toMatchObject({ code: 'base', amount: card.baseCents });
        expect(lines.slice(1).every((line) => line.amount > 0)).toBe(true);
        expect(new Set(lines.map((line) => line.code)).size).toBe(lines.length);
      }),
      runs,
    );
  });

  it('the price never decreases when the distance grows', () => {
    fc.assert(
      fc.property(rateCard, distance, fc.nat(100_000), parcels, service, (card, d, extra, ps, level) => {
        expect(grossOrRefused(card, { distanceMeters: d + extra, parcels: ps, service: level })).toBeGreaterThanOrEqual(
          grossOrRefused(card, { distanceMeters: d, parcels: ps, service: level }),
        );
      }),
      runs,
    );
  });

  it("the price never decreases when one parcel's weight grows (and a heavier load is never accepted where a lighter one was refused)", () => {
    fc.assert(
      fc.property(rateCard, distance, parcels, fc.nat(), fc.double({ min: 0, max: 100, noNaN: true }), service, (card, d, ps, pick, extra, level) => {
        const index = pick % ps.length;
        const heavier = ps.map((p, i) => (i === index ? { ...p, weightKg: p.weightKg + extra } : p));
        expect(grossOrRefused(card, { distanceMeters: d, parcels: heavier, service: level })).toBeGreaterThanOrEqual(
          grossOrRefused(card, { distanceMeters: d, parcels: ps, service: level }),
        );
      }),
      runs,
    );
  });

  it('the price never decreases when a parcel grows in any dimension, or gains its missing dimensions', () => {
    const dimensionName = fc.constantFrom('lengthCm' as const, 'widthCm' as const, 'heightCm' as const);
    fc.assert(
      fc.property(
        rateCard,
        distance,
        parcels,
        fc.nat(),
        dimensionName,
        fc.double({ min: 0, max: 200, noNaN: true }),
        service,
        (card, d, ps, pick, name, extra, level) => {
          const index = pick % ps.length;
          const bigger = ps.map((p, i) => {
            if (i !== index) return p;
            const grown = { ...p, lengthCm: p.lengthCm ?? 1, widthCm: p.widthCm ?? 1, heightCm: p.heightCm ?? 1 };
            return { ...grown, [name]: grown[name] + extra };
          });
          expect(grossOrRefused(card, { distanceMeters: d, parcels: bigger, service: level })).toBeGreaterThanOrEqual(
            grossOrRefused(card, { distanceMeters: d, parcels: ps, service: level }),
          );
        },
      ),
      runs,
    );
  });

  it('express never costs less than standard, by at least the fixed surcharge', () => {
    fc.assert(
      fc.property(rateCard, distance, parcels, (card, d, ps) => {
        const standard = tryPrice(card, { distanceMeters: d, parcels: ps, service: 'standard' });
        const express = tryPrice(card, { distanceMeters: d, parcels: ps, service: 'express' });
        if (standard === undefined || express === undefined) {
          expect(standard).toBe(express);
          return;
        }
        expect(express.price.net - standard.price.net).toBeGreaterThanOrEqual(card.expressSurchargeCents);
        expect(express.price.gross).toBeGreaterThanOrEqual(standard.price.gross);
        expect(standard.lines.some((line) => line.code === 'express')).toBe(false);
      }),
      runs,
    );
  });
});

// Worked examples -----------------------------------------------------------------------------

describe('pricing with the default rate card', () => {
  it('passes its own schema unchanged', () => {
    expect(RateCard.parse(defaultRateCard)).toEqual(defaultRateCard);
  });

  it('a 2 km hop with a 5 kg parcel costs the base fare alone: 6.50 € + 1.30 € VAT', () => {
    expect(priceDelivery(defaultRateCard, { distanceMeters: 2000, parcels: [{ weightKg: 5 }], service: 'standard' })).toEqual({
      lines: [{ code: 'base', label: 'Prise en charge', amount: 650 }],
      price: { currency: 'EUR', net: 650, vat: 130, gross: 780 },
    });
  });

  it('8.2 km with 18 kg in a 96 L box adds distance and the 30 kg tier, no volume', () => {
    const priced = priceDelivery(defaultRateCard, {
      distanceMeters: 8200,
      parcels: [{ weightKg: 12, lengthCm: 60, widthCm: 40, heightCm: 40 }, { weightKg: 6 }],
      service: 'standard',
    });
    expect(priced.lines).toEqual([
      { code: 'base', label: 'Prise en charge', amount: 650 },
      { code: 'distance', label: 'Distance au-delà de 3,0 km', amount: 572, threshold: 3 }, // 5200 m × 110 c/km
      { code: 'weight', label: 'Poids jusqu’à 30 kg', amount: 300, threshold: 30 },
    ]);
    // VAT 1522 × 20 % = 304.4 → 304
    expect(priced.price).toEqual({ currency: 'EUR', net: 1522, vat: 304, gross: 1826 });
  });

  it('an express 5 km delivery of a 240 L, 25 kg parcel charges volume and the express surcharge', () => {
    const priced = priceDelivery(defaultRateCard, {
      distanceMeters: 5000,
      parcels: [{ weightKg: 25, lengthCm: 80, widthCm: 60, heightCm: 50 }],
      service: 'express',
    });
    expect(priced.lines).toEqual([
      { code: 'base', label: 'Prise en charge', amount: 650 },
      { code: 'distance', label: 'Distance au-delà de 3,0 km', amount: 220, threshold: 3 },
      { code: 'weight', label: 'Poids jusqu’à 30 kg', amount: 300, threshold: 30 },
      { code: 'volume', label: 'Volume au-delà de 150 L', amount: 180, threshold: 150 }, // 90 L × 2 c
      { code: 'express', label: 'Service express', amount: 500 },
    ]);
    expect(priced.price).toEqual({ currency: 'EUR', net: 1850, vat: 370, gross: 2220 });
  });

  it('exactly 10 kg stays in the free tier; one gram more moves to the next', () => {
    const weightLine = (weightKg: number) =>
      priceDelivery(defaultRateCard, { distanceMeters: 0, parcels: [{ weightKg }], service: 'standard' }).lines.find((line) => line.code === 'weight');
    expect(weightLine(10)).toBeUndefined();
    expect(weightLine(10.001)).toEqual({ code: 'weight', label: 'Poids jusqu’à 30 kg', amount: 300, threshold: 30 });
  });

  it('refuses a load over the last tier with 422 exceeds_capacity on parcels', () => {
    let caught: unknown;
    try {
      priceDelivery(defaultRateCard, { distanceMeters: 1000, parcels: [{ weightKg: 100 }, { weightKg: 51 }], service: 'standard' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'exceeds_capacity', param: 'parcels', status: 422 });
    expect((caught as AppError).message).toContain('151 kg');
  });

  it('refuses a negative or fractional distance as a programming error', () => {
    expect(() => priceDelivery(defaultRateCard, { distanceMeters: -1, parcels: [{ weightKg: 1 }], service: 'standard' })).toThrow(RangeError);
    expect(() => priceDelivery(defaultRateCard, { distanceMeters: 1.5, parcels: [{ weightKg: 1 }], service: 'standard' })).toThrow(RangeError);
  });
});

describe('price line labels, for people, in their language', () => {
  const expressLoad = { distanceMeters: 5000, parcels: [{ weightKg: 25, lengthCm: 80, widthCm: 60, heightCm: 50 }], service: 'express' as const };

  it('are English when asked, with the same codes, amounts and thresholds as the French', () => {
    const french = priceDelivery(defaultRateCard, expressLoad);
    const english = priceDelivery(defaultRateCard, expressLoad, 'en');
    expect(french.lines.map((line) => line.label)).toEqual(['Prise en charge', 'Distance au-delà de 3,0 km', 'Poids jusqu’à 30 kg', 'Volume au-delà de 150 L', 'Service express']);
    expect(english.lines.map((line) => line.label)).toEqual(['Base fare', 'Distance beyond 3.0 km', 'Weight up to 30 kg', 'Volume beyond 150 L', 'Express service']);
    expect(english.lines.map((line) => line.threshold)).toEqual([undefined, 3, 30, 150, undefined]);
    expect(english.lines.map(({ label: _label, ...facts }) => facts)).toEqual(french.lines.map(({ label: _label, ...facts }) => facts));
    expect(english.price).toEqual(french.price);
  });

  it('write decimals the French way in French: 2,5 km, 0,5 kg', () => {
    const card = RateCard.parse({ ...defaultRateCard, includedDistanceMeters: 2500, weightTiers: [{ upToKg: 0.5, cents: 100 }, { upToKg: 150, cents: 200 }] });
    const priced = priceDelivery(card, { distanceMeters: 4000, parcels: [{ weightKg: 0.2 }], service: 'standard' });
    expect(priced.lines.map((line) => line.label)).toEqual(['Prise en charge', 'Distance au-delà de 2,5 km', 'Poids jusqu’à 0,5 kg']);
  });

  it('are made again from code and threshold for another reader, whatever language the lines were stored in', () => {
    const stored = priceDelivery(defaultRateCard, expressLoad).lines;
    expect(localizeLines(stored, 'en')).toEqual(priceDelivery(defaultRateCard, expressLoad, 'en').lines);
    expect(localizeLines(localizeLines(stored, 'en'), 'fr')).toEqual(stored);
  });

  it('relabel lines stored in English before thresholds were kept, reading the number back from the label', () => {
    const legacy = [
      { code: 'base', label: 'Base fare', amount: 650 },
      { code: 'distance', label: 'Distance beyond 3.0 km', amount: 220 },
      { code: 'weight', label: 'Weight up to 0.5 kg', amount: 300 },
      { code: 'volume', label: 'Volume', amount: 10 },
      { code: 'surcharge', label: 'Something newer', amount: 5 },
    ];
    expect(localizeLines(legacy, 'fr').map((line) => line.label)).toEqual(['Prise en charge', 'Distance au-delà de 3,0 km', 'Poids jusqu’à 0,5 kg', 'Volume', 'Something newer']);
    expect(localizeLines(legacy, 'en')).toEqual(legacy);
  });
});

describe('rounding rules', () => {
  const card = (overrides: Partial<RateCard>): RateCard => RateCard.parse({ ...defaultRateCard, ...overrides });

  it('prorated distance rounds up: 1 m at 1.15 €/km costs 1 cent', () => {
    const priced = priceDelivery(card({ baseCents: 1000, includedDistanceMeters: 0, perKmCents: 115, weightTiers: [{ upToKg: 5, cents: 0 }] }), {
      distanceMeters: 1,
      parcels: [{ weightKg: 1 }],
      service: 'standard',
    });
    expect(priced.lines).toEqual([
      { code: 'base', label: 'Prise en charge', amount: 1000 },
      { code: 'distance', label: 'Distance', amount: 1 },
    ]);
  });

  it('the express percentage and VAT round half up', () => {
    const halves = card({
      baseCents: 10,
      includedDistanceMeters: 0,
      perKmCents: 0,
      weightTiers: [{ upToKg: 5, cents: 0 }],
      expressSurchargeCents: 0,
      expressSurchargePercent: 5,
      vatRateBasisPoints: 500,
    });
    const input = { distanceMeters: 0, parcels: [{ weightKg: 1 }] };
    // 10 × 5 % = 0.5 → 1 cent of VAT
    expect(priceDelivery(halves, { ...input, service: 'standard' }).price).toEqual({ currency: 'EUR', net: 10, vat: 1, gross: 11 });
    // express: 10 × 5 % = 0.5 → 1; VAT on 11 = 0.55 → 1
    const express = priceDelivery(halves, { ...input, service: 'express' });
    expect(express.lines.at(-1)).toEqual({ code: 'express', label: 'Service express', amount: 1 });
    expect(express.price).toEqual({ currency: 'EUR', net: 11, vat: 1, gross: 12 });
  });

  it('weights add up to the gram, so 0.1 kg + 0.2 kg fits a 0.3 kg tier', () => {
    const priced = priceDelivery(card({ weightTiers: [{ upToKg: 0.3, cents: 0 }, { upToKg: 1, cents: 100 }] }), {
      distanceMeters: 0,
      parcels: [{ weightKg: 0.1 }, { weightKg: 0.2 }],
      service: 'standard',
    });
    expect(priced.lines.map((line) => line.code)).toEqual(['base']);
  });

  it('a parcel without all three dimensions does not count towards the volume', () => {
    const priced = priceDelivery(defaultRateCard, {
      distanceMeters: 0,
      parcels: [{ weightKg: 1, lengthCm: 200, widthCm: 200 }],
      service: 'standard',
    });
    expect(priced.lines.map((line) => line.code)).toEqual(['base']);
  });
});

// Schema --------------------------------------------------------------------------------------

describe('RateCard schema', () => {
  const { currency: _currency, cancellationFeeCents: _fee, failedAttemptFeeCents: _failed, vatRateBasisPoints: _vat, ...minimal } = defaultRateCard;
  const issuesOf = (input: unknown) => {
    const result = RateCard.safeParse(input);
    expect(result.success).toBe(false);
    return result.error?.issues ?? [];
  };

  it('fills in EUR, no cancellation fee and 20 % VAT by default', () => {
    expect(RateCard.parse(minimal)).toMatchObject({ currency: 'EUR', cancellationFeeCents: 0, vatRateBasisPoints: 2000 });
  });

  it('rejects tiers that do not ascend in weight, naming the tier', () => {
    const issues = issuesOf({ ...minimal, weightTiers: [{ upToKg: 30, cents: 0 }, { upToKg: 10, cents: 300 }] });
    expect(issues).toEqual([expect.objectContaining({ path: ['weightTiers', 1, 'upToKg'], message: expect.stringContaining('strictly ascending') })]);
    expect(issuesOf({ ...minimal, weightTiers: [{ upToKg: 10, cents: 0 }, { upToKg: 10, cents: 0 }] })[0]?.path).toEqual(['weightTiers', 1, 'upToKg']);
  });

  it('rejects a heavier tier that costs less', () => {
    const issues = issuesOf({ ...minimal, weightTiers: [{ upToKg: 10, cents: 500 }, { upToKg: 30, cents: 300 }] });
    expect(issues).toEqual([expect.objectContaining({ path: ['weightTiers', 1, 'cents'] })]);
  });

  it('rejects negative cents, fractional cents and out-of-range values', () => {
    expect(issuesOf({ ...minimal, baseCents: -1 })[0]?.path).toEqual(['baseCents']);
    expect(issuesOf({ ...minimal, perKmCents: 110.5 })[0]?.path).toEqual(['perKmCents']);
    expect(issuesOf({ ...minimal, volume: { includedLiters: 150, perLiterCents: 1.5 } })[0]?.path).toEqual(['volume', 'perLiterCents']);
    expect(issuesOf({ ...minimal, baseCents: 1_000_001 })[0]?.path).toEqual(['baseCents']);
    expect(issuesOf({ ...minimal, expressSurchargePercent: 101 })[0]?.path).toEqual(['expressSurchargePercent']);
    expect(issuesOf({ ...minimal, vatRateBasisPoints: 10_001 })[0]?.path).toEqual(['vatRateBasisPoints']);
    expect(issuesOf({ ...minimal, weightTiers: [{ upToKg: 0, cents: 0 }] })[0]?.path).toEqual(['weightTiers', 0, 'upToKg']);
  });

  it('rejects no tiers, more than 20 tiers, another currency and unknown fields', () => {
    expect(issuesOf({ ...minimal, weightTiers: [] })[0]?.path).toEqual(['weightTiers']);
    const tiers = Array.from({ length: 21 }, (_, index) => ({ upToKg: index + 1, cents: index }));
    expect(issuesOf({ ...minimal, weightTiers: tiers })[0]?.path).toEqual(['weightTiers']);
    expect(issuesOf({ ...minimal, currency: 'USD' })[0]?.path).toEqual(['currency']);
    expect(issuesOf({ ...minimal, discount: 10 })[0]?.code).toBe('unrecognized_keys');
  });
});
