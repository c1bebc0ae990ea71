import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import { browserEnvironment, courierQueue, refreshCsrf, registerServiceWorker, savedRound, saveRound, session } from '../courier/device.js';
import { startPositionReporting, type StopReason } from '../courier/position.js';
import type { QueuedStep, QueueState, RefusedStep, StepLabel } from '../courier/queue.js';
import { actionsFor, applyQueued, navigationLinks, nextStopIndex, telLink, type RoundView, type StopView } from '../courier/round-view.js';
import { startSender, type Sender } from '../courier/sender.js';
import type { CourierRound, StepType } from '../courier/types.js';
import { formatKg, formatLocalDate, formatTime } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { ErrorNotice, Loading, PageTitle } from '../ui.js';
import { href, onLinkClick } from '../router.js';
import { DeliveredForm, FailedForm, refusalMessage, stepName } from './courier-steps.js';
import '../courier/courier.css';

interface RoundState {
  data: CourierRound;
  savedAt: string;
  /** From the server just now (false: the copy kept on the phone, the network being away). */
  fresh: boolean;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine !== false);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

/** True once the page has been hidden for `ms` (the phone in a pocket, another app): positions stop. */
function useHiddenLong(ms: number): boolean {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const change = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'hidden') timer = setTimeout(() => setHidden(true), ms);
      else setHidden(false);
    };
    document.addEventListener('visibilitychange', change);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', change);
    };
  }, [ms]);
  return hidden;
}

/** The courier's round of the day, on the phone: each stop and its steps, offline included. */
export function CourierPage() {
  const { t, lang, announce } = useApp();
  const me = useMe();
  const owner = me.user?.id ?? 'courier';
  session.lang = lang;
  if (me.csrfToken) session.csrfToken = me.csrfToken;

  const queue = useMemo(() => courierQueue(owner), [owner]);
  const [queueState, setQueueState] = useState<QueueState>(queue.snapshot);
  const online = useOnline();
  const [round, setRound] = useState<RoundState | null>(null);
  const [roundError, setRoundError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  /** Steps the server took since the round was last read: still shown as taken until it is read again. */
  const [sentAwaiting, setSentAwaiting] = useState<Array<{ step: QueuedStep; sentAt: number }>>([]);
  const [open, setOpen] = useState<{ deliveryId: string; type: 'delivered' | 'failed' } | null>(null);
  const sender = useRef<Sender | null>(null);
  const previousPending = useRef<QueuedStep[]>([]);
  /** The latest language and callbacks, for the sender's listeners set up once. */
  const latest = useRef({ t, announce, loadRound: async () => undefined as void });

  const loadRound = useCallback(async () => {
    const started = Date.now();
    try {
      const data = await api<CourierRound>('GET', '/v1/courier/round');
      const savedAt = new Date().toISOString();
      setRound({ data, savedAt, fresh: true });
      setRoundError(undefined);
      setSentAwaiting((steps) => steps.filter((entry) => entry.sentAt >= started));
      void saveRound(owner, data);
    } catch (error) {
      setRoundError(error);
      const kept = await savedRound(owner);
      setRound((current) => current ?? (kept ? { data: kept.data, savedAt: kept.savedAt, fresh: false } : null));
    } finally {
      setLoading(false);
    }
  }, [owner]);

  latest.current = { t, announce, loadRound };

  // The queue: read from the phone, watched, and sent by the sender whenever it can.
  useEffect(() => {
    previousPending.current = queue.snapshot.pending;
    const unsubscribe = queue.subscribe((state) => {
      const left = previousPending.current.filter((step) => !state.pending.some((other) => other.id === step.id));
      const sent = left.filter((step) => !state.refused.some((other) => other.id === step.id));
      if (sent.length > 0) setSentAwaiting((steps) => [...steps, ...sent.map((step) => ({ step, sentAt: Date.now() }))]);
      previousPending.current = state.pending;
      setQueueState(state);
    });
    void queue.load();
    const started = startSender(queue, browserEnvironment(), {
      beforeDrain: async () => {
        if (!session.csrfToken) await refreshCsrf();
      },
      onResult: (result) => {
        const { t: say, announce: tell, loadRound: reload } = latest.current;
        const sentences = [
          ...(result.sent > 0 ? [say('courier.sentCount', { count: result.sent })] : []),
          ...(result.refused > 0 ? [say('courier.refusedCount', { count: result.refused })] : []),
        ];
        if (sentences.length > 0) tell(sentences.join(' '));
        if (result.sent > 0 || result.refused > 0) void reload();
      },
    });
    sender.current = started;
    return () => {
      unsubscribe();
      started.stop();
      sender.current = null;
    };
  }, [queue]);

  // The round: now, when the network comes back, and every minute while the app is on screen.
  useEffect(() => {
    void loadRound();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine !== false) void loadRound();
    }, 60_000);
    const again = () => void loadRound();
    window.addEventListener('online', again);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', again);
    };
  }, [loadRound]);

  useEffect(() => {
    void registerServiceWorker();
    // The session's CSRF token and the server's clock, before any step is taken.
    if (navigator.onLine !== false) void refreshCsrf();
  }, []);

  const view: RoundView | null = useMemo(
    () => (round ? applyQueued(round.data, queueState.pending, sentAwaiting.map((entry) => entry.step)) : null),
    [round, sentAwaiting, queueState.pending],
  );

  const position = usePositionReporting(round?.data ?? null, view, online);

  const take = async (stop: StopView, body: Parameters<typeof queue.enqueue>[0]['body'], attachments?: Parameters<typeof queue.enqueue>[0]['attachments']) => {
    const label: StepLabel = { reference: stop.reference, stop: stop.type, address: `${stop.address.line1}, ${stop.address.city}` };
    await queue.enqueue({ deliveryId: stop.deliveryId, body, label, ...(attachments ? { attachments } : {}) });
    setOpen(null);
    focusStop(stop);
    announce(t(navigator.onLine === false ? 'courier.savedOffline' : 'courier.saved', { step: stepName(t, body.type), reference: stop.reference ?? '' }));
    sender.current?.kick();
  };

  const act = (stop: StopView, action: StepType) => {
    if (action === 'delivered' || action === 'failed') {
      setOpen({ deliveryId: stop.deliveryId, type: action });
      return;
    }
    if (action === 'arrived') void take(stop, { type: 'arrived', stop: stop.type });
    else if (action === 'picked_up') void take(stop, { type: 'picked_up' });
    else if (action === 'returned') void take(stop, { type: 'returned' });
  };

  const data = round?.data;
  const next = view ? nextStopIndex(view) : -1;
  const cancel = (stop: StopView) => {
    setOpen(null);
    focusStop(stop);
  };

  return (
    <div class="courier">
      <PageTitle>{t('courier.title')}</PageTitle>
      {data ? <p class="round-date">{t('courier.roundOf', { date: formatLocalDate(data.date, lang) })}</p> : null}
      <p class="scan-entry-link">
        <a class="button secondary" href={href('/courier/scan')} onClick={(event) => onLinkClick(event, '/courier/scan')}>
          {t('scan.entry')}
        </a>
      </p>

      {!online ? (
        <div class="notice warning offline" role="status">
          <p>
            <strong>{t('courier.offline')}</strong> {t('courier.offlineHelp')}
          </p>
        </div>
      ) : null}
      {round && !round.fresh ? <p class="small">{t('courier.fromPhone', { time: formatTime(round.savedAt, lang) })}</p> : null}

      <Outbox state={queueState} online={online} onSendNow={() => sender.current?.kick()} />
      <Refused state={queueState} onDismiss={(id) => void queue.dismiss(id).then(() => announce(t('courier.dismissed')))} onWithoutPhoto={(id) => void queue.sendAgainWithoutAttachments(id).then(() => sender.current?.kick())} />

      {loading && !round ? <Loading /> : null}
      {!round && roundError ? (
        <>
          <ErrorNotice error={roundError} />
          <button type="button" onClick={() => void loadRound()}>
            {t('common.retry')}
          </button>
        </>
      ) : null}

      {data && view ? (
        <>
          <ShiftLine data={data} position={position} />
          <Alerts data={data} />
          <OnBikeList view={view} />
          <section aria-labelledby="stops-title">
            <h2 id="stops-title">{t('courier.stops', { count: view.stops.length })}</h2>
            {view.stops.length === 0 ? <p>{t('courier.noStops')}</p> : null}
            <ol class="stops">
              {view.stops.map((stop, index) => (
                <StopCard
                  key={`${stop.deliveryId}-${stop.type}`}
                  stop={stop}
                  index={index}
                  isNext={index === next}
                  actions={actionsFor(stop, view)}
                  onAct={(action) => act(stop, action)}
                  form={open && open.deliveryId === stop.deliveryId && actionsFor(stop, view).includes(open.type) ? open.type : null}
                  onCancel={() => cancel(stop)}
                  onDelivered={(body, attachments) => take(stop, body, attachments)}
                  onFailed={(body) => take(stop, body)}
                />
              ))}
            </ol>
          </section>
        </>
      ) : null}
    </div>
  );
}

/**
 * After a step (or a form closed), the focus goes to the stop's next button, else its heading:
 * the button pressed is gone, and a keyboard or screen reader user stays where they were.
 */
function focusStop(stop: StopView): void {
  setTimeout(() => {
    const card = document.getElementById(stopCardId(stop));
    const target = card?.querySelector<HTMLElement>('.step-buttons button') ?? card?.querySelector<HTMLElement>('h3');
    target?.focus();
  }, 0);
}

const stopCardId = (stop: { deliveryId: string; type: string }) => `stop-${stop.deliveryId}-${stop.type}`;

/* ---------- Position ---------- */

type PositionStatus = 'off' | 'on' | StopReason | 'unsupported';

function usePositionReporting(data: CourierRound | null, view: RoundView | null, online: boolean): PositionStatus {
  const hiddenLong = useHiddenLong(2 * 60_000);
  const [stopped, setStopped] = useState<StopReason | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const reporting = data?.positionReporting;
  const endsAt = data?.shift?.endsAt ? Date.parse(data.shift.endsAt) : Number.POSITIVE_INFINITY;
  const inProgress = !!view && (view.onBike.length > 0 || view.stops.some((stop) => actionsFor(stop, view).length > 0));
  const active = !!reporting?.active && now < endsAt && inProgress && !hiddenLong && stopped === null && 'geolocation' in navigator;
  const interval = reporting?.intervalSeconds ?? 60;
  // A new answer of the server that says "on shift" again lifts an `off_shift` stop.
  useEffect(() => {
    if (reporting?.active && stopped === 'off_shift') setStopped(null);
  }, [data]);
  useEffect(() => {
    if (!active) return;
    const reporter = startPositionReporting({
      geolocation: navigator.geolocation,
      intervalSeconds: interval,
      isOnline: () => navigator.onLine !== false,
      send: async (position) => {
        try {
          await api('POST', '/v1/courier/position', { body: position });
          return 'ok';
        } catch (error) {
          return (error as { code?: string }).code === 'off_shift' ? 'off_shift' : 'failed';
        }
      },
      onStopped: setStopped,
    });
    return () => reporter.stop();
  }, [active, interval]);
  if (!('geolocation' in navigator)) return 'unsupported';
  if (stopped) return stopped;
  return active && online ? 'on' : 'off';
}

/* ---------- Sections ---------- */

function ShiftLine({ data, position }: { data: CourierRound; position: PositionStatus }) {
  const { t } = useApp();
  const shift = data.shift;
  const positionKey: Record<PositionStatus, MessageKey> = {
    on: 'courier.positionOn',
    off: 'courier.positionOff',
    off_shift: 'courier.positionOffShift',
    denied: 'courier.positionDenied',
    unavailable: 'courier.positionOff',
    unsupported: 'courier.positionUnsupported',
  };
  return (
    <div class="shift">
      <p>
        {shift
          ? t('courier.shift', { start: shift.start, end: shift.end }) + (shift.breaks.length > 0 ? ` · ${t('courier.breaks', { breaks: shift.breaks.map((pause) => `${pause.start}–${pause.end}`).join(', ') })}` : '')
          : t('courier.noShift')}
      </p>
      <p class="small">{t(positionKey[position], { seconds: data.positionReporting.intervalSeconds })}</p>
    </div>
  );
}

function Alerts({ data }: { data: CourierRound }) {
  const { t } = useApp();
  const alerts = data.round.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <section class="notice warning" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('courier.alerts', { count: alerts.length })}</h2>
      <ul>
        {alerts.map((alert, index) => (
          <li key={`${alert.code}-${alert.deliveryId ?? ''}-${index}`}>{alert.message}</li>
        ))}
      </ul>
    </section>
  );
}

function OnBikeList({ view }: { view: RoundView }) {
  const { t, lang } = useApp();
  const total = view.onBike.reduce((sum, item) => sum + item.weightKg, 0);
  return (
    <section class="on-bike" aria-labelledby="bike-title">
      <h2 id="bike-title">{t('courier.onBike', { weight: formatKg(total, lang) })}</h2>
      {view.onBike.length === 0 ? (
        <p>{t('courier.onBikeEmpty')}</p>
      ) : (
        <ul>
          {view.onBike.map((item) => (
            <li key={item.deliveryId}>
              <strong>{item.reference ?? t('courier.noReference')}</strong> · {item.parcels.map((parcel) => parcel.description || t('courier.parcel')).join(', ')} · {formatKg(item.weightKg, lang)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function describeStep(t: ReturnType<typeof useApp>['t'], lang: 'fr' | 'en', step: QueuedStep): string {
  const reference = step.label.reference ?? t('courier.noReference');
  return `${stepName(t, step.body.type)} · ${reference} · ${step.label.address} · ${formatTime(step.body.at, lang)}`;
}

function attachmentsText(t: ReturnType<typeof useApp>['t'], step: QueuedStep): string {
  const photo = step.attachments.some((attachment) => attachment.purpose === 'proof');
  const signature = step.attachments.some((attachment) => attachment.purpose === 'signature');
  if (photo && signature) return ` · ${t('courier.withBoth')}`;
  if (photo) return ` · ${t('courier.withPhoto')}`;
  if (signature) return ` · ${t('courier.withSignature')}`;
  return '';
}

function Outbox({ state, online, onSendNow }: { state: QueueState; online: boolean; onSendNow(): void }) {
  const { t, lang } = useApp();
  const count = state.pending.length;
  return (
    <section class={`outbox ${count > 0 ? 'waiting' : ''}`} aria-labelledby="outbox-title">
      <h2 id="outbox-title">{count > 0 ? t('courier.outbox', { count }) : t('courier.outboxEmpty')}</h2>
      {count > 0 ? (
        <>
          <p class="small">{online ? t('courier.outboxOnline') : t('courier.outboxOffline')}</p>
          <ol class="step-list">
            {state.pending.map((step) => (
              <li key={step.id}>
                {describeStep(t, lang, step)}
                {attachmentsText(t, step)}
              </li>
            ))}
          </ol>
          {online ? (
            <button type="button" class="secondary" onClick={onSendNow}>
              {t('courier.sendNow')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function Refused({ state, onDismiss, onWithoutPhoto }: { state: QueueState; onDismiss(id: string): void; onWithoutPhoto(id: string): void }) {
  const { t, lang } = useApp();
  if (state.refused.length === 0) return null;
  return (
    <section class="refused" aria-labelledby="refused-title">
      <h2 id="refused-title">{t('courier.refused', { count: state.refused.length })}</h2>
      <p class="small">{t('courier.refusedHelp')}</p>
      <ul>
        {state.refused.map((step: RefusedStep) => (
          <li key={step.id} class="notice error">
            <p>
              <strong>{describeStep(t, lang, step)}</strong>
            </p>
            <p>{refusalMessage(step.error, lang, t)}</p>
            <div class="actions">
              <button type="button" class="secondary" onClick={() => onDismiss(step.id)}>
                {t('courier.dismiss')}
              </button>
              {step.attachments.length > 0 && /^photo_/.test(step.error.code ?? '') ? (
                <button type="button" onClick={() => onWithoutPhoto(step.id)}>
                  {t('courier.sendWithoutPhoto')}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

const statusKey = (stop: StopView): MessageKey => {
  if (stop.returned) return 'courier.status.returned';
  if (stop.status === 'done') return stop.type === 'pickup' ? 'courier.status.pickedUp' : 'courier.status.delivered';
  return `courier.status.${stop.status}` as MessageKey;
};

function StopCard(props: {
  stop: StopView;
  index: number;
  isNext: boolean;
  actions: StepType[];
  onAct(action: StepType): void;
  form: 'delivered' | 'failed' | null;
  onCancel(): void;
  onDelivered: Parameters<typeof DeliveredForm>[0]['onSubmit'];
  onFailed: Parameters<typeof FailedForm>[0]['onSubmit'];
}) {
  const { t, lang } = useApp();
  const { stop, index, actions } = props;
  const titleId = `${stopCardId(stop)}-title`;
  const links = navigationLinks(stop.address);
  const reference = stop.reference ?? t('courier.noReference');
  const blockedDropoff = stop.type === 'dropoff' && stop.status === 'pending' && actions.length === 0 && !stop.returned;
  return (
    <li id={stopCardId(stop)} class={`stop stop-${stop.status} ${props.isNext ? 'next' : ''}`}>
      <section aria-labelledby={titleId}>
        <h3 id={titleId} tabIndex={-1}>
          {index + 1}. {t(stop.type === 'pickup' ? 'courier.pickup' : 'courier.dropoff')} · {reference}
        </h3>
        <p class="stop-status">
          <span class={`badge stop-badge-${stop.returned ? 'returned' : stop.status}`}>{t(statusKey(stop))}</span>
          {stop.waiting ? <span class="waiting-mark"> {t('courier.waitingMark')}</span> : null}
          {props.isNext ? <span class="next-mark"> · {t('courier.next')}</span> : null}
        </p>
        <dl class="facts stop-facts">
          {stop.window ? (
            <>
              <dt>{t('courier.window')}</dt>
              <dd>
                {formatTime(stop.window.start, lang)}–{formatTime(stop.window.end, lang)}
              </dd>
            </>
          ) : null}
          {stop.plannedArrival ? (
            <>
              <dt>{t('courier.plannedArrival')}</dt>
              <dd>{formatTime(stop.plannedArrival, lang)}</dd>
            </>
          ) : null}
        </dl>
        {stop.late && stop.status !== 'done' && stop.status !== 'failed' ? (
          <p class="late">
            <strong>{t('courier.late', { minutes: Math.max(1, Math.round(stop.lateMinutes ?? 0)) })}</strong>
          </p>
        ) : null}
        <address>
          {stop.address.label ? (
            <>
              {stop.address.label}
              <br />
            </>
          ) : null}
          {stop.address.line1}
          {stop.address.line2 ? (
            <>
              <br />
              {stop.address.line2}
            </>
          ) : null}
          <br />
          {stop.address.postcode} {stop.address.city}
        </address>
        <p class="nav-links">
          {links.geo ? (
            <a class="button secondary" href={links.geo}>
              {t('courier.navigate')}
              <span class="visually-hidden"> : {stop.address.line1}</span>
            </a>
          ) : null}
          <a class="button secondary" href={links.web} target="_blank" rel="noopener noreferrer">
            {t('courier.navigateOsm')}
            <span class="visually-hidden"> : {stop.address.line1}</span>
          </a>
        </p>
        {stop.contact ? (
          <p class="contact">
            {stop.contact.name}
            {stop.contact.phone ? (
              <>
                {' · '}
                <a href={telLink(stop.contact.phone)}>{t('courier.call', { phone: stop.contact.phone })}</a>
              </>
            ) : null}
          </p>
        ) : null}
        {stop.instructions ? (
          <p class="instructions">
            <strong>{t('courier.instructions')}</strong> {stop.instructions}
          </p>
        ) : null}
        {stop.parcels.length > 0 ? (
          <>
            <p class="parcels-title">{t('courier.parcels', { count: stop.parcels.length, weight: formatKg(stop.weightKg, lang) })}</p>
            <ul class="parcels">
              {stop.parcels.map((parcel, parcelIndex) => (
                <li key={parcelIndex}>
                  {parcel.description || t('courier.parcel')} · {formatKg(parcel.weightKg, lang)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {blockedDropoff ? <p class="small">{t('courier.pickUpFirst')}</p> : null}
        {props.form === 'delivered' ? (
          <DeliveredForm stop={stop} onSubmit={props.onDelivered} onCancel={props.onCancel} />
        ) : props.form === 'failed' ? (
          <FailedForm stop={stop} onSubmit={props.onFailed} onCancel={props.onCancel} />
        ) : actions.length > 0 ? (
          <div class="step-buttons">
            {actions.map((action, actionIndex) => (
              <button key={action} type="button" class={`step ${action === 'failed' ? 'secondary' : ''} ${actionIndex === 0 ? 'main' : ''}`} onClick={() => props.onAct(action)}>
                {t(`courier.action.${action}` as MessageKey)}
                <span class="visually-hidden"> · {reference}</span>
              </button>
            ))}
          </div>
        ) : null}
      </section>
    </li>
  );
}
