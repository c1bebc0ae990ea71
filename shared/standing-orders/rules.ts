import { defineRule } from '../events/rule.js';
import { standingOrderEvents } from './events.js';

export const standingOrderRules = {
  notify: defineRule({
    name: 'standing-order-notify',
    description: "E-mails the tenant's address about a day of a standing order that could not be booked (its reason), once per event: once per occurrence and reason.",
    consumes: [standingOrderEvents.occurrenceFailed],
    target: { handler: 'functions/consumers/standing-order-notify.ts', retryAttempts: 8, maximumEventAgeSeconds: 86_400, needs: ['sendEmail'] },
  }),
} as const;
