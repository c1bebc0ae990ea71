import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { PutSlotsBody, SlotDateParam, SlotDay, SlotsQuery } from '../slots/schemas.js';
import { AssignBody, CancelBody, CourierEventBody, CreateDeliveryBody, Delivery, ListDeliveriesQuery, Quote, QuoteRequest } from './schemas.js';
import { accessErrors } from '../auth/errors.js';
import { bookingErrors, deliveryChangeErrors, deliveryListErrors, deliveryReadErrors, transitionErrors } from './errors.js';
import { capacityErrors, geocodingErrors } from '../geo/errors.js';
import { priceErrors } from '../pricing/errors.js';
import { pricingErrors, quoteErrors, stopErrors } from '../quotes/errors.js';
import { localTimeErrors, slotErrors } from '../slots/errors.js';
import { tenantErrors } from '../tenants/errors.js';

/** What pricing a request may answer: its stops, their place in the area, the parcels' weight and size. */
const pricedRequestErrors = [accessErrors, tenantErrors, stopErrors, geocodingErrors, pricingErrors, priceErrors, capacityErrors] as const;

/** Quotes, bookings, pickup slots, assignment and courier events: the delivery lifecycle. */
export const deliveryRoutes = {
  createQuote: defineRoute({
    method: 'POST',
    path: '/v1/quotes',
    roles: ['tenant'],
    handler: 'functions/quotes/create-quote.ts',
    summary: 'Prices a delivery. The quote holds its price for 15 minutes and books once.',
    tag: 'Quotes',
    idempotent: true,
    request: { body: QuoteRequest },
    responses: { 201: { description: 'The quote.', schema: Quote } },
    errors: [...pricedRequestErrors],
  }),
  getQuote: defineRoute({
    method: 'GET',
    path: '/v1/quotes/{id}',
    roles: ['tenant'],
    handler: 'functions/quotes/get-quote.ts',
    summary: 'Reads a quote (`status`: open, booked or expired).',
    tag: 'Quotes',
    request: { params: IdParam },
    responses: { 200: { description: 'The quote.', schema: Quote } },
    errors: [accessErrors, quoteErrors],
  }),
  createDelivery: defineRoute({
    method: 'POST',
    path: '/v1/deliveries',
    roles: ['tenant'],
    handler: 'functions/deliveries/create-delivery.ts',
    summary: 'Books a delivery or a pickup: from a quote (at its price), or priced and booked in one call; optionally in a pickup slot.',
    tag: 'Deliveries',
    idempotent: true,
    request: { body: CreateDeliveryBody },
    responses: { 201: { description: 'The delivery, `booked`.', schema: Delivery } },
    errors: [...pricedRequestErrors, bookingErrors],
  }),
  listDeliveries: defineRoute({
    method: 'GET',
    path: '/v1/deliveries',
    roles: ['tenant', 'admin', 'accountant'],
    handler: 'functions/deliveries/list-deliveries.ts',
    summary: 'Lists deliveries, newest first. A tenant sees its own; the hub gives `tenantId`, or `status` for the whole hub.',
    tag: 'Deliveries',
    request: { query: ListDeliveriesQuery },
    responses: { 200: { description: 'A page of deliveries.', schema: listOf(Delivery) } },
    errors: [deliveryListErrors],
  }),
  getDelivery: defineRoute({
    method: 'GET',
    path: '/v1/deliveries/{id}',
    roles: ['tenant', 'admin', 'accountant'],
    handler: 'functions/deliveries/get-delivery.ts',
    summary: 'Reads a delivery.',
    tag: 'Deliveries',
    request: { params: IdParam },
    responses: { 200: { description: 'The delivery.', schema: Delivery } },
    errors: [deliveryReadErrors],
  }),
  cancelDelivery: defineRoute({
    method: 'POST',
    path: '/v1/deliveries/{id}/cancel',
    roles: ['tenant', 'admin'],
    handler: 'functions/deliveries/cancel-delivery.ts',
    summary: 'Cancels a booked or assigned delivery (free before assignment; the rate card may charge a fee after). Cancelling again answers the same delivery.',
    tag: 'Deliveries',
    request: { params: IdParam, body: CancelBody },
    responses: { 200: { description: 'The delivery, `cancelled`.', schema: Delivery } },
    errors: [deliveryChangeErrors, transitionErrors],
  }),
  putSlots: defineRoute({
    method: 'PUT',
    path: '/v1/hub/slots/{date}',
    roles: ['admin'],
    handler: 'functions/slots/put-slots.ts',
    summary: "Sets a day's pickup slots (Europe/Paris times). Kept slots keep their bookings; capacity never drops below them.",
    tag: 'Pickup slots',
    request: { params: SlotDateParam, body: PutSlotsBody },
    responses: { 200: { description: "The day's slots.", schema: SlotDay } },
    errors: [slotErrors, localTimeErrors],
  }),
  listSlots: defineRoute({
    method: 'GET',
    path: '/v1/slots',
    roles: ['tenant', 'admin'],
    handler: 'functions/slots/list-slots.ts',
    summary: "A day's pickup slots with the capacity `remaining`.",
    tag: 'Pickup slots',
    request: { query: SlotsQuery },
    responses: { 200: { description: "The day's slots.", schema: SlotDay } },
    errors: [slotErrors],
  }),
  assignDelivery: defineRoute({
    method: 'POST',
    path: '/v1/hub/deliveries/{id}/assign',
    roles: ['admin'],
    handler: 'functions/hub/assign-delivery.ts',
    summary: 'Assigns a delivery to a courier, or re-assigns it before pickup.',
    tag: 'Hub and couriers',
    request: { params: IdParam, body: AssignBody },
    responses: { 200: { description: 'The delivery, `assigned`.', schema: Delivery } },
    errors: [deliveryChangeErrors, transitionErrors],
  }),
  listCourierDeliveries: defineRoute({
    method: 'GET',
    path: '/v1/courier/deliveries',
    roles: ['courier'],
    handler: 'functions/courier/list-deliveries.ts',
    summary: "The courier's assigned deliveries that are not finished.",
    tag: 'Hub and couriers',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of deliveries.', schema: listOf(Delivery) } },
    errors: [deliveryListErrors],
  }),
  courierEvent: defineRoute({
    method: 'POST',
    path: '/v1/courier/deliveries/{id}/events',
    roles: ['courier'],
    handler: 'functions/courier/record-event.ts',
    summary: 'Reports a pickup, a delivery (with proof), a failure (with a reason) or a position.',
    tag: 'Hub and couriers',
    idempotent: true,
    request: { params: IdParam, body: CourierEventBody },
    responses: { 200: { description: 'The delivery.', schema: Delivery } },
    errors: [deliveryChangeErrors, transitionErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
