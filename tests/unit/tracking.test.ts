import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newTrackingToken } from '../../shared/deliveries/booking.js';
import { estimateRideSeconds, GreatCircleRouter, type LatLng, type Router } from '../../shared/geo/router.js';
import { arrivalTime, estimateEta, etaWindow, MIN_SPREAD_MS, PICKUP_HANDLING_SECONDS, planEta, POSITION_FRESH_MS } from '../../shared/tracking/eta.js';
import { escapeHtml, html, trusted } from '../../shared/tracking/html.js';
import { negotiateLanguage, parseAcceptLanguage } from '../../shared/tracking/i18n.js';
import { pageHeaders, renderNotFoundPage, renderTrackingPage } from '../../shared/tracking/page.js';
import { TrackingView } from '../../shared/tracking/schemas.js';
import { buildTrackingView, isTrackingExpired, isWellFormedToken } from '../../shared/tracking/view.js';
import { deliveryThrough, sampleDelivery } from '../fixtures/delivery.js';

const HUB = 'Coopérative des coursiers à vélo de Saint-Étienne';
const minutes = (n: number) => n * 60_000;
const at = (iso: string) => Date.parse(iso);

describe('escapeHtml and the html template tag', () => {
  it('escapes the five characters that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
    expect(escapeHtml('Saint-Étienne, 42000')).toBe('Saint-Étienne, 42000');
  });

  it('never lets escaped text contain markup characters, whatever the input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !/[<>"']/.test(escapeHtml(text)) && !/&(?!amp;|lt;|gt;|quot;|#39;)/.test(escapeHtml(text))));
  });

  it('escapes every interpolated value, keeps nested fragments, joins arrays, drops empty values', () => {
    const city = '<img src=x onerror=alert(1)>';
    const inner = html`<b>${'a&b'}</b>`;
    const out = html`<p title="${'"quoted"'}">${city}${inner}${['<i>', html`<i>ok</i>`]}${undefined}${false}${null}${trusted('<br>')}</p>`;
    expect(out.value).toBe('<p title="&quot;quoted&quot;">&lt;img src=x onerror=alert(1)&gt;<b>a&amp;b</b>&lt;i&gt;<i>ok</i><br></p>');
  });
});

describe('the language of the page', () => {
  it.each([
    ['en', 'fr-FR,fr;q=0.9', 'en'],
    ['fr', 'en-GB,en;q=0.9', 'fr'],
    [undefined, 'en-GB,en;q=0.9,fr;q=0.8', 'en'],
    [undefined, 'fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr'],
    [undefined, 'de-DE,de;q=0.9,en;q=0.8,fr;q=0.7', 'en'],
    [undefined, 'fr;q=0.5, en;q=0.9', 'en'],
    [undefined, 'en;q=0, fr', 'fr'],
    [undefined, 'fr;q=0, en;q=0.1', 'en'],
    [undefined, 'de, es', 'fr'],
    [undefined, '*', 'fr'],
    [undefined, 'EN-us', 'en'],
    [undefined, ';;;,,q=,en;q=abc', 'en'],
    [undefined, undefined, 'fr'],
    [undefined, '', 'fr'],
  ])('?lang=%s with Accept-Language %j is %s', (lang, header, expected) => {
    expect(negotiateLanguage(lang, header)).toBe(expected);
  });

  it('orders tags by q-value, then as sent, and drops q=0', () => {
    expect(parseAcceptLanguage('de;q=0.3, en-GB, fr;q=0.8, it;q=0, es;q=0.8')).toEqual(['en-gb', 'fr', 'es', 'de']);
  });
});

describe('tracking tokens', () => {
  it('accepts what bookings make and nothing else', () => {
    for (let index = 0; index < 50; index += 1) expect(isWellFormedToken(newTrackingToken())).toBe(true);
    for (const bad of ['', 'abc', `${newTrackingToken()}x`, newTrackingToken().slice(1), '../../etc/passwd/aaaaaaaaaaaaaaaaaaaa', 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h/']) {
      expect(isWellFormedToken(bad), bad).toBe(false);
    }
  });
});

describe('the public view of a delivery', () => {
  const eta = { earliest: '2026-11-26T10:05:00.000Z', latest: '2026-11-26T10:30:00.000Z', basis: 'courier_position' as const };

  it('copies status, kind, timeline, ETA and drop-off city only', () => {
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:40:00.000Z']], {
      lastPosition: { lat: 45.4213, lng: 4.3517, at: '2026-11-26T09:50:00.000Z' },
    });
    const view = buildTrackingView(delivery, { eta, hubName: HUB });
    expect(view).toEqual({
      object: 'tracking',
      kind: 'delivery',
      status: 'picked_up',
      events: [
        { status: 'booked', at: '2026-11-26T08:30:00.000Z' },
        { status: 'assigned', at: '2026-11-26T09:00:00.000Z' },
        { status: 'picked_up', at: '2026-11-26T09:40:00.000Z' },
      ],
      eta,
      dropoff: { city: 'Firminy' },
      hub: { name: HUB },
    });
    expect(TrackingView.safeParse(view).success).toBe(true);
  });

  it('leaves out what the delivery gains later, and extra fields of timeline entries: it is an allowlist', () => {
    const delivery = { ...sampleDelivery(), recipientNotes: 'code 1234B', timeline: [{ status: 'booked', at: '2026-11-26T08:30:00.000Z', by: 'cou_x' }] } as never;
    const text = JSON.stringify(buildTrackingView(delivery, { eta: undefined, hubName: HUB }));
    expect(text).not.toContain('1234B');
    expect(text).not.toContain('cou_x');
    expect(text).not.toContain('"eta"');
  });

  it('contains nothing private of the delivery', () => {
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:40:00.000Z'], ['delivered', '2026-11-26T10:20:00.000Z']], {
      lastPosition: { lat: 45.4213, lng: 4.3517, at: '2026-11-26T10:10:00.000Z' },
      proof: { recipientName: 'C. Martin', note: 'Laissé au gardien' },
    });
    const view = buildTrackingView(delivery, { eta: undefined, hubName: HUB });
    const outputs = [JSON.stringify(view), renderTrackingPage(view, 'fr', at('2026-11-26T10:30:00Z')), renderTrackingPage(view, 'en', at('2026-11-26T10:30:00Z'))];
    const needles = ['Camille', 'Martin', '+33', '12 34 56 78', 'camille@', 'place du Breuil', 'Bâtiment', 'Hôtel de Ville', 'Épicerie', 'CMD-7781', 'Panier', '1437', '14,37', '1724', '17,24', '45.4213', '4.3517', '45.388', '4.288', 'dlv_', 'ten_', 'cou_', 'gardien', delivery.tracking.token];
    for (const output of outputs) for (const needle of needles) expect(output, needle).not.toContain(needle);
  });
});

describe('retention of tracking links', () => {
  const delivered = deliveryThrough([['assigned', '2026-11-01T09:00:00.000Z'], ['picked_up', '2026-11-01T09:30:00.000Z'], ['delivered', '2026-11-01T10:00:00.000Z']]);
  const ended = at('2026-11-01T10:00:00.000Z');

  it('keeps a link working until the retention runs out after the final status', () => {
    expect(isTrackingExpired(delivered, ended + 29 * 86_400_000, 30)).toBe(false);
    expect(isTrackingExpired(delivered, ended + 30 * 86_400_000 - 1, 30)).toBe(false);
    expect(isTrackingExpired(delivered, ended + 30 * 86_400_000, 30)).toBe(true);
  });

  it('with 0 days, stops as the delivery ends; never while it is under way', () => {
    expect(isTrackingExpired(delivered, ended, 0)).toBe(true);
    const underWay = deliveryThrough([['assigned', '2026-01-01T09:00:00.000Z']]);
    expect(isTrackingExpired(underWay, at('2027-01-01T00:00:00Z'), 0)).toBe(false);
  });

  it('counts from a failure or a cancellation too', () => {
    const failed = deliveryThrough([['assigned', '2026-11-01T09:00:00.000Z'], ['failed', '2026-11-02T09:00:00.000Z']]);
    expect(isTrackingExpired(failed, at('2026-11-03T09:00:00.000Z'), 1)).toBe(true);
    expect(isTrackingExpired(failed, at('2026-11-03T08:59:59.000Z'), 1)).toBe(false);
    const cancelled = deliveryThrough([['cancelled', '2026-11-01T09:00:00.000Z']]);
    expect(isTrackingExpired(cancelled, at('2026-11-01T09:00:00.000Z'), 0)).toBe(true);
  });
});

describe('the ETA rule', () => {
  const now = at('2026-11-26T10:00:00.000Z');
  const position = { lat: 45.4213, lng: 4.3517 };
  const pickup: LatLng = { lat: 45.4397, lng: 4.3872 };
  const dropoff: LatLng = { lat: 45.388, lng: 4.288 };

  it('gives no ETA before a courier has the delivery, nor after it ended', () => {
    for (const delivery of [
      sampleDelivery(),
      deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z'], ['delivered', '2026-11-26T09:50:00.000Z']]),
      deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['failed', '2026-11-26T09:30:00.000Z']]),
      deliveryThrough([['cancelled', '2026-11-26T09:00:00.000Z']]),
    ]) {
      expect(planEta(delivery, now), delivery.status).toBeUndefined();
    }
  });

  it('picked up: from a fresh courier position to the drop-off, leaving now', () => {
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z']], {
      lastPosition: { ...position, at: new Date(now - POSITION_FRESH_MS).toISOString() },
    });
    expect(planEta(delivery, now)).toEqual({ basis: 'courier_position', departAt: now, handlingSeconds: 0, toDropoff: [position, dropoff] });
  });

  it('picked up, position too old: from the pickup, leaving when it was picked up', () => {
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z']], {
      lastPosition: { ...position, at: new Date(now - POSITION_FRESH_MS - 1).toISOString() },
    });
    expect(planEta(delivery, now)).toEqual({ basis: 'pickup', departAt: at('2026-11-26T09:30:00.000Z'), handlingSeconds: 0, toDropoff: [pickup, dropoff] });
  });

  it('assigned: the ride to the pickup, the loading, then the ride to the drop-off', () => {
    const withPosition = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { lastPosition: { ...position, at: new Date(now - minutes(2)).toISOString() } });
    expect(planEta(withPosition, now)).toEqual({
      basis: 'courier_position',
      departAt: now,
      toPickup: [position, pickup],
      handlingSeconds: PICKUP_HANDLING_SECONDS,
      toDropoff: [pickup, dropoff],
    });
    const plan = planEta(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']]), now);
    expect(plan).toEqual({ basis: 'pickup', departAt: now, handlingSeconds: PICKUP_HANDLING_SECONDS, toDropoff: [pickup, dropoff] });
    expect(arrivalTime(plan!, { toDropoff: 600 })).toBe(now + (PICKUP_HANDLING_SECONDS + 600) * 1000);
  });

  it('assigned with a pickup window ahead: nothing leaves the pickup before it opens', () => {
    const windowStart = '2026-11-26T11:00:00.000Z';
    const base = sampleDelivery();
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], {
      pickup: { ...base.pickup, window: { start: windowStart, end: '2026-11-26T12:00:00.000Z' } },
      lastPosition: { ...position, at: new Date(now).toISOString() },
    });
    const plan = planEta(delivery, now)!;
    expect(plan.pickupNotBefore).toBe(at(windowStart));
    // 10 min to the pickup, then waiting until 11:00, 5 min loading, 20 min to the drop-off.
    expect(arrivalTime(plan, { toPickup: 600, toDropoff: 1200 })).toBe(at(windowStart) + (PICKUP_HANDLING_SECONDS + 1200) * 1000);
    // A window already open does not hold the courier back.
    expect(arrivalTime({ ...plan, pickupNotBefore: now - minutes(30) }, { toPickup: 600, toDropoff: 1200 })).toBe(now + (600 + PICKUP_HANDLING_SECONDS + 1200) * 1000);
  });

  it('shows a window rounded to 5 minutes: at least 15 minutes wide, 50 % of the time to go when longer', () => {
    expect(etaWindow(at('2026-11-26T10:12:30Z'), now, 'pickup')).toEqual({ earliest: '2026-11-26T10:10:00.000Z', latest: '2026-11-26T10:30:00.000Z', basis: 'pickup' });
    // 60 minutes to go: 30 minutes of spread.
    expect(etaWindow(now + minutes(60), now, 'courier_position')).toMatchObject({ earliest: '2026-11-26T11:00:00.000Z', latest: '2026-11-26T11:30:00.000Z' });
    // Already late: from now, never in the past.
    expect(etaWindow(now - minutes(40), now, 'pickup')).toMatchObject({ earliest: '2026-11-26T10:00:00.000Z', latest: '2026-11-26T10:15:00.000Z' });
  });

  it('always gives a window that contains the arrival, on 5-minute marks (or now), at least 15 minutes wide', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 3600_000 }), fc.integer({ min: 0, max: 3600_000 }), (ahead, offset) => {
        const start = now + offset;
        const window = etaWindow(start + ahead, start, 'pickup');
        const [from, to] = [at(window.earliest), at(window.latest)];
        return (from % 300_000 === 0 || from === start) && to % 300_000 === 0 && from <= start + ahead && to - (start + ahead) >= Math.max(MIN_SPREAD_MS, ahead / 2);
      }),
    );
  });

  it('never starts a window before now: at 03:32, an arrival due at once reads "from 03:32", not "from 03:30"', () => {
    const night = at('2026-11-26T02:32:00.000Z'); // 03:32 in Paris
    expect(etaWindow(night + minutes(1), night, 'courier_position')).toEqual({ earliest: '2026-11-26T02:32:00.000Z', latest: '2026-11-26T02:50:00.000Z', basis: 'courier_position' });
    // An arrival already overdue starts now as well.
    expect(etaWindow(night - minutes(10), night, 'pickup').earliest).toBe('2026-11-26T02:32:00.000Z');
  });

  it('for any clock and any arrival, past or future: starts now or later, never after the arrival, ends at least 15 minutes after it starts', () => {
    const instant = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') });
    fc.assert(
      fc.property(instant, fc.integer({ min: -3 * 3600_000, max: 6 * 3600_000 }), fc.constantFrom('courier_position', 'pickup', 'slot') as fc.Arbitrary<'courier_position' | 'pickup' | 'slot'>, (clock, delta, basis) => {
        const arrival = clock + delta;
        const window = etaWindow(arrival, clock, basis);
        const [from, to] = [at(window.earliest), at(window.latest)];
        return from >= clock && from <= Math.max(arrival, clock) && to - from >= MIN_SPREAD_MS && to % 300_000 === 0 && window.basis === basis;
      }),
    );
  });

  it('a pickup in its booked slot, position unknown: the window runs from now (not the last 5-minute mark) to the slot end', async () => {
    const instant = fc.integer({ min: at('2026-11-27T08:00:00Z'), max: at('2026-11-27T12:00:00Z') });
    await fc.assert(
      fc.asyncProperty(instant, instant, async (clock, slotStart) => {
        const window = { start: new Date(slotStart).toISOString(), end: '2026-11-27T12:30:00.000Z' };
        const delivery = sampleDelivery({ kind: 'pickup', status: 'assigned', courierId: 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', pickup: { ...sampleDelivery().pickup, window } });
        const eta = await estimateEta(delivery, new GreatCircleRouter(), clock);
        if (!eta) return false;
        return at(eta.earliest) === Math.max(clock, slotStart) && eta.latest === window.end && at(eta.earliest) < at(eta.latest);
      }),
    );
  });

  it('asks the routing port for each leg and rides it at the cargo-bike speed', async () => {
    const legs: Array<[LatLng, LatLng]> = [];
    const router: Router = { distanceMeters: async (from, to) => (legs.push([from, to]), 2500) };
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { lastPosition: { ...position, at: new Date(now).toISOString() } });
    const eta = await estimateEta(delivery, router, now);
    expect(legs).toEqual([
      [position, pickup],
      [pickup, dropoff],
    ]);
    // 2.5 km at 15 km/h is 10 minutes; twice, plus 5 minutes of loading: 10:25, then 15 minutes of spread.
    expect(estimateRideSeconds(2500)).toBe(600);
    expect(eta).toEqual({ earliest: '2026-11-26T10:25:00.000Z', latest: '2026-11-26T10:40:00.000Z', basis: 'courier_position' });
    expect(await estimateEta(sampleDelivery(), router, now)).toBeUndefined();
  });

  it('gives a plausible window for Saint-Étienne → Firminy with the default router', async () => {
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:58:00.000Z']]);
    const eta = await estimateEta(delivery, new GreatCircleRouter(), now);
    // About 12.5 km by bike: 50 minutes at 15 km/h from 09:58, so 10:48; 48 minutes to go, 24 of
    // spread: 11:12, rounded out to 10:45–11:15.
    expect(eta).toEqual({ earliest: '2026-11-26T10:45:00.000Z', latest: '2026-11-26T11:15:00.000Z', basis: 'pickup' });
  });
});

describe('the tracking page', () => {
  const now = at('2026-11-26T10:00:00.000Z');
  const underWay = buildTrackingView(
    deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:40:00.000Z']], { dropoff: { ...sampleDelivery().dropoff, address: { ...sampleDelivery().dropoff.address, city: 'Firminy <b>&</b>' } } }),
    { eta: { earliest: '2026-11-26T10:05:00.000Z', latest: '2026-11-26T10:30:00.000Z', basis: 'courier_position' }, hubName: 'Coop "vélo" <Saint-Étienne>' },
  );

  it('is French by default: status in words, ETA window in Paris time, drop-off city, an ordered timeline with times', () => {
    const page = renderTrackingPage(underWay, 'fr', now);
    expect(page).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<h1>Suivi de votre livraison</h1>');
    expect(page).toContain('En route vers vous');
    // 10:05 UTC is 11:05 in Paris in November.
    expect(page).toContain('entre <time datetime="2026-11-26T10:05:00.000Z">11:05</time> et <time datetime="2026-11-26T10:30:00.000Z">11:30</time>');
    expect(page).toContain('<time datetime="2026-11-26T08:30:00.000Z">jeudi 26 novembre à 09:30</time>');
    expect(page.match(/<li class="done"/g)).toHaveLength(3);
    expect(page).toContain('<li class="todo"><span>Livrée</span> <span class="when">à venir</span></li>');
    expect(page).toContain('aria-current="step"');
    expect(page).toContain('<a href="?lang=en" hreflang="en" lang="en">English</a>');
  });

  it('is in English when asked', () => {
    const page = renderTrackingPage(underWay, 'en', now);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<h1>Tracking your delivery</h1>');
    expect(page).toContain('On its way to you');
    expect(page).toContain('between <time datetime="2026-11-26T10:05:00.000Z">11:05</time> and');
    expect(page).toContain('Thursday 26 November at 09:30');
    expect(page).toContain('<a href="?lang=fr" hreflang="fr" lang="fr">Français</a>');
  });

  it('escapes what comes from data: the city and the hub name', () => {
    const page = renderTrackingPage(underWay, 'fr', now);
    expect(page).toContain('Firminy &lt;b&gt;&amp;&lt;/b&gt;');
    expect(page).toContain('Coop &quot;vélo&quot; &lt;Saint-Étienne&gt;');
    expect(page).not.toContain('<b>');
  });

  it('names the day of an ETA that is not today', () => {
    const tomorrow = { ...underWay, eta: { earliest: '2026-11-27T08:00:00.000Z', latest: '2026-11-27T08:30:00.000Z', basis: 'pickup' as const } };
    expect(renderTrackingPage(tomorrow, 'fr', now)).toContain('>vendredi 27 novembre à 09:00</time> et <time datetime="2026-11-27T08:30:00.000Z">09:30</time>');
  });

  it('uses the words of a pickup for a pickup, and shows no upcoming step once failed', () => {
    const failed = buildTrackingView(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['failed', '2026-11-26T09:40:00.000Z']], { kind: 'pickup' }), { eta: undefined, hubName: HUB });
    const page = renderTrackingPage(failed, 'fr', now);
    expect(page).toContain('<h1>Suivi de votre collecte</h1>');
    expect(page).toContain('Collecte impossible');
    expect(page).not.toContain('class="todo"');
    expect(page).not.toContain('Arrivée estimée');
  });

  it('weighs far under 30 KB, loads nothing from elsewhere, and its style block matches the policy hash', () => {
    const page = renderTrackingPage(underWay, 'fr', now);
    expect(Buffer.byteLength(page)).toBeLessThan(30 * 1024);
    expect(page).not.toMatch(/<script|\bsrc=|href="(?:https?:)?\/\//);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    const csp = pageHeaders('fr')['content-security-policy'];
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    expect(page).not.toMatch(/\sstyle="/);
  });

  it('has a not-found page in the same style, in both languages', () => {
    const fr = renderNotFoundPage('fr', HUB, 30);
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('<h1>Lien de suivi introuvable</h1>');
    expect(fr).toContain('30 jours');
    expect(fr).toContain('<style>');
    const en = renderNotFoundPage('en', HUB, 1);
    expect(en).toContain('<h1>Tracking link not found</h1>');
    expect(en).toContain('1 day after');
  });

  it('sends its security headers', () => {
    expect(pageHeaders('en')).toMatchObject({ 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'content-language': 'en', vary: 'Accept-Language' });
  });
});
