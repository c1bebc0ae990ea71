import { describe, expect, it } from 'vitest';
import { webhookEventFilters } from '../../shared/webhooks/schemas.js';
import { defaultServiceArea } from '../../shared/geo/service-area.js';
import { candidateLabel, candidateToForm, moveActive, shouldSearch } from '../../web/src/address-search.js';
import { outlinePaths, parseServiceArea, type ServiceArea } from '../../web/src/outline.js';
import { eventsToSend, receives, webhookEventChoices } from '../../web/src/webhook-events.js';
import { en, fr } from '../../web/src/messages.js';

describe('webhook event choices', () => {
  it('offers exactly what the API accepts', () => {
    expect([...webhookEventChoices()].sort()).toEqual([...webhookEventFilters].sort());
  });

  it('has a label for every choice, in French and English', () => {
    for (const choice of webhookEventChoices()) {
      const key = choice.endsWith('.*') ? `webhooks.all.${choice.slice(0, -2)}` : `webhooks.event.${choice}`;
      expect(fr[key as keyof typeof fr], key).toBeTypeOf('string');
      expect(en[key as keyof typeof en], key).toBeTypeOf('string');
    }
  });

  it('sends a wildcard for an area ticked whole, the types otherwise, in a stable order', () => {
    expect(eventsToSend(['delivery.*', 'delivery.booked'])).toEqual(['delivery.*']);
    expect(eventsToSend(['delivery.delivered', 'delivery.booked'])).toEqual(['delivery.booked', 'delivery.delivered']);
    expect(eventsToSend(['payment.recorded', 'invoice.paid', 'invoice.issued'])).toEqual(['invoice.*', 'payment.*']);
    expect(eventsToSend([])).toEqual([]);
    expect(eventsToSend(['nonsense'])).toEqual([]);
  });

  it('says which types an endpoint receives', () => {
    expect(receives(['delivery.*'], 'delivery.booked')).toBe(true);
    expect(receives(['delivery.delivered'], 'delivery.booked')).toBe(false);
    expect(receives(['invoice.*'], 'delivery.booked')).toBe(false);
  });
});

describe('the service area outline', () => {
  const square: ServiceArea = { type: 'Polygon', coordinates: [[[4, 45], [4.1, 45], [4.1, 45.1], [4, 45.1], [4, 45]]] };

  it('fits the polygon in the box, north up, keeping its proportions', () => {
    const { paths, width, height } = outlinePaths(square, 200, 100, 10);
    expect([width, height]).toEqual([200, 100]);
    expect(paths).toHaveLength(1);
    const points = [...(paths[0] as string).matchAll(/(-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(points).toHaveLength(5);
    expect(paths[0]).toMatch(/^M.* Z$/);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    // The height limits: 80 px for 0.1° of latitude; a degree of longitude is cos(45.05°) as wide.
    expect(Math.min(...ys)).toBeCloseTo(10, 0);
    expect(Math.max(...ys)).toBeCloseTo(90, 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(80 * Math.cos((45.05 * Math.PI) / 180), 0);
    // Centred horizontally.
    expect((Math.max(...xs) + Math.min(...xs)) / 2).toBeCloseTo(100, 0);
    // North (45.1) at the top: the first point (south-west) is at the bottom.
    expect(points[0]![1]).toBeGreaterThan(points[2]![1]);
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(200);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(100);
    }
  });

  it('draws one path per polygon, holes as sub-paths, and the default area inside its box', () => {
    const multi: ServiceArea = {
      type: 'MultiPolygon',
      coordinates: [square.coordinates, [[[5, 45], [5.1, 45], [5.1, 45.1], [5, 45]], [[5.02, 45.02], [5.05, 45.02], [5.05, 45.05], [5.02, 45.02]]]],
    };
    const { paths } = outlinePaths(multi);
    expect(paths).toHaveLength(2);
    expect(paths[1]!.match(/M/g)).toHaveLength(2);
    const area = outlinePaths(defaultServiceArea as ServiceArea, 480, 360, 12);
    const numbers = [...area.paths[0]!.matchAll(/-?[\d.]+/g)].map((m) => Number(m[0]));
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(480);
  });

  it('reads a GeoJSON text, and says in words what is wrong', () => {
    expect(parseServiceArea(JSON.stringify(square))).toEqual({ area: square });
    expect(parseServiceArea(JSON.stringify({ type: 'Feature', geometry: square }))).toEqual({ area: square });
    const problem = (text: string) => {
      const result = parseServiceArea(text);
      return 'problem' in result ? result.problem : null;
    };
    expect(problem('{')?.fr).toContain('JSON');
    expect(problem(JSON.stringify({ type: 'Point', coordinates: [4, 45] }))?.en).toContain('Polygon');
    expect(problem(JSON.stringify({ type: 'Polygon', coordinates: [[[4, 45], [4.1, 45], [4, 45]]] }))?.en).toContain('4 positions');
    expect(problem(JSON.stringify({ type: 'Polygon', coordinates: [[[4, 45], [4.1, 45], [4.1, 45.1], [4, 45.2]]] }))?.fr).toContain('fermé');
    expect(problem(JSON.stringify({ type: 'Polygon', coordinates: [[[45, 200], [4.1, 45], [4.1, 45.1], [45, 200]]] }))?.en).toContain('longitude first');
  });
});

describe('address suggestions', () => {
  const candidate = { label: '12 Rue de la République 42000 Saint-Étienne', line1: '12 Rue de la République', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872, score: 0.9 };

  it('fill the street, postcode, town and coordinates, keeping the second line typed', () => {
    expect(candidateToForm(candidate, { line1: '12 rue', line2: 'Bâtiment B', postcode: '', city: '', lat: '', lng: '' })).toEqual({
      line1: '12 Rue de la République',
      line2: 'Bâtiment B',
      postcode: '42000',
      city: 'Saint-Étienne',
      lat: '45.4397',
      lng: '4.3872',
    });
  });

  it('are labelled by the service, or from their parts', () => {
    expect(candidateLabel(candidate)).toBe(candidate.label);
    expect(candidateLabel({ ...candidate, label: ' ' })).toBe('12 Rue de la République, 42000 Saint-Étienne');
  });

  it('are asked from 3 characters, and walked with the arrow keys, wrapping around', () => {
    expect(shouldSearch('12')).toBe(false);
    expect(shouldSearch(' 12 r ')).toBe(true);
    expect(moveActive(-1, 3, 'ArrowDown')).toBe(0);
    expect(moveActive(2, 3, 'ArrowDown')).toBe(0);
    expect(moveActive(0, 3, 'ArrowUp')).toBe(2);
    expect(moveActive(-1, 3, 'ArrowUp')).toBe(2);
    expect(moveActive(1, 3, 'Home')).toBe(0);
    expect(moveActive(0, 3, 'End')).toBe(2);
    expect(moveActive(0, 0, 'ArrowDown')).toBe(-1);
  });
});
