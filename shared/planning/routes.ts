import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf } from '../schemas/common.js';
import { applyPlanErrors, planErrors, planReadErrors } from './plans-errors.js';
import { CreatePlanBody, Plan } from './plans.js';

/** The hub's route planner: a plan of the day proposed, read, applied. */
export const planningRoutes = {
  createPlan: defineRoute({
    method: 'POST',
    path: '/v1/hub/plans',
    roles: ['admin'],
    handler: 'functions/planning/create-plan.ts',
    summary: "Plans a day's rounds for every courier with a shift (or those given): answers 202 with the plan's id at once; the planner works off the request path (`GET /v1/hub/plans/{id}` until `ready`).",
    tag: 'Hub and couriers',
    idempotent: true,
    request: { body: CreatePlanBody },
    responses: { 202: { description: 'The plan, `pending`.', schema: Plan } },
    errors: [planErrors],
  }),
  listPlans: defineRoute({
    method: 'GET',
    path: '/v1/hub/plans',
    roles: ['admin'],
    handler: 'functions/planning/list-plans.ts',
    summary: "A day's plans, newest first (the last 20): those asked for, and the proposals made by themselves after a booking or a cancellation of the day.",
    tag: 'Hub and couriers',
    request: { query: z.strictObject({ date: z.iso.date('must be a date, YYYY-MM-DD') }) },
    responses: { 200: { description: 'The plans.', schema: listOf(Plan) } },
  }),
  getPlan: defineRoute({
    method: 'GET',
    path: '/v1/hub/plans/{id}',
    roles: ['admin'],
    handler: 'functions/planning/get-plan.ts',
    summary: 'A plan: its state, then per courier the stops in order with arrival, start of service, departure, load and distance, and the deliveries left out with the reason.',
    tag: 'Hub and couriers',
    request: { params: IdParam },
    responses: { 200: { description: 'The plan.', schema: Plan } },
    errors: [planReadErrors],
  }),
  applyPlan: defineRoute({
    method: 'POST',
    path: '/v1/hub/plans/{id}/apply',
    roles: ['admin'],
    handler: 'functions/planning/apply-plan.ts',
    summary: "Assigns and orders every round of a ready plan; 409 `plan_outdated` when a delivery it placed changed since. The recipients' ETAs follow the rounds.",
    tag: 'Hub and couriers',
    request: { params: IdParam },
    responses: { 200: { description: 'The plan, `applied`.', schema: Plan } },
    errors: [applyPlanErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
