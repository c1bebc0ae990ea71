import type { RateCard } from '../pricing/rate-card.js';
import { tenantRepository } from '../tenants/repository.js';
import type * as z from 'zod';
import type { RateCardView } from './schemas.js';
import { hubDefaults, hubSettings, pricingContext } from './settings.js';
import { hubErrors } from './errors.js';


type View = z.output<typeof RateCardView>;

export async function hubRateCard(): Promise<View> {
  return { object: 'rate_card', source: 'hub', tenantId: null, ...(await hubDefaults()).rateCard };
}

export async function setHubRateCard(rateCard: RateCard): Promise<View> {
  await hubSettings.putHubRateCard(rateCard);
  return { object: 'rate_card', source: 'hub', tenantId: null, ...rateCard };
}

export async function tenantRateCard(tenantId: string): Promise<View> {
  if (!(await tenantRepository.get(tenantId))) throw hubErrors.notFound('tenant', tenantId);
  const context = await pricingContext(tenantId);
  return { object: 'rate_card', source: context.rateCardSource, tenantId, ...context.rateCard };
}

export async function setTenantRateCard(tenantId: string, rateCard: RateCard): Promise<View> {
  if (!(await tenantRepository.get(tenantId))) throw hubErrors.notFound('tenant', tenantId);
  await hubSettings.putTenantRateCard(tenantId, rateCard);
  return { object: 'rate_card', source: 'tenant', tenantId, ...rateCard };
}
