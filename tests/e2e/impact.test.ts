import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPeriod } from '../../web/src/format.js';
import { places, quoteBody } from '../helpers/scenario.js';
import { DESKTOP, parisDay, PHONE, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * The impact page (issue 18), in Chromium against the real local runtime. Set up through the API:
 * two shops, a courier on today's shift who delivers two parcels for one shop and one for the
 * other (assigned, picked up, delivered with the courier's key). Then
 * - the first shop's person, on a 390 px phone in French, picks this month: the page shows the
 *   same deliveries, kilometres and CO₂e as the API's JSON for that shop (French numbers), the
 *   factor and its source; the year's table; the CSV link answers the API's CSV;
 * - the hub's coordinator, on a 1280 px desktop in English: the whole hub's figures, client by
 *   client, the rounds' CSV, then one shop's with the filter, each equal to the API's.
 * axe-core on every page; screenshots in tests/e2e/artifacts/ (impact-*.png).
 */
let web: WebHarness;
const today = parisDay(0);
const month = today.slice(0, 7);
const shopPerson = { email: 'boutique@epicerie.example', name: 'Léa Martin' };
const admin = { email: 'coordination@coop.example', name: 'Alex Morel' };
const ids = { shop: '', shopKey: '', other: '', otherKey: '', courierKey: '' };

async function call(method: string, path: string, body?: unknown, key?: string) {
  const answer = await web.api.call(method, path, { body, ...(key ? { key } : {}) });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer.json;
}

interface Figures {
  deliveries: number;
  km: number;
  kgCo2eAvoided: number;
}

const number = (value: number, locale: string, digits = 1) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
const squash = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

beforeAll(async () => {
  web = await startWebHarness({ shotPrefix: 'impact-' });
  await call('PUT', '/v1/hub/depot', { name: 'Dépôt de la coopérative', address: places.jeanJaures });
  await call('POST', '/v1/hub/users', { ...admin, role: 'admin' });
  ids.shop = (await call('POST', '/v1/tenants', { name: 'L’Épicerie du Marais', kind: 'shop', billingEmail: 'compta@epicerie.example', address: places.hotelDeVille })).id;
  ids.shopKey = (await call('POST', `/v1/tenants/${ids.shop}/api-keys`, {})).key;
  await call('POST', `/v1/tenants/${ids.shop}/users`, { ...shopPerson, role: 'tenant' });
  ids.other = (await call('POST', '/v1/tenants', { name: 'La Ressourcerie Verte', kind: 'ressourcerie', billingEmail: 'compta@ressourcerie.example', address: places.jeanJaures })).id;
  ids.otherKey = (await call('POST', `/v1/tenants/${ids.other}/api-keys`, {})).key;

  // A courier on a ten-hour shift that began an hour ago, who delivers three parcels.
  const courier = await call('POST', '/v1/couriers', { name: 'Sam Roux', vehicle: { type: 'cargo_bike' } });
  ids.courierKey = courier.apiKey;
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const clock = (h: number) => `${String(Math.min(h, 23)).padStart(2, '0')}:${h > 23 ? '59' : '00'}`;
  await call('PUT', `/v1/hub/couriers/${courier.id}/shifts/${today}`, { start: clock(Math.max(0, hour - 1)), end: clock(Math.max(0, hour - 1) + 10) });
  for (const [key, dropoff] of [
    [ids.shopKey, places.firminy],
    [ids.shopKey, places.saintChamond],
    [ids.otherKey, places.firminy],
  ] as const) {
    const booked = await call('POST', '/v1/deliveries', quoteBody({ dropoff: { address: dropoff, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78' } } }), key);
    await call('POST', `/v1/hub/deliveries/${booked.id}/assign`, { courierId: courier.id });
    await call('POST', `/v1/courier/deliveries/${booked.id}/events`, { type: 'picked_up' }, ids.courierKey);
    await call('POST', `/v1/courier/deliveries/${booked.id}/events`, { type: 'delivered', proof: { recipientName: 'Camille Martin' } }, ids.courierKey);
  }
}, 180_000);

afterAll(async () => {
  await web?.stop();
});

describe('the impact page', () => {
  it("a shop's person sees its month on a phone, in French, as the API says it, and downloads the CSV", async () => {
    const api: Figures = (await call('GET', `/v1/impact?month=${month}`, undefined, ids.shopKey)).totals;
    expect(api.deliveries).toBe(2);
    expect(api.km).toBeGreaterThan(0);
    const { context, page, problems } = await web.open({ ...PHONE, locale: 'fr-FR' });
    try {
      await web.signIn(page, shopPerson, ids.shop, 'fr');
      await page.getByRole('link', { name: 'Impact' }).click();
      await page.getByRole('heading', { level: 1, name: 'Impact' }).waitFor();
      await page.getByLabel('Mois', { exact: true }).fill(month);
      await page.getByRole('heading', { name: `Le mois de ${formatPeriod(month, 'fr')}` }).waitFor();
      await expect.poll(async () => squash(await page.locator('[data-figure="deliveries"]').innerText())).toBe('2');
      expect(squash(await page.locator('[data-figure="km"]').innerText())).toBe(squash(`${number(api.km, 'fr-FR')} km`));
      expect(squash(await page.locator('[data-figure="co2"]').innerText())).toBe(squash(`${number(api.kgCo2eAvoided, 'fr-FR')} kg`));
      await page.getByText(/Facteur : 0,269 kg CO₂e par km .*ADEME Base Carbone.*version/).waitFor();

      // The year's table: this month's row and the totals.
      const table = page.getByRole('table', { name: `Impact mois par mois en ${month.slice(0, 4)}` });
      const row = table.getByRole('row', { name: new RegExp(formatPeriod(month, 'fr')) });
      expect(squash(await row.innerText())).toContain(squash(`${number(api.km, 'fr-FR')} km`));
      expect(squash(await table.locator('tfoot').innerText())).toContain(squash(`${number(api.kgCo2eAvoided, 'fr-FR')} kg`));
      await web.audit(page, 'impact (tenant, fr)');
      await web.shot(page, 'tenant-fr-390');

      // The CSV link: the API's CSV of the month, with the session.
      const href = await page.getByRole('link', { name: 'Télécharger CSV du mois' }).getAttribute('href');
      expect(href).toBe(`/v1/impact?month=${month}&format=csv`);
      const csv = await page.evaluate(async (url) => {
        const answer = await fetch(url, { credentials: 'same-origin' });
        return { status: answer.status, type: answer.headers.get('content-type'), text: await answer.text() };
      }, href as string);
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/text\/csv/);
      expect(csv.text).toContain(';');
      expect(csv.text).toContain(month);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger CSV de l’année' }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the hub's coordinator sees the whole hub, then one shop, in English", async () => {
    const hub: Figures = (await call('GET', `/v1/impact?month=${month}`)).totals;
    const other: Figures = (await call('GET', `/v1/impact?month=${month}&tenantId=${ids.other}`)).totals;
    expect(hub.deliveries).toBe(3);
    expect(other.deliveries).toBe(1);
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'en-GB' });
    try {
      await web.signIn(page, admin, 'hub', 'en');
      await page.getByRole('link', { name: 'Impact' }).click();
      await page.getByRole('heading', { level: 1, name: 'Impact' }).waitFor();
      await page.getByLabel('Month', { exact: true }).fill(month);
      await expect.poll(async () => squash(await page.locator('[data-figure="deliveries"]').innerText())).toBe('3');
      expect(squash(await page.locator('[data-figure="km"]').innerText())).toBe(squash(`${number(hub.km, 'en-GB')} km`));
      expect(squash(await page.locator('[data-figure="co2"]').innerText())).toBe(squash(`${number(hub.kgCo2eAvoided, 'en-GB')} kg`));
      // Client by client: each shop's deliveries and share of the kilometres, as the API says.
      const byClient = page.getByRole('table', { name: `By client, ${formatPeriod(month, 'en')}` });
      expect(squash(await byClient.getByRole('row', { name: /La Ressourcerie Verte/ }).innerText())).toBe(squash(`La Ressourcerie Verte\t1\t${number(other.km, 'en-GB')} km\t${number(other.kgCo2eAvoided, 'en-GB')} kg`));
      expect(squash(await byClient.getByRole('row', { name: /Épicerie du Marais/ }).innerText())).toMatch(/^L’Épicerie du Marais 2 /);
      // The rounds behind the kilometres, for anyone to check them: the API's CSV, one row per round.
      const rounds = await page.getByRole('link', { name: 'Download the month’s rounds as CSV (to check the kilometres)' }).getAttribute('href');
      expect(rounds).toBe(`/v1/impact?month=${month}&format=csv&detail=rounds`);
      const answer = await page.evaluate(async (url) => {
        const got = await fetch(url, { credentials: 'same-origin' });
        return { status: got.status, text: await got.text() };
      }, rounds as string);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(today);
      await web.audit(page, 'impact (hub, en)');
      await web.shot(page, 'hub-en-1280');

      await page.getByLabel('Client', { exact: true }).selectOption({ label: 'La Ressourcerie Verte' });
      await expect.poll(async () => squash(await page.locator('[data-figure="deliveries"]').innerText())).toBe('1');
      expect(squash(await page.locator('[data-figure="km"]').innerText())).toBe(squash(`${number(other.km, 'en-GB')} km`));
      expect(await page.getByRole('link', { name: 'Download the month’s CSV' }).getAttribute('href')).toBe(`/v1/impact?month=${month}&tenantId=${ids.other}&format=csv`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
