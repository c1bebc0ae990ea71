import { createHmac, timingSafeEqual } from 'node:crypto';
import { getUnsafeNumberReason, isNumber, parse as parseLossless, UnsafeNumberReason } from 'lossless-json';
import { Webhook } from 'standardwebhooks';
import * as z from 'zod';
import { validationError } from '../http/validation.js';
import { isStorableNumber, Latitude, Longitude } from '../schemas/common.js';
import { GenericOrder, type Provider } from './schemas.js';

/**
 * What each shop platform sends and how it signs it. Everything here is pure: the service
 * decides what to store.
 */

/**
 * JSON where integers beyond 2^53 stay exact strings (Shopify's order ids do not fit a double).
 * A decimal with more digits than a double holds becomes the nearest double, as any JSON parser
 * makes it (a weight or a coordinate loses nothing that matters). A number no double holds at
 * all (1e999, 1e-400) stays text: the schemas refuse it rather than see Infinity, or a 0 the
 * order never said.
 */
export function parseOrderJson(text: string): unknown {
  return parseLossless(text, null, (value: string) => {
    const unsafe = getUnsafeNumberReason(value);
    return unsafe === undefined || unsafe === UnsafeNumberReason.truncate_float ? Number(value) : value;
  });
}

function hmacBase64(secret: string, bytes: Buffer): Buffer {
  return createHmac('sha256', secret).update(bytes).digest();
}

function equalBase64(expected: Buffer, received: string | undefined): boolean {
  if (received === undefined) return false;
  const given = Buffer.from(received.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks the platform's signature over the exact bytes received, before anything is parsed,
 * against every secret in force (two during a rotation), in constant time.
 */
export function verifySignature(provider: Provider, secrets: readonly string[], bytes: Buffer, headers: Record<string, string | undefined>): boolean {
  switch (provider) {
    case 'shopify':
      return secrets.some((secret) => equalBase64(hmacBase64(secret, bytes), headers['x-shopify-hmac-sha256']));
    case 'woocommerce':
      return secrets.some((secret) => equalBase64(hmacBase64(secret, bytes), headers['x-wc-webhook-signature']));
    case 'generic':
      return secrets.some((secret) => {
        try {
          // Checks the signature and that the timestamp is within 5 minutes (replays refused).
          new Webhook(secret).verify(bytes.toString('utf8'), {
            'webhook-id': headers['webhook-id'] ?? '',
            'webhook-timestamp': headers['webhook-timestamp'] ?? '',
            'webhook-signature': headers['webhook-signature'] ?? '',
          });
          return true;
        } catch {
          return false;
        }
      });
  }
}

/** WooCommerce's activation ping: a form post `webhook_id=N`, unsigned, expecting a 200. */
export function isWooCommercePing(provider: Provider, headers: Record<string, string | undefined>, text: string): boolean {
  return provider === 'woocommerce' && headers['x-wc-webhook-signature'] === undefined && /^webhook_id=\d+$/.test(text.trim());
}

export interface Problem {
  code: string;
  message: string;
  /** The field at fault, where one is (`dropoff.address`). */
  param?: string;
}

/** What we understood of an order. `request` is partial: the service adds the pickup and validates. */
export interface MappedOrder {
  orderId: string;
  paid: boolean;
  request: { dropoff?: unknown; parcels?: Array<{ weightKg: number }> };
  problem?: Problem;
}

type Json = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined);
const object = (value: unknown): Json | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined);
/**
 * A number of the order, or undefined when it gives none. A number no double holds (1e999,
 * 1e-400, left as text by `parseOrderJson`) is NaN, which every check below refuses, rather
 * than Infinity or a silent 0.
 */
const num = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const digits = value.trim();
  const unsafe = isNumber(digits) ? getUnsafeNumberReason(digits) : undefined;
  if (unsafe === UnsafeNumberReason.overflow || unsafe === UnsafeNumberReason.underflow) return Number.NaN;
  return Number.isFinite(Number(digits)) ? Number(digits) : undefined;
};

function parcelsFromWeight(kilograms: number | undefined, defaultWeightKg: number | undefined): { parcels?: Array<{ weightKg: number }>; problem?: Problem } {
  if (kilograms !== undefined && (kilograms > 0 || Number.isNaN(kilograms))) {
    const weightKg = Math.round(kilograms * 1000) / 1000;
    // What the order keeps must be storable: a weight beyond any number (1e300 g, a sum that
    // overflowed) is a problem to review, never a write that fails.
    if (!isStorableNumber(weightKg)) return { problem: { code: 'invalid_order', message: "The order's weight (total_weight, or the line items' grams × quantity) is not a number a parcel can weigh." } };
    return { parcels: [{ weightKg }] };
  }
  if (defaultWeightKg === undefined) return { problem: { code: 'missing_weight', message: 'The order gives no weight and the integration has no default parcel.' } };
  return { parcels: [{ weightKg: defaultWeightKg }] };
}

/** Shopify's names for the coordinates, so a problem names the order's own field. */
const ShopifyPoint = z.object({ shipping_address: z.object({ latitude: Latitude, longitude: Longitude }) });

/**
 * The shipping address's own coordinates. Without both the address is geocoded, as before; with
 * both, they must be a position the hub can use and store, or the order is kept for review
 * without them (the tenant fixes the drop-off).
 */
function shippingPoint(shipping: Json): { point?: { lat: number; lng: number }; problem?: Problem } {
  const latitude = num(shipping.latitude);
  const longitude = num(shipping.longitude);
  if (latitude === undefined || longitude === undefined) return {};
  const candidate = { shipping_address: { latitude, longitude } };
  const parsed = ShopifyPoint.safeParse(candidate);
  if (parsed.success) return { point: { lat: latitude, lng: longitude } };
  const error = validationError(parsed.error, candidate);
  const field = error.param === 'shipping_address.longitude' ? 'longitude' : 'latitude';
  return { problem: { code: 'invalid_order', message: `${error.message} The order gives ${String(shipping[field])}.` } };
}

function mapShopify(order: Json, defaultWeightKg: number | undefined): MappedOrder {
  const orderId = text(order.id) ?? text(order.admin_graphql_api_id) ?? '';
  const paid = ['paid', 'partially_refunded'].includes(String(order.financial_status ?? ''));
  const shipping = object(order.shipping_address);
  if (!shipping) return { orderId, paid, request: {}, problem: { code: 'no_shipping_address', message: 'The order has no shipping address (pickup in store, or nothing to ship).' } };
  const name = text(shipping.name) ?? [text(shipping.first_name), text(shipping.last_name)].filter(Boolean).join(' ');
  const located = shippingPoint(shipping);
  const grams = num(order.total_weight) ?? (Array.isArray(order.line_items) ? order.line_items.reduce<number>((sum, item) => sum + (num(object(item)?.grams) ?? 0) * (num(object(item)?.quantity) ?? 1), 0) : 0);
  const weight = parcelsFromWeight(grams / 1000, defaultWeightKg);
  const country = text(shipping.country_code);
  return {
    orderId,
    paid,
    request: {
      dropoff: {
        address: { line1: text(shipping.address1), line2: text(shipping.address2), postcode: text(shipping.zip), city: text(shipping.city), country: 'FR', ...located.point },
        contact: { name: name || 'Client', phone: text(shipping.phone) ?? text(order.phone), email: text(order.email) ?? text(order.contact_email) },
      },
      ...(weight.parcels ? { parcels: weight.parcels } : {}),
    },
    ...(country !== undefined && country !== 'FR'
      ? { problem: { code: 'outside_service_area', message: `The order ships to ${country}, outside the area the hub serves.` } }
      : (located.problem ?? weight.problem)
        ? { problem: located.problem ?? weight.problem }
        : {}),
  };
}

function mapWooCommerce(order: Json, defaultWeightKg: number | undefined): MappedOrder {
  const orderId = text(order.id) ?? '';
  const paid = ['processing', 'completed'].includes(String(order.status ?? ''));
  const shipping = object(order.shipping);
  const billing = object(order.billing);
  if (!shipping || !text(shipping.address_1)) return { orderId, paid, request: {}, problem: { code: 'no_shipping_address', message: 'The order has no shipping address.' } };
  const name = [text(shipping.first_name), text(shipping.last_name)].filter(Boolean).join(' ') || text(shipping.company) || 'Client';
  const weight = parcelsFromWeight(undefined, defaultWeightKg);
  const country = text(shipping.country);
  return {
    orderId,
    paid,
    request: {
      dropoff: {
        address: { line1: text(shipping.address_1), line2: text(shipping.address_2), postcode: text(shipping.postcode), city: text(shipping.city), country: 'FR' },
        contact: { name, phone: text(shipping.phone) ?? text(billing?.phone), email: text(billing?.email) },
      },
      ...(weight.parcels ? { parcels: weight.parcels } : {}),
    },
    ...(country !== undefined && country !== 'FR' ? { problem: { code: 'outside_service_area', message: `The order ships to ${country}, outside the area the hub serves.` } } : weight.problem ? { problem: weight.problem } : {}),
  };
}

function mapGeneric(payload: unknown, defaultWeightKg: number | undefined): MappedOrder {
  const raw = object(payload);
  const orderId = text(raw?.orderId) ?? '';
  const parsed = GenericOrder.safeParse(payload);
  if (!parsed.success) {
    // The same plain words, naming the field, as the API's own 400s.
    return { orderId, paid: true, request: {}, problem: { code: 'invalid_order', message: validationError(parsed.error, payload).message } };
  }
  const weight = parsed.data.parcels ? { parcels: parsed.data.parcels } : parcelsFromWeight(undefined, defaultWeightKg);
  return {
    orderId: String(parsed.data.orderId),
    paid: true,
    request: { dropoff: parsed.data.dropoff, ...(weight.parcels ? { parcels: weight.parcels } : {}) },
    ...('problem' in weight && weight.problem ? { problem: weight.problem } : {}),
  };
}

export function mapOrder(provider: Provider, payload: unknown, defaultWeightKg: number | undefined): MappedOrder {
  const order = object(payload) ?? {};
  switch (provider) {
    case 'shopify':
      return mapShopify(order, defaultWeightKg);
    case 'woocommerce':
      return mapWooCommerce(order, defaultWeightKg);
    case 'generic':
      return mapGeneric(payload, defaultWeightKg);
  }
}
