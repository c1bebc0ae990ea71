/**
 * The emission factor the impact report counts as avoided per kilometre ridden: the same
 * kilometres driven by a diesel light commercial vehicle (véhicule utilitaire léger, gazole), per
 * vehicle-km, combustion and upstream (production and distribution of the fuel).
 *
 * Where the number comes from (docs/impact.md says the same, and why it is not a single Base
 * Carbone line): the exact Base Carbone element for a diesel VUL per vehicle-km could not be
 * retrieved and checked when this was written, so the factor is derived from two documented figures:
 * - ADEME Base Carbone, « Gazole routier » (France continentale), total combustion + amont:
 *   3.16 kgCO2e per litre, as extracted from the official Base Carbone CSV
 *   (https://data.ademe.fr/data-fair/api/v1/datasets/base-carboner/raw, as read on 16 January 2026);
 * - the average fuel consumption of French light commercial vehicles, 8.5 L/100 km (Commissariat
 *   général au développement durable, study of VUL CO2 emissions, 2005 figures, as summarised by
 *   TL&A's « Les émissions de CO2 des véhicules utilitaires légers »).
 * 3.16 kgCO2e/L × 0.085 L/km = 0.2686 kgCO2e per vehicle-km, kept at 0.269. Replace it with the
 * Base Carbone's own per-km line (and its identifier) once checked: every report carries the factor
 * it used, so past reports stay explicable.
 *
 * The bikes' own emissions are counted as zero (manufacture and the electricity of electric assist
 * left out): the report's "avoided" is the van's emissions over the same kilometres, a gross figure.
 */
export const VAN_FACTOR = {
  kgCo2ePerKm: 0.269,
  name: 'Véhicule utilitaire léger, gazole (diesel light commercial vehicle), per vehicle-km, combustion + amont',
  source: 'ADEME Base Carbone « Gazole routier » 3.16 kgCO2e/L (combustion + amont) × 8.5 L/100 km (CGDD, VUL fleet average)',
  identifier: null as string | null,
  version: 'Base Carbone open data (data.ademe.fr base-carboner) as read on 2026-01-16; derived factor, not a single Base Carbone element',
  derivation: '3.16 kgCO2e/L × 0.085 L/km = 0.2686 kgCO2e/km',
  bikeEmissions: 'Counted as zero (manufacture and electric assist left out): the CO2e avoided is the van’s emissions over the same kilometres.',
} as const;

export type EmissionFactor = typeof VAN_FACTOR;
