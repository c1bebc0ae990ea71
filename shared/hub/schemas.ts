import * as z from 'zod';
import { RateCard } from '../pricing/rate-card.js';

export const RateCardView = RateCard.extend({
  object: z.literal('rate_card'),
  source: z.enum(['hub', 'tenant']).meta({ description: '`tenant`: the tenant\'s own rates; `hub`: the default.' }),
  tenantId: z.string().nullable(),
}).meta({ id: 'RateCardView' });
