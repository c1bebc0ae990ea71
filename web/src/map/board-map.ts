/**
 * The dispatch board's map, with Leaflet: loaded by a dynamic import from the board only, so
 * neither Leaflet nor its CSS weighs on any other page. No image asset: stops, couriers and the
 * depot are text markers (divIcons) styled by the board's CSS; a tile layer only when the
 * deployment configures one (`board.map.tileUrl`), else the markers and paths on a plain
 * background, the view fitted to them. The container is focusable (Leaflet's keyboard: arrows
 * pan, + and − zoom) and named; the lists of the board are its text alternative.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { MapModel } from '../pages/dispatch-model.js';

export interface BoardMapTexts {
  /** The accessible name of the map. */
  label: string;
  letter: { pickup: string; dropoff: string };
  depotLetter: string;
  depot(label: string): string;
  courier(name: string, at: string): string;
}

export interface BoardMap {
  /** Draws the model; `fit` refits the view (a new day), else the person's view stays. */
  update(model: MapModel, texts: BoardMapTexts, fit: boolean): void;
  /** The tile source changed (or came with the first board). */
  setTiles(tileUrl: string | null, attribution: string | null): void;
  destroy(): void;
}

/** Saint-Étienne, when there is nothing to show. */
const HOME: L.LatLngExpression = [45.4397, 4.3872];

/** Dash patterns so paths differ by more than colour. */
const DASHES = [undefined, '10 6', '2 6', '14 4 2 4', '6 6'];
/** Dark colours: white text on them reads at 4.5:1 or more. */
const COLOURS = ['#0b5d3b', '#1b3f73', '#7a2e8a', '#8a4b00', '#a3001b', '#00636b'];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A text marker; `shift` moves it sideways (px) so markers at the same place stay readable. */
function textIcon(className: string, html: string, size: [number, number], shift = 0): L.DivIcon {
  return L.divIcon({ className, html, iconSize: size, iconAnchor: [size[0] / 2 - shift, size[1] / 2] });
}

/** Markers at one place (a shop's pickups, the depot) side by side: 0, right, left, further right… */
function spreader(): (lat: number, lng: number, width: number) => number {
  const taken = new Map<string, number>();
  return (lat, lng, width) => {
    const key = `${lat.toFixed(5)},${lng.toFixed(5)}`;
    const count = taken.get(key) ?? 0;
    taken.set(key, count + 1);
    return count === 0 ? 0 : (count % 2 === 1 ? 1 : -1) * Math.ceil(count / 2) * (width + 4);
  };
}

export function createBoardMap(element: HTMLElement, texts: BoardMapTexts): BoardMap {
  const map = L.map(element, { keyboard: true, zoomControl: true, attributionControl: true, minZoom: 8, maxZoom: 18 }).setView(HOME, 12);
  const container = map.getContainer();
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', texts.label);
  const drawn = L.layerGroup().addTo(map);
  let tiles: L.TileLayer | null = null;
  let tileSource: string | null = null;

  const setTiles = (tileUrl: string | null, attribution: string | null) => {
    if (tileUrl === tileSource) return;
    tiles?.remove();
    tiles = null;
    tileSource = tileUrl;
    if (tileUrl) tiles = L.tileLayer(tileUrl, { attribution: attribution ?? '', maxZoom: 19 }).addTo(map);
    container.classList.toggle('no-tiles', !tileUrl);
  };
  container.classList.add('no-tiles');

  const update = (model: MapModel, next: BoardMapTexts, fit: boolean) => {
    container.setAttribute('aria-label', next.label);
    drawn.clearLayers();
    const shift = spreader();
    if (model.depot) {
      const label = next.depot(model.depot.label);
      L.marker([model.depot.lat, model.depot.lng], { icon: textIcon('depot-marker', escapeHtml(next.depotLetter), [28, 28], shift(model.depot.lat, model.depot.lng, 34)), keyboard: false, title: label, zIndexOffset: -100 })
        .bindTooltip(escapeHtml(label), { direction: 'top', offset: [0, -14] })
        .addTo(drawn);
    }
    model.rounds.forEach((round) => {
      const colour = COLOURS[round.index % COLOURS.length] as string;
      const dash = DASHES[round.index % DASHES.length];
      if (round.path.length > 1) {
        L.polyline(
          round.path.map((point) => [point.lat, point.lng] as L.LatLngTuple),
          { color: colour, weight: 4, opacity: 0.85, interactive: false, className: `round-path round-path-${round.index}`, ...(dash ? { dashArray: dash } : {}) },
        ).addTo(drawn);
      }
      for (const stop of round.stops) {
        const letter = next.letter[stop.type];
        const classes = ['stop-marker', stop.type, `courier-${round.index % COLOURS.length}`, stop.late ? 'late' : '', stop.done ? 'done' : ''].filter(Boolean).join(' ');
        const html = `<span class="stop-letter">${escapeHtml(letter)}</span>${stop.number}${stop.late ? '<span class="stop-late">!</span>' : ''}`;
        L.marker([stop.lat, stop.lng], { icon: textIcon(classes, html, [34, 26], shift(stop.lat, stop.lng, 34)), keyboard: false, title: stop.label, riseOnHover: true })
          .bindTooltip(escapeHtml(stop.label), { direction: 'top', offset: [0, -12] })
          .addTo(drawn);
      }
      if (round.position) {
        const label = next.courier(round.name, round.position.at);
        L.marker([round.position.lat, round.position.lng], {
          // A label standing just above the position, so the stops there stay visible.
          icon: L.divIcon({ className: `courier-marker courier-${round.index % COLOURS.length}`, html: escapeHtml(round.name), iconSize: [96, 24], iconAnchor: [48, 30] }),
          keyboard: false,
          title: label,
          zIndexOffset: 1000,
        })
          .bindTooltip(escapeHtml(label), { direction: 'top', offset: [0, -12] })
          .addTo(drawn);
      }
    });
    if (fit) {
      const points = model.points.map((point) => [point.lat, point.lng] as L.LatLngTuple);
      if (points.length === 0) map.setView(HOME, 12);
      else if (points.length === 1) map.setView(points[0] as L.LatLngTuple, 14);
      else map.fitBounds(L.latLngBounds(points), { padding: [28, 28], maxZoom: 15 });
    }
  };

  // The board's column may change size (the page laid out, the window resized).
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => map.invalidateSize());
  observer?.observe(container);

  return {
    update,
    setTiles,
    destroy() {
      observer?.disconnect();
      map.remove();
    },
  };
}
