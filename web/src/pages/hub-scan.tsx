import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import { errorMessage } from '../errors.js';
import { formatTime } from '../format.js';
import type { MessageKey, Translator } from '../i18n.js';
import { href, onLinkClick } from '../router.js';
import type { CourierRound } from '../courier/types.js';
import type { CameraProblem, CameraSession } from '../scan/camera.js';
import { deliveryName, normalizeCode, parcelNumber, readCode, refusalOf, RepeatGuard, type ParcelScan, type ScanAction } from '../scan/scan-model.js';
import { PageTitle } from '../ui.js';
import './hub-scan.css';

/**
 * Checking parcels in and out of the hub by their label (issue 18): `/app/hub/scan` for the hub's
 * coordination (desktop or tablet), `/app/courier/scan` in the courier's app (phone first). The
 * same screen: which way the parcels go (into the hub, out of it), the camera (turned on by a
 * button, or at once when the browser already allows it; off when the page is left, hidden or the
 * way changes) and, always, a field to type the code printed under the QR code. Each scan is sent
 * to `POST /v1/hub/scans`; its result is said in the live region and listed, latest first.
 */

/** How long the camera's sight of the same label counts as one scan. */
const SAME_CODE_MS = 4000;
/** Results kept on screen. */
const KEPT = 30;

interface Entry {
  id: number;
  at: string;
  code: string;
  kind: 'done' | 'repeated' | 'refused';
  text: string;
}

type CameraState = { state: 'off' } | { state: 'starting' } | { state: 'on'; engine: 'native' | 'jsqr' } | { state: 'problem'; problem: CameraProblem };

function scanText(t: Translator, scan: ParcelScan, reference: string | null): string {
  const n = parcelNumber(scan);
  const total = scan.parcels.total;
  const inside = scan.action === 'check_in';
  const count = inside ? scan.parcels.checkedIn : scan.parcels.checkedOut;
  const vars = { n: n ?? '?', total, ref: deliveryName({ ...scan, reference: scan.reference ?? reference }), count };
  const base = t(`scan.result.${inside ? 'in' : 'out'}${scan.repeated ? 'Again' : ''}` as MessageKey, vars);
  const all = count >= total && total > 0 && !scan.repeated ? ` ${t(inside ? 'scan.result.allIn' : 'scan.result.allOut')}` : '';
  return `${base}${all}`;
}

function refusalText(t: Translator, lang: 'fr' | 'en', code: string, error: unknown): string {
  const refusal = refusalOf(error);
  const shown = code.length > 60 ? `${code.slice(0, 57)}…` : code;
  let reason: string;
  if (refusal === 'other_hub') reason = t('scan.refused.other_hub', { hub: readCode(code).hubCode ?? '?' });
  else if (refusal === 'other') reason = errorMessage(error, lang);
  else reason = t(`scan.refused.${refusal}` as MessageKey);
  return t('scan.refused', { code: shown, reason });
}

/** A phone held at arm's length says a read by a short buzz (a refusal by a longer double one). */
function buzz(pattern: number | number[]): void {
  try {
    navigator.vibrate?.(pattern);
  } catch {
    /* no vibration here */
  }
}

export function HubScanPage() {
  return <ScanScreen courier={false} />;
}

export function CourierScanPage() {
  return <ScanScreen courier={true} />;
}

function ScanScreen({ courier }: { courier: boolean }) {
  const { t, lang, announce } = useApp();
  useMe();
  const modeName = useId();
  const codeId = useId();
  const [action, setAction] = useState<ScanAction>(courier ? 'check_out' : 'check_in');
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [sending, setSending] = useState(0);
  const [camera, setCamera] = useState<CameraState>({ state: 'off' });
  const video = useRef<HTMLVideoElement | null>(null);
  const session = useRef<CameraSession | null>(null);
  /** Bumped on every start and stop: a camera that finishes starting after a stop is turned off at once. */
  const generation = useRef(0);
  const guard = useRef(new RepeatGuard(SAME_CODE_MS));
  const counter = useRef(0);
  /** The latest action and words, for the camera's callback set up once per start. */
  const latest = useRef({ action, t, lang, announce });
  latest.current = { action, t, lang, announce };

  const record = (entry: Omit<Entry, 'id' | 'at'>) => {
    counter.current += 1;
    const full = { ...entry, id: counter.current, at: new Date().toISOString() };
    setEntries((list) => [full, ...list].slice(0, KEPT));
    latest.current.announce(entry.text);
  };

  /**
   * The reference of a delivery, for the sentence ("Colis 1/2 de REF-12"): the hub reads the
   * delivery, a courier its round (read once, again for a delivery it does not know yet).
   */
  const references = useRef(new Map<string, string | null>());
  const referenceOf = async (deliveryId: string, codeDeliveryId: string | null): Promise<string | null> => {
    const known = references.current;
    if (known.has(deliveryId)) return known.get(deliveryId) ?? null;
    try {
      if (courier) {
        const round = await api<CourierRound>('GET', '/v1/courier/round');
        for (const stop of [...round.round.stops, ...round.onBike]) known.set(stop.deliveryId, stop.reference);
      } else {
        const delivery = await api<{ id: string; reference: string | null }>('GET', `/v1/deliveries/${encodeURIComponent(deliveryId)}`);
        known.set(delivery.id, delivery.reference);
      }
    } catch {
      /* the sentence names the delivery by its id instead */
    }
    // Asked once: a delivery the round does not name (a first leg's) keeps the label's own name, or its id.
    if (!known.has(deliveryId)) known.set(deliveryId, (codeDeliveryId ? known.get(codeDeliveryId) : undefined) ?? null);
    return known.get(deliveryId) ?? null;
  };

  const send = async (raw: string, from: 'camera' | 'typed'): Promise<boolean> => {
    const code = raw.trim();
    const { action: way, t: say, lang: language } = latest.current;
    setSending((value) => value + 1);
    try {
      const body = { code, action: way };
      // A scan is idempotent by nature (a repeat changes nothing and says so): no key needed.
      const scan = await api<ParcelScan>('POST', '/v1/hub/scans', { body });
      const reference = await referenceOf(scan.deliveryId, readCode(code).deliveryId);
      record({ code, kind: scan.repeated ? 'repeated' : 'done', text: scanText(latest.current.t, scan, reference) });
      if (from === 'camera') buzz(scan.repeated ? [40, 60, 40] : 80);
      return true;
    } catch (error) {
      const text = refusalText(say, language, code, error);
      record({ code, kind: 'refused', text });
      if (from === 'camera') buzz([150, 80, 150]);
      if (from === 'typed') setTypedError(text);
      return false;
    } finally {
      setSending((value) => value - 1);
    }
  };

  const stopCamera = () => {
    generation.current += 1;
    session.current?.stop();
    session.current = null;
  };

  const startCamera = async () => {
    stopCamera();
    const mine = generation.current;
    setCamera({ state: 'starting' });
    guard.current.clear();
    try {
      const { startScanner } = await import('../scan/camera.js');
      if (!video.current) throw new Error('no video element');
      const started = await startScanner(video.current, (code) => {
        if (guard.current.accept(code, Date.now())) void send(code, 'camera');
      });
      if (mine !== generation.current) {
        started.stop();
        return;
      }
      session.current = started;
      setCamera({ state: 'on', engine: started.engine });
      latest.current.announce(latest.current.t('scan.camera.on'));
    } catch (error) {
      if (mine !== generation.current) return;
      const problem = ((error as { problem?: CameraProblem }).problem ?? 'failed') as CameraProblem;
      setCamera({ state: 'problem', problem });
      latest.current.announce(latest.current.t(`scan.camera.${problem}` as MessageKey));
    }
  };

  const turnOff = () => {
    stopCamera();
    setCamera({ state: 'off' });
    announce(t('scan.camera.offSaid'));
  };

  // The camera goes off when the page is left, and when the phone hides the page.
  useEffect(() => {
    let live = true;
    // Already allowed (a courier's phone, every day): on at once; otherwise a press of the button asks.
    const permissions = (navigator as { permissions?: { query(d: { name: string }): Promise<{ state: string }> } }).permissions;
    permissions?.query({ name: 'camera' }).then(
      (status) => {
        if (live && status.state === 'granted' && typeof navigator.mediaDevices?.getUserMedia === 'function') void startCamera();
      },
      () => undefined,
    );
    // Hidden (the phone locked, another app in front): off; back on screen: on again.
    let resume = false;
    const hidden = () => {
      if (document.visibilityState === 'hidden' && session.current) {
        resume = true;
        stopCamera();
        setCamera({ state: 'off' });
      } else if (document.visibilityState === 'visible' && resume) {
        resume = false;
        void startCamera();
      }
    };
    document.addEventListener('visibilitychange', hidden);
    return () => {
      live = false;
      document.removeEventListener('visibilitychange', hidden);
      stopCamera();
    };
  }, []);

  const changeAction = (next: ScanAction) => {
    if (next === action) return;
    setAction(next);
    latest.current.action = next;
    const wasOn = session.current !== null || camera.state === 'starting';
    stopCamera();
    if (camera.state !== 'problem') setCamera({ state: 'off' });
    announce(t('scan.modeSaid', { mode: t(next === 'check_in' ? 'scan.checkIn' : 'scan.checkOut') }));
    // A new way, a new camera session: a label just read for the other way is read again.
    if (wasOn) void startCamera();
  };

  const submitTyped = async (event: Event) => {
    event.preventDefault();
    const code = normalizeCode(typed);
    if (code === '') {
      setTypedError(t('scan.code.empty'));
      return;
    }
    setTypedError(null);
    if (await send(typed, 'typed')) setTyped('');
    document.getElementById(codeId)?.focus();
  };

  const on = camera.state === 'on' || camera.state === 'starting';
  return (
    <div class={`scan-page${courier ? ' courier-scan' : ''}`}>
      {courier ? (
        <p>
          <a href={href('/courier')} onClick={(event) => onLinkClick(event, '/courier')}>
            ← {t('scan.backToRound')}
          </a>
        </p>
      ) : null}
      <PageTitle>{t('scan.title')}</PageTitle>
      <p>{t(courier ? 'scan.introCourier' : 'scan.intro')}</p>

      <fieldset class="scan-mode">
        <legend>{t('scan.mode')}</legend>
        {(['check_in', 'check_out'] as const).map((way) => (
          <label key={way} class={action === way ? 'chosen' : ''}>
            <input type="radio" name={modeName} value={way} checked={action === way} onChange={() => changeAction(way)} />
            {t(way === 'check_in' ? 'scan.checkIn' : 'scan.checkOut')}
          </label>
        ))}
      </fieldset>

      <div class="scan-columns">
        <section aria-labelledby="scan-camera-title" class="scan-camera">
          <h2 id="scan-camera-title">{t('scan.camera.title')}</h2>
          <div class="scan-view" hidden={!on}>
            <video ref={video} muted playsInline aria-label={t('scan.camera.view')} />
            <span class="scan-frame" aria-hidden="true" />
          </div>
          {camera.state === 'starting' ? <p role="status">{t('scan.camera.starting')}</p> : null}
          {camera.state === 'on' ? <p>{t('scan.camera.on')}</p> : null}
          {camera.state === 'off' ? <p class="small">{t('scan.camera.off')}</p> : null}
          {camera.state === 'problem' ? (
            <div class="notice warning" role="status">
              <p>{t(`scan.camera.${camera.problem}` as MessageKey)}</p>
            </div>
          ) : null}
          <div class="actions">
            {on ? (
              <button type="button" class="secondary" onClick={turnOff}>
                {t('scan.camera.stop')}
              </button>
            ) : (
              <button type="button" onClick={() => void startCamera()}>
                {t(camera.state === 'problem' ? 'scan.camera.retry' : 'scan.camera.start')}
              </button>
            )}
          </div>
        </section>

        <section aria-labelledby="scan-typed-title" class="scan-typed">
          <h2 id="scan-typed-title">{t('scan.code.title')}</h2>
          <form onSubmit={(event) => void submitTyped(event)} noValidate>
            <div class="field">
              <label for={codeId}>{t('scan.code')}</label>
              <p class="hint" id={`${codeId}-hint`}>
                {t('scan.code.hint')}
              </p>
              <input
                id={codeId}
                type="text"
                autoComplete="off"
                autoCapitalize="characters"
                spellcheck={false}
                value={typed}
                aria-invalid={typedError ? true : undefined}
                aria-describedby={`${codeId}-hint${typedError ? ` ${codeId}-error` : ''}`}
                onInput={(event) => {
                  setTyped((event.currentTarget as HTMLInputElement).value);
                  setTypedError(null);
                }}
              />
              {typedError ? (
                <p class="field-error" id={`${codeId}-error`}>
                  {typedError}
                </p>
              ) : null}
            </div>
            <div class="actions">
              <button type="submit">{t(action === 'check_in' ? 'scan.submitIn' : 'scan.submitOut')}</button>
            </div>
          </form>
        </section>
      </div>

      <section aria-labelledby="scan-log-title" class="scan-log">
        <h2 id="scan-log-title">{t('scan.log.title')}</h2>
        {sending > 0 ? <p class="small">{t('common.sending')}</p> : null}
        {entries.length === 0 ? <p>{t('scan.log.none')}</p> : null}
        <ol>
          {entries.map((entry) => (
            <li key={entry.id} class={`scan-entry ${entry.kind}`}>
              <span class="scan-mark" aria-hidden="true">
                {entry.kind === 'refused' ? '✗' : entry.kind === 'repeated' ? '↺' : '✓'}
              </span>
              <span>
                {entry.text}
                <br />
                <span class="small">
                  <time dateTime={entry.at}>{formatTime(entry.at, lang)}</time> · <code>{entry.code.length > 60 ? `${entry.code.slice(0, 57)}…` : entry.code}</code>
                </span>
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
