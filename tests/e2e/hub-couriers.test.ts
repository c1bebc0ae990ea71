import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatLocalDate } from '../../web/src/format.js';
import { places } from '../helpers/scenario.js';
import { DESKTOP, PHONE, parisDay, startWebHarness, type WebHarness } from '../helpers/web-harness.js';

/**
 * The hub's couriers page (`/app/hub/couriers`, issue 16) in Chromium, against the real local
 * runtime: the coordinator does without curl everything the API offers for couriers. Adds two
 * couriers (one who signs in, on an electric cargo bike; one without an account, on a bike with a
 * trailer, whose API key is shown once), changes a vehicle's capacity, sets today's shift of each
 * with a lunch break, has a night shift of the day before refused in words where it runs into
 * today's, removes a shift, changes the depot. After each action the API says it took effect
 * (`GET /v1/couriers?date=`, `GET /v1/hub/couriers/{id}/shifts`) and the live region said what
 * happened. Then the courier with an e-mail address signs in and lands on their round.
 * axe-core (no serious or critical violation) at 390 and 1280 px, in French and in English;
 * screenshots in tests/e2e/artifacts/ (`couriers-*.png`).
 */
let web: WebHarness;
const today = parisDay(0);
const yesterday = parisDay(-1);
const admin = { email: 'coordination@coop.example', name: 'Alex Morel' };
const camille = { name: 'Camille Roux', email: 'camille.roux@coop.example' };
const sam = { name: 'Sam Petit' };
const ids = { camille: '', sam: '', samKey: '' };

beforeAll(async () => {
  // The journeys provoke refusals on purpose: 409 (an overlap) and 400 (a break outside the shift).
  web = await startWebHarness({ shotPrefix: 'couriers-', expectedConsole: /status of 400/ });
  const created = await web.api.call('POST', '/v1/hub/users', { body: { ...admin, role: 'admin' } });
  expect(created.status, created.text).toBe(201);
}, 180_000);

afterAll(async () => {
  await web?.stop();
});

interface Listed {
  id: string;
  name: string;
  email: string | null;
  userId: string | null;
  vehicle: { type: string; capacityKg: number; capacityLitres: number };
  shift: { start: string; end: string; breaks: Array<{ start: string; end: string }> } | null;
  state: string;
}

/** The couriers of a day as the API lists them. */
async function couriersOn(date: string): Promise<Listed[]> {
  const answer = await web.api.call('GET', `/v1/couriers?date=${date}&limit=100`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.data as Listed[];
}
async function listed(date: string, name: string): Promise<Listed> {
  const found = (await couriersOn(date)).find((courier) => courier.name === name);
  if (!found) throw new Error(`${name} is not listed on ${date}`);
  return found;
}

/** A courier's shifts on a day as the API says them. */
async function shiftsOf(courierId: string, date: string): Promise<Array<Record<string, any>>> {
  const answer = await web.api.call('GET', `/v1/hub/couriers/${courierId}/shifts?from=${date}&to=${date}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.data;
}

/** The live region says `text` (the shell's role=status region). */
async function announced(page: Page, text: RegExp): Promise<void> {
  await expect.poll(() => page.locator('.live').innerText(), { timeout: 10_000 }).toMatch(text);
}

/** The focused element's `data-focus` (where the app put the keyboard user after an action). */
async function focusedMark(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-focus') ?? null);
}

/** The focused element's name: its label's text, else its own text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = (globalThis as unknown as { document: { activeElement: { labels?: ArrayLike<{ textContent: string | null }> | null; textContent: string | null } | null } }).document.activeElement;
    const label = element?.labels && element.labels.length > 0 ? element.labels[0]?.textContent : element?.textContent;
    return (label ?? '').replace(/\s+/g, ' ').trim();
  });
}

/** Tab until the focused element's name matches: the keyboard user's way there. */
async function tabTo(page: Page, name: RegExp, limit = 40): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < limit; presses += 1) {
    const now = await focusedName(page);
    if (name.test(now)) return;
    seen.push(now.slice(0, 40));
    await page.keyboard.press('Tab');
  }
  throw new Error(`${name} not reached with Tab; went through: ${seen.join(' | ')}`);
}

const card = (page: Page, name: string): Locator => page.locator('li.courier-card').filter({ has: page.getByRole('heading', { name, exact: true, level: 3 }) });

describe('the hub’s couriers page in Chromium', () => {
  it('the coordinator adds couriers, changes a vehicle, sets and removes shifts, is refused an overlap in words, changes the depot; the courier signs in', async () => {
    const started = Date.now();
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'fr-FR' });
    const idempotencyKeys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/couriers') idempotencyKeys.push(request.headers()['idempotency-key'] ?? '');
    });
    try {
      await web.signIn(page, admin, 'hub', 'fr');
      // In the hub's menu, right after the dispatch board.
      const menu = await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allInnerTexts();
      expect(menu[menu.indexOf('Répartition') + 1]).toBe('Coursier·es');
      await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Coursier·es' }).click();
      await page.getByRole('heading', { name: 'Coursier·es', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/hub/couriers');
      const dayTitle = (date: string) => page.getByRole('heading', { name: `Coursier·es du ${formatLocalDate(date, 'fr')}`, level: 2 });
      await dayTitle(today).waitFor();
      await page.getByText('Aucun·e coursier·e pour l’instant').waitFor();
      expect(await page.getByLabel(/^Jour/).inputValue()).toBe(today);
      // The depot until the hub sets it: the cooperative's default premises.
      const depotSection = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Le dépôt', level: 2 }) });
      expect(await depotSection.innerText()).toContain('Hub des coursiers');
      expect(await depotSection.innerText()).toContain('Pas encore réglé');
      await web.audit(page, 'couriers, none yet');

      // 1. Camille, who will sign in, on an electric cargo bike.
      const addForm = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Ajouter un·e coursier·e', level: 2 }) });
      await addForm.getByLabel('Nom').fill(camille.name);
      await addForm.getByLabel('Adresse e-mail (facultative)').fill(camille.email);
      expect(await addForm.getByLabel('Type de véhicule').locator('option').allInnerTexts()).toEqual([
        'Vélo cargo (100 kg, 300 L d’habitude)',
        'Vélo cargo électrique (150 kg, 400 L d’habitude)',
        'Vélo avec remorque (60 kg, 200 L d’habitude)',
        'Vélo (15 kg, 50 L d’habitude)',
        'À pied (8 kg, 30 L d’habitude)',
      ]);
      await addForm.getByLabel('Type de véhicule').selectOption('e_cargo_bike');
      await addForm.getByRole('button', { name: 'Ajouter', exact: true }).click();
      await announced(page, /Camille Roux est ajouté·e\./);
      await card(page, camille.name).waitFor();
      const first = await listed(today, camille.name);
      ids.camille = first.id;
      expect(first).toMatchObject({ email: camille.email, vehicle: { type: 'e_cargo_bike', capacityKg: 150, capacityLitres: 400 }, shift: null, state: 'off' });
      expect(first.userId).toMatch(/\S/);
      expect(await card(page, camille.name).innerText()).toContain('Vélo cargo électrique · 150 kg, 400 L');
      expect(await card(page, camille.name).innerText()).toContain(camille.email);
      // Said: she signs in with her address, the key is for an integration only.
      await page.getByText(`${camille.email} se connecte en demandant un lien`).waitFor();

      // 2. Sam, without an account, on a bike with a trailer: the API key is shown once.
      await addForm.getByLabel('Nom').fill(sam.name);
      await addForm.getByLabel('Type de véhicule').selectOption('bike_trailer');
      await addForm.getByRole('button', { name: 'Ajouter', exact: true }).click();
      await announced(page, /Sam Petit est ajouté·e\./);
      await page.getByText('Sans adresse e-mail, Sam Petit n’a pas de compte').waitFor();
      await page.getByText('Elle ne sera plus jamais affichée').waitFor();
      ids.samKey = (await page.locator('code.secret').innerText()).trim();
      const second = await listed(today, sam.name);
      ids.sam = second.id;
      expect(second).toMatchObject({ email: null, userId: null, vehicle: { type: 'bike_trailer', capacityKg: 60, capacityLitres: 200 } });
      expect(await card(page, sam.name).innerText()).toContain('sans compte (clé d’API seulement)');
      // The key shown is Sam's: it reads Sam's round.
      const round = await web.api.call('GET', `/v1/courier/round?date=${today}`, { key: ids.samKey });
      expect(round.status, round.text).toBe(200);
      // One Idempotency-Key per courier added.
      expect(idempotencyKeys).toHaveLength(2);
      expect(new Set(idempotencyKeys).size).toBe(2);
      for (const key of idempotencyKeys) expect(key).toMatch(/^web-/);
      await web.audit(page, 'couriers, key shown');
      await web.shot(page, 'key-fr-1280');
      // Once: hidden, and never in the list again.
      await page.getByRole('button', { name: 'J’ai copié la clé : la masquer' }).click();
      expect(await page.locator('code.secret').count()).toBe(0);
      expect(JSON.stringify(await couriersOn(today))).not.toContain(ids.samKey);

      // 3. Sam's trailer carries 80 kg.
      const samCard = card(page, sam.name);
      await samCard.getByRole('button', { name: 'Modifier le nom et le véhicule de Sam Petit' }).click();
      const editForm = samCard.getByRole('form', { name: 'Nom et véhicule de Sam Petit' });
      expect(await editForm.getByLabel('Type de véhicule').inputValue()).toBe('bike_trailer');
      await editForm.getByLabel('Charge maximale (kg)').fill('80');
      await editForm.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await announced(page, /Sam Petit : nom et véhicule enregistrés\./);
      expect((await listed(today, sam.name)).vehicle).toEqual({ type: 'bike_trailer', capacityKg: 80, capacityLitres: 200 });
      await expect.poll(() => samCard.innerText()).toContain('Vélo avec remorque · 80 kg, 200 L');
      await expect.poll(() => focusedMark(page)).toBe(`edit:${ids.sam}`);

      // 4. Today's shifts, each with a lunch break; Camille ends her day at the town hall.
      const todayWords = formatLocalDate(today, 'fr');
      const camilleCard = card(page, camille.name);
      await camilleCard.getByRole('button', { name: 'Régler le service du jour de Camille Roux' }).click();
      let shiftForm = camilleCard.getByRole('form', { name: `Service de Camille Roux, ${todayWords}` });
      await shiftForm.getByLabel('Début', { exact: false }).first().fill('08:00');
      await shiftForm.getByLabel('Fin', { exact: false }).first().fill('17:00');
      await shiftForm.getByRole('button', { name: '+ Ajouter une pause' }).click();
      // The new break's start has the focus.
      await expect.poll(() => focusedName(page)).toMatch(/^Début de la pause 1/);
      await shiftForm.getByLabel('Fin de la pause 1').fill('12:45');
      const endPlace = shiftForm.getByRole('group', { name: 'Lieu d’arrivée' });
      expect(await shiftForm.getByRole('group', { name: 'Lieu de départ' }).getByLabel(/^Le dépôt : Hub des coursiers/).isChecked()).toBe(true);
      await endPlace.getByLabel('Une autre adresse').check();
      await endPlace.getByLabel('Numéro et rue').fill(places.hotelDeVille.line1);
      await endPlace.getByLabel('Code postal').fill(places.hotelDeVille.postcode);
      await endPlace.getByLabel('Ville').fill(places.hotelDeVille.city);
      await endPlace.getByText('Coordonnées GPS').click();
      await endPlace.getByLabel('Latitude').fill('45,4397');
      await endPlace.getByLabel('Longitude').fill('4,3872');
      await web.audit(page, 'shift form');
      await shiftForm.getByRole('button', { name: 'Enregistrer le service' }).click();
      await announced(page, new RegExp(`Service de Camille Roux le ${todayWords} enregistré : 08:00–17:00\\.`));
      const [camilleShift] = await shiftsOf(ids.camille, today);
      expect(camilleShift).toMatchObject({ start: '08:00', end: '17:00', breaks: [{ start: '12:00', end: '12:45' }], startPlace: { label: 'Hub des coursiers' }, endPlace: { line1: places.hotelDeVille.line1, lat: 45.4397, lng: 4.3872 } });
      expect((await listed(today, camille.name)).shift).toMatchObject({ start: '08:00', end: '17:00' });
      await expect.poll(() => camilleCard.innerText()).toContain('pause(s) : 12:00–12:45');
      expect(await camilleCard.innerText()).toContain(`départ : Hub des coursiers (10 rue Balay, 42000 Saint-Étienne) · retour : ${places.hotelDeVille.line1}, 42000 Saint-Étienne`);
      await expect.poll(() => focusedMark(page)).toBe(`shift:${ids.camille}`);

      // Sam, with the keyboard: the button, then Tab through the fields.
      await samCard.getByRole('button', { name: 'Régler le service du jour de Sam Petit' }).focus();
      await page.keyboard.press('Enter');
      shiftForm = samCard.getByRole('form', { name: `Service de Sam Petit, ${todayWords}` });
      await shiftForm.getByLabel('Début', { exact: false }).first().fill('09:00');
      await shiftForm.getByLabel('Fin', { exact: false }).first().fill('18:00');
      await tabTo(page, /^\+ Ajouter une pause$/);
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedName(page)).toMatch(/^Début de la pause 1/);
      await page.keyboard.type('1230');
      await tabTo(page, /^Fin de la pause 1/);
      await page.keyboard.type('1315');
      await tabTo(page, /^Enregistrer le service$/);
      await page.keyboard.press('Enter');
      await announced(page, new RegExp(`Service de Sam Petit le ${todayWords} enregistré : 09:00–18:00\\.`));
      expect(await shiftsOf(ids.sam, today)).toEqual([expect.objectContaining({ start: '09:00', end: '18:00', breaks: [expect.objectContaining({ start: '12:30', end: '13:15' })], endPlace: expect.objectContaining({ label: 'Hub des coursiers' }) })]);
      await web.audit(page, 'couriers with shifts');
      await web.shot(page, 'shifts-fr-1280');

      // 5. The day before: a night shift for Camille until 10:00 runs into today's (08:00): refused in words, next to "Fin".
      await page.getByRole('button', { name: 'Jour précédent' }).click();
      await dayTitle(yesterday).waitFor();
      await announced(page, /Journée du /);
      await camilleCard.getByRole('button', { name: 'Régler le service du jour de Camille Roux' }).click();
      shiftForm = camilleCard.getByRole('form', { name: `Service de Camille Roux, ${formatLocalDate(yesterday, 'fr')}` });
      await shiftForm.getByLabel('Début', { exact: false }).first().fill('22:00');
      const end = shiftForm.getByLabel('Fin', { exact: false }).first();
      await end.fill('10:00');
      // The hint says when a night shift ends.
      await shiftForm.getByText(`Ce service finit le lendemain, ${todayWords}, à 10:00.`).waitFor();
      await shiftForm.getByRole('button', { name: 'Enregistrer le service' }).click();
      const refusal = shiftForm.locator('.field-error');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain(`Refusé : ce service finirait à 10:00, après le début du service du lendemain (${todayWords}, 08:00–17:00).`);
      expect(await end.getAttribute('aria-invalid')).toBe('true');
      expect(await end.getAttribute('aria-describedby')).toContain(await refusal.getAttribute('id'));
      expect(await end.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
      expect(await shiftsOf(ids.camille, yesterday)).toEqual([]);
      await web.audit(page, 'overlap refused');
      await web.shot(page, 'overlap-fr-1280');
      // Until 07:00 it fits; a break at lunchtime is not within it: said next to the break.
      await end.fill('07:00');
      await shiftForm.getByRole('button', { name: '+ Ajouter une pause' }).click();
      await shiftForm.getByRole('button', { name: 'Enregistrer le service' }).click();
      await shiftForm.getByText('Cette pause n’est pas pendant le service (22:00–07:00).').waitFor();
      expect(await shiftForm.getByLabel('Début de la pause 1').getAttribute('aria-invalid')).toBe('true');
      expect(await shiftsOf(ids.camille, yesterday)).toEqual([]);
      await shiftForm.getByLabel('Début de la pause 1').fill('02:00');
      await shiftForm.getByLabel('Fin de la pause 1').fill('02:30');
      await shiftForm.getByRole('button', { name: 'Enregistrer le service' }).click();
      await announced(page, /Service de Camille Roux le .* enregistré : 22:00–07:00\./);
      expect(await shiftsOf(ids.camille, yesterday)).toEqual([expect.objectContaining({ start: '22:00', end: '07:00', breaks: [expect.objectContaining({ start: '02:00', end: '02:30' })] })]);
      await expect.poll(() => camilleCard.innerText()).toContain('22:00–07:00 (jusqu’au lendemain)');

      // 6. Back to today; Sam's shift removed, after a confirmation.
      await page.getByRole('button', { name: 'Jour suivant' }).click();
      await dayTitle(today).waitFor();
      await samCard.getByRole('button', { name: 'Retirer le service de Sam Petit' }).click();
      const dialog = page.getByRole('dialog', { name: `Retirer le service de Sam Petit (${todayWords}) ?` });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('Le service de 09:00 à 18:00 sera retiré.');
      await dialog.getByRole('button', { name: 'Retirer le service' }).click();
      await announced(page, new RegExp(`Service de Sam Petit le ${todayWords} retiré\\.`));
      expect(await shiftsOf(ids.sam, today)).toEqual([]);
      expect(await listed(today, sam.name)).toMatchObject({ shift: null, state: 'off' });
      await expect.poll(() => samCard.innerText()).toContain('pas de service ce jour');
      await expect.poll(() => focusedMark(page)).toBe(`shift:${ids.sam}`);
      // Camille's is still there.
      expect(await shiftsOf(ids.camille, today)).toHaveLength(1);

      // 7. The depot moves to Jean Jaurès.
      await depotSection.getByRole('button', { name: 'Changer le dépôt' }).click();
      const depotForm = depotSection.getByRole('form', { name: 'Nouveau dépôt' });
      await depotForm.getByLabel('Nom').fill('Dépôt Jean Jaurès');
      await depotForm.getByLabel('Numéro et rue').fill(places.jeanJaures.line1);
      await depotForm.getByLabel('Code postal').fill(places.jeanJaures.postcode);
      await depotForm.getByLabel('Ville').fill(places.jeanJaures.city);
      await depotForm.getByLabel('Latitude').fill(String(places.jeanJaures.lat));
      await depotForm.getByLabel('Longitude').fill(String(places.jeanJaures.lng));
      await depotForm.getByRole('button', { name: 'Enregistrer le dépôt' }).click();
      await announced(page, /Dépôt enregistré : Dépôt Jean Jaurès \(5 place Jean Jaurès, 42000 Saint-Étienne\)\./);
      const depot = await web.api.call('GET', '/v1/hub/depot');
      expect(depot.json).toMatchObject({ name: 'Dépôt Jean Jaurès', source: 'hub', address: { line1: places.jeanJaures.line1, lat: places.jeanJaures.lat, lng: places.jeanJaures.lng } });
      expect(await depotSection.innerText()).toContain('5 place Jean Jaurès, 42000 Saint-Étienne');
      expect(await depotSection.innerText()).not.toContain('Pas encore réglé');
      // A new shift starts from the new depot.
      await samCard.getByRole('button', { name: 'Régler le service du jour de Sam Petit' }).click();
      shiftForm = samCard.getByRole('form', { name: `Service de Sam Petit, ${todayWords}` });
      expect(await shiftForm.getByLabel(/^Le dépôt : Dépôt Jean Jaurès/).count()).toBe(2);
      await web.audit(page, 'couriers, depot changed');
      await web.shot(page, 'page-fr-1280');

      // At 390 px: one column, nothing sideways, still accessible (with the shift form open).
      await page.setViewportSize({ width: 390, height: 844 });
      await web.audit(page, 'couriers at 390 px');
      await web.shot(page, 'page-fr-390');
      await shiftForm.getByRole('button', { name: 'Annuler' }).click();
      await expect.poll(() => focusedMark(page)).toBe(`shift:${ids.sam}`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    // 8. Camille signs in by the e-mailed link and lands on her round.
    const phone = await web.open({ ...PHONE, locale: 'fr-FR' });
    try {
      const asked = await web.api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: camille.email } });
      expect(asked.status, asked.text).toBe(202);
      const link = new URL(await web.signInLink(camille.email, 'hub'));
      await phone.page.goto(`${web.origin}${link.pathname}${link.hash}`);
      await phone.page.getByRole('heading', { name: 'Ma tournée', level: 1 }).waitFor();
      expect(new URL(phone.page.url()).pathname).toBe('/app/courier');
      expect(await phone.page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allInnerTexts()).toEqual(['Ma tournée']);
      const me = await phone.page.evaluate(async () => (await fetch('/v1/me')).json());
      expect(me).toMatchObject({ role: 'courier', user: { email: camille.email } });
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
    console.info(`hub couriers journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);

  it('reads in English, at 1280 and 390 px', async () => {
    const { context, page, problems } = await web.open({ ...DESKTOP, locale: 'en-GB' });
    try {
      await web.signIn(page, admin, 'hub', 'en');
      await page.goto(`${web.origin}/app/hub/couriers`);
      await page.getByRole('heading', { name: 'Couriers', level: 1 }).waitFor();
      await page.getByRole('heading', { name: `Couriers on ${formatLocalDate(today, 'en')}`, level: 2 }).waitFor();
      const camilleCard = card(page, camille.name);
      await camilleCard.waitFor();
      expect(await camilleCard.innerText()).toContain('Electric cargo bike · 150 kg, 400 L');
      expect(await camilleCard.innerText()).toContain('break(s): 12:00–12:45');
      expect(await card(page, sam.name).innerText()).toContain('no account (API key only)');
      expect(await card(page, sam.name).innerText()).toContain('no shift that day');
      await web.audit(page, 'couriers in English');
      await web.shot(page, 'page-en-1280');
      await camilleCard.getByRole('button', { name: 'Change the day’s shift of Camille Roux' }).click();
      const form = camilleCard.getByRole('form', { name: `Shift of Camille Roux, ${formatLocalDate(today, 'en')}` });
      expect(await form.getByLabel('Start of break 1').inputValue()).toBe('12:00');
      // Her end place, another address, is kept as such; her start place was the former depot: said.
      expect(await form.getByRole('group', { name: 'End place' }).getByLabel('Another address').isChecked()).toBe(true);
      const startPlace = form.getByRole('group', { name: 'Start place' });
      expect(await startPlace.getByLabel(/^The depot: Dépôt Jean Jaurès/).isChecked()).toBe(true);
      await startPlace.getByText('Until now: Hub des coursiers (10 rue Balay, 42000 Saint-Étienne), the former depot. Once saved, this shift uses the current depot.').waitFor();
      await form.getByLabel('End', { exact: false }).first().fill('07:00');
      await form.getByText(`This shift ends the next day, ${formatLocalDate(addDays(today, 1), 'en')}, at 07:00.`).waitFor();
      await web.audit(page, 'shift form in English');
      await page.setViewportSize({ width: 390, height: 844 });
      await web.audit(page, 'couriers in English at 390 px');
      await web.shot(page, 'page-en-390');
      await form.getByRole('button', { name: 'Cancel' }).click();
      expect(await shiftsOf(ids.camille, today)).toEqual([expect.objectContaining({ start: '08:00', end: '17:00' })]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
