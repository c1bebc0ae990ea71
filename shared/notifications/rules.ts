import { EVENT_SOURCE } from '../config.js';
import type { EventRule } from '../events/rules.js';
import { notifiedEventTypes } from './schemas.js';

export const notificationRules: readonly EventRule[] = [
  {
    name: 'notify-recipient',
    description: 'E-mails the recipient the tracking link when a delivery is booked, and the outcome when it is delivered or failed.',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [...notifiedEventTypes] },
    target: { handler: 'functions/consumers/notify-recipient.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600, needs: ['sendEmail'] },
  },
];
