import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { places, quoteBody } from '../helpers/scenario.js';
import { parisDay, PHONE, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * The courier's app (`/app/courier`, issue 16) on a 390 px phone in Chromium, against the real
 * local runtime. A courier signs in by e-mailed link and rides a round of three deliveries: the
 * pickups with the network, then the network is cut (`context.setOffline`) in the middle of the
 * round and the courier carries on: a delivery with a photo and a signature, a failure and the
 * parcel brought back to the hub, and a delivery the hub gives to another courier meanwhile. The
 * screen shows the steps waiting; a reload without network opens the app from the service
 * worker's cache with the round kept on the phone. The network back, every step arrives once, in
 * order, with the time it was taken (the API's timelines say so); the reassigned delivery's steps
 * are listed as refused, in words. A 40 MB photo and a text file are refused before any upload.
 * axe-core on each screen, French then English; screenshots in tests/e2e/artifacts/.
 */
let web: WebHarness;
const today = parisDay(0);
const courierPerson = { email: 'alex.coursier@coop.example', name: 'Alex Martin' };
const ids = { shop: '', shopKey: '', courier: '', courierUser: '', other: '' };
/** Delivery ids by reference. */
const byRef: Record<string, string> = {};
const here = { latitude: 45.4397, longitude: 4.3872 };

beforeAll(async () => {
  // The app is opened at `localhost`, as sign-in links and the local photo store's URLs are.
  web = await startWebHarness({ shotPrefix: 'courier-', host: 'localhost' });
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const answer = await web.api.call(method, path, { body, ...(key ? { key } : {}) });
    expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
    return answer.json;
  };
  await call('PUT', '/v1/hub/depot', { name: 'Dépôt de la coopérative', address: places.jeanJaures });
  const courier = await call('POST', '/v1/couriers', { name: courierPerson.name, email: courierPerson.email, vehicle: { type: 'cargo_bike' } });
  ids.courier = courier.id;
  ids.courierUser = courier.userId;
  ids.other = (await call('POST', '/v1/couriers', { name: 'Sam', vehicle: { type: 'bike' } })).id;

  // A shift that began an hour ago and lasts ten hours.
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const clock = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  const start = Math.max(0, hour - 1);
  for (const id of [ids.courier, ids.other]) await call('PUT', `/v1/hub/couriers/${id}/shifts/${today}`, { start: clock(start), end: clock(start + 10) });

  // A shop books three deliveries for today, assigned to the courier in this order.
  ids.shop = (await call('POST', '/v1/tenants', { name: 'Le Panier Stéphanois', kind: 'shop', billingEmail: 'compta@panier.example', address: places.hotelDeVille })).id;
  ids.shopKey = (await call('POST', `/v1/tenants/${ids.shop}/api-keys`, {})).key;
  const book = async (reference: string, dropoff: (typeof places)[keyof typeof places], recipient: string, instructions?: string) => {
    const stop = { address: dropoff, contact: { name: recipient, phone: '+33 6 12 34 56 78' }, ...(instructions ? { instructions } : {}) };
    const quote = await call('POST', '/v1/quotes', quoteBody({ dropoff: stop, parcels: [{ weightKg: 4.5, description: 'Panier de légumes' }] }), ids.shopKey);
    byRef[reference] = (await call('POST', '/v1/deliveries', { quoteId: quote.id, reference }, ids.shopKey)).id;
    await call('POST', `/v1/hub/deliveries/${byRef[reference]}/assign`, { courierId: ids.courier });
  };
  await book('CMD-A', places.firminy, 'Camille Martin', 'Digicode 4512, 2e étage');
  await book('CMD-B', places.saintChamond, 'Dominique Roche');
  await book('CMD-C', places.jeanJaures, 'Sacha Petit');
  await book('CMD-D', places.saintChamond, 'Lou Garnier');
}, 180_000);

afterAll(async () => {
  await web?.stop();
});

/** The card of a stop: "2. Livraison · CMD-A". */
const card = (page: Page, reference: string, type: 'pickup' | 'dropoff', lang: 'fr' | 'en' = 'fr') => {
  const word = type === 'pickup' ? (lang === 'fr' ? 'Enlèvement' : 'Pickup') : lang === 'fr' ? 'Livraison' : 'Drop-off';
  return page.locator('li.stop').filter({ has: page.getByRole('heading', { name: new RegExp(`^\\d+\\. ${word} · ${reference}$`) }) });
};

/** The queue as the phone keeps it (IndexedDB), to compare the times it holds with the API's. */
async function queuedSteps(page: Page, owner: string): Promise<Array<{ deliveryId: string; key: string; body: { type: string; at: string } }>> {
  return page.evaluate(async (key) => {
    const idb = (globalThis as unknown as { indexedDB: { open(name: string): { onsuccess: unknown; onerror: unknown; result: unknown } } }).indexedDB;
    const db = await new Promise<{ transaction(store: string): { objectStore(store: string): { get(key: string): { onsuccess: unknown; result: unknown } } } }>((done, fail) => {
      const request = idb.open('delivery-hub-courier');
      request.onsuccess = () => done(request.result as never);
      request.onerror = fail;
    });
    const state = await new Promise<{ pending: never[] }>((done) => {
      const request = db.transaction('state').objectStore('state').get(key);
      request.onsuccess = () => done(request.result as never);
    });
    return state.pending;
  }, `courier.queue.v1.${owner}`);
}

async function drawSignature(page: Page) {
  const pad = page.locator('canvas.signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 10; step += 1) await page.mouse.move(box.x + 20 + step * 25, box.y + box.height / 2 + (step % 2 ? -20 : 20));
  await page.mouse.up();
}

/** A small real JPEG, drawn by the browser. */
async function jpeg(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const document = (globalThis as unknown as { document: { createElement(tag: string): { width: number; height: number; getContext(kind: string): { fillStyle: string; fillRect(...args: number[]): void }; toDataURL(type: string, quality: number): string } } }).document;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d');
    context.fillStyle = '#c84';
    context.fillRect(0, 0, 64, 48);
    context.fillStyle = '#246';
    context.fillRect(10, 10, 30, 20);
    return canvas.toDataURL('image/jpeg', 0.85);
  });
  return Buffer.from(url.split(',')[1] as string, 'base64');
}

async function offlineProblems(problems: string[]): Promise<string[]> {
  // Without network, Chromium logs each request that could not leave (the round and /v1/me at
  // the reload offline): expected; anything else is not.
  return problems.filter((problem) => !/ERR_INTERNET_DISCONNECTED|net::ERR_FAILED/.test(problem));
}

describe("the courier's app on a phone", () => {
  it('rides a round with the network cut in the middle: steps kept on the phone, sent once, in order, with their time; a reassigned delivery refused in words', async () => {
    const started = Date.now();
    const { context, page, problems } = await web.open({ ...PHONE, locale: 'fr-FR', permissions: ['geolocation'], geolocation: here });
    const positions: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/courier/position')) positions.push(request.method());
    });
    try {
      // The manifest and the service worker are served as such.
      const manifest = await context.request.get(`${web.origin}/app/manifest.webmanifest`);
      expect(manifest.headers()['content-type']).toContain('application/manifest+json');
      expect(await manifest.json()).toMatchObject({ start_url: '/app/courier', scope: '/app/', display: 'standalone', short_name: 'Ma tournée' });
      const worker = await context.request.get(`${web.origin}/app/sw.js`);
      expect(worker.headers()['content-type']).toContain('text/javascript');
      for (const icon of ['icon-192.png', 'icon-512.png', 'icon.svg']) expect((await context.request.get(`${web.origin}/app/icons/${icon}`)).status()).toBe(200);

      // Signed in by the e-mailed link, the courier lands on the round.
      await web.signIn(page, courierPerson, 'hub', 'fr');
      await page.getByRole('heading', { name: 'Ma tournée', level: 1 }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allInnerTexts()).toEqual(['Ma tournée']);
      expect(new URL(page.url()).pathname).toBe('/app/courier');
      await page.getByRole('heading', { name: 'Arrêts : 8' }).waitFor();
      expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/app/manifest.webmanifest');

      const a = card(page, 'CMD-A', 'dropoff');
      await expect.poll(() => a.getByRole('link', { name: /^Appeler le \+33 6 12 34 56 78/ }).getAttribute('href')).toBe('tel:+33612345678');
      expect(await a.getByRole('link', { name: /^Itinéraire \(application GPS\)/ }).getAttribute('href')).toMatch(/^geo:45\.388,4\.288\?q=/);
      expect(await a.getByRole('link', { name: /^Itinéraire sur OpenStreetMap/ }).getAttribute('href')).toMatch(/^https:\/\/www\.openstreetmap\.org\/directions\?/);
      await a.getByText('Digicode 4512, 2e étage').waitFor();
      await a.getByText('Enlevez d’abord le colis pour le livrer.').waitFor();
      await web.audit(page, 'round');
      await web.shot(page, 'round-fr-390');

      // The service worker controls the page and keeps the app's files.
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
      await expect
        .poll(
          () =>
            page.evaluate(async () => {
              const caches = (globalThis as unknown as { caches: { open(name: string): Promise<{ keys(): Promise<Array<{ url: string }>> }> } }).caches;
              return (await (await caches.open('dh-assets-v1')).keys()).map((request) => new URL(request.url).pathname.replace(/-[\w-]{8}\.(js|css)$/, '.$1'));
            }),
          { timeout: 15_000 },
        )
        .toEqual(expect.arrayContaining(['/app/assets/index.js', '/app/assets/courier.js']));

      // With the network: three pickups, each "arrived" then "picked up".
      for (const reference of ['CMD-A', 'CMD-B', 'CMD-D']) {
        const pickup = card(page, reference, 'pickup');
        await pickup.getByRole('button', { name: `Je suis arrivé·e · ${reference}` }).click();
        await pickup.getByRole('button', { name: `Colis enlevé · ${reference}` }).click();
        await pickup.getByText('Enlevé', { exact: true }).waitFor();
      }
      await page.getByRole('heading', { name: 'Tout est envoyé' }).waitFor();
      await page.getByRole('heading', { name: 'Sur le vélo : 13,5 kg' }).waitFor();
      await expect.poll(async () => (await web.api.call('GET', `/v1/deliveries/${byRef['CMD-D']}`)).json.status).toBe('picked_up');

      // CMD-D is refused at the door, with the network: the parcel stays on the bike until it is
      // brought back to the hub, which the round read again (a reload) still offers.
      const d = card(page, 'CMD-D', 'dropoff');
      await d.getByRole('button', { name: 'Je suis arrivé·e · CMD-D' }).click();
      await d.getByRole('button', { name: 'Échec · CMD-D' }).click();
      await d.getByLabel('Colis refusé').check();
      await d.getByRole('button', { name: 'Confirmer l’échec' }).click();
      await page.getByRole('heading', { name: 'Tout est envoyé' }).waitFor();
      await expect.poll(async () => (await web.api.call('GET', `/v1/deliveries/${byRef['CMD-D']}`)).json.status).toBe('failed');
      await page.reload();
      await d.getByRole('button', { name: 'Rapporté au dépôt · CMD-D' }).waitFor();
      await page.getByRole('heading', { name: 'Sur le vélo : 13,5 kg' }).waitFor();
      await d.getByRole('button', { name: 'Rapporté au dépôt · CMD-D' }).click();
      await page.getByRole('heading', { name: 'Sur le vélo : 9 kg' }).waitFor();
      await expect.poll(async () => (await web.api.call('GET', `/v1/deliveries/${byRef['CMD-D']}`)).json.status).toBe('returned');
      await page.reload();
      await d.getByText('Rapporté au dépôt', { exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Sur le vélo : 9 kg' }).waitFor();
      // During the shift, with a round under way, the position is reported (at most once a minute).
      await expect.poll(() => positions.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await web.api.call('GET', `/v1/couriers?date=${today}`)).json.data.find((c: { id: string }) => c.id === ids.courier)?.lastPosition?.lat).toBe(here.latitude);

      // The network is cut in the middle of the round.
      await context.setOffline(true);
      await page.getByText('Hors ligne.').waitFor();
      const positionsOffline = positions.length;

      // CMD-A: arrived, then delivered with the recipient's name, a photo and a signature. A 40 MB
      // photo and a text file are refused at once, before anything is sent.
      await a.getByRole('button', { name: 'Je suis arrivé·e · CMD-A' }).click();
      await a.getByText('(pas encore envoyé)').waitFor();
      await page.getByRole('heading', { name: 'À envoyer : 1 étape(s)' }).waitFor();
      await a.getByRole('button', { name: 'Livré · CMD-A' }).click();
      const photoField = a.getByLabel('Photo du colis à la porte (facultatif)');
      const photo = await jpeg(page);
      // A 40 MB photo from the phone's gallery (a file on disk: the browser reads it as a phone does).
      const huge = Buffer.alloc(40 * 1024 * 1024);
      photo.copy(huge);
      const hugeFile = join(mkdtempSync(join(tmpdir(), 'courier-photo-')), 'colis.jpg');
      writeFileSync(hugeFile, huge);
      try {
        await photoField.setInputFiles(hugeFile);
      } finally {
        rmSync(dirname(hugeFile), { recursive: true, force: true });
      }
      await a.getByRole('alert').filter({ hasText: 'Cette photo fait 40 Mo : c’est plus que 10 Mo.' }).waitFor();
      await photoField.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('pas une photo') });
      await a.getByRole('alert').filter({ hasText: 'Ce fichier n’est pas une photo (JPEG, PNG ou WebP)' }).waitFor();
      await web.audit(page, 'delivered form with a refused photo');
      await photoField.setInputFiles({ name: 'colis.jpg', mimeType: 'image/jpeg', buffer: photo });
      await a.getByText(/^Photo prête/).waitFor();
      await a.getByLabel('Nom de la personne qui reçoit').fill('Camille Martin');
      await drawSignature(page);
      await a.getByRole('button', { name: 'Effacer la signature' }).waitFor();
      await web.shot(page, 'delivered-form-fr-390');
      await a.getByRole('button', { name: 'Confirmer : livré' }).click();
      await a.getByText('Livré', { exact: true }).waitFor();

      // CMD-B: arrived, failed (nobody there), and the parcel brought back to the hub.
      const b = card(page, 'CMD-B', 'dropoff');
      await b.getByRole('button', { name: 'Je suis arrivé·e · CMD-B' }).click();
      await b.getByRole('button', { name: 'Échec · CMD-B' }).click();
      await b.getByRole('button', { name: 'Confirmer l’échec' }).click();
      await b.getByRole('alert').filter({ hasText: 'Choisissez un motif.' }).waitFor();
      await b.getByLabel('Personne absente').check();
      await b.getByLabel('Remarque', { exact: true }).fill('Sonné deux fois, avis laissé');
      await web.audit(page, 'failed form');
      await b.getByRole('button', { name: 'Confirmer l’échec' }).click();
      await b.getByRole('button', { name: 'Rapporté au dépôt · CMD-B' }).click();
      await b.getByText('Rapporté au dépôt', { exact: true }).waitFor();

      // Meanwhile the hub gives CMD-C to Sam; the phone does not know and picks it up.
      const moved = await web.api.call('POST', `/v1/hub/deliveries/${byRef['CMD-C']}/assign`, { body: { courierId: ids.other } });
      expect(moved.status, moved.text).toBeLessThan(300);
      const c = card(page, 'CMD-C', 'pickup');
      await c.getByRole('button', { name: 'Je suis arrivé·e · CMD-C' }).click();
      await c.getByRole('button', { name: 'Colis enlevé · CMD-C' }).click();
      // CMD-A delivered and CMD-B back at the hub: CMD-C alone on the bike, as far as the phone knows.
      await page.getByRole('heading', { name: 'Sur le vélo : 4,5 kg' }).waitFor();

      // Seven steps wait on the phone, in the order they were taken.
      await page.getByRole('heading', { name: 'À envoyer : 7 étape(s)' }).waitFor();
      expect(await page.locator('.outbox li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Arrivée · CMD-A · /),
        expect.stringMatching(/^Livraison · CMD-A · .* · avec photo et signature$/),
        expect.stringMatching(/^Arrivée · CMD-B · /),
        expect.stringMatching(/^Échec · CMD-B · /),
        expect.stringMatching(/^Retour au dépôt · CMD-B · /),
        expect.stringMatching(/^Arrivée · CMD-C · /),
        expect.stringMatching(/^Enlèvement · CMD-C · /),
      ]);
      await web.audit(page, 'steps waiting offline');
      await web.shot(page, 'offline-waiting-fr-390');
      const waiting = await queuedSteps(page, ids.courierUser);
      expect(waiting.map((step) => step.body.type)).toEqual(['arrived', 'delivered', 'arrived', 'failed', 'returned', 'arrived', 'picked_up']);

      // A reload without network: the app opens from the service worker's cache, with the round
      // kept on the phone and the steps still waiting.
      await page.reload();
      await page.getByRole('heading', { name: 'Ma tournée', level: 1 }).waitFor();
      await page.getByText(/^Tournée enregistrée sur le téléphone à /).waitFor();
      await page.getByRole('heading', { name: 'À envoyer : 7 étape(s)' }).waitFor();
      await card(page, 'CMD-A', 'dropoff').getByText('Livré', { exact: true }).waitFor();
      await web.audit(page, 'reloaded offline');
      expect(positions.length).toBe(positionsOffline);
      // Make sure the steps were taken well before the network comes back.
      await page.waitForTimeout(1500);
      const reconnectedAt = Date.now();

      // The network is back: everything is sent, in order; CMD-C's steps are refused in words.
      await context.setOffline(false);
      await page.getByRole('heading', { name: 'Tout est envoyé' }).waitFor({ timeout: 30_000 });
      const refused = page.locator('section.refused');
      await page.getByRole('heading', { name: 'Refusées par le serveur : 2' }).waitFor();
      expect(await refused.locator('li').first().innerText()).toContain('La coopérative a confié cette course à quelqu’un d’autre');
      await web.audit(page, 'refused steps');
      await web.shot(page, 'refused-fr-390');

      // Each step arrived once, with the time it was taken on the phone.
      const timeline = async (reference: string) => (await web.api.call('GET', `/v1/deliveries/${byRef[reference]}`)).json;
      const atOf = (deliveryId: string, type: string, nth = 0) => waiting.filter((step) => step.deliveryId === deliveryId && step.body.type === type)[nth]!.body.at;
      const deliveryA = await timeline('CMD-A');
      expect(deliveryA.status).toBe('delivered');
      const entriesA = deliveryA.timeline.map((entry: { status: string; step?: string; stop?: string; at: string }) => [entry.step ? `${entry.step}:${entry.stop}` : entry.status, entry.at]);
      expect(entriesA.map(([name]: [string]) => name)).toEqual(['booked', 'assigned', 'arrived:pickup', 'picked_up', 'arrived:dropoff', 'delivered']);
      expect(entriesA.slice(4)).toEqual([
        ['arrived:dropoff', atOf(byRef['CMD-A']!, 'arrived')],
        ['delivered', atOf(byRef['CMD-A']!, 'delivered')],
      ]);
      expect(Date.parse(atOf(byRef['CMD-A']!, 'delivered'))).toBeLessThan(reconnectedAt);
      expect(deliveryA.proof).toMatchObject({ recipientName: 'Camille Martin', photoId: expect.stringMatching(/^pho_/), signatureId: expect.stringMatching(/^pho_/) });

      const deliveryB = await timeline('CMD-B');
      expect(deliveryB.status).toBe('returned');
      expect(deliveryB.failure).toMatchObject({ code: 'absent', note: 'Sonné deux fois, avis laissé' });
      const entriesB = deliveryB.timeline.map((entry: { status: string; step?: string; stop?: string; at: string }) => [entry.step ? `${entry.step}:${entry.stop}` : entry.status, entry.at]);
      expect(entriesB.map(([name]: [string]) => name)).toEqual(['booked', 'assigned', 'arrived:pickup', 'picked_up', 'arrived:dropoff', 'failed', 'returned']);
      expect(entriesB.slice(4)).toEqual([
        ['arrived:dropoff', atOf(byRef['CMD-B']!, 'arrived')],
        ['failed', atOf(byRef['CMD-B']!, 'failed')],
        ['returned', atOf(byRef['CMD-B']!, 'returned')],
      ]);
      // The timelines are in the order the steps were taken.
      for (const entries of [entriesA, entriesB]) expect(entries.map(([, at]: [string, string]) => at)).toEqual([...entries.map(([, at]: [string, string]) => at)].sort());

      // CMD-C stays Sam's, untouched by Alex's phone.
      const deliveryC = await timeline('CMD-C');
      expect([deliveryC.status, deliveryC.courierId]).toEqual(['assigned', ids.other]);
      expect(deliveryC.timeline.filter((entry: { status: string; step?: string }) => entry.step === 'arrived' || entry.status === 'picked_up')).toEqual([]);

      // The refused steps are dismissed one by one; the list goes with the last.
      await refused.getByRole('button', { name: 'J’ai compris, retirer' }).first().click();
      await page.getByRole('heading', { name: 'Refusées par le serveur : 1' }).waitFor();
      await refused.getByRole('button', { name: 'J’ai compris, retirer' }).click();
      await expect.poll(() => refused.count()).toBe(0);

      // In English.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'My round', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Everything is sent' }).waitFor();
      await card(page, 'CMD-A', 'dropoff', 'en').getByText('Delivered', { exact: true }).waitFor();
      await card(page, 'CMD-B', 'dropoff', 'en').getByText('Back at the hub', { exact: true }).waitFor();
      await web.audit(page, 'round in English');
      await web.shot(page, 'round-done-en-390');
      expect(await offlineProblems(problems)).toEqual([]);

      // The shop (and the hub) see the photo and the signature taken offline; the recipient's
      // tracking page never shows them.
      for (const purpose of ['proof', 'signature']) {
        const proof = await web.api.call('GET', `/v1/deliveries/${byRef['CMD-A']}/proof/photo?purpose=${purpose}`, { key: ids.shopKey });
        expect(proof.status, proof.text).toBe(200);
        const image = await fetch(proof.json.url);
        expect(image.status).toBe(200);
        const head = new Uint8Array(await image.arrayBuffer()).subarray(0, 3);
        expect([...head]).toEqual(purpose === 'proof' ? [0xff, 0xd8, 0xff] : [0x89, 0x50, 0x4e]);
      }
    } finally {
      await context.close();
    }
    console.log(`courier journey: ${Math.round((Date.now() - started) / 1000)} s`);
  }, 180_000);
});
