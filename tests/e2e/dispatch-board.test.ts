import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { places, quoteBody } from '../helpers/scenario.js';
import { DESKTOP, parisDay, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * The hub's dispatch board (`/app/hub/dispatch`, issue 16) in Chromium at 1280 px, against the
 * real local runtime: the coordinator plans the day of two couriers with the keyboard only (Tab,
 * Shift+Tab, arrow keys, Enter, Space through `page.keyboard`): assigns deliveries from the
 * queue, reorders a stop, moves a delivery to the other courier, has an over-capacity move
 * refused in words, unassigns one. After each action the API says the round changed as intended
 * (`GET /v1/hub/couriers/{id}/rounds/{date}`), the focus stayed on the item moved and the live
 * region said what happened. The map shows its markers without tiles (MAP_TILE_URL unset);
 * axe-core finds no serious or critical violation; screenshots in tests/e2e/artifacts/.
 */
let web: WebHarness;
const today = parisDay(0);
const admin = { email: 'coordination@coop.example', name: 'Alex Morel' };
const ids = { shop: '', shopKey: '', alex: '', alexKey: '', sam: '' };
/** Delivery ids by reference. */
const byRef: Record<string, string> = {};
const refOf = (deliveryId: string) => Object.entries(byRef).find(([, id]) => id === deliveryId)?.[0] ?? deliveryId;

const savedTileUrl = process.env.MAP_TILE_URL;

beforeAll(async () => {
  delete process.env.MAP_TILE_URL;
  web = await startWebHarness({ shotPrefix: 'dispatch-' });
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const answer = await web.api.call(method, path, { body, ...(key ? { key } : {}) });
    expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
    return answer.json;
  };
  await call('POST', '/v1/hub/users', { ...admin, role: 'admin' });
  await call('PUT', '/v1/hub/depot', { name: 'Dépôt de la coopérative', address: places.jeanJaures });

  // Two couriers on a 12-hour shift that began an hour ago (with a break): Alex on a cargo bike
  // (100 kg), Sam on a bike (15 kg).
  const alex = await call('POST', '/v1/couriers', { name: 'Alex', vehicle: { type: 'cargo_bike' } });
  ids.alex = alex.id;
  ids.alexKey = alex.apiKey;
  ids.sam = (await call('POST', '/v1/couriers', { name: 'Sam', vehicle: { type: 'bike' } })).id;
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const clock = (h: number, m = 0) => `${String(h % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  const start = Math.max(0, hour - 1);
  for (const courier of [ids.alex, ids.sam]) {
    await call('PUT', `/v1/hub/couriers/${courier}/shifts/${today}`, { start: clock(start), end: clock(start + 12), breaks: [{ start: clock(start + 5), end: clock(start + 5, 30) }] });
  }

  // A shop books four deliveries for today (no slot: booked today, they are today's).
  ids.shop = (await call('POST', '/v1/tenants', { name: 'Le Panier Stéphanois', kind: 'shop', billingEmail: 'compta@panier.example', address: places.hotelDeVille })).id;
  ids.shopKey = (await call('POST', `/v1/tenants/${ids.shop}/api-keys`, {})).key;
  const book = async (reference: string, dropoff: { line1: string; postcode: string; city: string; lat: number; lng: number }, weightKg: number, recipient: string, window?: { start: string; end: string }) => {
    const stop = { address: dropoff, contact: { name: recipient, phone: '+33 6 12 34 56 78' }, ...(window ? { window } : {}) };
    const quote = await call('POST', '/v1/quotes', quoteBody({ dropoff: stop, parcels: [{ weightKg, description: 'Panier' }] }), ids.shopKey);
    const delivery = await call('POST', '/v1/deliveries', { quoteId: quote.id, reference }, ids.shopKey);
    byRef[reference] = delivery.id;
  };
  await book('CMD-1', places.firminy, 4, 'Camille Martin');
  await book('CMD-2', places.saintChamond, 6, 'Dominique Roche');
  await book('CMD-3', places.jeanJaures, 3, 'Lou Girard');
  // Firminy within 40 minutes: an hour's ride away, it will be late. (The window opens in a
  // minute: its opening day is the delivery's day, today even late in the evening.)
  const soon = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  await book('CMD-4', places.firminy, 20, 'Sacha Petit', { start: soon(1), end: soon(40) });

  // Alex reports a position from the phone: the map shows it.
  await call('POST', '/v1/courier/position', { lat: places.hotelDeVille.lat + 0.002, lng: places.hotelDeVille.lng - 0.003 }, ids.alexKey);
}, 180_000);

afterAll(async () => {
  await web?.stop();
  if (savedTileUrl !== undefined) process.env.MAP_TILE_URL = savedTileUrl;
});

/** The order of a courier's round as the API says it: "CMD-1:pickup", … */
async function roundOf(courierId: string): Promise<string[]> {
  const answer = await web.api.call('GET', `/v1/hub/couriers/${courierId}/rounds/${today}`);
  expect(answer.status, answer.text).toBe(200);
  return (answer.json.stops as Array<{ deliveryId: string; type: string }>).map((stop) => `${refOf(stop.deliveryId)}:${stop.type}`);
}

/** The few DOM shapes the page functions below read (the tests compile without the DOM library). */
interface FocusedElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  labels?: ArrayLike<{ textContent: string | null }> | null;
  selectedOptions?: ArrayLike<{ textContent: string | null }>;
}

/** The focused element's accessible name (aria-label, else its labels, else its text) and its data-focus. */
async function focused(page: Page): Promise<{ name: string; focus: string | null; tag: string }> {
  return page.evaluate(() => {
    const element = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document.activeElement;
    if (!element) return { name: '', focus: null, tag: '' };
    const labels = element.labels ? Array.from(element.labels) : [];
    const name = element.getAttribute('aria-label') ?? (labels.length > 0 ? labels.map((label) => label.textContent ?? '').join(' ') : (element.textContent ?? ''));
    return { name: name.replace(/\s+/g, ' ').trim(), focus: element.getAttribute('data-focus'), tag: element.tagName };
  });
}

/** Tab (or Shift+Tab) until the focused element's name matches: the keyboard user's way there. */
async function tabTo(page: Page, name: RegExp, direction: 'forward' | 'backward' = 'forward', limit = 250): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < limit; presses += 1) {
    const now = await focused(page);
    if (name.test(now.name)) return;
    seen.push(now.name.slice(0, 40));
    await page.keyboard.press(direction === 'forward' ? 'Tab' : 'Shift+Tab');
  }
  throw new Error(`${name} not reached with ${direction === 'forward' ? 'Tab' : 'Shift+Tab'}; went through: ${seen.slice(-30).join(' | ')}`);
}

/** In the focused select, arrow keys until the chosen option's text matches. */
async function chooseWithArrows(page: Page, option: RegExp): Promise<void> {
  for (let presses = 0; presses < 12; presses += 1) {
    const chosen = await page.evaluate(() => {
      const select = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document.activeElement;
      return select?.tagName === 'SELECT' && select.selectedOptions ? (select.selectedOptions[0]?.textContent ?? '') : null;
    });
    if (chosen === null) throw new Error('the focus is not on a select');
    if (option.test(chosen)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${option} with the arrow keys`);
}

/** The live region says `text` (the shell's role=status region). */
async function announced(page: Page, text: RegExp): Promise<void> {
  await expect.poll(() => page.locator('.live').innerText(), { timeout: 10_000 }).toMatch(text);
}

describe('the dispatch board in Chromium (keyboard only)', () => {
  it('the coordinator assigns, reorders, moves, is refused over capacity, unassigns; the map shows its markers without tiles', async () => {
    const started = Date.now();
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR' });
    try {
      await web.signIn(page, admin, 'hub', 'fr');
      await page.goto(`${web.origin}/app/hub/dispatch`);
      await page.getByRole('heading', { name: 'Tableau de répartition', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'À attribuer (4)' }).waitFor();
      await page.getByRole('heading', { name: /^Alex/, level: 3 }).waitFor();
      // The map loads lazily: Leaflet's container, named, reachable with Tab, no tiles.
      const map = page.locator('.board-map.leaflet-container');
      await map.waitFor();
      expect(await map.getAttribute('aria-label')).toMatch(/Carte des tournées/);
      expect(await map.getAttribute('tabindex')).toBe('0');
      await expect.poll(() => page.locator('.board-map .depot-marker').count()).toBe(1);
      await web.audit(page, 'board, nothing assigned');

      // 1. CMD-1 to Alex: Tab to its courier select, arrow down to Alex, Tab to the button, Enter.
      await tabTo(page, /^Coursier·e pour CMD-1$/);
      await chooseWithArrows(page, /^Alex/);
      await page.keyboard.press('Tab');
      expect((await focused(page)).name).toBe('Attribuer CMD-1');
      await page.keyboard.press('Enter');
      await announced(page, /CMD-1 attribuée à Alex : arrêt\(s\) 1, 2/);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-1:dropoff']);
      // The focus is on the delivery's first stop in Alex's round.
      expect((await focused(page)).focus).toBe(`stop:${byRef['CMD-1']}:pickup`);

      // 2. CMD-2, CMD-3 and CMD-4 to Alex too (the queue is above the rounds: Shift+Tab), Space this time.
      for (const [reference, stops] of [['CMD-2', '3, 4'], ['CMD-3', '5, 6'], ['CMD-4', '7, 8']] as const) {
        await tabTo(page, new RegExp(`^Coursier·e pour ${reference}$`), 'backward');
        await chooseWithArrows(page, /^Alex/);
        await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
        await announced(page, new RegExp(`${reference} attribuée à Alex : arrêt\\(s\\) ${stops}`));
      }
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-1:dropoff', 'CMD-2:pickup', 'CMD-2:dropoff', 'CMD-3:pickup', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      await page.getByRole('heading', { name: 'À attribuer (0)' }).waitFor();
      // CMD-4 will miss its window: said in the alerts and on the stop, in words.
      await page.getByRole('heading', { name: 'Alertes (1)' }).waitFor();
      expect(await page.locator('.board-alerts').innerText()).toMatch(/Alex · Retard : Livraison CMD-4 \(arrêt 8\) : arrivée prévue à \d\d:\d\d, \d+ min après la fin de sa fenêtre \(\d\d:\d\d\)\./);
      expect(await page.locator(`[data-stop="${byRef['CMD-4']}:dropoff"]`).innerText()).toMatch(/En retard de \d+ min/);

      // 3. Reorder: CMD-3's pickup (stop 5) up, twice; the focus stays on its button, now "stop 3".
      await tabTo(page, /^Monter l’arrêt 5 \(retrait, .*CMD-3\)$/, 'backward');
      await page.keyboard.press('Enter');
      await announced(page, /CMD-3 est maintenant l’arrêt 4 de la tournée d’Alex/);
      expect(await focused(page)).toMatchObject({ name: expect.stringMatching(/^Monter l’arrêt 4 \(retrait, .*CMD-3\)$/), focus: `up:${byRef['CMD-3']}:pickup` });
      await page.keyboard.press('Enter');
      await announced(page, /CMD-3 est maintenant l’arrêt 3 de la tournée d’Alex/);
      expect((await focused(page)).name).toMatch(/^Monter l’arrêt 3 \(retrait, .*CMD-3\)$/);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-1:dropoff', 'CMD-3:pickup', 'CMD-2:pickup', 'CMD-2:dropoff', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      // And Alt + arrow key on the stop itself: CMD-1's dropoff (stop 2) after CMD-3's pickup.
      await tabTo(page, /^Descendre l’arrêt 2 \(livraison, Camille Martin, CMD-1\)$/, 'backward');
      await page.keyboard.press('Alt+ArrowDown');
      await announced(page, /CMD-1 est maintenant l’arrêt 3 de la tournée d’Alex/);
      expect((await focused(page)).focus).toBe(`stop:${byRef['CMD-1']}:dropoff`);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-3:pickup', 'CMD-1:dropoff', 'CMD-2:pickup', 'CMD-2:dropoff', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      // A drop-off cannot go above its own pickup: said, nothing sent, the focus kept.
      await tabTo(page, /^Monter l’arrêt 5 \(livraison, Dominique Roche, CMD-2\)$/);
      await page.keyboard.press('Enter');
      await announced(page, /L’arrêt 5 ne peut pas passer de l’autre côté de son retrait/);
      expect((await focused(page)).name).toMatch(/^Monter l’arrêt 5 /);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-3:pickup', 'CMD-1:dropoff', 'CMD-2:pickup', 'CMD-2:dropoff', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);

      // 4. CMD-2 to Sam: the "other round" select of CMD-2, arrow down to Sam, Tab, Enter.
      await tabTo(page, /^Autre tournée pour CMD-2$/, 'backward');
      await chooseWithArrows(page, /^Sam$/);
      await page.keyboard.press('Tab');
      expect((await focused(page)).name).toBe('Déplacer CMD-2 dans la tournée choisie');
      await page.keyboard.press('Enter');
      await announced(page, /CMD-2 déplacée dans la tournée de Sam : arrêt\(s\) 1, 2/);
      expect(await roundOf(ids.sam)).toEqual(['CMD-2:pickup', 'CMD-2:dropoff']);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-3:pickup', 'CMD-1:dropoff', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      expect((await focused(page)).focus).toBe(`stop:${byRef['CMD-2']}:pickup`);

      // 5. CMD-4 (20 kg) to Sam's bike (15 kg): refused in words, the board reloaded, nothing lost.
      await tabTo(page, /^Autre tournée pour CMD-4$/, 'backward');
      await chooseWithArrows(page, /^Sam$/);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      // In Alex's round, where the focus is.
      const refusal = page.locator('[data-courier] .refusal[role="alert"]').filter({ hasText: 'Changement refusé' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(/Changement refusé : le vélo serait trop chargé/);
      expect(await refusal.innerText()).toMatch(/Détail : Sam.*20 kg.*15 kg/);
      expect(await refusal.evaluate((element) => element.closest('[data-courier]')?.getAttribute('data-courier'))).toBe(ids.alex);
      expect(await roundOf(ids.sam)).toEqual(['CMD-2:pickup', 'CMD-2:dropoff']);
      expect(await roundOf(ids.alex)).toEqual(['CMD-1:pickup', 'CMD-3:pickup', 'CMD-1:dropoff', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      // The keyboard user is where they were.
      expect((await focused(page)).name).toBe('Déplacer CMD-4 dans la tournée choisie');
      await web.audit(page, 'board with a refusal');

      // 6. Unassign CMD-1: back in the queue, booked, the focus on it there.
      await tabTo(page, /^Retirer CMD-1 de la tournée d’Alex$/, 'backward');
      await page.keyboard.press('Enter');
      await announced(page, /CMD-1 retirée de la tournée d’Alex/);
      expect(await roundOf(ids.alex)).toEqual(['CMD-3:pickup', 'CMD-3:dropoff', 'CMD-4:pickup', 'CMD-4:dropoff']);
      expect((await web.api.call('GET', `/v1/deliveries/${byRef['CMD-1']}`)).json.status).toBe('booked');
      expect((await focused(page)).focus).toBe(`queue:${byRef['CMD-1']}`);
      await page.getByRole('heading', { name: 'À attribuer (1)' }).waitFor();

      // The map: a numbered marker per stop (square pickups "R", round drop-offs "L"), a path per
      // round, the depot; no tile (no MAP_TILE_URL); Leaflet's CSS bundled (the container styled).
      await expect.poll(() => page.locator('.board-map .stop-marker').count()).toBe(6);
      expect(await page.locator('.board-map .stop-marker.pickup').count()).toBe(3);
      // Alex: R1 L2 R3 L4 (CMD-4's drop-off late: "!"); Sam: R1 L2.
      expect((await page.locator('.board-map .stop-marker.dropoff').allInnerTexts()).sort()).toEqual(['L2', 'L2', 'L4!']);
      expect(await page.locator('.board-map .stop-marker.late').count()).toBe(1);
      expect(await page.locator('.board-map .round-path').count()).toBe(2);
      expect(await page.locator('.board-map .depot-marker').count()).toBe(1);
      expect(await page.locator('.board-map .courier-marker').allInnerTexts()).toEqual([expect.stringContaining('Alex')]);
      expect(await page.locator('.board-map .leaflet-tile').count()).toBe(0);
      expect(await map.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { overflow: string } }).getComputedStyle(element).overflow)).toBe('hidden');
      // The map takes the keyboard: Tab reaches it, + zooms in.
      await tabTo(page, /^Carte des tournées/);
      const placed = page.locator('.board-map .stop-marker').first();
      const before = await placed.getAttribute('style');
      await page.keyboard.press('+');
      await expect.poll(() => placed.getAttribute('style')).not.toBe(before);

      // The day's deliveries by status: the filter with the keyboard.
      await tabTo(page, /^État$/);
      await chooseWithArrows(page, /^Réservée \(1\)$/);
      await expect.poll(() => page.locator('table.day-table tbody tr:not(.slot-row)').count()).toBe(1);
      expect(await page.locator('table.day-table').innerText()).toContain('CMD-1');

      await web.audit(page, 'board planned');
      await web.shot(page, 'board-fr-1280');
      expect(problems).toEqual([]);
      console.info(`dispatch board journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('reads in English, reads the day again by itself every 30 seconds, and fits a phone', async () => {
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'en-GB' });
    try {
      // The page's clock is Playwright's: the 30-second refresh is run without waiting 30 s.
      await page.clock.install();
      await web.signIn(page, admin, 'hub', 'en');
      await page.goto(`${web.origin}/app/hub/dispatch`);
      await page.getByRole('heading', { name: 'Dispatch board', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'To assign (1)' }).waitFor();
      await page.getByRole('button', { name: /^Move up stop 3 \(pickup, .*CMD-4\)$/ }).waitFor();
      expect(await page.getByText('No background map (no tile source is configured)').count()).toBe(1);
      await expect.poll(() => page.locator('.board-map .stop-marker.dropoff').first().innerText()).toMatch(/^D\d/);
      expect(await page.locator('.board-alerts').innerText()).toMatch(/Alex · Late: Drop-off CMD-4 \(stop 4\): planned arrival at \d\d:\d\d, \d+ min after its window ends/);
      await web.audit(page, 'board in English');
      await web.shot(page, 'board-en-1280');

      // Someone else assigns CMD-1 to Sam (another screen, the API): shown at the next refresh.
      const assigned = await web.api.call('POST', `/v1/hub/deliveries/${byRef['CMD-1']}/assign`, { body: { courierId: ids.sam } });
      expect(assigned.status, assigned.text).toBe(200);
      expect(await page.getByRole('heading', { name: 'To assign (1)' }).count()).toBe(1);
      await page.clock.fastForward(30_000);
      await page.getByRole('heading', { name: 'To assign (0)' }).waitFor();
      await page.getByRole('button', { name: /^Move up stop 3 \(pickup, .*CMD-1\)$/ }).waitFor();
      expect(await roundOf(ids.sam)).toEqual(['CMD-2:pickup', 'CMD-2:dropoff', 'CMD-1:pickup', 'CMD-1:dropoff']);

      // With a mouse (the bonus): CMD-1's pickup dragged onto Sam's first stop.
      await page.locator(`[data-stop="${byRef['CMD-1']}:pickup"]`).dragTo(page.locator(`[data-stop="${byRef['CMD-2']}:pickup"]`));
      await expect.poll(() => roundOf(ids.sam)).toEqual(['CMD-1:pickup', 'CMD-2:pickup', 'CMD-2:dropoff', 'CMD-1:dropoff']);
      await page.getByRole('button', { name: /^Move up stop 1 \(pickup, .*CMD-1\)$/ }).waitFor();

      // On a phone the board is one column, nothing scrolls sideways, and it stays accessible.
      await page.setViewportSize({ width: 390, height: 844 });
      await web.audit(page, 'board at 390 px');
      await web.shot(page, 'board-en-390');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('draws tiles, with their attribution, when the deployment names a tile source', async () => {
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR' });
    try {
      await web.signIn(page, admin, 'hub', 'fr');
      // The board as a deployment with MAP_TILE_URL would answer it (a same-origin source here:
      // the app's Content-Security-Policy only lets images come from its own origin).
      await page.route('**/v1/hub/board?*', async (route) => {
        const answer = await route.fetch();
        const board = await answer.json();
        board.map = { tileUrl: `${web.origin}/tiles/{z}/{x}/{y}.png`, attribution: '© Tuiles de test' };
        await route.fulfill({ response: answer, json: board });
      });
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      await page.route('**/tiles/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: png }));
      await page.goto(`${web.origin}/app/hub/dispatch`);
      await page.getByRole('heading', { name: 'Tableau de répartition', level: 1 }).waitFor();
      await expect.poll(() => page.locator('.board-map .leaflet-tile-loaded').count()).toBeGreaterThan(0);
      expect(await page.locator('.board-map .leaflet-control-attribution').innerText()).toContain('© Tuiles de test');
      expect(await page.getByText('Sans fond de carte').count()).toBe(0);
      expect(await page.locator('.board-map .stop-marker').count()).toBeGreaterThan(0);
      await web.audit(page, 'board with tiles');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
