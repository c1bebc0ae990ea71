import { anyOf, changes, defineEntity, itemAbsent, tenantKey, type Expression } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeIf } from '../db/transact.js';
import { isId } from '../ids.js';
import type { InboundOrder, Integration } from './schemas.js';

export interface Secret {
  value: string;
  /** null: in force; else the end of a rotation's grace period. */
  expiresAt: string | null;
}

export interface StoredIntegration extends Omit<Integration, 'url'> {
  tenantId: string;
  secrets: Secret[];
}

export interface StoredOrder extends InboundOrder {
  tenantId: string;
}

/** A tenant's integrations (gsi1); each is also found by its id alone (gsi5) when a platform posts. */
const tenantIntegrations = (tenantId: string) => `${tenantKey(tenantId)}#INT`;
const INTEGRATION = 'INTEGRATION';

export const integrations = defineEntity<StoredIntegration, Pick<StoredIntegration, 'tenantId' | 'id'>>({
  name: 'integration',
  key: ({ tenantId, id }) => ({ pk: `${tenantIntegrations(tenantId)}#${id}`, sk: INTEGRATION }),
  indexes: ({ tenantId, id }) => ({ gsi1pk: tenantIntegrations(tenantId), gsi1sk: id, gsi5pk: id, gsi5sk: INTEGRATION }),
});

/** One record per order received: what makes a retried order land on the same delivery. The orders of an integration are listed by arrival (gsi1). */
const integrationOrders = (tenantId: string, integrationId: string) => `${tenantIntegrations(tenantId)}#${integrationId}#ORDERS`;

export const orders = defineEntity<StoredOrder, Pick<StoredOrder, 'tenantId' | 'integrationId' | 'id'>>({
  name: 'inbound_order',
  key: ({ tenantId, integrationId, id }) => ({ pk: `${tenantIntegrations(tenantId)}#${integrationId}#ORDER#${id}`, sk: 'ORDER' }),
  indexes: ({ tenantId, integrationId, receivedAt, id }) => ({ gsi1pk: integrationOrders(tenantId, integrationId), gsi1sk: `${receivedAt}#${id}` }),
});

/** An order is written over anything but a booked one: a booking stands, whatever arrives later. */
const notBooked: Expression = anyOf(itemAbsent, { expression: '#status <> :booked', names: { '#status': 'status' }, values: { ':booked': 'booked' } });

export const integrationRepository = {
  /** A new integration (the create endpoint writes it alone, as the effect of its request). */
  create(integration: StoredIntegration): TransactItem {
    return integrations.create(integration);
  },

  async get(tenantId: string, integrationId: string): Promise<StoredIntegration | undefined> {
    if (!isId('integration', integrationId)) return undefined;
    return integrations.get({ tenantId, id: integrationId }, { consistent: true });
  },

  /** For the public inbound endpoint, which knows the integration id only. */
  async findById(integrationId: string): Promise<StoredIntegration | undefined> {
    if (!isId('integration', integrationId)) return undefined;
    const [integration] = await integrations.queryAll({ partition: { gsi5pk: integrationId }, range: { equals: INTEGRATION } });
    return integration;
  },

  async list(tenantId: string, page: PageRequest): Promise<Page<StoredIntegration>> {
    return integrations.query({ partition: { gsi1pk: tenantIntegrations(tenantId) }, page });
  },

  /** False when there was none to delete. */
  async delete(tenantId: string, integrationId: string): Promise<boolean> {
    if (!isId('integration', integrationId)) return false;
    return writeIf(integrations.delete({ tenantId, id: integrationId }));
  },

  /** Replaces the secrets, on the condition nobody rotated in between. */
  async replaceSecrets(integration: StoredIntegration, secrets: Secret[], rotatedAt: string): Promise<boolean> {
    return writeIf(
      integrations.update(integration, changes({ set: { secrets, secretRotatedAt: rotatedAt } }), { expression: 'secrets = :previous', values: { ':previous': integration.secrets } }),
    );
  },

  async getOrder(tenantId: string, integrationId: string, orderId: string): Promise<StoredOrder | undefined> {
    return orders.get({ tenantId, integrationId, id: orderId }, { consistent: true });
  },

  /** Keeps an order that could not be booked (yet); never over one that was booked. */
  async saveUnbooked(order: StoredOrder): Promise<boolean> {
    return writeIf(orders.put(order, notBooked));
  },

  /**
   * The order booked, in the booking's own transaction: two posts of one order racing end on one
   * delivery. Refused, the transaction carries the order as it was (the delivery that stands).
   */
  booked(order: StoredOrder): TransactItem {
    return orders.put(order, notBooked, { returnOld: true });
  },

  async listOrders(tenantId: string, integrationId: string, page: PageRequest): Promise<Page<StoredOrder>> {
    return orders.query({ partition: { gsi1pk: integrationOrders(tenantId, integrationId) }, page, descending: true });
  },
};
