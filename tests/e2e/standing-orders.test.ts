import Holidays from 'date-holidays';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatLocalDate } from '../../web/src/format.js';
import { places } from '../helpers/scenario.js';
import { DESKTOP, parisDay, PHONE, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * Standing orders in the web app (issue 18), in Chromium against the real local runtime:
 * - a canteen's person, on a 390 px phone in French, creates a standing order (Mon/Tue/Thu/Fri,
 *   a drop-off window, a school-holiday closure): a window and a closure that end before they
 *   start, a rule more often than once a day and one that gives no date are refused in words at
 *   their field; the preview shows the next public holiday on those days and the closure as
 *   skipped with their reason; saving creates it (checked through the API: the order, its
 *   occurrences, the deliveries booked within the horizon carrying their order,
 *   `standingOrder: { id, date }`); pause, then resume; one day skipped (checked through the
 *   API), its reason said; another day's window changed (booked again with it, checked through
 *   the API);
 * - the same person on a 1280 px desktop in English: the list, the order's page and its edit form;
 *   the tenant's closures saved from the list page (checked through the API); an evening pickup
 *   the day before set in the edit form; the order ended after a confirmation; an order whose
 *   days cannot be booked (no pickup slot) says why on each day;
 * - the hub's coordinator: every client's orders, and the cooperative's closure saved.
 * axe-core on every page; screenshots in tests/e2e/artifacts/ (standing-*.png).
 */
let web: WebHarness;
const tomorrow = parisDay(1);
const canteen = { email: 'cuisine@restauration-bio.example', name: 'Inès Garnier' };
const coordinator = { email: 'coordination@coop.example', name: 'Alex Morel' };
const ids = { tenant: '', key: '', order: '' };

const DAYS = new Set([1, 2, 4, 5]); // Monday, Tuesday, Thursday, Friday (getUTCDay)
const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();

/** The closure: the next whole week (Monday to Friday) from 8 days on. */
const closureStart = (() => {
  let day = addDays(tomorrow, 7);
  while (weekday(day) !== 1) day = addDays(day, 1);
  return day;
})();
const closureEnd = addDays(closureStart, 4);
const closureReason = 'vacances de printemps';

/** The first French public holiday on one of the order's days, from tomorrow, outside the closure. */
const holiday = (() => {
  const calendar = new Holidays('FR');
  const year = Number(tomorrow.slice(0, 4));
  const all = [...calendar.getHolidays(year, 'fr'), ...calendar.getHolidays(year + 1, 'fr')]
    .filter((found) => found.type === 'public')
    .map((found) => ({ date: found.date.slice(0, 10), name: found.name }))
    .filter((found) => found.date >= tomorrow && DAYS.has(weekday(found.date)) && (found.date < closureStart || found.date > closureEnd))
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  const first = all[0];
  if (!first) throw new Error('no public holiday ahead');
  return first;
})();

async function call(method: string, path: string, body?: unknown, key?: string) {
  const answer = await web.api.call(method, path, { body, ...(key ? { key } : {}) });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer.json;
}

/** The live region says `text`. */
const announced = (page: Page, text: RegExp) => expect.poll(() => page.locator('.live').innerText(), { timeout: 10_000 }).toMatch(text);

beforeAll(async () => {
  // The journey provokes refusals on purpose (400: a rule more often than once a day).
  web = await startWebHarness({ shotPrefix: 'standing-', expectedConsole: /status of 400/ });
  ids.tenant = (await call('POST', '/v1/tenants', { name: 'Restauration Bio Loire', kind: 'catering', billingEmail: 'compta@restauration-bio.example', address: places.hotelDeVille })).id;
  ids.key = (await call('POST', `/v1/tenants/${ids.tenant}/api-keys`, {})).key;
  await call('POST', `/v1/tenants/${ids.tenant}/users`, { ...canteen, role: 'tenant' });
}, 180_000);

afterAll(async () => {
  await web?.stop();
});

interface Occurrence {
  date: string;
  state: string;
  deliveryId: string | null;
  reason: { code: string; label: string } | null;
}
const occurrences = async (): Promise<Occurrence[]> => (await call('GET', `/v1/standing-orders/${ids.order}/occurrences?from=${tomorrow}&to=${addDays(tomorrow, 30)}`, undefined, ids.key)).data;

describe('standing orders in the web app', () => {
  it('a canteen creates its standing order on a phone: refusals at their field, a preview with the holiday and the closure, booked, paused, resumed, one day skipped', async () => {
    const { context, page, problems } = await web.open({ ...PHONE, locale: 'fr-FR' });
    try {
      await web.signIn(page, canteen, ids.tenant, 'fr');
      await page.getByRole('link', { name: 'Commandes récurrentes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Commandes récurrentes' }).waitFor();
      await page.getByText('Aucune commande récurrente pour l’instant.').waitFor();
      await web.audit(page, 'standing orders, empty');
      await web.shot(page, 'list-empty-fr-390');

      await page.getByRole('link', { name: '+ Nouvelle commande récurrente' }).click();
      await page.getByRole('heading', { level: 1, name: 'Nouvelle commande récurrente' }).waitFor();
      // Saved empty: what is missing is said at each field, and the focus goes to the first one.
      await page.getByRole('button', { name: 'Enregistrer la commande récurrente' }).click();
      await page.getByText('Cochez au moins un jour.').waitFor();
      await page.getByText('Indiquez l’heure de début de la fenêtre.').waitFor();
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '')).toBe('Vérifiez l’adresse de livraison.');
      await page.getByLabel('Nom de la commande').fill('Cantine école Jules-Ferry');
      await page.getByLabel(/^Numéro et rue/).fill(places.firminy.line1);
      await page.getByLabel(/^Code postal/).fill(places.firminy.postcode);
      await page.getByLabel(/^Ville/).fill(places.firminy.city);
      await page.getByText('Coordonnées GPS (si l’adresse n’est pas trouvée)').click();
      await page.getByLabel('Latitude').fill(String(places.firminy.lat));
      await page.getByLabel('Longitude').fill(String(places.firminy.lng));
      await page.getByLabel(/^Nom \(obligatoire\)/).fill('Cuisine de l’école');
      await page.getByLabel('Description', { exact: true }).fill('Caisses isothermes');
      await page.getByLabel(/^Poids \(kg, chacun\)/).fill('12');

      // The window the wrong way round: said at its end field.
      await page.getByLabel(/^À partir de/).fill('12:00');
      await page.getByLabel(/^Jusqu’à/).fill('11:00');
      await page.getByText('La fenêtre finit avant de commencer : l’heure de fin doit être après l’heure de début.').waitFor();
      await page.getByLabel(/^À partir de/).fill('11:00');
      await page.getByLabel(/^Jusqu’à/).fill('12:00');
      expect(await page.getByText('La fenêtre finit avant de commencer', { exact: false }).count()).toBe(0);

      for (const day of ['lundi', 'mardi', 'jeudi', 'vendredi']) await page.getByLabel(day, { exact: true }).check();
      await page.getByText('Règle envoyée : FREQ=WEEKLY;BYDAY=MO,TU,TH,FR').waitFor();
      await page.getByLabel(/^Première date/).fill(tomorrow);
      expect(await page.getByLabel('Pas de livraison les jours fériés').isChecked()).toBe(true);

      // A closure that ends before it starts: said at its last day; then the right one.
      await page.getByRole('button', { name: '+ Ajouter une période de fermeture' }).click();
      await page.getByLabel(/^Premier jour fermé/).fill(closureEnd);
      await page.getByLabel(/^Dernier jour fermé/).fill(closureStart);
      await page.getByText('La fermeture finit avant de commencer : le dernier jour doit être le même que le premier ou après.').waitFor();
      await page.getByLabel(/^Premier jour fermé/).fill(closureStart);
      await page.getByLabel(/^Dernier jour fermé/).fill(closureEnd);
      await page.getByLabel(/^Motif/).fill(closureReason);

      // The preview: the closure's days and the next public holiday skipped, with their reason.
      const preview = page.getByRole('region', { name: 'Aperçu des prochaines livraisons' });
      await preview.getByText(`Fermeture : ${closureReason}`).first().waitFor();
      for (let more = 0; more < 12 && (await preview.getByText(`Jour férié : ${holiday.name}`).count()) === 0; more += 1) {
        await preview.getByRole('button', { name: 'Voir les dates suivantes' }).click();
        await preview.getByText('Mise à jour de l’aperçu…').waitFor({ state: 'detached' });
      }
      const holidayRow = preview.locator('li.skipped', { hasText: formatLocalDate(holiday.date, 'fr') });
      await holidayRow.getByText(`Jour férié : ${holiday.name}`).waitFor();
      const closedRows = preview.locator('li.skipped', { hasText: `Fermeture : ${closureReason}` });
      expect(await closedRows.count()).toBe(4); // Monday, Tuesday, Thursday, Friday of that week
      await preview.locator('li.delivered', { hasText: formatLocalDate(addDays(closureStart, -7), 'fr') }).waitFor();
      await web.audit(page, 'new standing order with its preview');
      await web.shot(page, 'new-fr-390');

      // A rule more often than once a day: the API's refusal said at the rule field.
      await page.getByText('Règle avancée').click();
      await page.getByLabel('Utiliser une règle tapée').check();
      const rule = page.getByLabel('Règle de récurrence (RRULE)');
      await rule.fill('FREQ=HOURLY');
      await page.getByText('Au plus une livraison par jour : une règle horaire ou plus fréquente est refusée.').waitFor();
      expect(await rule.getAttribute('aria-invalid')).toBe('true');
      // A rule that gives no date at all (30 February): said there too.
      await rule.fill('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30');
      await page.getByText('Cette règle ne donne aucune date de livraison entre la première et la dernière date.').waitFor();
      await page.getByLabel('Utiliser une règle tapée').uncheck();
      await page.getByText('Règle envoyée : FREQ=WEEKLY;BYDAY=MO,TU,TH,FR').waitFor();

      await page.getByRole('button', { name: 'Enregistrer la commande récurrente' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cantine école Jules-Ferry' }).waitFor();
      ids.order = page.url().split('/').pop() as string;
      expect(ids.order).toMatch(/^sto_/);

      // Through the API: the order as typed, its days, the deliveries of the horizon booked once each.
      const order = await call('GET', `/v1/standing-orders/${ids.order}`, undefined, ids.key);
      expect(order).toMatchObject({ status: 'active', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,TH,FR', startDate: tomorrow, endDate: null, skipPublicHolidays: true, window: { start: '11:00', end: '12:00' }, reference: 'Cantine école Jules-Ferry' });
      expect(order.closures).toMatchObject([{ start: closureStart, end: closureEnd, reason: closureReason }]);
      expect(order.pickup).toBeNull();
      const days = await occurrences();
      expect(days.length).toBeGreaterThan(0);
      for (const day of days) expect(DAYS.has(weekday(day.date)), day.date).toBe(true);
      const closed = days.filter((day) => day.date >= closureStart && day.date <= closureEnd);
      expect(closed.map((day) => day.state)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
      expect(closed.every((day) => day.reason?.code === 'closure' && day.reason.label === closureReason)).toBe(true);
      const booked = days.filter((day) => day.state === 'booked');
      expect(booked.length).toBeGreaterThan(0);
      expect(new Set(booked.map((day) => day.deliveryId)).size).toBe(booked.length);
      for (const day of booked) {
        const delivery = await call('GET', `/v1/deliveries/${day.deliveryId}`, undefined, ids.key);
        expect(delivery.standingOrder).toEqual({ id: ids.order, date: day.date });
        expect(delivery.dropoff.address.city).toBe('Firminy');
      }

      // The order's page: its dates in words, a booked one linking to its delivery.
      const first = booked[0] as Occurrence;
      const firstRow = page.locator('li.occurrence', { hasText: formatLocalDate(first.date, 'fr', true) });
      await firstRow.getByText('réservée').waitFor();
      expect(await firstRow.getByRole('link', { name: /voir la livraison/ }).getAttribute('href')).toBe(`/app/deliveries/${first.deliveryId}`);
      await page.locator('li.occurrence', { hasText: formatLocalDate(closureStart, 'fr', true) }).getByText(`Fermeture : ${closureReason}`).waitFor();
      await web.audit(page, 'standing order page');
      await web.shot(page, 'order-fr-390');

      // Pause, then resume: said, and true in the API.
      await page.getByRole('button', { name: 'Mettre en pause' }).click();
      await announced(page, /Commande en pause/);
      expect((await call('GET', `/v1/standing-orders/${ids.order}`, undefined, ids.key)).status).toBe('paused');
      await page.getByRole('button', { name: 'Reprendre' }).click();
      await announced(page, /Commande reprise/);
      expect((await call('GET', `/v1/standing-orders/${ids.order}`, undefined, ids.key)).status).toBe('active');

      // One day skipped: its delivery cancelled, the day says why, and it can be restored.
      const skippedDay = formatLocalDate(first.date, 'fr', true);
      await firstRow.getByRole('button', { name: `Ne pas livrer (${skippedDay})` }).click();
      await announced(page, new RegExp(`Pas de livraison le ${formatLocalDate(first.date, 'fr')}`));
      await firstRow.getByText('Annulée par vous').waitFor();
      const after = (await occurrences()).find((day) => day.date === first.date);
      expect(after).toMatchObject({ state: 'skipped', reason: { code: 'skipped_by_tenant' } });
      const cancelled = await call('GET', `/v1/deliveries/${first.deliveryId}`, undefined, ids.key);
      expect(cancelled.status).toBe('cancelled');
      await firstRow.getByRole('button', { name: `Rétablir (${skippedDay})` }).waitFor();

      // Another day changed on its own: a later window, a word for the courier; booked again with it.
      const second = booked[1] as Occurrence;
      const secondDay = formatLocalDate(second.date, 'fr', true);
      const secondRow = page.locator('li.occurrence', { hasText: secondDay });
      await secondRow.getByRole('button', { name: `Changer ce jour (${secondDay})` }).click();
      const change = page.getByRole('form', { name: `Changer la livraison du ${secondDay}` });
      await change.getByLabel(/^Jusqu’à/).fill('13:00');
      await change.getByLabel(/^Consigne pour le ou la coursier·e/).fill('Sonner à la porte de service');
      await change.getByRole('button', { name: 'Enregistrer ce jour' }).click();
      await announced(page, /Livraison du .* changée : 11:00–13:00/);
      await secondRow.getByText('Fenêtre ce jour-là : 11:00–13:00').waitFor();
      const changed = (await occurrences()).find((day) => day.date === second.date) as Occurrence & { override: { window: { start: string; end: string } } };
      expect(changed).toMatchObject({ state: 'booked', override: { window: { start: '11:00', end: '13:00' }, instructions: 'Sonner à la porte de service' } });
      const rebooked = await call('GET', `/v1/deliveries/${changed.deliveryId}`, undefined, ids.key);
      expect(rebooked.status).toBe('booked');
      expect(rebooked.dropoff.instructions).toBe('Sonner à la porte de service');
      await web.audit(page, 'standing order page, a day skipped');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('on a desktop in English: the list, the edit form, the closures, and the order ended after a confirmation', async () => {
    expect(ids.order).not.toBe('');
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'en-GB' });
    try {
      await web.signIn(page, canteen, ids.tenant, 'en');
      await page.getByRole('link', { name: 'Standing orders' }).click();
      const row = page.getByRole('row', { name: /Cantine école Jules-Ferry/ });
      await row.getByText('Monday, Tuesday, Thursday and Friday, every week').waitFor();
      await row.getByText('11:00–12:00').waitFor();
      await row.getByText('active').waitFor();
      await web.audit(page, 'standing orders list (en)');
      await web.shot(page, 'list-en-1280');

      // The tenant's closures: one for all its orders, saved, then in the API.
      await page.getByRole('button', { name: '+ Add a closure period' }).click();
      const closures = page.getByRole('region', { name: 'Your closures' });
      await closures.getByLabel(/^First day closed/).fill(addDays(closureStart, 21));
      await closures.getByLabel(/^Last day closed/).fill(addDays(closureStart, 25));
      await closures.getByLabel(/^Reason/).fill('Fermeture de la cuisine');
      await closures.getByRole('button', { name: 'Save the closures' }).click();
      await announced(page, /Closures saved/);
      const kept = await call('GET', '/v1/closures', undefined, ids.key);
      expect(kept.closures).toMatchObject([{ start: addDays(closureStart, 21), end: addDays(closureStart, 25), reason: 'Fermeture de la cuisine' }]);

      // The edit form, filled with the order.
      await row.getByRole('link', { name: 'Cantine école Jules-Ferry' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cantine école Jules-Ferry' }).waitFor();
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.getByRole('heading', { level: 1, name: 'Edit the standing order' }).waitFor();
      expect(await page.getByLabel('Thursday', { exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel('Wednesday', { exact: true }).isChecked()).toBe(false);
      await page.getByRole('region', { name: 'Preview of the next deliveries' }).getByText(`Closed: ${closureReason}`).first().waitFor();
      await web.audit(page, 'edit standing order (en)');
      await web.shot(page, 'edit-en-1280');
      await page.getByLabel(/^Until/).fill('12:30');
      // An evening pickup the day before: the parcels spend the night at the hub.
      await page.getByLabel('Pick up the evening before (the parcel spends the night at the hub)').check();
      await page.getByLabel(/^Pickup the day before from/).fill('17:30');
      await page.getByRole('button', { name: 'Save the changes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cantine école Jules-Ferry' }).waitFor();
      const edited = await call('GET', `/v1/standing-orders/${ids.order}`, undefined, ids.key);
      expect(edited.window).toEqual({ start: '11:00', end: '12:30' });
      expect(edited.pickupWindow).toEqual({ start: '17:30', end: '19:00', dayBefore: true });
      await page.getByText(/the evening before \(night at the hub\) 17:30–19:00/).waitFor();

      // Ended after a confirmation.
      await page.getByRole('button', { name: 'End for good' }).click();
      const dialog = page.getByRole('dialog', { name: 'End this standing order?' });
      await dialog.waitFor();
      await web.audit(page, 'end confirmation (en)');
      await dialog.getByRole('button', { name: 'End the order' }).click();
      await announced(page, /Order ended/);
      expect((await call('GET', `/v1/standing-orders/${ids.order}`, undefined, ids.key)).status).toBe('ended');
      expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);

      // An order whose days cannot be booked (no pickup slot at 07:00): each day says why, in words.
      const failing = await web.api.call('POST', '/v1/standing-orders', {
        key: ids.key,
        headers: { 'idempotency-key': 'standing-e2e-failing' },
        body: { reference: 'Cuisine centrale', dropoff: { address: places.saintChamond, contact: { name: 'Cuisine centrale' } }, parcels: [{ weightKg: 8 }], window: { start: '10:00', end: '11:00' }, slotStart: '07:00', rrule: 'FREQ=DAILY', startDate: tomorrow },
      });
      expect(failing.status, failing.text).toBe(201);
      const failed = (await call('GET', `/v1/standing-orders/${failing.json.id}/occurrences?from=${tomorrow}&to=${tomorrow}`, undefined, ids.key)).data[0];
      expect(failed).toMatchObject({ state: 'failed', reason: { code: 'no_slot' } });
      await page.goto(`${web.origin}/app/standing-orders/${failing.json.id}`);
      const failedDay = page.locator('li.occurrence', { hasText: formatLocalDate(tomorrow, 'en', true) });
      await failedDay.getByText('failed', { exact: true }).waitFor();
      await failedDay.getByText('Failed: the cooperative had no pickup slot at that time. You were told by e-mail; book this date by hand if needed.').waitFor();
      await web.audit(page, 'standing order with failed days (en)');
      await web.shot(page, 'failed-en-1280');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the hub's coordinator sees every client's orders and sets the cooperative's closure", async () => {
    await call('POST', '/v1/hub/users', { ...coordinator, role: 'admin' });
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR' });
    try {
      await web.signIn(page, coordinator, 'hub', 'fr');
      await page.getByRole('link', { name: 'Commandes récurrentes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Commandes récurrentes des structures' }).waitFor();
      const row = page.getByRole('row', { name: /Cantine école Jules-Ferry/ });
      await row.getByText('Restauration Bio Loire').waitFor();
      await row.getByText('terminée').waitFor();
      await page.getByRole('button', { name: '+ Ajouter une période de fermeture' }).click();
      await page.getByLabel(/^Premier jour fermé/).fill(addDays(closureStart, 35));
      await page.getByLabel(/^Dernier jour fermé/).fill(addDays(closureStart, 39));
      await page.getByLabel(/^Motif/).fill('Fermeture estivale du hub');
      await page.getByRole('button', { name: 'Enregistrer les fermetures' }).click();
      await announced(page, /Fermetures enregistrées/);
      expect((await call('GET', '/v1/hub/closures')).closures).toMatchObject([{ start: addDays(closureStart, 35), end: addDays(closureStart, 39), reason: 'Fermeture estivale du hub' }]);
      await web.audit(page, 'hub standing orders');
      await web.shot(page, 'hub-fr-1280');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
