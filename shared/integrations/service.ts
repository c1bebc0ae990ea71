import { randomBytes } from 'node:crypto';
import { config } from '../config.js';
import type { PageRequest } from '../db/pagination.js';
import { writeOne } from '../db/transact.js';
import { bookDelivery } from '../deliveries/booking.js';
import { QuoteRequest, type DropoffStop } from '../quotes/schemas.js';
import { AppError } from '../errors.js';
import { activeGeocoder } from '../geo/adapters.js';
import { GeocoderUnavailableError, resolveCoordinates } from '../geo/geocoder.js';
import { validationError } from '../http/validation.js';
import { newId } from '../ids.js';
import { logger } from '../logging/logger.js';
import { isWooCommercePing, mapOrder, parseOrderJson, verifySignature, type Problem } from './providers.js';
import { integrationRepository, type Secret, type StoredIntegration, type StoredOrder } from './repository.js';
import type { CreateIntegrationBody, FixOrderBody, InboundOrder, Integration, Provider } from './schemas.js';
import { integrationErrors, createIntegrationErrors, inboundErrors, orderFixErrors } from './errors.js';


export function inboundUrl(integrationId: string): string {
  return `${config.publicBaseUrl}/v1/inbound/${integrationId}`;
}

function newSecret(provider: Provider): string {
  // Standard Webhooks secrets are `whsec_` + base64; the platforms take any long random string.
  return provider === 'generic' ? `whsec_${randomBytes(32).toString('base64')}` : randomBytes(32).toString('base64url');
}

export function integrationView(integration: StoredIntegration): Integration {
  const { id, provider, pickup, defaultParcel, createdAt, secretRotatedAt } = integration;
  return { id, object: 'integration', provider, url: inboundUrl(id), pickup, defaultParcel, createdAt, secretRotatedAt };
}

export function orderView(order: StoredOrder): InboundOrder {
  const { tenantId: _tenant, ...view } = order;
  return view;
}

export async function createIntegration(tenantId: string, input: CreateIntegrationBody, now = new Date()) {
  if (input.secret !== undefined && input.provider === 'generic' && !input.secret.startsWith('whsec_')) {
    throw createIntegrationErrors.error('parameter_invalid', 'secret must be a Standard Webhooks secret (whsec_…) for the generic provider.', { param: 'secret' });
  }
  const point = input.pickup ? await resolveCoordinates(input.pickup.address, activeGeocoder(), 'pickup.address') : undefined;
  const secret = input.secret ?? newSecret(input.provider);
  const integration: StoredIntegration = {
    id: newId('integration', now.getTime()),
    object: 'integration',
    tenantId,
    provider: input.provider,
    pickup: input.pickup ? { ...input.pickup, address: { ...input.pickup.address, ...point } } : null,
    defaultParcel: input.defaultParcel ?? null,
    createdAt: now.toISOString(),
    secretRotatedAt: null,
    secrets: [{ value: secret, expiresAt: null }],
  };
  const created = { ...integrationView(integration), secret };
  await writeOne(integrationRepository.create(integration), () => new Error(`integration ${integration.id} exists already`), { result: created });
  return created;
}

export async function listIntegrations(tenantId: string, page: PageRequest) {
  const result = await integrationRepository.list(tenantId, page);
  return { ...result, data: result.data.map(integrationView) };
}

export async function deleteIntegration(tenantId: string, integrationId: string) {
  if (!(await integrationRepository.delete(tenantId, integrationId))) throw integrationErrors.notFound('integration', integrationId);
  return { id: integrationId, object: 'integration' as const, deleted: true as const };
}

/**
 * A new secret without downtime: the old one keeps working for the grace period, so the shop
 * can update its platform at its own pace. At most two secrets are ever in force.
 */
export async function rotateSecret(tenantId: string, integrationId: string, gracePeriodHours: number, now = new Date()) {
  const integration = await integrationRepository.get(tenantId, integrationId);
  if (!integration) throw integrationErrors.notFound('integration', integrationId);
  const current = integration.secrets.find((secret) => secret.expiresAt === null) ?? integration.secrets[0];
  const previousSecretExpiresAt = new Date(now.getTime() + gracePeriodHours * 3600_000).toISOString();
  const secret = newSecret(integration.provider);
  const secrets: Secret[] = [{ value: secret, expiresAt: null }, ...(current && gracePeriodHours > 0 ? [{ value: current.value, expiresAt: previousSecretExpiresAt }] : [])];
  if (!(await integrationRepository.replaceSecrets(integration, secrets, now.toISOString()))) {
    throw integrationErrors.error('invalid_transition', 'The secret was rotated at the same moment by another request: read the integration again.');
  }
  return { id: integrationId, object: 'integration' as const, secret, previousSecretExpiresAt };
}

function secretsInForce(integration: StoredIntegration, now: Date): string[] {
  return integration.secrets.filter((secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now.getTime()).map((secret) => secret.value);
}

export async function listOrders(tenantId: string, integrationId: string, page: PageRequest) {
  if (!(await integrationRepository.get(tenantId, integrationId))) throw integrationErrors.notFound('integration', integrationId);
  const result = await integrationRepository.listOrders(tenantId, integrationId, page);
  return { ...result, data: result.data.map(orderView) };
}

export type InboundAnswer = { status: 200; body: Record<string, never> } | { status: 202; body: { deliveryId: string | null; status?: InboundOrder['status']; reason?: string } };

class AlreadyBooked extends Error {
  constructor(readonly deliveryId: string) {
    super('already booked');
  }
}

const reviewCodes = new Set(['outside_service_area', 'exceeds_capacity', 'address_not_geocoded', 'parameter_invalid', 'parameter_missing', 'unknown_parameter']);

/** Kept, not refused, while the address service is down: see `locateDropoff`. */
const GEOCODER_UNAVAILABLE = 'geocoder_unavailable';

/**
 * Shop platforms rarely send coordinates (WooCommerce never does): the drop-off is located
 * through the same geocoder port as quotes, when the hub has one, and the order keeps what was
 * found. Nothing found, or no geocoder: the order waits for review, saying what to do.
 *
 * An outage of the address service keeps the order too (`needs_review`, reason
 * `geocoder_unavailable`) and answers 202, as the contract says of any order that cannot become
 * a delivery, rather than a 5xx for the platform to retry: WooCommerce disables a webhook after
 * repeated failed deliveries and Shopify stops retrying after a few hours, so an outage could
 * otherwise cost the shop its integration. Nothing is lost: the order is listed with its reason,
 * the tenant books it with an empty fix once the service is back, and the platform posting the
 * order again (an update, a retry) tries again.
 */
async function locateDropoff(dropoff: DropoffStop): Promise<{ dropoff: DropoffStop } | { problem: Problem }> {
  try {
    return { dropoff: { ...dropoff, address: { ...dropoff.address, ...(await resolveCoordinates(dropoff.address, activeGeocoder(), 'dropoff.address')) } } };
  } catch (error) {
    if (error instanceof AppError && error.code === 'address_not_geocoded') return { problem: { code: error.code, message: error.message, param: 'dropoff.address' } };
    if (!(error instanceof GeocoderUnavailableError)) throw error;
    logger.warn('inbound order kept: the geocoder is unavailable', { error: error.message });
    return {
      problem: {
        code: GEOCODER_UNAVAILABLE,
        message:
          'The address service did not answer, so the drop-off could not be located. The order is kept: book it once the service is back (its book endpoint, with an empty body), or give the drop-off with lat and lng.',
        param: 'dropoff.address',
      },
    };
  }
}

/**
 * Tries to turn an order into a delivery, with the order's record written in the booking's own
 * transaction: two posts of one order racing end on one delivery. An order that cannot be
 * booked is kept, with its reason, to be fixed and booked later. Nothing is dropped.
 */
async function bookOrder(integration: StoredIntegration, received: StoredOrder, now: Date): Promise<StoredOrder> {
  // No pickup of its own: the tenant's default pickup applies when booking (shared/quotes/stops.ts).
  const candidate = { ...(integration.pickup ? { pickup: integration.pickup } : {}), ...received.request, service: 'standard' };
  const parsed = QuoteRequest.safeParse(candidate);
  if (!parsed.success) {
    const error = validationError(parsed.error, candidate);
    return keepForReview(received, { code: 'invalid_order', message: error.message, ...(error.param === undefined ? {} : { param: error.param }) }, now);
  }
  const located = await locateDropoff(parsed.data.dropoff);
  if ('problem' in located) return keepForReview(received, located.problem, now);
  // The order keeps the coordinates found, so a later fix or retry needs no second lookup.
  const order: StoredOrder = { ...received, request: { ...received.request, dropoff: located.dropoff } };
  try {
    const booked: StoredOrder = { ...order, status: 'booked', reason: null, updatedAt: now.toISOString(), deliveryId: null };
    const delivery = await bookDelivery(integration.tenantId, { ...parsed.data, dropoff: located.dropoff, kind: 'delivery', reference: `${integration.provider}:${order.id}`.slice(0, 100) }, now, {
      extra: (delivery) => [
        {
          item: integrationRepository.booked({ ...booked, deliveryId: delivery.id }),
          onFailure: (old) => new AlreadyBooked(String(old?.deliveryId)),
        },
      ],
    });
    return { ...booked, deliveryId: delivery.id };
  } catch (error) {
    if (error instanceof AlreadyBooked) return { ...order, status: 'booked', deliveryId: error.deliveryId };
    if (error instanceof AppError && reviewCodes.has(error.code)) {
      const code = error.code.startsWith('param') || error.code === 'unknown_parameter' ? 'invalid_order' : error.code;
      return keepForReview(order, { code, message: error.message, ...(error.param === undefined ? {} : { param: error.param }) }, now);
    }
    throw error;
  }
}

async function keepForReview(order: StoredOrder, problem: Problem, now: Date): Promise<StoredOrder> {
  const kept: StoredOrder = { ...order, status: 'needs_review', deliveryId: null, reason: problem, updatedAt: now.toISOString() };
  if (!(await integrationRepository.saveUnbooked(kept))) {
    // Booked meanwhile by a concurrent post: that booking stands.
    return (await integrationRepository.getOrder(order.tenantId, order.integrationId, order.id)) ?? kept;
  }
  return kept;
}

/** The public inbound endpoint: verify first, parse after, book or keep, never duplicate. */
export async function receiveOrder(integrationId: string, bytes: Buffer, headers: Record<string, string | undefined>, topic: string | undefined, now = new Date()): Promise<InboundAnswer> {
  const integration = await integrationRepository.findById(integrationId);
  if (!integration) throw inboundErrors.notFound('integration', integrationId);
  const text = bytes.toString('utf8');
  if (isWooCommercePing(integration.provider, headers, text)) return { status: 200, body: {} };
  if (!verifySignature(integration.provider, secretsInForce(integration, now), bytes, headers)) {
    throw inboundErrors.error('invalid_signature', 'The signature does not match this integration\'s secret.');
  }
  let payload: unknown;
  try {
    payload = parseOrderJson(text);
  } catch {
    throw inboundErrors.error('malformed_json', 'The order is not valid JSON.');
  }
  const mapped = mapOrder(integration.provider, payload, integration.defaultParcel?.weightKg);
  if (mapped.orderId === '' || mapped.orderId.length > 128) {
    throw inboundErrors.error('parameter_missing', 'The order has no usable id.', { param: integration.provider === 'generic' ? 'orderId' : 'id' });
  }
  const existing = await integrationRepository.getOrder(integration.tenantId, integration.id, mapped.orderId);
  if (existing?.status === 'booked') return { status: 202, body: { deliveryId: existing.deliveryId } };

  const order: StoredOrder = {
    id: mapped.orderId,
    object: 'inbound_order',
    tenantId: integration.tenantId,
    integrationId: integration.id,
    status: 'needs_review',
    deliveryId: null,
    reason: null,
    request: mapped.request as Record<string, unknown>,
    receivedAt: existing?.receivedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  let result: StoredOrder;
  if (mapped.problem) result = await keepForReview(order, mapped.problem, now);
  else if (!mapped.paid) {
    const waiting: StoredOrder = { ...order, status: 'awaiting_payment', reason: { code: 'awaiting_payment', message: 'The order is not paid yet: it is booked when the platform reports it paid.' } };
    result = (await integrationRepository.saveUnbooked(waiting)) ? waiting : ((await integrationRepository.getOrder(order.tenantId, order.integrationId, order.id)) ?? waiting);
  } else result = await bookOrder(integration, order, now);

  logger.info('inbound order', { integrationId, tenantId: integration.tenantId, provider: integration.provider, topic, status: result.status, reason: result.reason?.code });
  if (result.status === 'booked') return { status: 202, body: { deliveryId: result.deliveryId } };
  return { status: 202, body: { deliveryId: null, status: result.status, ...(result.reason ? { reason: result.reason.code } : {}) } };
}

/**
 * The fix merged into what the order said: an address replaces the address; each contact field
 * given replaces that field only, so fixing a street does not lose the recipient's phone or e-mail.
 */
export function mergeDropoffFix(current: unknown, fix: NonNullable<FixOrderBody['dropoff']>): Record<string, unknown> {
  const stored = isRecord(current) ? current : {};
  const contact = { ...(isRecord(stored.contact) ? stored.contact : {}), ...fix.contact };
  return { ...stored, ...(fix.address ? { address: fix.address } : {}), ...(Object.keys(contact).length > 0 ? { contact } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The tenant fixes what was missing (drop-off, parcels) and books an order kept for review. */
export async function fixAndBookOrder(tenantId: string, integrationId: string, orderId: string, fix: FixOrderBody, now = new Date()) {
  const integration = await integrationRepository.get(tenantId, integrationId);
  const order = integration ? await integrationRepository.getOrder(tenantId, integrationId, orderId) : undefined;
  if (!integration || !order) throw orderFixErrors.notFound('order', orderId);
  if (order.status === 'booked') throw orderFixErrors.error('invalid_transition', `This order is already booked as ${order.deliveryId}.`);
  const request = { ...(order.request ?? {}), ...(fix.dropoff ? { dropoff: mergeDropoffFix(order.request?.dropoff, fix.dropoff) } : {}), ...(fix.parcels ? { parcels: fix.parcels } : {}) };
  const result = await bookOrder(integration, { ...order, request }, now);
  if (result.status !== 'booked') {
    const reason = result.reason?.code ?? 'invalid_order';
    const param = result.reason?.param;
    if (reason === GEOCODER_UNAVAILABLE) {
      throw orderFixErrors.error('upstream_unavailable', 'The address service does not answer right now: retry shortly, or give the drop-off with lat and lng. The order is kept with your fix.', {
        headers: { 'retry-after': '5' },
        ...(param === undefined ? {} : { param }),
      });
    }
    // The reason's own code when it is one a fix can meet (outside the area, over capacity…).
    const code = orderFixErrors.has(reason) ? reason : 'parameter_invalid';
    throw orderFixErrors.error(code, result.reason?.message ?? 'The order still cannot be booked.', param === undefined ? {} : { param });
  }
  return orderView(result);
}
