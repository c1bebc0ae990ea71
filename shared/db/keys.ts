/**
 * Every key of the table is built here, and only here (ElectroDB's lesson: no key strings
 * concatenated across the code base). Rule: the tenant id leads every key of tenant data
 * (`T#<tenantId>#...`), so a repository cannot reach a tenant's items without that tenant's id.
 */
const tenantRoot = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  tenant: (tenantId: string) => ({ pk: tenantRoot(tenantId), sk: 'TENANT' }),
  /** All tenants, newest last (ULIDs sort by creation time). Few items: one partition is fine. */
  tenantListing: (tenantId: string) => ({ gsi1pk: 'TENANTS', gsi1sk: tenantId }),
  tenantListingPartition: () => ({ gsi1pk: 'TENANTS' }),

  /** API keys are found by the hash of the secret: one GetItem per authenticated request. */
  apiKeyByHash: (secretHash: string) => ({ pk: `APIKEY#${secretHash}`, sk: 'APIKEY' }),
  /** The keys issued to one owner (a tenant, a courier, the hub), for listing and revocation. */
  apiKeyListing: (ownerId: string, keyId: string) => ({ gsi1pk: `KEYS#${ownerId}`, gsi1sk: keyId }),

  courier: (courierId: string) => ({ pk: `COURIER#${courierId}`, sk: 'COURIER' }),
  courierListing: (courierId: string) => ({ gsi1pk: 'COURIERS', gsi1sk: courierId }),
  courierListingPartition: () => ({ gsi1pk: 'COURIERS' }),

  /** Stored responses of create requests, per caller scope (a tenant id, or `hub`). */
  idempotency: (scope: string, keyHash: string) => ({ pk: `${tenantRoot(scope)}#IDEM#${keyHash}`, sk: 'IDEM' }),

  /** The events a tenant's data went through, newest last; written by the audit-trail consumer. */
  tenantEvent: (tenantId: string, eventId: string) => ({ pk: `${tenantRoot(tenantId)}#EVENTS`, sk: eventId }),
  tenantEventPartition: (tenantId: string) => ({ pk: `${tenantRoot(tenantId)}#EVENTS` }),

  /** Events written in the same transaction as the state change they describe; the stream relays them to the bus. */
  outbox: (scope: string, eventId: string) => ({ pk: `${tenantRoot(scope)}#OUTBOX#${eventId}`, sk: 'OUTBOX' }),

  quote: (tenantId: string, quoteId: string) => ({ pk: `${tenantRoot(tenantId)}#QUOTE#${quoteId}`, sk: 'QUOTE' }),

  delivery: (tenantId: string, deliveryId: string) => ({ pk: `${tenantRoot(tenantId)}#DLV#${deliveryId}`, sk: 'DELIVERY' }),
  /** The index keys of a delivery follow its status; recomputed on every write. */
  deliveryIndexes: (delivery: { tenantId: string; id: string; status: string; courierId: string | null }) => {
    const open = delivery.courierId !== null && (delivery.status === 'assigned' || delivery.status === 'picked_up');
    return {
      gsi1pk: `${tenantRoot(delivery.tenantId)}#DLV`,
      gsi1sk: delivery.id,
      gsi2pk: `${tenantRoot(delivery.tenantId)}#DLV#${delivery.status}`,
      gsi2sk: delivery.id,
      gsi3pk: `HUB#DLV#${delivery.status}`,
      gsi3sk: delivery.id,
      gsi4pk: open ? `COURIER#${delivery.courierId}#OPEN` : undefined,
      gsi4sk: open ? delivery.id : undefined,
      gsi5pk: delivery.id,
      gsi5sk: 'DELIVERY',
    };
  },
  tenantDeliveries: (tenantId: string, status?: string): Record<string, string> =>
    status === undefined ? { gsi1pk: `${tenantRoot(tenantId)}#DLV` } : { gsi2pk: `${tenantRoot(tenantId)}#DLV#${status}` },
  hubDeliveries: (status: string) => ({ gsi3pk: `HUB#DLV#${status}` }),
  courierOpenDeliveries: (courierId: string) => ({ gsi4pk: `COURIER#${courierId}#OPEN` }),
  deliveryById: (deliveryId: string) => ({ gsi5pk: deliveryId }),
  /** The public tracking token points at its delivery (the link is all a recipient has). */
  trackingToken: (token: string) => ({ pk: `TRACK#${token}`, sk: 'TRACK' }),

  /** E-mails to recipients kept in the table (the local outbox notifier), newest last. */
  notification: (tenantId: string, notificationId: string) => ({ pk: `${tenantRoot(tenantId)}#MAIL`, sk: notificationId }),
  notificationPartition: (tenantId: string) => ({ pk: `${tenantRoot(tenantId)}#MAIL` }),
  /** "This event's e-mail was sent": the recipient notifier's claim, one per event. */
  notificationSent: (tenantId: string, eventId: string) => ({ pk: `${tenantRoot(tenantId)}#NOTIFIED#${eventId}`, sk: 'NOTIFIED' }),

  /** A fixed-window request counter (public endpoints): `subject` is already hashed, `window` its start in epoch seconds. */
  rateLimit: (scope: string, subject: string, window: number) => ({ pk: `RATE#${scope}#${subject}#${window}`, sk: 'RATE' }),

  /** A tenant's own rate card (the hub default applies otherwise). */
  tenantRateCard: (tenantId: string) => ({ pk: tenantRoot(tenantId), sk: 'RATECARD' }),

  /** Pickup slots are the hub's: one partition per local date. */
  slotDay: (date: string) => ({ pk: `SLOTS#${date}` }),
  slot: (date: string, slotId: string) => ({ pk: `SLOTS#${date}`, sk: slotId }),

  /** Outbound webhook endpoints of a tenant, and the messages sent to each. */
  webhookEndpoint: (tenantId: string, endpointId: string) => ({ pk: `${tenantRoot(tenantId)}#WHE#${endpointId}`, sk: 'ENDPOINT' }),
  webhookEndpointListing: (tenantId: string, endpointId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#WHE`, gsi1sk: endpointId }),
  webhookEndpointPartition: (tenantId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#WHE` }),
  webhookMessage: (tenantId: string, endpointId: string, messageId: string) => ({ pk: `${tenantRoot(tenantId)}#WHE#${endpointId}#MSG#${messageId}`, sk: 'MSG' }),
  webhookMessageListing: (tenantId: string, endpointId: string, messageId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#WHE#${endpointId}#MSG`, gsi1sk: messageId }),
  webhookMessagePartition: (tenantId: string, endpointId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#WHE#${endpointId}#MSG` }),
  /** Messages waiting for their next attempt, by due time: what the retry sweeper reads. */
  webhookDue: (nextAttemptAt: string, messageId: string) => ({ gsi3pk: 'WEBHOOK#DUE', gsi3sk: `${nextAttemptAt}#${messageId}` }),

  /** Inbound order integrations of a tenant, found by id alone (gsi5) when a platform posts. */
  integration: (tenantId: string, integrationId: string) => ({ pk: `${tenantRoot(tenantId)}#INT#${integrationId}`, sk: 'INTEGRATION' }),
  integrationListing: (tenantId: string, integrationId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#INT`, gsi1sk: integrationId }),
  integrationPartition: (tenantId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#INT` }),
  integrationById: (integrationId: string) => ({ gsi5pk: integrationId, gsi5sk: 'INTEGRATION' }),
  /** One record per order received: what makes a retried order land on the same delivery. */
  inboundOrder: (tenantId: string, integrationId: string, orderId: string) => ({ pk: `${tenantRoot(tenantId)}#INT#${integrationId}#ORDER#${orderId}`, sk: 'ORDER' }),
  inboundOrderListing: (tenantId: string, integrationId: string, receivedAt: string, orderId: string) => ({
    gsi1pk: `${tenantRoot(tenantId)}#INT#${integrationId}#ORDERS`,
    gsi1sk: `${receivedAt}#${orderId}`,
  }),
  inboundOrderPartition: (tenantId: string, integrationId: string) => ({ gsi1pk: `${tenantRoot(tenantId)}#INT#${integrationId}#ORDERS` }),

  /**
   * Billing. A tenant's billable lines of one period share a partition, read with consistent
   * Queries by billing runs (which line is still free is decided there). Invoices are listed by
   * period hub-wide (gsi1) or per tenant and period (gsi2), and found by id (gsi5).
   */
  billableLine: (tenantId: string, period: string, lineId: string) => ({ pk: `${tenantRoot(tenantId)}#BILL#${period}`, sk: `LINE#${lineId}` }),
  billablePeriod: (tenantId: string, period: string) => ({ pk: `${tenantRoot(tenantId)}#BILL#${period}` }),
  invoice: (tenantId: string, invoiceId: string) => ({ pk: `${tenantRoot(tenantId)}#INV#${invoiceId}`, sk: 'INVOICE' }),
  invoiceIndexes: (invoice: { tenantId: string; id: string; period: string }) => ({
    gsi1pk: `BILLING#INV#${invoice.period}`,
    gsi1sk: invoice.id,
    gsi2pk: `${tenantRoot(invoice.tenantId)}#INV#${invoice.period}`,
    gsi2sk: invoice.id,
    gsi5pk: invoice.id,
    gsi5sk: 'INVOICE',
  }),
  periodInvoices: (period: string) => ({ gsi1pk: `BILLING#INV#${period}` }),
  tenantPeriodInvoices: (tenantId: string, period: string) => ({ gsi2pk: `${tenantRoot(tenantId)}#INV#${period}` }),
  invoiceById: (invoiceId: string) => ({ gsi5pk: invoiceId }),
  /** The gapless counter of one invoice number series (`F2026`). */
  invoiceCounter: (series: string) => ({ pk: `BILLING#SERIES#${series}`, sk: 'COUNTER' }),
  billingRun: (runId: string) => ({ pk: `BILLING#RUN#${runId}`, sk: 'RUN' }),
  /** Gives a retried run (same schedule period, same Idempotency-Key) the same run id. */
  billingRunMarker: (name: string) => ({ pk: `BILLING#RUNKEY#${name}`, sk: 'RUNKEY' }),
  stripeCustomer: (tenantId: string) => ({ pk: tenantRoot(tenantId), sk: 'STRIPE_CUSTOMER' }),
  /** Stripe webhook events already applied (Stripe delivers at least once, in any order). */
  stripeEvent: (eventId: string) => ({ pk: `STRIPE#EVT#${eventId}`, sk: 'STRIPE_EVENT' }),

  /** Hub-wide singletons (bootstrap markers, settings). */
  hubSetting: (name: string) => ({ pk: 'HUB', sk: `SETTING#${name}` }),
} as const;
