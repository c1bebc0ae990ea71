import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/runtime.js';
import { places } from '../helpers/scenario.js';
import { DESKTOP, parisDay, PHONE, startWebHarness, type Session, type WebHarness } from '../helpers/web-harness.js';
import { setAdapters } from '../../shared/geo/adapters.js';

/**
 * The web app (`web/`) in Debian's Chromium, driven by playwright-core, against the real local
 * runtime: each person's journey clicked as they would, in French and English, on a 390 px phone
 * and a 1280 px desktop, with axe-core on every page (no serious or critical violation) and
 * screenshots in tests/e2e/artifacts/. The build, the runtime, the browser, the audit and the
 * sign-in by e-mailed link are tests/helpers/web-harness.ts's.
 */
let web: WebHarness;
let api: TestApi;
/** Where the browser opens the app. */
let origin: string;

const ids = {
  shop: '',
  ressourcerie: '',
  ressourcerieKey: '',
  courier: { id: '', key: '' },
  shopDelivery: '',
  pickup: '',
  invoice: '',
};
const people = {
  shop: { email: 'epicerie@panier.example', name: 'Claire Dubois' },
  ressourcerie: { email: 'benevole@furan.example', name: 'Dominique Roche' },
  accountant: { email: 'compta@coop.example', name: 'Sam Bernard' },
  admin: { email: 'coordination@coop.example', name: 'Alex Morel' },
  bookkeeper: { email: 'livres@panier.example', name: 'Jo Lambert' },
};

/** The shop's own software: a local receiver of the webhooks the app sets up. */
let receiver: Server | undefined;
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
let receiverUrl = '';

beforeAll(async () => {
  web = await startWebHarness();
  api = web.api;
  origin = web.origin;

  // The hub sets up two organisations, their people, a courier and tomorrow's slots, through the API.
  const tenant = async (body: Record<string, unknown>) => {
    const created = await api.call('POST', '/v1/tenants', { body });
    expect(created.status, created.text).toBe(201);
    return created.json.id as string;
  };
  ids.shop = await tenant({ name: 'Le Panier Stéphanois', kind: 'shop', billingEmail: 'compta@panier.example', address: places.hotelDeVille });
  ids.ressourcerie = await tenant({ name: 'La Ressourcerie du Furan', kind: 'ressourcerie', billingEmail: 'contact@furan.example', address: places.jeanJaures });
  const invite = async (path: string, body: Record<string, unknown>) => {
    const created = await api.call('POST', path, { body });
    expect(created.status, created.text).toBe(201);
  };
  await invite(`/v1/tenants/${ids.shop}/users`, { ...people.shop, role: 'tenant', tenantAdmin: true });
  await invite(`/v1/tenants/${ids.ressourcerie}/users`, { ...people.ressourcerie, role: 'tenant' });
  await invite('/v1/hub/users', { ...people.accountant, role: 'accountant' });
  await invite('/v1/hub/users', { ...people.admin, role: 'admin' });
  await invite(`/v1/tenants/${ids.shop}/users`, { ...people.bookkeeper, role: 'accountant' });

  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => receiver!.listen(0, '127.0.0.1', () => done()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhooks/coursiers`;

  // An address service that knows one address: the booking forms' search field shows.
  setAdapters({
    geocoder: {
      geocode: async () => ({ lat: places.firminy.lat, lng: places.firminy.lng }),
      search: async (text: string) =>
        /breuil/i.test(text) ? [{ label: `${places.firminy.line1} ${places.firminy.postcode} ${places.firminy.city}`, ...places.firminy, score: 0.93 }] : [],
    },
  });
  ids.ressourcerieKey = (await api.call('POST', `/v1/tenants/${ids.ressourcerie}/api-keys`, { body: {} })).json.key;
  const courier = (await api.call('POST', '/v1/couriers', { body: { name: 'Alex' } })).json;
  ids.courier = { id: courier.id, key: courier.apiKey };
  const slots = await api.call('PUT', `/v1/hub/slots/${parisDay(1)}`, {
    body: { slots: [{ start: '09:00', end: '11:00', capacity: 3 }, { start: '14:00', end: '16:00', capacity: 1 }] },
  });
  expect(slots.status, slots.text).toBe(200);
}, 120_000);

afterAll(async () => {
  try {
    setAdapters({ geocoder: null });
    await new Promise((done) => (receiver ? receiver.close(done) : done(undefined)));
  } finally {
    await web?.stop();
  }
});

const open = (options: Parameters<WebHarness['open']>[0]): Promise<Session> => web.open(options);
const audit = (page: Page, name: string) => web.audit(page, name);
const shot = (page: Page, name: string) => web.shot(page, name);
const signInLink = (email: string, tenantId: string) => web.signInLink(email, tenantId);
const signIn = (page: Page, person: { email: string }, tenantId: string, lang: 'fr' | 'en') => web.signIn(page, person, tenantId, lang);

describe('the web app in Chromium', () => {
  it('a ressourcerie volunteer (English, desktop) books a pickup in a slot, finds it in the list, cancels it; a slot filled meanwhile books nothing', async () => {
    const { context, page, problems } = await open({ ...DESKTOP, locale: 'en-GB' });
    try {
      await page.goto(`${origin}/app/`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await audit(page, 'sign-in');
      await shot(page, 'sign-in-en-1280');
      await signIn(page, people.ressourcerie, ids.ressourcerie, 'en');
      await expect.poll(() => page.locator('header').innerText()).toContain('La Ressourcerie du Furan');

      // A ressourcerie's menu offers the pickup first.
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Book a pickup' }).click();
      await page.getByRole('heading', { name: 'Book a pickup', level: 1 }).waitFor();
      await page.getByLabel(/09:00–11:00 · 3 place\(s\) left/).check();
      // A sofa is too bulky for one cargo bike: said at once, before any price.
      await page.getByRole('button', { name: '+ Two-seat sofa' }).click();
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('too bulky for one cargo bike');
      await page.getByRole('button', { name: 'Remove Two-seat sofa' }).click();
      await page.getByRole('button', { name: '+ Chair' }).click();
      await page.getByRole('button', { name: '+ Box of books' }).click();
      await page.getByRole('group', { name: 'Item 1 : Chair' }).getByLabel('Quantity').fill('2');
      await page.getByText('Fits in one cargo bike.').waitFor();
      const address = page.getByRole('group', { name: 'Donor’s address' });
      await address.getByLabel('Number and street').fill(places.firminy.line1);
      await address.getByLabel('Postcode').fill(places.firminy.postcode);
      await address.getByLabel('Town').fill(places.firminy.city);
      await address.getByText('GPS coordinates').click();
      await address.getByLabel('Latitude').fill(String(places.firminy.lat));
      await address.getByLabel('Longitude').fill(String(places.firminy.lng));
      const donor = page.getByRole('group', { name: 'Donor', exact: true });
      await donor.getByLabel('Name').fill('Dominique Martin');
      await donor.getByLabel('Phone').fill('+33 6 11 22 33 44');
      await page.getByLabel('Floor', { exact: true }).selectOption('3');
      await page.getByLabel('Lift').selectOption('no');
      await page.getByLabel('Access', { exact: true }).fill('Code 1234B');
      await page.getByLabel('Your reference').fill('Don 0042');
      await page.getByRole('button', { name: 'See the price' }).click();
      await page.getByRole('heading', { name: 'Price' }).waitFor();
      expect(await page.getByRole('row', { name: /Total incl\. VAT/ }).innerText()).toMatch(/\d+,\d\d\s€/);
      await audit(page, 'pickup form with price');
      await shot(page, 'pickup-price-en-1280');
      await page.getByRole('button', { name: 'Confirm the pickup' }).click();
      await page.waitForURL(/\/app\/deliveries\/dlv_/);
      ids.pickup = page.url().split('/').pop() as string;
      await page.getByRole('heading', { name: /Pickup « Don 0042 »/ }).waitFor();
      expect(await page.locator('main').innerText()).toContain('3e étage, sans ascenseur. Code 1234B');
      await audit(page, 'pickup detail');

      // In the list, found by its reference; opened; cancelled (free: no courier yet).
      await page.getByRole('link', { name: 'All deliveries' }).click();
      await page.getByLabel('Reference contains').fill('0042');
      await page.getByRole('link', { name: 'Don 0042' }).click();
      await page.getByRole('button', { name: 'Cancel the delivery…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel this delivery?' });
      await expect.poll(() => dialog.innerText()).toContain('Cancelling is free');
      await audit(page, 'cancel dialog');
      await dialog.getByRole('button', { name: 'Yes, cancel' }).click();
      await page.locator('.badge', { hasText: 'Cancelled' }).waitFor();
      await shot(page, 'pickup-cancelled-en-1280');
      expect((await api.call('GET', `/v1/deliveries/${ids.pickup}`)).json.status).toBe('cancelled');

      // The afternoon slot (1 place) fills between the price and the booking: nothing is booked.
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Book a pickup' }).click();
      await page.getByLabel(/14:00–16:00 · 1 place\(s\) left/).check();
      await page.getByRole('button', { name: '+ Lamp' }).click();
      await address.getByLabel('Number and street').fill(places.saintChamond.line1);
      await address.getByLabel('Postcode').fill(places.saintChamond.postcode);
      await address.getByLabel('Town').fill(places.saintChamond.city);
      await address.getByText('GPS coordinates').click();
      await address.getByLabel('Latitude').fill(String(places.saintChamond.lat));
      await address.getByLabel('Longitude').fill(String(places.saintChamond.lng));
      await donor.getByLabel('Name').fill('Lou Girard');
      await donor.getByLabel('Phone').fill('+33 6 55 44 33 22');
      await page.getByRole('button', { name: 'See the price' }).click();
      await page.getByRole('heading', { name: 'Price' }).waitFor();
      const slotId = (await api.call('GET', `/v1/slots?date=${parisDay(1)}`, { key: ids.ressourcerieKey })).json.data[1].id;
      const other = await api.call('POST', '/v1/deliveries', {
        key: ids.ressourcerieKey,
        body: { kind: 'pickup', slotId, pickup: { address: places.firminy, contact: { name: 'Someone else' } }, parcels: [{ weightKg: 2 }] },
      });
      expect(other.status, other.text).toBe(201);
      const before = (await api.call('GET', '/v1/deliveries?limit=100', { key: ids.ressourcerieKey })).json.data.length;
      await page.getByRole('button', { name: 'Confirm the pickup' }).click();
      await page.getByRole('alert').filter({ hasText: 'This slot has just filled up: please choose another one.' }).waitFor();
      await page.getByLabel(/14:00–16:00 · full/).waitFor();
      expect(await page.getByLabel(/14:00–16:00 · full/).isDisabled()).toBe(true);
      expect((await api.call('GET', '/v1/deliveries?limit=100', { key: ids.ressourcerieKey })).json.data.length).toBe(before);
      await shot(page, 'pickup-slot-full-en-1280');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("a shop (French, phone) books a delivery with its default pickup, once though clicked twice, shares the link; another tenant's delivery stays hidden", async () => {
    const { context, page, problems } = await open({ ...PHONE, locale: 'fr-FR' });
    try {
      await signIn(page, people.shop, ids.shop, 'fr');
      await page.getByRole('heading', { name: 'Livraisons et enlèvements', level: 1 }).waitFor();
      await page.getByText('Aucune course ne correspond.').waitFor();
      await audit(page, 'deliveries (empty)');

      // The shop's software is told of each step: a webhook endpoint, its secret shown once.
      await page.getByRole('link', { name: 'Réglages' }).click();
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByText('Aucun point de réception pour l’instant.').waitFor();
      await page.getByLabel(/^Adresse de réception/).fill(receiverUrl);
      await page.getByLabel(/^Description/).fill('Logiciel de caisse');
      expect(await page.getByLabel(/^Toutes les étapes des courses/).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Créer le point de réception' }).click();
      await page.getByRole('heading', { name: receiverUrl }).waitFor();
      const whsec = await page.locator('code.secret').innerText();
      expect(whsec).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
      await audit(page, 'webhooks');
      await shot(page, 'webhooks-fr-390');
      await page.getByRole('link', { name: 'Courses' }).click();
      await page.getByRole('heading', { name: 'Livraisons et enlèvements', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Réserver une livraison' }).first().click();
      await page.getByRole('heading', { name: 'Réserver une livraison', level: 1 }).waitFor();
      await page.getByText(places.hotelDeVille.line1).first().waitFor();
      const dropoff = page.getByRole('group', { name: 'Adresse de livraison' });
      // The address search: a combobox, its suggestions chosen with the keyboard, filling the fields.
      const search = dropoff.getByRole('combobox', { name: 'Rechercher l’adresse' });
      await search.fill('place du Breuil');
      await dropoff.getByRole('option', { name: /2 place du Breuil 42700 Firminy/ }).waitFor();
      expect(await search.getAttribute('aria-expanded')).toBe('true');
      await audit(page, 'book delivery with address suggestions');
      await search.press('ArrowDown');
      expect(await search.getAttribute('aria-activedescendant')).toBeTruthy();
      await search.press('Enter');
      expect(await dropoff.getByLabel('Numéro et rue').inputValue()).toBe(places.firminy.line1);
      expect(await dropoff.getByLabel('Code postal').inputValue()).toBe(places.firminy.postcode);
      expect(await dropoff.getByLabel('Ville').inputValue()).toBe(places.firminy.city);
      expect(await dropoff.getByLabel('Latitude').inputValue()).toBe(String(places.firminy.lat));
      expect(await dropoff.getByLabel('Longitude').inputValue()).toBe(String(places.firminy.lng));
      const recipient = page.getByRole('group', { name: 'Destinataire' });
      await recipient.getByLabel('Nom').fill('Camille Martin');
      await recipient.getByLabel('Téléphone').fill('+33 6 12 34 56 78');
      await page.getByLabel('Description').fill('Panier de légumes');
      await page.getByLabel('Poids (kg, chacun)').fill('4.5');
      await page.getByLabel('Votre référence').fill('CMD-1001');
      await page.getByRole('button', { name: 'Voir le prix' }).click();
      await page.getByRole('heading', { name: 'Prix' }).waitFor();
      expect(await page.getByRole('row', { name: /Total TTC/ }).innerText()).toMatch(/\d+,\d\d\s€/);
      await audit(page, 'book delivery with price');
      await shot(page, 'book-delivery-fr-390');
      await page.getByRole('button', { name: 'Confirmer la réservation' }).dblclick();
      await page.evaluate(() => (globalThis as unknown as { getSelection(): { removeAllRanges(): void } | null }).getSelection()?.removeAllRanges());
      await page.waitForURL(/\/app\/deliveries\/dlv_/);
      ids.shopDelivery = page.url().split('/').pop() as string;
      await page.getByRole('heading', { name: /Livraison « CMD-1001 »/ }).waitFor();
      expect(await page.locator('.tracking-url').innerText()).toMatch(/\/track\/[A-Za-z0-9_-]{32}$/);
      await audit(page, 'delivery detail');
      await shot(page, 'delivery-fr-390');
      const mine = (await api.call('GET', `/v1/deliveries?tenantId=${ids.shop}&limit=100`)).json.data;
      expect(mine.filter((d: { reference: string }) => d.reference === 'CMD-1001')).toHaveLength(1);

      // Someone else's pickup, by its address: the same "not found" as a delivery that does not exist.
      await page.goto(`${origin}/app/deliveries/${ids.pickup}`);
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('Introuvable');

      // Settings and invoices open, and pass the audit.
      await page.getByRole('link', { name: 'Réglages' }).click();
      await page.getByRole('heading', { name: 'Adresse d’enlèvement habituelle' }).waitFor();
      await page.getByRole('cell', { name: people.shop.email }).waitFor();
      // An API key for the shop's software: shown once, working, then revoked.
      await page.getByRole('button', { name: 'Créer une clé' }).click();
      const secret = await page.locator('code.secret').innerText();
      expect((await api.call('GET', '/v1/me', { key: secret })).json).toMatchObject({ role: 'tenant', tenantId: ids.shop });
      await audit(page, 'settings');
      await shot(page, 'settings-fr-390');
      await page.getByRole('button', { name: `Révoquer …${secret.slice(-4)}` }).click();
      await page.getByRole('dialog', { name: 'Révoquer cette clé ?' }).getByRole('button', { name: 'Révoquer' }).click();
      await page.getByRole('cell', { name: /^Révoquée le / }).waitFor();

      // The booking reached the shop's software, signed; the message and its attempt are listed.
      await expect.poll(() => received.some((hit) => hit.body.includes('"delivery.booked"')), { timeout: 15_000 }).toBe(true);
      expect(String(received.find((hit) => hit.body.includes('"delivery.booked"'))?.headers['webhook-signature'])).toMatch(/^v1,/);
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('button', { name: `Messages envoyés ${receiverUrl}` }).click();
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Actualiser' }).click();
          return page.getByRole('row', { name: /Course réservée.*Reçu/ }).count();
        }, { timeout: 15_000 })
        .toBeGreaterThan(0);
      await page.getByText(/: HTTP 200 en \d+ ms/).first().waitFor();
      await page.getByRole('button', { name: 'Renvoyer Course réservée' }).first().click();
      await page.getByText('Message remis en file d’envoi.').first().waitFor();
      // A new secret, shown once; the old one keeps signing for 24 hours.
      await page.getByRole('button', { name: `Changer le secret ${receiverUrl}` }).click();
      const rotateDialog = page.getByRole('dialog', { name: 'Changer le secret de signature ?' });
      await rotateDialog.getByText(/Pendant 24 heures, l’ancien signe encore/).waitFor();
      await rotateDialog.getByRole('button', { name: 'Changer le secret' }).click();
      await page.getByText(/l’ancien signe encore les messages jusqu’au/).first().waitFor();
      const rotatedSecret = await page.locator('code.secret').innerText();
      expect(rotatedSecret).toMatch(/^whsec_/);
      expect(rotatedSecret).not.toBe(whsec);
      await audit(page, 'webhooks with messages');
      await shot(page, 'webhook-messages-fr-390');

      // A generic integration: the URL to paste and its secret, shown once.
      await page.getByRole('link', { name: 'Réglages' }).click();
      await page.getByRole('link', { name: 'Boutiques en ligne' }).click();
      await page.getByRole('heading', { name: 'Boutiques en ligne', level: 1 }).waitFor();
      await page.getByLabel('Plateforme').selectOption('generic');
      await page.getByRole('button', { name: 'Relier la boutique' }).click();
      await page.getByText('Votre logiciel envoie chaque commande en POST à cette adresse').waitFor();
      const inboundUrl = await page.locator('code.url').first().innerText();
      expect(inboundUrl).toMatch(/\/v1\/inbound\/[A-Za-z0-9_]+$/);
      await page.getByRole('heading', { name: 'Autre logiciel (Standard Webhooks)' }).waitFor();
      await page.getByRole('button', { name: /^Commandes reçues/ }).click();
      await page.getByText('Aucune commande reçue pour l’instant.').waitFor();
      await audit(page, 'integrations');
      await shot(page, 'integrations-fr-390');
      await page.getByRole('link', { name: 'Factures' }).click();
      await page.getByText('Aucune facture à payer.').waitFor();
      await audit(page, 'invoices');

      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
      expect((await context.request.get(`${origin}/v1/me`)).status()).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the cooperative's accountant (French, desktop) sees the month's gap, runs billing, records a cheque, matches the transfer of a bank statement, sees it reconciled; then switches to English", async () => {
    // The courier delivers the shop's parcel.
    const assigned = await api.call('POST', `/v1/hub/deliveries/${ids.shopDelivery}/assign`, { body: { courierId: ids.courier.id } });
    expect(assigned.status, assigned.text).toBe(200);
    for (const body of [{ type: 'picked_up' }, { type: 'delivered', proof: { recipientName: 'Camille Martin' } }]) {
      const reported = await api.call('POST', `/v1/courier/deliveries/${ids.shopDelivery}/events`, { key: ids.courier.key, body });
      expect(reported.status, reported.text).toBe(200);
    }
    await api.runtime.settle();

    const { context, page, problems } = await open({ ...DESKTOP, locale: 'fr-FR' });
    try {
      await signIn(page, people.accountant, 'hub', 'fr');
      await page.getByRole('heading', { name: 'Clôture du mois', level: 1 }).waitFor();
      await page.locator('tr.problem', { hasText: 'Le Panier Stéphanois' }).waitFor();
      await page.getByText('Course livrée pas encore facturée').waitFor();
      await audit(page, 'reconciliation with a gap');
      await shot(page, 'reconciliation-gap-fr-1280');

      await page.getByRole('button', { name: /^Lancer la facturation de / }).first().click();
      await page.getByText('Facturation terminée : 1 facture(s) émise(s).', { exact: true }).first().waitFor();
      await page.getByText('Tout concorde : livré, facturé et encaissé.').waitFor();

      await page.getByRole('link', { name: 'Factures et paiements' }).click();
      await page.getByRole('heading', { name: /Facture F\d{4}-\d{6} · Le Panier Stéphanois/ }).waitFor();
      await page.getByRole('button', { name: /Paiements et avoirs/ }).click();
      const [invoice] = (await api.call('GET', '/v1/billing/invoices?status=open')).json.data;
      ids.invoice = invoice.id;
      expect(invoice.amountDue).toBeGreaterThan(500);
      // A cheque of 5 € first (the form proposes what is owed; the accountant types what came in).
      await page.getByLabel('Montant reçu (€)').fill('5,00');
      await page.getByLabel('Moyen de paiement').selectOption('cheque');
      await page.getByLabel('Référence', { exact: true }).fill('CHQ 1234567');
      await audit(page, 'invoice with payment form');
      await shot(page, 'invoice-payment-fr-1280');
      await page.getByRole('button', { name: 'Enregistrer le paiement' }).click();
      await page.getByText('Paiement de 5,00 € enregistré.', { exact: false }).first().waitFor();
      await page.getByText(/Chèque · CHQ 1234567/).waitFor();
      const rest = invoice.amountDue - 500;
      const euros = `${Math.floor(rest / 100)},${String(rest % 100).padStart(2, '0')}`;

      // The rest by transfer, on the bank statement, without the invoice number: matched by hand.
      await page.getByRole('link', { name: 'Relevés bancaires' }).click();
      await page.getByLabel('Fichier du relevé').setInputFiles({
        name: 'releve.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`Date;Libellé;Montant\r\n${parisDay(0)};VIR SEPA LE PANIER STEPHANOIS;${euros}\r\n`, 'utf8'),
      });
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.getByText('1 ligne(s) lue(s), 1 nouvelle(s) ; 0 rapprochée(s) automatiquement, 1 à traiter.').waitFor();
      const row = page.getByRole('row', { name: /VIR SEPA LE PANIER STEPHANOIS/ });
      await row.getByText('Pas de numéro de facture dans le libellé').waitFor();
      await audit(page, 'bank statements with a line to match');
      await shot(page, 'bank-unmatched-fr-1280');
      expect(await row.getByLabel(/Facture payée par ce virement/).inputValue()).toBe(invoice.id);
      await row.getByRole('button', { name: 'Rapprocher de la facture' }).click();
      await page.getByText('Aucun virement en attente.').waitFor();
      const paid = (await api.call('GET', `/v1/billing/invoices/${invoice.id}`)).json;
      expect([paid.status, paid.amountDue, paid.paidAmount]).toEqual(['paid', 0, invoice.amountDue]);
      const pdf = await context.request.get(`${origin}/v1/billing/invoices/${invoice.id}?format=pdf`);
      expect(pdf.headers()['content-type']).toContain('application/pdf');

      await page.getByRole('link', { name: 'Clôture du mois' }).click();
      await page.locator('tr', { hasText: 'Le Panier Stéphanois' }).getByText('OK').waitFor();
      const fec = await context.request.get(`${origin}${await page.getByRole('link', { name: /^FEC/ }).getAttribute('href')}`);
      expect(fec.status()).toBe(200);
      expect((await fec.body()).toString('latin1')).toContain('JournalCode');

      // The language switch: the interface, the page's lang, and the choice kept across a reload.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Month end', level: 1 }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.reload();
      await page.getByRole('heading', { name: 'Month end', level: 1 }).waitFor();
      await page.getByText('Everything matches: delivered, billed and paid.').waitFor();
      await audit(page, 'reconciliation, clean, in English');
      await shot(page, 'reconciliation-clean-en-1280');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the hub coordinator (English, phone) sees the organisations, adds one and invites its first person, opens a day of slots, sees the team', async () => {
    const { context, page, problems } = await open({ ...PHONE, locale: 'en-US' });
    try {
      await signIn(page, people.admin, 'hub', 'en');
      await page.getByRole('heading', { name: 'Organisations', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'La Ressourcerie du Furan' }).waitFor();
      await audit(page, 'tenants');

      // A new organisation, and its first person invited at once.
      await page.getByLabel(/^Name/).fill('Les Jardins du Pilat');
      await page.getByLabel('Kind').selectOption('producer');
      await page.getByLabel('Billing e-mail').fill('compta@jardins.example');
      const address = page.getByRole('group', { name: 'Address', exact: true });
      await address.getByLabel('Number and street').fill(places.saintChamond.line1);
      await address.getByLabel('Postcode').fill(places.saintChamond.postcode);
      await address.getByLabel('Town').fill(places.saintChamond.city);
      await address.getByText('GPS coordinates').click();
      await address.getByLabel('Latitude').fill(String(places.saintChamond.lat));
      await address.getByLabel('Longitude').fill(String(places.saintChamond.lng));
      await page.getByRole('button', { name: 'Create the organisation' }).click();
      await page.getByRole('heading', { name: 'Les Jardins du Pilat' }).waitFor();
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Les Jardins du Pilat' }) });
      await card.getByLabel(/^Name/).fill('Marie Petit');
      await card.getByLabel(/^E-mail/).fill('marie@jardins.example');
      await card.getByRole('button', { name: 'Invite' }).click();
      await card.getByRole('cell', { name: 'marie@jardins.example' }).waitFor();
      await audit(page, 'tenants with a new one');
      await shot(page, 'tenants-en-390');

      await page.getByRole('link', { name: 'Slots' }).click();
      await page.getByRole('heading', { name: 'Pickup slots', level: 1 }).waitFor();
      const day = parisDay(5);
      const dayCard = page.locator(`section[aria-labelledby="day-${day}"]`);
      await dayCard.getByText('No slot: day closed.').waitFor();
      await dayCard.getByRole('button', { name: /^\+ Add a slot/ }).click();
      await dayCard.getByLabel('Places').fill('4');
      await dayCard.getByRole('button', { name: /^Save the day/ }).click();
      await dayCard.getByText(/^Slots of .* saved\.$/).waitFor();
      expect((await api.call('GET', `/v1/slots?date=${day}`)).json.data.map((slot: { start: string; capacity: number }) => [slot.start, slot.capacity])).toEqual([['09:00', 4]]);
      await audit(page, 'slots');

      await page.getByRole('link', { name: 'Cooperative team' }).click();
      await page.getByRole('cell', { name: people.accountant.email }).waitFor();
      await audit(page, 'hub users');
      await shot(page, 'hub-users-en-390');

      // Rates and area: the rate card edited, the service area drawn, a hub key created and revoked.
      await page.getByRole('link', { name: 'Rates and area' }).click();
      await page.getByRole('heading', { name: 'Rates, area and keys', level: 1 }).waitFor();
      const rates = page.locator('form#hub-rates');
      await rates.getByLabel(/^Base price/).fill('7,20');
      await rates.getByRole('button', { name: 'Save the rate card' }).click();
      await page.getByText('Rate card saved.', { exact: true }).first().waitFor();
      expect((await api.call('GET', '/v1/hub/rate-card')).json.baseCents).toBe(720);
      const outline = page.getByRole('img', { name: /^Outline of the area served: 1 polygon\(s\), \d+ positions/ });
      await outline.waitFor();
      const box = await outline.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.width).toBeLessThanOrEqual(390);
      expect(await page.locator('svg.outline path').first().getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ L/);
      await page.getByText(/^See the outline’s positions/).click();
      await page.getByRole('table', { name: 'Polygon 1' }).waitFor();
      await page.getByLabel(/^Area as GeoJSON/).fill('{"type":"Polygon","coordinates":[[[4.3,45.4],[4.4,45.4],[4.3,45.4]]]}');
      await page.getByRole('alert').filter({ hasText: 'Each ring needs at least 4 positions.' }).waitFor();
      const keys = page.locator('section[aria-labelledby="hub-keys-title"]');
      await keys.getByLabel('Use').selectOption('accountant');
      await keys.getByRole('button', { name: 'Create a key' }).click();
      const hubKey = await keys.locator('code.secret').innerText();
      expect((await api.call('GET', '/v1/me', { key: hubKey })).json).toMatchObject({ role: 'accountant', tenantId: null });
      await audit(page, 'hub settings');
      await shot(page, 'hub-settings-en-390');
      await keys.getByRole('button', { name: `Revoke …${hubKey.slice(-4)}` }).click();
      await page.getByRole('dialog', { name: 'Revoke this key?' }).getByRole('button', { name: 'Revoke' }).click();
      await keys.getByRole('cell', { name: /^Revoked on / }).waitFor();

      // Dispatch: the day's deliveries by status (the board itself: tests/e2e/dispatch-board.test.ts).
      await page.getByRole('link', { name: 'Dispatch' }).click();
      await page.getByRole('heading', { name: /^Dispatch/, level: 1 }).waitFor();
      await page.getByLabel('Status').selectOption('delivered');
      await page.getByRole('row', { name: /CMD-1001/ }).waitFor();
      await audit(page, 'dispatch');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("the shop's bookkeeper (English, desktop) reads its invoices and a credit note, downloads the PDF, sees deliveries without personal data, and cannot reach the cooperative's books", async () => {
    const invoice = (await api.call('GET', `/v1/billing/invoices/${ids.invoice}`)).json;
    expect(invoice.number).toBeTruthy();
    const note = await api.call('POST', `/v1/billing/invoices/${invoice.id}/credit-notes`, { body: { reason: 'Livraison en retard' } });
    expect(note.status, note.text).toBe(201);
    const { context, page, problems } = await open({ ...DESKTOP, locale: 'en-GB' });
    try {
      await signIn(page, people.bookkeeper, ids.shop, 'en');
      const menu = page.getByRole('navigation', { name: 'Main menu' });
      expect(await menu.getByRole('link').allInnerTexts()).toEqual(['Invoices', 'Deliveries']);
      await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
      await page.getByRole('row', { name: new RegExp(note.json.number) }).waitFor();
      await page.getByLabel('Show').selectOption('period');
      await page.getByLabel('Month').fill(invoice.period);
      await page.getByRole('row', { name: new RegExp(`^${invoice.number}`) }).first().waitFor();
      await audit(page, 'bookkeeper invoices');
      await shot(page, 'bookkeeper-invoices-en-1280');
      const pdfHref = await page.getByRole('link', { name: `PDF ${note.json.number}` }).getAttribute('href');
      const pdf = await context.request.get(`${origin}${pdfHref}`);
      expect(pdf.status()).toBe(200);
      expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

      // Deliveries: the recipient's name and street are not theirs to read, shown as a dash.
      await menu.getByRole('link', { name: 'Deliveries' }).click();
      await page.getByRole('link', { name: 'CMD-1001' }).click();
      await page.getByRole('heading', { name: /CMD-1001/, level: 1 }).waitFor();
      expect(await page.locator('main').innerText()).not.toContain('Camille Martin');
      await page.getByText('—').first().waitFor();
      await audit(page, 'bookkeeper delivery');
      await shot(page, 'bookkeeper-delivery-en-1280');

      for (const path of ['/accounting', '/accounting/invoices', '/settings', '/hub/settings']) {
        await page.goto(`${origin}/app${path}`);
        await page.getByRole('heading', { name: 'Restricted', level: 1 }).waitFor();
      }
      expect((await context.request.get(`${origin}/v1/billing/reconciliation?period=${invoice.period}`)).status()).toBe(403);
      expect(problems.filter((problem) => !/status of 403/.test(problem))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a sign-in link works once: reused, it says so in words and offers a new one', async () => {
    const { context, page } = await open({ ...PHONE, locale: 'fr-FR' });
    try {
      const link = new URL(await signInLink(people.admin.email, 'hub'));
      await page.goto(`${origin}${link.pathname}${link.hash}`);
      await page.getByRole('heading', { name: 'Ce lien ne fonctionne plus' }).waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('Ce lien de connexion n’est plus valable');
      await audit(page, 'used link');
    } finally {
      await context.close();
    }
  }, 60_000);
});
