import { createHash } from 'node:crypto';
import type { DeliveryStatus } from '../deliveries/schemas.js';
import { CARGO_BIKE_SPEED_KMH } from '../geo/router.js';
import { html, trusted, type SafeHtml } from './html.js';
import { formatDayAndTime, formatTime, localDay, texts, type Language } from './i18n.js';
import type { TrackingView } from './schemas.js';

/**
 * The recipient's page: server-rendered, no JavaScript, no external asset (a cheap phone on a
 * weak network gets one small document). High contrast in light and dark schemes, system fonts.
 */
const CSS = [
  ':root{color-scheme:light dark;--bg:#fff;--fg:#111;--muted:#3d3d3d;--accent:#0a5c2b;--on-accent:#fff;--alert:#a4161a;--line:#8a8a8a}',
  '@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#f4f4f4;--muted:#cfcfcf;--accent:#7ddc9b;--on-accent:#000;--alert:#ff9c9c;--line:#8a8a8a}}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  'header,main,footer{max-width:36rem;margin:0 auto;padding:1rem}',
  'header{border-bottom:3px solid var(--accent)}',
  '.hub{margin:0;font-weight:700}',
  'h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}',
  'h2{font-size:1.125rem;margin:1.75rem 0 .5rem}',
  '.status{display:inline-block;margin:0;padding:.25rem .875rem;border-radius:1rem;background:var(--accent);color:var(--on-accent);font-weight:700;font-size:1.125rem}',
  '.s-failed,.s-cancelled{background:var(--alert)}',
  '.eta{font-size:1.25rem;font-weight:700;margin:0}',
  '.note,.when,.steps time{color:var(--muted);font-size:.9375rem}',
  '.steps{list-style:none;margin:0;padding:0 0 0 .5rem}',
  '.steps li{position:relative;margin:0;padding:0 0 1rem 1.5rem;border-left:2px solid var(--line)}',
  '.steps li:last-child{border-left-color:transparent}',
  '.steps li::before{content:"";position:absolute;left:-.5625rem;top:.3rem;width:1rem;height:1rem;border-radius:50%;border:2px solid var(--accent);background:var(--bg)}',
  '.steps .done::before{background:var(--accent)}',
  '.steps [aria-current]{font-weight:700}',
  '.steps time,.when{display:block}',
  '.links{display:flex;gap:1.5rem;flex-wrap:wrap;margin:2rem 0 0}',
  'a{color:var(--accent);text-underline-offset:.15em;padding:.5rem 0}',
  'a:focus-visible{outline:3px solid var(--fg);outline-offset:2px}',
  'footer{color:var(--muted);font-size:.875rem}',
  '.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
].join('');

/** The one inline style block, allowed by its hash: the policy needs no 'unsafe-inline'. */
const STYLE_HASH = createHash('sha256').update(CSS, 'utf8').digest('base64');

/** Headers of every tracking page (with the default `cache-control: no-store`). */
export function pageHeaders(language: Language): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    // The token is in the URL: no page this one links to may learn it.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-language': language,
    vary: 'Accept-Language',
  };
}

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The statuses of a delivery that goes well, in order: what is still to come is shown as such. */
const happyPath: readonly DeliveryStatus[] = ['booked', 'assigned', 'picked_up', 'delivered'];

function layout(language: Language, title: string, hubName: string, main: SafeHtml): string {
  const t = texts[language];
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${title} · ${hubName}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header><p class="hub">${hubName}</p></header>
<main>
${main}
</main>
<footer><p>${t.privacy}</p></footer>
</body>
</html>
`.value;
}

function languageLink(language: Language): SafeHtml {
  const other = texts[language].otherLanguage;
  return html`<a href="?lang=${other.language}" hreflang="${other.language}" lang="${other.language}">${other.label}</a>`;
}

function etaSection(view: TrackingView, language: Language, now: number): SafeHtml | undefined {
  const eta = view.eta;
  if (!eta) return undefined;
  const t = texts[language];
  const from = localDay(eta.earliest) === localDay(now) ? formatTime(eta.earliest) : formatDayAndTime(eta.earliest, language);
  const to = localDay(eta.latest) === localDay(eta.earliest) ? formatTime(eta.latest) : formatDayAndTime(eta.latest, language);
  return html`<section aria-labelledby="eta">
<h2 id="eta">${t.etaHeading}</h2>
<p class="eta">${t.etaBetween.before} <time datetime="${eta.earliest}">${from}</time> ${t.etaBetween.middle} <time datetime="${eta.latest}">${to}</time></p>
<p class="note">${t.etaNote(eta.basis, CARGO_BIKE_SPEED_KMH)}</p>
</section>`;
}

function steps(view: TrackingView, language: Language): SafeHtml {
  const labels = texts[language].status[view.kind];
  const last = view.events.length - 1;
  const done = view.events.map(
    (event, index) =>
      html`<li class="done"${index === last ? trusted(' aria-current="step"') : ''}><span>${event.step === 'rescheduled' ? texts[language].rescheduled.label : event.step === 'at_hub' ? texts[language].hubStage.at_hub.label : event.step === 'arrived' ? texts[language].arrived[event.stop ?? 'dropoff'] : labels[event.status].label}</span> <time datetime="${event.at}">${formatDayAndTime(event.at, language)}</time></li>\n`,
  );
  const position = happyPath.indexOf(view.status);
  const upcoming = position < 0 ? [] : happyPath.slice(position + 1);
  // Through the hub, the parcels reach the hub before they leave on the last leg.
  const atHubToCome = (view.stage === 'expected' || view.stage === 'to_hub') && (view.status === 'booked' || view.status === 'assigned');
  const label = (status: DeliveryStatus) => (status === 'picked_up' && view.stage !== undefined ? texts[language].hubStage.left_hub.label : labels[status].label);
  const todoItem = (text: string) => html`<li class="todo"><span>${text}</span> <span class="when">${texts[language].upcoming}</span></li>\n`;
  const todo = upcoming.flatMap((status) => [...(status === 'picked_up' && atHubToCome ? [todoItem(texts[language].hubStage.at_hub.label)] : []), todoItem(label(status))]);
  return html`<ol class="steps">\n${done}${todo}</ol>`;
}

/**
 * What the page says the parcel is at: the status, or, through the hub, where the parcels are
 * (on their way to the hub, at the hub, out for delivery), or the collection point to collect it at.
 */
export function currentStatusTexts(view: TrackingView, language: Language): { label: string; explanation: string } {
  const t = texts[language];
  if (view.collectionPoint && view.status === 'delivered') return t.collectionPoint(view.collectionPoint.name);
  if (view.stage !== undefined && view.kind === 'delivery') {
    if (view.status === 'picked_up') return t.hubStage.left_hub;
    if ((view.status === 'booked' || view.status === 'assigned') && (view.stage === 'to_hub' || view.stage === 'at_hub')) return t.hubStage[view.stage];
  }
  return t.status[view.kind][view.status];
}

/** The tracking page of one delivery, in one language. */
export function renderTrackingPage(view: TrackingView, language: Language, now: number): string {
  const t = texts[language];
  const status = currentStatusTexts(view, language);
  const main = html`<h1>${t.title[view.kind]}</h1>
<p class="status s-${view.status}"><span class="sr">${t.statusHeading} </span>${status.label}</p>
<p>${status.explanation}</p>
${view.attempt !== undefined && (view.status === 'booked' || view.status === 'assigned' || view.status === 'picked_up') ? html`<p class="note">${t.rescheduled.explanation(view.attempt)}</p>` : undefined}
${etaSection(view, language, now)}
<section aria-labelledby="destination">
<h2 id="destination">${t.destinationHeading}</h2>
<p>${view.dropoff.city}</p>
</section>
<section aria-labelledby="steps">
<h2 id="steps">${t.stepsHeading}</h2>
${steps(view, language)}
</section>
<p class="links"><a href="?lang=${language}">${t.refresh}</a> ${languageLink(language)}</p>`;
  return layout(language, t.title[view.kind], view.hub.name, main);
}

/** The same answer for a link that never existed, has expired or is malformed. */
export function renderNotFoundPage(language: Language, hubName: string, retentionDays: number): string {
  const t = texts[language];
  const main = html`<h1>${t.notFoundTitle}</h1>
<p>${t.notFoundBody(retentionDays)}</p>
<p class="links">${languageLink(language)}</p>`;
  return layout(language, t.notFoundTitle, hubName, main);
}
