import * as z from 'zod';
import { storableNumber } from '../schemas/common.js';

/**
 * A rate card: what the hub (or one tenant) charges for a delivery. Every amount is an integer
 * number of euro cents, so prices add up exactly; `price.ts` applies it.
 *
 * Every field has a maximum, so the arithmetic in `price.ts` stays far below 2^53 and a typo
 * (an extra zero or three) is refused rather than billed.
 */

/** 10 000 €: no single line of a bike delivery can reasonably cost more. */
export const MAX_CENTS = 1_000_000;

const cents = (description: string) => z.number().int().min(0).max(MAX_CENTS).meta({ description });

export const WeightTier = z.strictObject({
  upToKg: storableNumber({ min: 0.001, max: 1000 }).meta({ description: 'The tier applies while the total weight is at most this (kg), from 0.001 (1 g).' }),
  cents: cents('Surcharge for this tier, in cents.'),
});
export type WeightTier = z.output<typeof WeightTier>;

export const RateCard = z
  .strictObject({
    currency: z.literal('EUR').default('EUR'),
    baseCents: cents('Charged on every delivery; covers the first `includedDistanceMeters`.'),
    includedDistanceMeters: z.number().int().min(0).max(100_000).meta({ description: 'Distance covered by the base fare (m).' }),
    perKmCents: cents('Per kilometre beyond the included distance, prorated to the metre and rounded up.'),
    weightTiers: z
      .array(WeightTier)
      .min(1)
      .max(20)
      .superRefine((tiers, context) => {
        tiers.forEach((tier, index) => {
          const previous = index === 0 ? undefined : tiers[index - 1];
          if (previous === undefined) return;
          if (tier.upToKg <= previous.upToKg) {
            context.addIssue({
              code: 'custom',
              message: `must be greater than the previous tier's upToKg (${previous.upToKg}): tiers go in strictly ascending weight`,
              path: [index, 'upToKg'],
            });
          }
          if (tier.cents < previous.cents) {
            context.addIssue({
              code: 'custom',
              message: `must be at least the previous tier's cents (${previous.cents}): a heavier load never costs less`,
              path: [index, 'cents'],
            });
          }
        });
      })
      .meta({
        description:
          'Ascending weight tiers; the first whose `upToKg` covers the total weight applies. Beyond the last tier the delivery is refused (422 `exceeds_capacity`).',
      }),
    volume: z.strictObject({
      includedLiters: storableNumber({ min: 0, max: 100_000, smallest: 0.001 }).meta({ description: 'Total parcel volume covered without surcharge (L): 0, or from 0.001 (1 cm³).' }),
      perLiterCents: z.number().int().min(0).max(10_000).meta({ description: 'Per litre beyond the included volume, prorated and rounded up.' }),
    }),
    expressSurchargeCents: cents('Fixed part of the express surcharge.'),
    expressSurchargePercent: z
      .number()
      .int()
      .min(0)
      .max(100)
      .meta({ description: 'Proportional part of the express surcharge: percent of the standard net, rounded half up to the cent.' }),
    cancellationFeeCents: cents('Charged when a delivery is cancelled where a fee applies.').default(0),
    failedAttemptFeeCents: cents('Charged for each failed attempt (the recipient absent, the address not found…); the delivered attempt is charged at the delivery\'s price, once.').default(0),
    hubHandlingCents: cents('Charged once on a delivery through the hub (sorting, a night there): the price line `hub`. Left out: nothing (the legs cost what the direct delivery costs).').optional(),
    vatRateBasisPoints: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(2000)
      .meta({ description: 'VAT rate in basis points (2000 = 20 %, the French standard rate).' }),
  })
  .meta({ id: 'RateCard', description: 'What a delivery costs. All amounts are integer euro cents.' });
export type RateCard = z.output<typeof RateCard>;

/**
 * The hub's rates until an admin sets others (`PUT /v1/hub/rate-card`), sized for a bike-courier
 * cooperative in Saint-Étienne:
 * - 6.50 € covers the first 3 km: most trips inside Saint-Étienne (centre, Carnot, Bellevue,
 *   Châteaucreux) stay under that, so the usual in-town price is just the base fare.
 * - 1.10 €/km beyond: at ~15 km/h a loaded cargo bike needs about 4 minutes per km, so this
 *   pays the courier's time for the extra distance to Firminy, Saint-Chamond or Andrézieux.
 * - Weight: up to 10 kg (a bag, a shoebox, groceries) rides free; 30 kg fits a standard front
 *   box (+3 €); 80 kg needs a heavy cargo bike (+8 €); up to 150 kg, a full load or a trailer
 *   (+15 €). Beyond 150 kg it is not one bike's job: refused, matching the hub's capacity.
 * - Volume: 150 L (one usual cargo box) included, then 2 c/L, so a full 600 L load adds 9 €.
 * - Express: a flat +5 € for being dispatched first; no percentage, so the premium stays
 *   readable on the invoice.
 * - No cancellation fee by default (the contract makes cancelling free before pickup).
 * - VAT at the French standard rate, 20 %.
 */
export const defaultRateCard: RateCard = {
  currency: 'EUR',
  baseCents: 650,
  includedDistanceMeters: 3000,
  perKmCents: 110,
  weightTiers: [
    { upToKg: 10, cents: 0 },
    { upToKg: 30, cents: 300 },
    { upToKg: 80, cents: 800 },
    { upToKg: 150, cents: 1500 },
  ],
  volume: { includedLiters: 150, perLiterCents: 2 },
  expressSurchargeCents: 500,
  expressSurchargePercent: 0,
  cancellationFeeCents: 0,
  failedAttemptFeeCents: 0,
  vatRateBasisPoints: 2000,
};
