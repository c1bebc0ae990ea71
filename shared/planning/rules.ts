import { deliveryEvents } from '../deliveries/events.js';
import { defineRule } from '../events/rule.js';
import { planEvents } from './plans.js';

export const planningRules = {
  planDay: defineRule({
    name: 'planning-solve',
    description: 'Computes a plan of the day asked for (POST /v1/hub/plans): the solver runs here, off the request path, with the memory and time it needs.',
    consumes: [planEvents.requested],
    target: { handler: 'functions/consumers/planning-solve.ts', retryAttempts: 2, maximumEventAgeSeconds: 3600, timeoutSeconds: 120, memoryMb: 1769 },
  }),
  replanDay: defineRule({
    name: 'planning-propose',
    description: "Proposes a new plan of today when a delivery of today is booked or cancelled: the current rounds kept, the change placed with as few moves as possible.",
    consumes: [deliveryEvents.booked, deliveryEvents.cancelled],
    target: { handler: 'functions/consumers/planning-propose.ts', retryAttempts: 4, maximumEventAgeSeconds: 3600 },
  }),
} as const;
