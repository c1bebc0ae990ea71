/**
 * A service area (GeoJSON Polygon or MultiPolygon, [lng, lat] positions) drawn as SVG paths,
 * scaled to fit a box: no map library, just the outline. Longitudes are shrunk by cos(latitude)
 * so the shape keeps its proportions (a degree of longitude is shorter than one of latitude).
 */
export type Position = [number, number];
export type ServiceArea = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface Outline {
  /** One `d` per polygon (its outline and holes as sub-paths, drawn with fill-rule evenodd). */
  paths: string[];
  width: number;
  height: number;
}

export function polygonsOf(area: ServiceArea): Position[][][] {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function outlinePaths(area: ServiceArea, width = 320, height = 240, padding = 8): Outline {
  const positions = polygonsOf(area).flat(2);
  if (positions.length === 0) return { paths: [], width, height };
  const lngs = positions.map((p) => p[0]);
  const lats = positions.map((p) => p[1]);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const squeeze = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLng - minLng) * squeeze, 1e-9);
  const spanY = Math.max(maxLat - minLat, 1e-9);
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY);
  // Centred in the box: the spare room split on both sides.
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = (height - spanY * scale) / 2;
  const x = (lng: number) => round(offsetX + (lng - minLng) * squeeze * scale);
  const y = (lat: number) => round(offsetY + (maxLat - lat) * scale);
  const paths = polygonsOf(area).map((rings) =>
    rings
      .filter((ring) => ring.length > 0)
      .map((ring) => `M${ring.map(([lng, lat]) => `${x(lng)} ${y(lat)}`).join(' L')} Z`)
      .join(' '),
  );
  return { paths, width, height };
}

/** Reads a GeoJSON text typed in a textarea: the area, or what is wrong with it (French and English). */
export function parseServiceArea(text: string): { area: ServiceArea } | { problem: { fr: string; en: string } } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: { fr: 'Ce texte n’est pas du JSON valide.', en: 'This text is not valid JSON.' } };
  }
  const geometry = (value as { type?: string; geometry?: unknown })?.type === 'Feature' ? (value as { geometry: unknown }).geometry : value;
  const type = (geometry as { type?: unknown })?.type;
  const coordinates = (geometry as { coordinates?: unknown })?.coordinates;
  if (type !== 'Polygon' && type !== 'MultiPolygon') return { problem: { fr: 'Le type doit être « Polygon » ou « MultiPolygon ».', en: 'The type must be "Polygon" or "MultiPolygon".' } };
  if (!Array.isArray(coordinates) || coordinates.length === 0) return { problem: { fr: 'Il manque les coordonnées (« coordinates »).', en: 'The coordinates are missing ("coordinates").' } };
  const polygons = (type === 'Polygon' ? [coordinates] : coordinates) as unknown[];
  for (const rings of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) return { problem: { fr: 'Chaque polygone doit avoir au moins un contour.', en: 'Each polygon needs at least one ring.' } };
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) return { problem: { fr: 'Chaque contour doit avoir au moins 4 points.', en: 'Each ring needs at least 4 positions.' } };
      for (const position of ring) {
        if (!Array.isArray(position) || position.length !== 2 || !position.every((n) => typeof n === 'number' && Number.isFinite(n))) {
          return { problem: { fr: 'Chaque point s’écrit [longitude, latitude].', en: 'Each position is written [longitude, latitude].' } };
        }
        const [lng, lat] = position as [number, number];
        if (lng < -180 || lng > 180 || lat < -90 || lat > 90) return { problem: { fr: `Point hors limites : [${lng}, ${lat}] (longitude d’abord).`, en: `Position out of range: [${lng}, ${lat}] (longitude first).` } };
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) return { problem: { fr: 'Chaque contour doit être fermé : le dernier point répète le premier.', en: 'Each ring must be closed: its last position repeats the first.' } };
    }
  }
  return { area: { type, coordinates } as ServiceArea };
}
