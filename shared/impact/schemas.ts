import * as z from 'zod';

export const ImpactQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM').optional().meta({ description: 'A calendar month (Europe/Paris). Give `month` or `year`, not both.' }),
  year: z.string().regex(/^\d{4}$/, 'must be a year, YYYY').optional().meta({ description: 'A calendar year: one row per month and the totals (the summary for funders).' }),
  tenantId: z.string().min(1).max(64).optional().meta({ description: "The hub's keys (admin, the cooperative's accountant): one tenant's report instead of the whole hub's." }),
  format: z.enum(['json', 'csv']).optional().meta({ description: '`csv` (also chosen by `Accept: text/csv`): `;`-separated, UTF-8 with BOM, decimal comma, the factor and method in `#` lines at the end.' }),
  detail: z.enum(['months', 'rounds']).optional().meta({ description: 'With CSV: one row per month (default), or, for the hub, one row per round (date, courier, stops, km) so anyone can check the kilometres.' }),
});
export type ImpactQuery = z.output<typeof ImpactQuery>;

const figures = {
  deliveries: z.number().int().meta({ description: 'Deliveries delivered in the period (by the Paris day they were delivered); the first leg of a delivery through the hub is not counted apart.' }),
  failedAttempts: z.number().int().meta({ description: 'Failed attempts in the period.' }),
  parcels: z.number().int().meta({ description: 'Parcels of the deliveries delivered.' }),
  weightKg: z.number().meta({ description: 'Their declared weight.' }),
  stops: z.number().int().meta({ description: 'Stops ridden to (pickups and drop-offs done or failed on the spot) on the rounds of the period.' }),
  metres: z.number().int().meta({ description: 'Metres ridden: whole rounds for the hub, the share of its stops for a tenant.' }),
  km: z.number(),
  kgCo2eAvoided: z.number().meta({ description: 'km × the factor: what a diesel van would have emitted over the same kilometres.' }),
};

export const ImpactFigures = z.object(figures).meta({ id: 'ImpactFigures' });
export type ImpactFigures = z.output<typeof ImpactFigures>;

export const ImpactRound = z
  .object({
    date: z.string(),
    courierId: z.string(),
    stops: z.number().int(),
    metres: z.number().int(),
    km: z.number(),
    kgCo2eAvoided: z.number(),
    distances: z.enum(['road', 'great_circle']).meta({ description: '`road`: the router (OSRM); `great_circle`: straight lines × the cycling detour factor.' }),
    tenants: z.array(z.object({ tenantId: z.string(), stops: z.number().int(), metres: z.number().int() })),
  })
  .meta({ id: 'ImpactRound' });
export type ImpactRound = z.output<typeof ImpactRound>;

export const ImpactReport = z
  .object({
    object: z.literal('impact_report'),
    scope: z.enum(['hub', 'tenant']),
    tenantId: z.string().nullable(),
    period: z.object({ month: z.string().nullable(), year: z.string().nullable(), from: z.string(), to: z.string(), complete: z.boolean().meta({ description: 'False while the period is not over (the figures so far).' }) }),
    method: z.object({
      distances: z.enum(['road', 'great_circle']),
      detourFactor: z.number().nullable(),
      description: z.string(),
      allocation: z.string(),
    }),
    factor: z.object({
      kgCo2ePerKm: z.number(),
      name: z.string(),
      source: z.string(),
      identifier: z.string().nullable(),
      version: z.string(),
      derivation: z.string(),
      bikeEmissions: z.string(),
    }),
    totals: ImpactFigures,
    months: z.array(ImpactFigures.extend({ month: z.string() })),
    tenants: z.array(ImpactFigures.extend({ tenantId: z.string() })).nullable().meta({ description: 'The hub: each tenant’s figures (its deliveries, its share of the kilometres).' }),
    rounds: z.array(ImpactRound).nullable().meta({ description: 'The hub: every round of the period with its ridden kilometres.' }),
    generatedAt: z.string(),
  })
  .meta({ id: 'ImpactReport' });
export type ImpactReport = z.output<typeof ImpactReport>;
