import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import * as z from 'zod';
import { Latitude, Longitude, storableNumber } from '../schemas/common.js';
import { totalVolumeCm3, totalWeightGrams, type ParcelInput } from '../pricing/price.js';
import type { LatLng } from './router.js';
import { capacityErrors } from './errors.js';


/** Keeps a service area small enough to store in one item and test a point against quickly. */
export const MAX_SERVICE_AREA_POSITIONS = 10_000;

const Position = z
  .tuple([Longitude, Latitude])
  .meta({ description: '[longitude, latitude], WGS 84, in that order as GeoJSON requires.' });

const LinearRing = z
  .array(Position)
  .min(4)
  .max(MAX_SERVICE_AREA_POSITIONS)
  .refine(
    (ring) => {
      const first = ring[0];
      const last = ring.at(-1);
      return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
    },
    { message: 'must be a closed ring: its last position must repeat the first' },
  );

const PolygonCoordinates = z.array(LinearRing).min(1).max(100);

const countPositions = (polygons: readonly (readonly (readonly unknown[])[])[]) =>
  polygons.reduce((total, rings) => total + rings.reduce((sum, ring) => sum + ring.length, 0), 0);

const positionLimit = (count: number, context: z.core.$RefinementCtx) => {
  if (count > MAX_SERVICE_AREA_POSITIONS) {
    context.addIssue({
      code: 'custom',
      message: `has ${count} positions; at most ${MAX_SERVICE_AREA_POSITIONS} are accepted (simplify the outline first)`,
      path: ['coordinates'],
    });
  }
};

const PolygonArea = z
  .strictObject({ type: z.literal('Polygon'), coordinates: PolygonCoordinates })
  .superRefine((polygon, context) => positionLimit(countPositions([polygon.coordinates]), context));

const MultiPolygonArea = z
  .strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(PolygonCoordinates).min(1).max(100) })
  .superRefine((multi, context) => positionLimit(countPositions(multi.coordinates), context));

export const ServiceArea = z.discriminatedUnion('type', [PolygonArea, MultiPolygonArea]).meta({
  id: 'ServiceArea',
  description:
    'Where the hub delivers: a GeoJSON Polygon or MultiPolygon geometry ([lng, lat] positions, closed rings, the first ring of a polygon its outline and the others holes), at most 10 000 positions.',
});
export type ServiceArea = z.output<typeof ServiceArea>;

/**
 * An approximation of Saint-Étienne Métropole, drawn by hand around its communes: Saint-Étienne
 * (with Rochetaillée and Saint-Victor-sur-Loire), Saint-Chamond, Rive-de-Gier and the Gier
 * valley up to Châteauneuf and Tartaras, Firminy, Unieux, Fraisses, Le Chambon-Feugerolles,
 * La Ricamarie, Roche-la-Molière, Saint-Genest-Lerpt, Villars, Saint-Priest-en-Jarez,
 * La Talaudière, Sorbiers, Saint-Jean-Bonnefonds, La Fouillouse, Saint-Héand,
 * Andrézieux-Bouthéon, Saint-Just-Saint-Rambert, Planfoy and the Pilat plateau down to
 * Saint-Genest-Malifaux and Marlhes. It errs on the generous side by a kilometre or two.
 *
 * It is only a default. The official outline is the EPCI's (SIREN 244200770), published in IGN
 * ADMIN EXPRESS and served by geo.api.gouv.fr
 * (`/epcis/244200770?format=geojson&geometry=contour`); simplify it below 10 000 positions
 * and load it with `PUT /v1/hub/service-area`.
 */
export const defaultServiceArea: ServiceArea = {
  type: 'Polygon',
  coordinates: [
    [
      [4.225, 45.545], // north of Andrézieux-Bouthéon
      [4.29, 45.575], // Saint-Étienne–Loire airport, Saint-Bonnet-les-Oules
      [4.36, 45.58], // north of Saint-Héand
      [4.44, 45.575], // Fontanès
      [4.49, 45.6], // Marcenod
      [4.56, 45.585], // Saint-Romain-en-Jarez
      [4.64, 45.58], // Saint-Joseph, Dargoire
      [4.7, 45.56], // Tartaras
      [4.69, 45.5], // east of Châteauneuf
      [4.68, 45.45], // Sainte-Croix-en-Jarez, Pavezin
      [4.62, 45.41], // Doizieux
      [4.55, 45.37], // La Valla-en-Gier
      [4.51, 45.34], // Le Bessat, Tarentaise
      [4.46, 45.31], // east of Saint-Genest-Malifaux
      [4.43, 45.26], // south of Marlhes
      [4.37, 45.26],
      [4.33, 45.3], // Jonzieux
      [4.3, 45.35], // Saint-Romain-les-Atheux
      [4.25, 45.365], // south of Fraisses
      [4.21, 45.39], // Saint-Paul-en-Cornillon
      [4.2, 45.44], // Chambles
      [4.205, 45.5], // west of Saint-Just-Saint-Rambert
      [4.225, 45.545],
    ],
  ],
};

/** Whether a point lies in the area; a point exactly on the boundary counts as inside. */
export function isInServiceArea(area: ServiceArea, point: LatLng): boolean {
  return booleanPointInPolygon([point.lng, point.lat], area, { ignoreBoundary: false });
}

export const HubCapacity = z
  .strictObject({
    maxWeightKg: storableNumber({ min: 0.001, max: 1000 }).meta({ description: 'Total weight one delivery may carry (kg), from 0.001 (1 g).' }),
    maxVolumeLiters: storableNumber({ min: 0.001, max: 5000 }).meta({ description: 'Total volume one delivery may carry (L), from 0.001 (1 cm³).' }),
  })
  .meta({ id: 'HubCapacity', description: 'The most one delivery (one cargo-bike load) may carry.' });
export type HubCapacity = z.output<typeof HubCapacity>;

/**
 * One cargo-bike load. Heavy-duty cargo bikes and bike trailers carry 150–250 kg of payload, and
 * a large box is in the 500–1000 L range; 150 kg and 600 L is what the cooperative's usual
 * bikes carry safely up Saint-Étienne's climbs. It matches the last weight tier of the default
 * rate card.
 */
export const defaultCapacity: HubCapacity = { maxWeightKg: 150, maxVolumeLiters: 600 };

/**
 * Refuses parcels beyond one load: 422 `exceeds_capacity`. Volume counts only the parcels that
 * give all three dimensions (the others are checked by weight alone).
 */
export function checkCapacity(capacity: HubCapacity, parcels: readonly ParcelInput[]): void {
  const grams = totalWeightGrams(parcels);
  const cm3 = totalVolumeCm3(parcels);
  const problems: string[] = [];
  if (grams > Math.round(capacity.maxWeightKg * 1000)) {
    problems.push(`weigh ${formatNumber(grams / 1000)} kg in total, over the ${formatNumber(capacity.maxWeightKg)} kg limit`);
  }
  if (cm3 > Math.round(capacity.maxVolumeLiters * 1000)) {
    problems.push(`measure ${formatNumber(cm3 / 1000)} L in total, over the ${formatNumber(capacity.maxVolumeLiters)} L limit`);
  }
  if (problems.length > 0) {
    throw capacityErrors.error('exceeds_capacity', `The parcels ${problems.join(' and ')} of one cargo-bike delivery.`, { param: 'parcels' });
  }
}

function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
