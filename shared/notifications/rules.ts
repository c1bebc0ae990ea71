import { deliveryEvents } from '../deliveries/events.js';
import { defineRule } from '../events/rule.js';

export const notificationRules = {
  notifyRecipient: defineRule({
    name: 'notify-recipient',
    description: 'E-mails the recipient the tracking link when a delivery is booked, the outcome when it is delivered or failed, and the new day when a failed delivery is rescheduled.',
    consumes: [deliveryEvents.booked, deliveryEvents.delivered, deliveryEvents.failed, deliveryEvents.rescheduled],
    target: { handler: 'functions/consumers/notify-recipient.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600, needs: ['sendEmail'] },
  }),
} as const;
