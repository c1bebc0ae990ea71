import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTrackingToken } from '../../shared/deliveries/booking.js';
import { startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors } from '../helpers/scenario.js';

/**
 * The tracking page in a real browser: Debian's Chromium, driven by playwright-core (which
 * cannot download browsers here). `.ci/run` installs the package, so CI always runs this test;
 * a machine without it fails here, loudly, rather than skipping.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const MOBILE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let api: TestApi;
let browser: Browser | undefined;
let token: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}. The browser test needs Debian's chromium: apt-get install -y chromium (.ci/run does it), or set CHROMIUM_PATH.`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  api = await startTestApi();
  const actors = await setUpActors(api);
  const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() });
  expect(booked.status, booked.text).toBe(201);
  token = booked.json.tracking.token;
  const id = booked.json.id;
  expect((await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: actors.courier.id } })).status).toBe(200);
  for (const body of [{ type: 'picked_up' }, { type: 'position', position: { lat: 45.4213, lng: 4.3517 } }]) {
    expect((await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body })).status).toBe(200);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await api?.stop();
  }
});

interface Visit {
  page: Page;
  status: number | undefined;
  bytes: number;
  consoleErrors: string[];
  failedRequests: string[];
  foreignRequests: string[];
}

/** Opens a URL in a fresh context and records what a user would not see: console errors, failed or foreign requests. */
async function visit(path: string, options: BrowserContextOptions, check: (visit: Visit) => Promise<void>): Promise<void> {
  const context = await browser!.newContext({ ...MOBILE, ...options });
  try {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    const foreignRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${api.runtime.apiUrl}/`) && !url.startsWith('data:')) foreignRequests.push(url);
    });
    const response = await page.goto(`${api.runtime.apiUrl}${path}`, { waitUntil: 'load' });
    const bytes = response ? (await response.body()).length : 0;
    await check({ page, status: response?.status(), bytes, consoleErrors, failedRequests, foreignRequests });
  } finally {
    await context.close();
  }
}

function expectClean(visit: Visit) {
  expect(visit.consoleErrors).toEqual([]);
  expect(visit.failedRequests).toEqual([]);
  expect(visit.foreignRequests).toEqual([]);
}

/** WCAG contrast ratios of the page's text against its background, as the browser computed the colours. */
async function contrasts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    // Runs in the page; the project's type-check has no DOM library, so the two globals are typed here.
    const { document, getComputedStyle } = globalThis as unknown as {
      document: { body: object; querySelector(selector: string): object | null };
      getComputedStyle(element: object): { color: string; backgroundColor: string };
    };
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = (color: string) => {
      const [r = 0, g = 0, b = 0] = rgb(color).map((value) => {
        const channel = value / 255;
        return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: string, b: string) => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (light + 0.05) / (dark + 0.05);
    };
    const background = getComputedStyle(document.body).backgroundColor;
    const out: Record<string, number> = {};
    for (const [name, selector] of [['text', 'main > p:not(.status)'], ['heading', 'h1'], ['note', '.note, .when'], ['link', 'a'], ['footer', 'footer p']] as const) {
      const element = document.querySelector(selector);
      if (element) out[name] = ratio(getComputedStyle(element).color, background);
    }
    const status = document.querySelector('.status');
    if (status) out.status = ratio(getComputedStyle(status).color, getComputedStyle(status).backgroundColor);
    return out;
  });
}

describe('the tracking page in Chromium', () => {
  it('reads in French on a French phone: status in words, ETA, city, timeline; no console error, nothing loaded from elsewhere', async () => {
    await visit(`/track/${token}`, { locale: 'fr-FR' }, async (result) => {
      const { page } = result;
      expect(result.status).toBe(200);
      expect(result.bytes).toBeLessThan(30 * 1024);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('h1').innerText()).toBe('Suivi de votre livraison');
      expect(await page.locator('.status').innerText()).toContain('En route vers vous');
      expect(await page.getByRole('heading', { name: 'Arrivée estimée' }).count()).toBe(1);
      expect(await page.locator('.eta').innerText()).toMatch(/^entre \d\d:\d\d et \d\d:\d\d$/);
      expect(await page.locator('main').innerText()).toContain('Firminy');
      expect(await page.locator('header').innerText()).toBe('Coopérative des coursiers à vélo de Saint-Étienne');
      const steps = page.locator('ol.steps > li');
      expect(await steps.count()).toBe(4);
      expect(await steps.nth(2).getAttribute('aria-current')).toBe('step');
      expect(await steps.nth(3).innerText()).toContain('à venir');
      expect(await page.locator('ol.steps time[datetime]').count()).toBe(3);
      for (const [name, ratio] of Object.entries(await contrasts(page))) expect(ratio, name).toBeGreaterThanOrEqual(7);
      await page.screenshot({ path: join(ARTIFACTS, 'tracking-page-fr.png'), fullPage: true });
      expectClean(result);

      // The language link leads to the English page.
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(/\?lang=en$/);
      expect(await page.locator('h1').innerText()).toBe('Tracking your delivery');
      expectClean(result);
    });
  });

  it('reads in English with ?lang=en, and in the dark scheme keeps its contrast', async () => {
    await visit(`/track/${token}?lang=en`, { colorScheme: 'dark' }, async (result) => {
      const { page } = result;
      expect(result.status).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('h1').innerText()).toBe('Tracking your delivery');
      expect(await page.locator('.status').innerText()).toContain('On its way to you');
      expect(await page.locator('.eta').innerText()).toMatch(/^between \d\d:\d\d and \d\d:\d\d$/);
      expect(await page.locator('ol.steps > li').last().innerText()).toContain('upcoming');
      for (const [name, ratio] of Object.entries(await contrasts(page))) expect(ratio, name).toBeGreaterThanOrEqual(7);
      await page.screenshot({ path: join(ARTIFACTS, 'tracking-page-en-dark.png'), fullPage: true });
      expectClean(result);
    });
  });

  it("follows the browser's language (Accept-Language), and works with JavaScript off", async () => {
    await visit(`/track/${token}`, { locale: 'en-GB', javaScriptEnabled: false }, async (result) => {
      expect(await result.page.locator('h1').innerText()).toBe('Tracking your delivery');
      expect(await result.page.locator('.status').innerText()).toContain('On its way to you');
      expectClean(result);
    });
  });

  it('shows the not-found page in the same style for an unknown link', async () => {
    await visit(`/track/${newTrackingToken()}`, { locale: 'fr-FR' }, async (result) => {
      const { page } = result;
      expect(result.status).toBe(404);
      expect(await page.locator('h1').innerText()).toBe('Lien de suivi introuvable');
      expect(await page.locator('header').innerText()).toBe('Coopérative des coursiers à vélo de Saint-Étienne');
      await page.screenshot({ path: join(ARTIFACTS, 'tracking-page-404.png'), fullPage: true });
      // The document answers 404 on purpose, and Chromium logs that one line; nothing else may fail.
      expect(result.consoleErrors.filter((text) => !text.includes('status of 404'))).toEqual([]);
      expect(result.consoleErrors.length).toBeLessThanOrEqual(1);
      expect(result.failedRequests).toEqual([]);
      expect(result.foreignRequests).toEqual([]);
    });
  });
});
