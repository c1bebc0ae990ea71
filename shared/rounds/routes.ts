import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { CouriersQuery, CourierToday, DateParams, PositionBody } from '../couriers/schemas.js';
import { AssignBody, Delivery } from '../deliveries/schemas.js';
import { deliveryChangeErrors, plainChangeErrors, transitionErrors } from '../deliveries/errors.js';
import { IdParam, listOf } from '../schemas/common.js';
import { positionErrors } from '../couriers/errors.js';
import { Timestamp } from '../schemas/common.js';
import { Board, CourierRound, DayQuery, PutRoundBody, Round } from './schemas.js';
import { assignErrors, roundErrors, roundReadErrors } from './errors.js';

/** Each courier's round of a day, the hub's dispatch board, and the courier's own day. */
export const roundRoutes = {
  listCouriers: defineRoute({
    method: 'GET',
    path: '/v1/couriers',
    roles: ['admin'],
    handler: 'functions/rounds/list-couriers.ts',
    summary: "The hub's couriers, oldest first, each with its shift and state on the day (today by default), its last position and its round's progress.",
    tag: 'Couriers',
    request: { query: CouriersQuery },
    responses: { 200: { description: 'A page of couriers.', schema: listOf(CourierToday) } },
  }),
  assignDelivery: defineRoute({
    method: 'POST',
    path: '/v1/hub/deliveries/{id}/assign',
    roles: ['admin'],
    handler: 'functions/rounds/assign-delivery.ts',
    summary: "Assigns a delivery to a courier, or re-assigns it before pickup: its stops join the courier's round of the delivery's day (at `position`, else at the end). Refused when the round would go over the vehicle's capacity.",
    tag: 'Hub and couriers',
    request: { params: IdParam, body: AssignBody },
    responses: { 200: { description: 'The delivery, `assigned`.', schema: Delivery } },
    errors: [deliveryChangeErrors, transitionErrors, assignErrors],
  }),
  unassignDelivery: defineRoute({
    method: 'POST',
    path: '/v1/hub/deliveries/{id}/unassign',
    roles: ['admin'],
    handler: 'functions/rounds/unassign-delivery.ts',
    summary: 'Takes a delivery back from its courier before pickup: `booked` again, in the queue of the day.',
    tag: 'Hub and couriers',
    request: { params: IdParam },
    responses: { 200: { description: 'The delivery, `booked`.', schema: Delivery } },
    errors: [plainChangeErrors],
  }),
  getRound: defineRoute({
    method: 'GET',
    path: '/v1/hub/couriers/{id}/rounds/{date}',
    roles: ['admin'],
    handler: 'functions/rounds/get-round.ts',
    summary: "A courier's round of a day: its stops in order, timed (arrival, departure) and loaded, with alerts (late, over capacity, outside the shift).",
    tag: 'Hub and couriers',
    request: { params: DateParams },
    responses: { 200: { description: 'The round.', schema: Round } },
    errors: [roundReadErrors],
  }),
  putRound: defineRoute({
    method: 'PUT',
    path: '/v1/hub/couriers/{id}/rounds/{date}',
    roles: ['admin'],
    handler: 'functions/rounds/put-round.ts',
    summary: "Sets the whole order of a courier's stops on a day; deliveries listed that are not the courier's yet are assigned to it (a move between rounds). Refused over the vehicle's capacity.",
    tag: 'Hub and couriers',
    request: { params: DateParams, body: PutRoundBody },
    responses: { 200: { description: 'The round.', schema: Round } },
    errors: [roundErrors],
  }),
  getBoard: defineRoute({
    method: 'GET',
    path: '/v1/hub/board',
    roles: ['admin'],
    handler: 'functions/rounds/get-board.ts',
    summary: "The dispatch board of a day: every courier with its shift, state, position and round; the deliveries waiting for a courier; every delivery of the day.",
    tag: 'Hub and couriers',
    request: { query: DayQuery },
    responses: { 200: { description: 'The board.', schema: Board } },
  }),
  getCourierRound: defineRoute({
    method: 'GET',
    path: '/v1/courier/round',
    roles: ['courier'],
    handler: 'functions/rounds/get-courier-round.ts',
    summary: "The courier's round of the day (today by default): stops in order with addresses, contacts, instructions, parcels and times; what is on the bike; whether to report positions.",
    tag: 'Hub and couriers',
    request: { query: DayQuery },
    responses: { 200: { description: 'The courier’s day.', schema: CourierRound } },
    errors: [roundErrors],
  }),
  reportPosition: defineRoute({
    method: 'POST',
    path: '/v1/courier/position',
    roles: ['courier'],
    handler: 'functions/rounds/report-position.ts',
    summary: "The courier's position, during a shift only (about once a minute while a round is under way). Only the last one is kept, for the board and the recipients' ETAs.",
    tag: 'Hub and couriers',
    request: { body: PositionBody },
    responses: { 200: { description: 'The position kept (`kept: false` when a later one was there already).', schema: z.object({ object: z.literal('position'), lat: z.number(), lng: z.number(), at: Timestamp, kept: z.boolean() }).meta({ id: 'PositionKept' }) } },
    errors: [positionErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
