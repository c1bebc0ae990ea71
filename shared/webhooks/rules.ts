import { EVENT_SOURCE } from '../config.js';
import type { EventRule } from '../events/rules.js';

export const webhookRules: readonly EventRule[] = [
  {
    name: 'webhook-dispatch',
    description: "Sends each tenant's delivery and invoice events to its webhook endpoints (first attempt; the retry sweeper does the rest).",
    pattern: { source: [EVENT_SOURCE], 'detail-type': [{ prefix: 'delivery.' }, { prefix: 'invoice.' }] },
    target: { handler: 'functions/consumers/webhook-dispatch.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  },
];
