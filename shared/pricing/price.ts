/**
 * Prices a delivery from a rate card. Pure: no I/O, the same input always gives the same price.
 *
 * Rounding rules (all money is integer euro cents; the only rounding happens where stated):
 * - Weight: each parcel's weight is rounded to the gram, then summed; tiers are compared in
 *   grams. The first tier whose `upToKg` is at least the total applies; beyond the last tier the
 *   delivery is refused (422 `exceeds_capacity`).
 * - Volume: only parcels with all three dimensions count. Their volumes (cm³) are summed and the
 *   total rounded up to the cm³; `includedLiters` is taken to the nearest cm³ (1 L = 1000 cm³).
 * - Distance: ceil(max(0, distance − included) × perKmCents / 1000), distance in whole metres.
 * - Volume line: ceil(max(0, cm³ − included cm³) × perLiterCents / 1000).
 *   Both prorated lines round *up*, so a customer is never charged less than the per-unit rate.
 * - Express: expressSurchargeCents + round-half-up(standard net × percent / 100), where the
 *   standard net is the sum of every other line.
 * - VAT: round-half-up(net × vatRateBasisPoints / 10000), i.e. floor((net × bp + 5000) / 10000);
 *   gross = net + vat. VAT is computed once on the net total, never per line.
 * Every product is computed with BigInt, so no intermediate ever loses precision; a result
 * beyond Number.MAX_SAFE_INTEGER is a RangeError (the rate card's bounds make that unreachable
 * for any real delivery).
 *
 * Lines whose amount is 0 are left out, except `base`, which is always the first line.
 *
 * Each line carries its `code` (stable, for programs), its `threshold` where the line depends on
 * one (the km the base fare covers, the weight tier's kg, the litres included) and a `label`
 * for people, in the language asked for (French by default): `labels.ts` makes it again from
 * code and threshold in any language.
 */
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { priceLineLabel, type PriceLineCode } from './labels.js';
import type { RateCard } from './rate-card.js';
import { priceErrors } from './errors.js';


export interface ParcelInput {
  weightKg: number;
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
}

export type ServiceLevel = 'standard' | 'express';
export type { PriceLineCode } from './labels.js';

export interface PriceLine {
  code: PriceLineCode;
  label: string;
  amount: number;
  /** `distance`: km covered by the base fare; `weight`: the tier's upper bound in kg; `volume`: litres included. */
  threshold?: number;
}

export interface Price {
  currency: 'EUR';
  net: number;
  vat: number;
  gross: number;
}

export interface PricingInput {
  /** Route distance in whole metres (see `Router`). */
  distanceMeters: number;
  parcels: readonly ParcelInput[];
  service: ServiceLevel;
}

export interface PricedDelivery {
  lines: PriceLine[];
  price: Price;
}

export function priceDelivery(rateCard: RateCard, input: PricingInput, language: Language = DEFAULT_LANGUAGE): PricedDelivery {
  const { distanceMeters, parcels, service } = input;
  if (!Number.isSafeInteger(distanceMeters) || distanceMeters < 0) {
    throw new RangeError(`distanceMeters must be a non-negative integer, got ${distanceMeters}.`);
  }

  const line = (code: PriceLineCode, amount: number, threshold?: number): PriceLine => ({
    code,
    label: priceLineLabel({ code, threshold }, language) ?? code,
    amount,
    ...(threshold === undefined ? {} : { threshold }),
  });
  const lines: PriceLine[] = [line('base', rateCard.baseCents)];
  const add = (code: PriceLineCode, amount: number, threshold?: number) => {
    if (amount > 0) lines.push(line(code, amount, threshold));
  };

  const extraMeters = Math.max(0, distanceMeters - rateCard.includedDistanceMeters);
  add('distance', mulDivCeil(extraMeters, rateCard.perKmCents, 1000), rateCard.includedDistanceMeters > 0 ? rateCard.includedDistanceMeters / 1000 : undefined);

  const tier = weightTierFor(rateCard, parcels);
  add('weight', tier.cents, tier.upToKg);

  const includedCm3 = Math.round(rateCard.volume.includedLiters * 1000);
  const extraCm3 = Math.max(0, totalVolumeCm3(parcels) - includedCm3);
  add('volume', mulDivCeil(extraCm3, rateCard.volume.perLiterCents, 1000), includedCm3 > 0 ? rateCard.volume.includedLiters : undefined);

  if (service === 'express') {
    const standardNet = sum(lines);
    add('express', rateCard.expressSurchargeCents + mulDivHalfUp(standardNet, rateCard.expressSurchargePercent, 100));
  }

  const net = sum(lines);
  const vat = mulDivHalfUp(net, rateCard.vatRateBasisPoints, 10_000);
  return { lines, price: { currency: 'EUR', net, vat, gross: safe(BigInt(net) + BigInt(vat)) } };
}

/**
 * A delivery through the hub: the direct price (pickup → drop-off, as priced) plus the rate
 * card's `hubHandlingCents` as a `hub` line, VAT computed again on the new net. Without a hub
 * line in the rate card (or at 0), the price is the direct one, unchanged. Already with a `hub`
 * line, unchanged too (applied once).
 */
export function withHubHandling<L extends { code: string; amount: number }>(
  rateCard: RateCard,
  priced: { lines: L[]; price: Price },
  language: Language = DEFAULT_LANGUAGE,
): { lines: Array<L | PriceLine>; price: Price } {
  const amount = rateCard.hubHandlingCents ?? 0;
  if (amount <= 0 || priced.lines.some((line) => line.code === 'hub')) return priced;
  const lines: Array<L | PriceLine> = [...priced.lines, { code: 'hub', label: priceLineLabel({ code: 'hub' }, language) ?? 'hub', amount }];
  const net = lines.reduce((total, line) => total + line.amount, 0);
  const vat = mulDivHalfUp(net, rateCard.vatRateBasisPoints, 10_000);
  return { lines, price: { currency: 'EUR', net, vat, gross: safe(BigInt(net) + BigInt(vat)) } };
}

/** Total weight in grams, each parcel rounded to the gram first (so the sum is exact). */
export function totalWeightGrams(parcels: readonly ParcelInput[]): number {
  return parcels.reduce((total, parcel, index) => {
    if (!Number.isFinite(parcel.weightKg) || parcel.weightKg < 0) {
      throw new RangeError(`parcels[${index}].weightKg must be a non-negative number, got ${parcel.weightKg}.`);
    }
    return total + Math.round(parcel.weightKg * 1000);
  }, 0);
}

/**
 * Total volume in cm³, rounded up to the cm³, of the parcels that give all three dimensions.
 * A parcel without its dimensions is assumed to fit: it is priced and checked by weight only.
 */
export function totalVolumeCm3(parcels: readonly ParcelInput[]): number {
  let total = 0;
  parcels.forEach((parcel, index) => {
    const { lengthCm, widthCm, heightCm } = parcel;
    if (lengthCm === undefined || widthCm === undefined || heightCm === undefined) return;
    for (const [name, value] of [['lengthCm', lengthCm], ['widthCm', widthCm], ['heightCm', heightCm]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`parcels[${index}].${name} must be a non-negative number, got ${value}.`);
    }
    total += lengthCm * widthCm * heightCm;
  });
  return Math.ceil(total);
}

function weightTierFor(rateCard: RateCard, parcels: readonly ParcelInput[]) {
  const grams = totalWeightGrams(parcels);
  const tier = rateCard.weightTiers.find((candidate) => Math.round(candidate.upToKg * 1000) >= grams);
  if (tier === undefined) {
    const limit = rateCard.weightTiers.at(-1)?.upToKg ?? 0;
    throw priceErrors.error('exceeds_capacity', `The parcels weigh ${grams / 1000} kg in total; the rate card prices at most ${limit} kg per delivery.`, {
      param: 'parcels',
    });
  }
  return tier;
}

function sum(lines: readonly PriceLine[]): number {
  return safe(lines.reduce((total, line) => total + BigInt(line.amount), 0n));
}

/** ceil(a × b / d) for non-negative integers, exactly. */
function mulDivCeil(a: number, b: number, d: number): number {
  const divisor = BigInt(d);
  return safe((BigInt(a) * BigInt(b) + divisor - 1n) / divisor);
}

/** round-half-up(a × b / d) for non-negative integers and an even d: floor((a × b + d/2) / d). */
function mulDivHalfUp(a: number, b: number, d: number): number {
  const divisor = BigInt(d);
  return safe((BigInt(a) * BigInt(b) + divisor / 2n) / divisor);
}

function safe(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`Amount out of range: ${value} cents.`);
  return result;
}
