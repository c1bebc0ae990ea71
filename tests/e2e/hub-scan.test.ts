import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContextOptions, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { places, quoteBody } from '../helpers/scenario.js';
import { CHROMIUM, DESKTOP, parisDay, PHONE, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * Parcels through the hub, in Chromium against the real local runtime (issue 18): set up through
 * the API (a shop booking REF-12 through the hub with two parcels, a courier collecting them on
 * the first leg), then
 * - the hub's coordinator (desktop, French) on /hub/scan: no camera in this browser, said in
 *   words; both parcel codes typed in for check-in (the delivery `at_hub` through the API, "Au
 *   hub" on the tracking page); a repeat scan said as such; a malformed code and another hub's
 *   label refused in words; the day's labels page lists REF-12;
 * - the courier (390 px phone) checks both parcels out from the scan screen of the courier app,
 *   once the last leg is theirs: the delivery is `picked_up` through the API;
 * - Chromium's fake camera, playing a video of a label: read, and read once while in view;
 * - the shop (desktop, then 390 px, French and English) sees the hub's stage on its delivery page
 *   and gets the A6 labels (a PDF, 200); turns a direct delivery into two legs in one click; books
 *   one through the hub from the booking form; a cancelled delivery has no labels.
 * axe-core on every page; screenshots in tests/e2e/artifacts/ (scan-*.png).
 */
let web: WebHarness;
const today = parisDay(0);
const admin = { email: 'hub@coop.example', name: 'Alex Morel' };
const shopPerson = { email: 'boutique@panier.example', name: 'Claire Dumas' };
const courierPerson = { email: 'sam@coop.example', name: 'Sam Roux' };
const ids = { shop: '', shopKey: '', courier: '', courierKey: '', delivery: '', firstLeg: '', token: '' };
/** The coordinator's session (cookies), kept from the first journey for the camera's browser. */
let adminSession: BrowserContextOptions['storageState'];

async function call(method: string, path: string, body?: unknown, key?: string) {
  const answer = await web.api.call(method, path, { body, ...(key ? { key } : {}) });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer.json;
}

const delivery = async () => (await web.api.call('GET', `/v1/deliveries/${ids.delivery}`)).json;
const code = (n: number) => `STE:${ids.delivery}:${n}`;

/** The live region says `text` (the shell's role=status region). */
const announced = (page: Page, text: RegExp) => expect.poll(() => page.locator('.live').innerText(), { timeout: 10_000 }).toMatch(text);

/**
 * A video file Chromium's fake camera plays (Y4M, 4:2:0): the QR code of `text` on white, as a
 * printed label held in front of a phone.
 */
function qrVideo(text: string): string {
  const width = 640;
  const height = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const scale = Math.floor(400 / (size + 8));
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  const luma = new Uint8Array(width * height).fill(235);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      if (!qr.modules.get(row, column)) continue;
      for (let y = 0; y < scale; y += 1) luma.fill(16, (top + row * scale + y) * width + left + column * scale, (top + row * scale + y) * width + left + (column + 1) * scale);
    }
  }
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const folder = mkdtempSync(join(tmpdir(), 'scan-camera-'));
  const file = join(folder, 'label.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
  return file;
}

/** Types a code in the scan page's field and sends it. */
async function typeCode(page: Page, text: string, button: RegExp) {
  await page.getByLabel(/^Code de l’étiquette/).fill(text);
  await page.getByRole('button', { name: button }).click();
}

beforeAll(async () => {
  web = await startWebHarness({ shotPrefix: 'scan-', expectedConsole: /status of 4(00|22)/ });
  await call('PUT', '/v1/hub/depot', { name: 'Hub des coursiers', address: places.jeanJaures });
  await call('POST', '/v1/hub/users', { ...admin, role: 'admin' });
  ids.shop = (await call('POST', '/v1/tenants', { name: 'Le Panier Stéphanois', kind: 'shop', billingEmail: 'compta@panier.example', address: places.hotelDeVille })).id;
  ids.shopKey = (await call('POST', `/v1/tenants/${ids.shop}/api-keys`, {})).key;
  await call('POST', `/v1/tenants/${ids.shop}/users`, { ...shopPerson, role: 'tenant' });
  const courier = await call('POST', '/v1/couriers', { name: courierPerson.name, email: courierPerson.email, vehicle: { type: 'cargo_bike' } });
  ids.courier = courier.id;
  ids.courierKey = courier.apiKey;
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const clock = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  await call('PUT', `/v1/hub/couriers/${ids.courier}/shifts/${today}`, { start: clock(Math.max(0, hour - 1)), end: clock(Math.max(0, hour - 1) + 10) });

  // REF-12 through the hub, two parcels; a courier collects them (the first leg) and rides to the hub.
  const booked = await call(
    'POST',
    '/v1/deliveries',
    {
      ...quoteBody({
        dropoff: { address: places.firminy, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78' } },
        parcels: [
          { weightKg: 4.5, description: 'Panier de légumes' },
          { weightKg: 2, description: 'Fromages' },
        ],
      }),
      reference: 'REF-12',
      viaHub: { firstLeg: 'courier' },
    },
    ids.shopKey,
  );
  ids.delivery = booked.id;
  ids.token = booked.tracking.token;
  expect(booked.hub).toMatchObject({ firstLeg: 'courier', stage: 'expected' });
  ids.firstLeg = booked.hub.firstLegId;
  await call('POST', `/v1/hub/deliveries/${ids.firstLeg}/assign`, { courierId: ids.courier });
  await call('POST', `/v1/courier/deliveries/${ids.firstLeg}/events`, { type: 'picked_up' }, ids.courierKey);
  expect((await delivery()).hub.stage).toBe('to_hub');
}, 180_000);

afterAll(async () => {
  await web?.stop();
});

describe('parcels scanned in and out of the hub', () => {
  it('the hub checks the parcels in by typing their codes; refusals in words; the tracking page says "au hub"', async () => {
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR' });
    try {
      await web.signIn(page, admin, 'hub', 'fr');
      await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Scanner' }).click();
      await page.getByRole('heading', { name: 'Scanner les colis', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/hub/scan');
      expect(await page.getByRole('radio', { name: 'Entrée au hub' }).isChecked()).toBe(true);
      await web.audit(page, 'scan page');

      // No camera in this browser: said in words, the typed field still there.
      await page.getByRole('button', { name: 'Allumer la caméra' }).click();
      const cameraNotice = page.locator('.scan-camera .notice');
      await cameraNotice.waitFor();
      expect(await cameraNotice.innerText()).toMatch(/(caméra n’a été trouvée|accès à la caméra est refusé|caméra n’a pas pu démarrer).*tapez le code/);
      await page.getByRole('button', { name: 'Réessayer la caméra' }).waitFor();

      // Both parcels in, typed (lower case and spaces around do not matter).
      await typeCode(page, `  ${code(1).toLowerCase()} `, /^Entrer au hub$/);
      await announced(page, /Colis 1\/2 de REF-12 entré au hub — 1\/2 entrés\./);
      expect(await page.getByLabel(/^Code de l’étiquette/).inputValue()).toBe('');
      await typeCode(page, code(2), /^Entrer au hub$/);
      await announced(page, /Colis 2\/2 de REF-12 entré au hub — 2\/2 entrés\. Tous les colis de la course sont au hub\./);
      const atHub = await delivery();
      expect(atHub.hub).toMatchObject({ stage: 'at_hub' });
      expect(atHub.hub.parcels.every((parcel: { checkedInAt: string | null }) => parcel.checkedInAt !== null)).toBe(true);

      // The same label again: a repeat, said so; nothing changes.
      await typeCode(page, code(2), /^Entrer au hub$/);
      await announced(page, /Colis 2\/2 de REF-12 déjà entré au hub \(scan répété\) — 2\/2 entrés\./);

      // Refusals, in words, next to the field and in the list.
      await typeCode(page, 'BONJOUR-42', /^Entrer au hub$/);
      await announced(page, /Refusé \(BONJOUR-42\) : ce n’est pas un code d’étiquette de colis/);
      expect(await page.getByLabel(/^Code de l’étiquette/).getAttribute('aria-invalid')).toBe('true');
      await typeCode(page, `LYO:${ids.delivery}:1`, /^Entrer au hub$/);
      await announced(page, /Refusé \(LYO:.*\) : étiquette d’un autre hub \(LYO\), ce colis n’est pas pour ce hub\./);
      const log = page.locator('.scan-log li');
      expect(await log.count()).toBe(5);
      expect(await log.first().innerText()).toContain('autre hub (LYO)');
      expect(await log.nth(2).innerText()).toContain('scan répété');
      await web.audit(page, 'scan page with results');
      await web.shot(page, 'hub-fr-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await web.audit(page, 'scan page at 390 px');
      await web.shot(page, 'hub-fr-390');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The recipient's tracking page says where the parcels are.
      await page.goto(`${web.origin}/track/${ids.token}`);
      await expect.poll(() => page.locator('body').innerText()).toMatch(/au hub/i);

      // The day's labels: REF-12 is there, with its buttons.
      await page.goto(`${web.origin}/app/hub/labels`);
      await page.getByRole('heading', { name: 'Étiquettes des colis', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Étiquettes A6 de REF-12' }).first().waitFor();
      const sheet = page.waitForResponse((response) => response.url().includes(`/v1/labels?date=${today}&format=a4`));
      await page.getByRole('button', { name: 'Planche A4 de la journée' }).click();
      expect((await sheet).status()).toBe(200);
      expect((await sheet).headers()['content-type']).toContain('application/pdf');
      await announced(page, new RegExp(`Étiquettes prêtes : etiquettes-${today}-a4\\.pdf`));
      await web.audit(page, 'hub labels');
      await web.shot(page, 'labels-fr-1280');
      adminSession = await context.storageState();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('with a camera (Chromium\'s fake one, showing a label): the label is read, and read once while it stays in view', async () => {
    const video = qrVideo(code(1));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const context = await browser.newContext({ ...PHONE, locale: 'fr-FR', permissions: ['camera'], storageState: adminSession });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${web.origin}/app/hub/scan`);
      await page.getByRole('heading', { name: 'Scanner les colis', level: 1 }).waitFor();
      // The camera is allowed already: it starts by itself, and the label in view is read.
      await page.getByRole('button', { name: 'Éteindre la caméra' }).waitFor();
      await announced(page, /Colis 1\/2 de REF-12 déjà entré au hub \(scan répété\) — 2\/2 entrés\./);
      // The label stays in front of the camera: one scan, not one per frame.
      await page.waitForTimeout(1500);
      expect(await page.locator('.scan-log li').count()).toBe(1);
      await web.audit(page, 'scan page with the camera on');
      await web.shot(page, 'camera-fr-390');
      // Off when asked (and the page stays usable).
      await page.getByRole('button', { name: 'Éteindre la caméra' }).click();
      await page.getByRole('button', { name: 'Allumer la caméra' }).waitFor();
      expect(await page.locator('video').evaluate((element) => (element as unknown as { srcObject: unknown }).srcObject)).toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      rmSync(join(video, '..'), { recursive: true, force: true });
    }
  }, 120_000);

  it('the courier checks the parcels out from the courier app (390 px)', async () => {
    await call('POST', `/v1/hub/deliveries/${ids.delivery}/assign`, { courierId: ids.courier });
    const { context, page, problems } = await web.open({ ...PHONE, locale: 'fr-FR' });
    try {
      await web.signIn(page, courierPerson, 'hub', 'fr');
      await page.getByRole('heading', { name: 'Ma tournée', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Scanner des colis au hub' }).click();
      await page.getByRole('heading', { name: 'Scanner les colis', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/courier/scan');
      await page.getByRole('radio', { name: 'Sortie du hub' }).check();
      await typeCode(page, code(1), /^Sortir du hub$/);
      await announced(page, /Colis 1\/2 de REF-12 sorti du hub — 1\/2 sortis\./);
      await typeCode(page, code(2), /^Sortir du hub$/);
      await announced(page, /Colis 2\/2 de REF-12 sorti du hub — 2\/2 sortis\./);
      await expect.poll(async () => (await delivery()).status).toBe('picked_up');
      expect((await delivery()).hub.stage).toBe('left_hub');
      await web.audit(page, 'courier scan');
      await web.shot(page, 'courier-fr-390');
      // In English: the same screen, its words.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Scan parcels', level: 1 }).waitFor();
      expect(await page.getByRole('radio', { name: 'Out of the hub' }).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Turn the camera on' }).waitFor();
      await page.getByLabel(/^Label code/).fill(code(1));
      await page.getByRole('button', { name: 'Check out of the hub' }).click();
      await announced(page, /Parcel 1\/2 of REF-12 already checked out of the hub \(repeat scan\) — 2\/2 out\./);
      await web.audit(page, 'courier scan in English');
      await web.shot(page, 'courier-en-390');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the shop sees the hub stage, gets the A6 labels, sends a delivery through the hub in one click; a cancelled one has no labels', async () => {
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR', acceptDownloads: true });
    try {
      await web.signIn(page, shopPerson, ids.shop, 'fr');
      await page.goto(`${web.origin}/app/deliveries/${ids.delivery}`);
      const stage = page.getByRole('region', { name: 'Passage par le hub' });
      await stage.waitFor();
      expect(await stage.innerText()).toContain('En route vers le destinataire');
      expect(await stage.innerText()).toContain('Colis entrés au hub : 2/2 · sortis : 2/2');
      const pdf = page.waitForResponse((response) => response.url().includes(`/v1/deliveries/${ids.delivery}/labels?format=a6`));
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Étiquettes A6 de REF-12' }).click();
      const answer = await pdf;
      expect(answer.status()).toBe(200);
      expect(answer.headers()['content-type']).toContain('application/pdf');
      expect((await download).suggestedFilename()).toBe('etiquettes-REF-12-a6.pdf');
      await announced(page, /Étiquettes prêtes : etiquettes-REF-12-a6\.pdf/);
      await web.audit(page, 'delivery with labels');
      await web.shot(page, 'delivery-fr-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await web.shot(page, 'delivery-fr-390');
      // In English, at 390 px.
      await page.getByRole('button', { name: 'English' }).click();
      const stageEn = page.getByRole('region', { name: 'Through the hub' });
      await stageEn.waitFor();
      expect(await stageEn.innerText()).toContain('On the way to the recipient');
      await page.getByRole('button', { name: 'A4 sheet of REF-12' }).waitFor();
      await web.audit(page, 'delivery in English at 390 px');
      await web.shot(page, 'delivery-en-390');
      await page.getByRole('button', { name: 'Français' }).click();

      // A direct delivery turned into two legs in one click: the shop drops the parcels at the hub.
      const direct = await call('POST', '/v1/deliveries', { ...quoteBody(), reference: 'REF-13' }, ids.shopKey);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${web.origin}/app/deliveries/${direct.id}`);
      const viaHub = page.getByRole('region', { name: 'Faire passer par le hub' });
      await viaHub.waitFor();
      await viaHub.getByLabel('Nous les déposons au hub nous-mêmes').check();
      await web.audit(page, 'via the hub form');
      await viaHub.getByRole('button', { name: 'Faire passer par le hub' }).click();
      await announced(page, /La course passe désormais par le hub : déposez-y les colis\./);
      expect((await web.api.call('GET', `/v1/deliveries/${direct.id}`)).json.hub).toMatchObject({ firstLeg: 'tenant', firstLegId: null, stage: 'expected' });
      expect(await page.getByRole('region', { name: 'Passage par le hub' }).innerText()).toContain('Attendus au hub : vous y déposez les colis.');
      expect(await viaHub.count()).toBe(0);

      // A cancelled delivery has no labels: said in words, no buttons.
      const cancelled = await call('POST', '/v1/deliveries', { ...quoteBody(), reference: 'REF-14' }, ids.shopKey);
      await call('POST', `/v1/deliveries/${cancelled.id}/cancel`, {}, ids.shopKey);
      await page.goto(`${web.origin}/app/deliveries/${cancelled.id}`);
      await page.getByText('Course annulée : pas d’étiquette à imprimer.').waitFor();
      expect(await page.getByRole('button', { name: /Étiquettes A6/ }).count()).toBe(0);
      expect((await web.api.call('GET', `/v1/deliveries/${cancelled.id}/labels?format=a6`)).status).toBe(409);

      // Booked through the hub from the booking form: a courier will bring the parcels there.
      await page.goto(`${web.origin}/app/book/delivery`);
      await page.getByRole('heading', { name: 'Réserver une livraison', level: 1 }).waitFor();
      const dropoff = page.getByRole('group', { name: 'Adresse de livraison' });
      await dropoff.getByLabel('Numéro et rue').fill(places.firminy.line1);
      await dropoff.getByLabel('Code postal').fill(places.firminy.postcode);
      await dropoff.getByLabel('Ville').fill(places.firminy.city);
      await dropoff.getByText('Coordonnées GPS').click();
      await dropoff.getByLabel('Latitude').fill(String(places.firminy.lat));
      await dropoff.getByLabel('Longitude').fill(String(places.firminy.lng));
      const recipient = page.getByRole('group', { name: 'Destinataire' });
      await recipient.getByLabel('Nom').fill('Lou Garnier');
      await recipient.getByLabel('Téléphone').fill('+33 6 12 34 56 78');
      await page.getByLabel('Description').fill('Panier de légumes');
      await page.getByLabel('Poids (kg, chacun)').fill('4.5');
      await page.getByLabel('Votre référence').fill('REF-15');
      await page.getByLabel(/^Trajet/).selectOption('courier');
      await page.getByRole('button', { name: 'Voir le prix' }).click();
      await page.getByRole('heading', { name: 'Prix' }).waitFor();
      await web.audit(page, 'booking through the hub');
      await page.getByRole('button', { name: 'Confirmer la réservation' }).click();
      await page.waitForURL(/\/app\/deliveries\/dlv_/);
      await page.getByRole('region', { name: 'Passage par le hub' }).getByText('Avant le hub : un·e coursier·e va enlever les colis pour les apporter au hub.').waitFor();
      const booked = (await web.api.call('GET', `/v1/deliveries/${page.url().split('/').pop()}`)).json;
      expect(booked).toMatchObject({ reference: 'REF-15', hub: { firstLeg: 'courier', stage: 'expected' } });
      expect(booked.hub.firstLegId).toMatch(/^dlv_/);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${web.origin}/app/labels`);
      await page.getByRole('heading', { name: 'Étiquettes des colis', level: 1 }).waitFor();
      await page.getByRole('heading', { name: /^Courses du / }).waitFor();
      await page.getByRole('button', { name: 'Planche A4 de REF-13' }).waitFor();
      expect(await page.getByRole('button', { name: /de REF-14$/ }).count()).toBe(0);
      await web.audit(page, 'tenant labels at 390 px');
      await web.shot(page, 'labels-fr-390');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
