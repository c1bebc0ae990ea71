import { stringify } from 'csv-stringify/sync';
import { impactErrors } from './errors.js';
import type { ImpactReport } from './schemas.js';

/** For French spreadsheets, as the billing exports: `;`, UTF-8 with BOM, CRLF, decimal comma. */
const spreadsheet = { delimiter: ';', bom: true, record_delimiter: 'windows' } as const;
const decimal = (value: number) => String(value).replace('.', ',');

const MONTH_COLUMNS = ['mois', 'livraisons', 'tentatives_echouees', 'colis', 'poids_kg', 'arrets', 'km', 'kgCO2e_evites'] as const;
const ROUND_COLUMNS = ['date', 'coursier', 'arrets', 'km', 'kgCO2e_evites', 'distances', 'locataires'] as const;

/** The citation and the method, as `#` lines after the rows (a CSV reader told `comment: '#'` skips them). */
function footer(report: ImpactReport): string {
  const lines = [
    `# Facteur d'émission évité : ${decimal(report.factor.kgCo2ePerKm)} kgCO2e/km, ${report.factor.name}`,
    `# Source : ${report.factor.source} ; ${report.factor.version} ; calcul : ${report.factor.derivation}`,
    `# Vélos : ${report.factor.bikeEmissions}`,
    `# Méthode : ${report.method.description}`,
    `# Répartition : ${report.method.allocation}`,
    `# Périmètre : ${report.scope === 'hub' ? 'tout le hub' : `locataire ${report.tenantId}`} ; du ${report.period.from} au ${report.period.to}${report.period.complete ? '' : ' (période en cours)'}`,
  ];
  return lines.map((line) => line.replace(/[\r\n]+/g, ' ')).join('\r\n') + '\r\n';
}

/** One row per month, then the totals, then the citation. */
export function impactMonthsCsv(report: ImpactReport): string {
  const rows = [...report.months.map((row) => ({ ...row, label: row.month })), { ...report.totals, label: 'total' }].map((row) => [
    row.label,
    row.deliveries,
    row.failedAttempts,
    row.parcels,
    decimal(row.weightKg),
    row.stops,
    decimal(row.km),
    decimal(row.kgCo2eAvoided),
  ]);
  return stringify([[...MONTH_COLUMNS], ...rows], spreadsheet) + footer(report);
}

/** The hub's rounds, one row each (date, courier, stops, km), then the citation. */
export function impactRoundsCsv(report: ImpactReport): string {
  const rows = (report.rounds ?? []).map((round) => [
    round.date,
    round.courierId,
    round.stops,
    decimal(round.km),
    decimal(round.kgCo2eAvoided),
    round.distances,
    round.tenants.map((share) => `${share.tenantId}:${share.stops}:${share.metres}`).join(' '),
  ]);
  return stringify([[...ROUND_COLUMNS], ...rows], spreadsheet) + footer(report);
}

/** The CSV asked for: the months (default), or the hub's rounds (a tenant's report has none: 403). */
export function impactCsv(report: ImpactReport, detail: 'months' | 'rounds' | undefined): { fileName: string; body: string } {
  if (detail === 'rounds' && report.rounds === null) {
    throw impactErrors.error('forbidden', "The rounds' detail is the hub's (couriers' days, every tenant's stops): a tenant reads its own figures, by month.");
  }
  const fileName = `impact-${report.period.month ?? report.period.year}${report.tenantId ? `-${report.tenantId}` : ''}${detail === 'rounds' ? '-tournees' : ''}.csv`;
  return { fileName, body: detail === 'rounds' ? impactRoundsCsv(report) : impactMonthsCsv(report) };
}
