import { defineRoute, type RouteDefinition } from '../http/route.js';
import { localTimeErrors, slotErrors } from './errors.js';
import { PutSlotsBody, SlotDateParam, SlotDay, SlotsQuery } from './schemas.js';

/** The hub's pickup slots: set by the hub, read by tenants who book in them. */
export const slotRoutes = {
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
} as const satisfies Record<string, RouteDefinition>;
