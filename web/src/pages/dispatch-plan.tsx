import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { errorMessage } from '../errors.js';
import { formatKg, formatKm, formatLitres, formatTime } from '../format.js';
import type { Translator } from '../i18n.js';
import { Submission } from '../idempotency.js';
import { useAsync } from '../ui.js';
import { roundName } from './dispatch-model.js';
import {
  comparePlan,
  DEFAULT_PLAN_TIME_LIMIT,
  durationParts,
  isKnownReason,
  isPlanOutdated,
  newProposal,
  PLAN_POLL_MS,
  PLAN_TIME_LIMITS,
  planDeadlineMs,
  type CurrentStopView,
  type LeftOutView,
  type PlanRow,
  type PlannedStopView,
  type PlanTimeLimit,
} from './dispatch-plan-model.js';
import type { Board, Plan } from './dispatch-types.js';

/** Proposals discarded in this tab: the API keeps them `ready` (it has no way to discard one). */
const DISMISSED_KEY = 'dh.plan.dismissed';

function readDismissed(): Set<string> {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

function writeDismissed(ids: ReadonlySet<string>): void {
  try {
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify([...ids].slice(-50)));
  } catch {
    // Storage refused (private mode): the choice lasts as long as the page.
  }
}

/** A number of seconds in words: "1 h 5 min", "45 min". */
export function durationText(seconds: number, t: Translator): string {
  const { h, m } = durationParts(seconds);
  return h > 0 ? t('dispatch.plan.hours', { h, m }) : t('dispatch.plan.minutes', { m });
}

export const planFocus = {
  button: 'plan:button',
  again: 'plan:again',
  proposal: 'plan:proposal',
};

type Problem = { kind: 'outdated' } | { kind: 'failed'; message: string | null } | { kind: 'too_long' } | { kind: 'request'; error: unknown } | { kind: 'apply'; error: unknown };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface PlanSectionProps {
  /** The board shown (its date is the day planned; its rounds are what the proposal is set against). */
  board: Board;
  /** The plan is applied: the board reads the day again, the focus goes to the rounds and `message` is said. */
  onApplied(message: string): Promise<void>;
}

/**
 * "Plan the day" (issue 17): asks the API for a plan of the board's day, says it is computing
 * (the button stays focusable, marked unavailable), then shows the proposal beside the current
 * rounds, courier by courier, with its summary and the deliveries it leaves out in words; the
 * coordinator applies it or discards it. A proposal the system made by itself after a booking or
 * a cancellation of the day is offered by a notice, read again with the board (every 30 s).
 */
export function PlanSection({ board, onApplied }: PlanSectionProps) {
  const { t, lang, announce } = useApp();
  const [limit, setLimit] = useState<PlanTimeLimit>(DEFAULT_PLAN_TIME_LIMIT);
  const [phase, setPhase] = useState<'idle' | 'pending' | 'applying'>('idle');
  /** The search time of the plan being computed (the select may change meanwhile). */
  const [asked, setAsked] = useState<number>(DEFAULT_PLAN_TIME_LIMIT);
  const [shown, setShown] = useState<Plan | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(readDismissed);
  const alive = useRef(true);
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  const submission = useRef(new Submission());
  /** The control to focus once the section shows what changed (data-focus value). */
  const focusAfter = useRef<string | null>(null);
  const announced = useRef(new Set<string>());

  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  useEffect(() => {
    const target = focusAfter.current;
    if (!target) return;
    focusAfter.current = null;
    document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(target)}"]`)?.focus();
  });

  // The day's plans, read again with the board: a proposal made by the system gets a notice.
  const plans = useAsync((signal) => api<Page<Plan>>('GET', '/v1/hub/plans', { query: { date: board.date }, signal }), [board.date, board.generatedAt]);
  const offered = phase === 'idle' ? newProposal(plans.data?.data ?? [], dismissed, shown?.id) : undefined;
  useEffect(() => {
    if (!offered || announced.current.has(offered.id)) return;
    announced.current.add(offered.id);
    announce(t(`dispatch.plan.notice.${offered.trigger === 'cancellation' ? 'cancellation' : 'booking'}`));
  }, [offered?.id]);

  const comparison = useMemo(() => (shown ? comparePlan(shown, board) : undefined), [shown, board]);

  /** Reads the plan until it is no longer pending (or too long has passed, or the page is left). */
  const waitFor = async (plan: Plan): Promise<Plan | 'too_long' | undefined> => {
    const deadline = Date.now() + planDeadlineMs(plan.timeLimitSeconds);
    let failures = 0;
    let current = plan;
    while (current.status === 'pending') {
      await sleep(PLAN_POLL_MS);
      if (!alive.current) return undefined;
      try {
        current = await api<Plan>('GET', `/v1/hub/plans/${encodeURIComponent(plan.id)}`);
        failures = 0;
      } catch (error) {
        // A lost answer now and then is not a failed plan; three in a row are.
        failures += 1;
        if (failures >= 3) throw error;
      }
      if (current.status === 'pending' && Date.now() > deadline) return 'too_long';
    }
    return current;
  };

  /**
   * The focus goes to `target` once shown, if it is in this section (or nowhere): the keyboard
   * user waiting for the plan is taken to what it gave; one gone elsewhere on the board stays there.
   */
  const focusIfHere = (target: string) => {
    const active = document.activeElement;
    if (!active || active === document.body || active.closest('.plan-section')) focusAfter.current = target;
  };

  const show = (plan: Plan, message: string) => {
    setShown(plan);
    setProblem(undefined);
    focusIfHere(planFocus.proposal);
    announce(message);
  };

  const readyMessage = (plan: Plan) => {
    const { summary } = comparePlan(plan, board);
    return t('dispatch.plan.ready', { served: summary.served, deliveries: summary.deliveries, leftOut: plan.unassigned.length });
  };

  const requestPlan = async () => {
    if (phaseRef.current !== 'idle') {
      announce(phaseRef.current === 'applying' ? t('dispatch.plan.applying') : t('dispatch.plan.stillPending'));
      return;
    }
    phaseRef.current = 'pending';
    setPhase('pending');
    setAsked(limit);
    setProblem(undefined);
    // "Plan again" goes with the proposal it is in: the focus waits on "Plan the day" instead.
    if (document.activeElement?.closest('.plan-proposal')) focusAfter.current = planFocus.button;
    setShown(undefined);
    const body = { date: board.date, timeLimitSeconds: limit };
    try {
      const asked = await api<Plan>('POST', '/v1/hub/plans', { body, idempotencyKey: submission.current.keyFor(body) });
      submission.current.settled();
      const done = await waitFor(asked);
      if (!alive.current || done === undefined) return;
      if (done === 'too_long') {
        setProblem({ kind: 'too_long' });
        focusIfHere(planFocus.button);
      } else if (done.status === 'failed') {
        setProblem({ kind: 'failed', message: done.error });
        focusIfHere(planFocus.button);
      } else show(done, readyMessage(done));
    } catch (error) {
      submission.current.failed(error);
      if (!alive.current) return;
      setProblem({ kind: 'request', error });
      focusIfHere(planFocus.button);
    } finally {
      if (alive.current) setPhase('idle');
    }
  };

  const discard = () => {
    if (!shown) return;
    if (shown.trigger !== 'request') {
      const next = new Set([...dismissed, shown.id]);
      setDismissed(next);
      writeDismissed(next);
    }
    setShown(undefined);
    setProblem(undefined);
    focusAfter.current = planFocus.button;
    announce(t('dispatch.plan.discarded'));
  };

  const apply = async () => {
    if (!shown || phaseRef.current !== 'idle') return;
    phaseRef.current = 'applying';
    setPhase('applying');
    setProblem(undefined);
    const applying = shown;
    try {
      const applied = await api<Plan>('POST', `/v1/hub/plans/${encodeURIComponent(applying.id)}/apply`);
      if (!alive.current) return;
      const rounds = applied.rounds.filter((round) => round.stops.length > 0).length;
      const served = comparePlan(applied, board).summary.served;
      setShown(undefined);
      await onApplied(t('dispatch.plan.applied', { rounds, served }));
    } catch (error) {
      if (!alive.current) return;
      if (isPlanOutdated(error)) {
        setProblem({ kind: 'outdated' });
        focusIfHere(planFocus.again);
      } else {
        setProblem({ kind: 'apply', error });
        focusIfHere(planFocus.proposal);
      }
    } finally {
      if (alive.current) setPhase('idle');
    }
  };

  const view = (proposal: Plan) => {
    show(proposal, readyMessage(proposal));
    focusAfter.current = planFocus.proposal;
  };

  const progress = phase === 'pending' ? t('dispatch.plan.pending', { seconds: asked }) : phase === 'applying' ? t('dispatch.plan.applying') : '';

  return (
    <section class="plan-section" aria-labelledby="plan-title">
      <h2 id="plan-title">{t('dispatch.plan.title')}</h2>
      <p class="small">{t('dispatch.plan.intro')}</p>
      {offered ? <ProposalNotice plan={offered} board={board} onView={() => view(offered)} /> : null}
      <div class="plan-controls">
        <div class="field">
          <label for="plan-limit">{t('dispatch.plan.limit')}</label>
          <select id="plan-limit" value={String(limit)} onChange={(event) => setLimit(Number((event.currentTarget as HTMLSelectElement).value) as PlanTimeLimit)}>
            {PLAN_TIME_LIMITS.map((seconds) => (
              <option key={seconds} value={String(seconds)}>
                {t('dispatch.plan.limitOption', { seconds })}
              </option>
            ))}
          </select>
        </div>
        <button type="button" aria-disabled={phase !== 'idle'} data-focus={planFocus.button} onClick={() => void requestPlan()}>
          {t('dispatch.plan.button')}
        </button>
      </div>
      {/* Always in the page, so that what it says is announced. */}
      <p class="small plan-progress" role="status">
        {progress}
      </p>
      {problem && problem.kind !== 'outdated' && problem.kind !== 'apply' ? (
        <div class="notice error" role="alert">
          <p>
            {problem.kind === 'failed'
              ? problem.message
                ? t('dispatch.plan.failed', { error: problem.message })
                : t('dispatch.plan.failedUnknown')
              : problem.kind === 'too_long'
                ? t('dispatch.plan.tooLong')
                : t('dispatch.plan.requestFailed', { message: errorMessage(problem.error, lang) })}
          </p>
        </div>
      ) : null}
      {shown && comparison ? (
        <section class="plan-proposal" aria-labelledby="plan-proposal-title" aria-busy={phase === 'applying'}>
          <h3 id="plan-proposal-title" tabIndex={-1} data-focus={planFocus.proposal}>
            {t('dispatch.plan.proposalTitle')}
          </h3>
          <p class="small">{t(`dispatch.plan.made.${shown.trigger}`, { time: formatTime(shown.createdAt, lang), seconds: shown.timeLimitSeconds })}</p>
          <ul class="plan-summary" aria-label={t('dispatch.plan.summaryLabel')}>
            <li>
              <strong>{t('dispatch.plan.served', { served: comparison.summary.served, deliveries: comparison.summary.deliveries })}</strong>
            </li>
            <li>{t('dispatch.plan.couriersUsed', { count: comparison.summary.couriers })}</li>
            <li>{t('dispatch.plan.totalDistance', { km: formatKm(comparison.summary.distanceMeters, lang) })}</li>
            <li>{t('dispatch.plan.totalRiding', { time: durationText(comparison.summary.travelSeconds, t) })}</li>
            <li>{t('dispatch.plan.moved', { count: comparison.summary.moved })}</li>
          </ul>
          <LeftOut entries={comparison.leftOut} />
          <div class="plan-rows" role="group" aria-label={t('dispatch.plan.rowsLabel')}>
            {comparison.rows.map((row) => (
              <PlanRowView key={row.courierId} row={row} />
            ))}
          </div>
          {problem?.kind === 'outdated' ? (
            <div class="notice error" role="alert">
              <p>{t('dispatch.plan.outdated')}</p>
            </div>
          ) : null}
          {problem?.kind === 'apply' ? (
            <div class="notice error" role="alert">
              <p>{t('dispatch.plan.applyFailed', { message: errorMessage(problem.error, lang) })}</p>
            </div>
          ) : null}
          <div class="actions">
            {problem?.kind === 'outdated' ? (
              <button type="button" aria-disabled={phase !== 'idle'} data-focus={planFocus.again} onClick={() => void requestPlan()}>
                {t('dispatch.plan.again')}
              </button>
            ) : (
              <button type="button" aria-disabled={phase !== 'idle'} onClick={() => void apply()}>
                {t('dispatch.plan.apply')}
              </button>
            )}
            <button type="button" class="secondary" aria-disabled={phase !== 'idle'} onClick={() => phase === 'idle' && discard()}>
              {t('dispatch.plan.discard')}
            </button>
          </div>
        </section>
      ) : null}
    </section>
  );
}

/** A proposal the system made by itself after a booking or a cancellation of the day. */
function ProposalNotice({ plan, board, onView }: { plan: Plan; board: Board; onView(): void }) {
  const { t, lang } = useApp();
  const { summary } = comparePlan(plan, board);
  return (
    <div class="notice info plan-notice">
      <p>
        <strong>{t(`dispatch.plan.notice.${plan.trigger === 'cancellation' ? 'cancellation' : 'booking'}`)}</strong>
      </p>
      <p class="small">{t('dispatch.plan.notice.detail', { time: formatTime(plan.createdAt, lang), served: summary.served, deliveries: summary.deliveries, moved: summary.moved })}</p>
      <p>
        <button type="button" class="secondary small-button" onClick={onView}>
          {t('dispatch.plan.view')}
        </button>
      </p>
    </div>
  );
}

function LeftOut({ entries }: { entries: LeftOutView[] }) {
  const { t, lang } = useApp();
  return (
    <div class="plan-left-out">
      <h4>{t('dispatch.plan.leftOutTitle', { count: entries.length })}</h4>
      {entries.length === 0 ? (
        <p class="small">{t('dispatch.plan.leftOutNone')}</p>
      ) : (
        <ul aria-label={t('dispatch.plan.leftOutLabel')}>
          {entries.map((entry) => (
            <li key={entry.deliveryId} data-left-out={entry.deliveryId}>
              <strong>{entry.name}</strong>
              {entry.weightKg !== null ? ` (${formatKg(entry.weightKg, lang)})` : ''}
              {lang === 'fr' ? '\u00a0: ' : ': '}
              {isKnownReason(entry.reason) ? t(`dispatch.plan.reason.${entry.reason}`) : t('dispatch.plan.reason.other', { message: entry.message })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function PlanRowView({ row }: { row: PlanRow }) {
  const { t, lang } = useApp();
  const titleId = `plan-row-${row.courierId}`;
  const round = row.round;
  const name = roundName(row.name, lang);
  return (
    <section class="plan-row card" aria-labelledby={titleId} data-plan-courier={row.courierId}>
      <h4 id={titleId}>
        {row.name} <span class="small">· {row.changes > 0 ? t('dispatch.plan.rowChanges', { count: row.changes }) : t('dispatch.plan.rowSame')}</span>
      </h4>
      <div class="plan-compare">
        <div class="plan-now">
          <h5>{t('dispatch.plan.nowTitle')}</h5>
          {row.current.length === 0 ? (
            <p class="small">{t('dispatch.plan.nowEmpty')}</p>
          ) : (
            <ol class="plan-stops now" aria-label={t('dispatch.plan.nowLabel', { round: name })}>
              {row.current.map((stop) => (
                <CurrentStop key={stop.key} stop={stop} />
              ))}
            </ol>
          )}
        </div>
        <div class="plan-next">
          <h5>{t('dispatch.plan.nextTitle')}</h5>
          {round ? (
            <>
              <p class="small">
                {t('dispatch.plan.roundTimes', { start: formatTime(round.startsAt, lang), end: formatTime(round.endsAt, lang) })}
                {' · '}
                {t('dispatch.plan.roundRide', { km: formatKm(round.distanceMeters, lang), time: durationText(round.travelSeconds, t) })}
                {' · '}
                {round.reloads > 0 ? t('dispatch.plan.reloads', { count: round.reloads }) : t('dispatch.plan.noReload')}
                {' · '}
                {round.breaks.length > 0 ? t('dispatch.plan.breaks', { breaks: round.breaks.map((pause) => `${formatTime(pause.start, lang)}–${formatTime(pause.end, lang)}`).join(', ') }) : t('dispatch.plan.noBreak')}
              </p>
              {row.done > 0 ? <p class="small">{t('dispatch.plan.doneFirst', { count: row.done })}</p> : null}
              {row.planned.length > 0 ? (
                <ol class="plan-stops next" aria-label={t('dispatch.plan.nextLabel', { round: name })}>
                  {row.planned.map((stop) => (
                    <PlannedStop key={stop.key} stop={stop} />
                  ))}
                </ol>
              ) : null}
            </>
          ) : (
            <p class="small">{t('dispatch.plan.noRound')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function CurrentStop({ stop }: { stop: CurrentStopView }) {
  const { t, lang } = useApp();
  const change = stop.change;
  const tag =
    change.kind === 'kept'
      ? null
      : change.kind === 'to'
        ? t('dispatch.plan.change.to', { round: roundName(change.courierName, lang) })
        : t(`dispatch.plan.change.${change.kind}`);
  return (
    <li class={`plan-stop ${stop.type}${change.kind === 'kept' ? '' : ' changed'}`} data-plan-stop={stop.key}>
      <span class={`stop-badge ${stop.type}`} aria-hidden="true">
        {t(`dispatch.letter.${stop.type}`)}
        {stop.n}
      </span>{' '}
      <span>
        {t('dispatch.stopNumber', { n: stop.n })} · {t(`dispatch.stop.${stop.type}`)} · {stop.name}
        {tag ? <em class="plan-change"> · {tag}</em> : null}
      </span>
    </li>
  );
}

function PlannedStop({ stop }: { stop: PlannedStopView }) {
  const { t, lang } = useApp();
  const change = stop.change;
  const tag =
    change.kind === 'same'
      ? null
      : change.kind === 'from'
        ? t('dispatch.plan.change.from', { round: roundName(change.courierName, lang) })
        : t(`dispatch.plan.change.${change.kind}`);
  return (
    <li class={`plan-stop ${stop.type}${change.kind === 'same' ? '' : ' changed'}`} data-plan-stop={stop.key}>
      <span class={`stop-badge ${stop.type}`} aria-hidden="true">
        {t(`dispatch.letter.${stop.type}`)}
        {stop.n}
      </span>{' '}
      <span>
        <strong>
          {t('dispatch.stopNumber', { n: stop.n })} · {t(`dispatch.stop.${stop.type}`)}
        </strong>
        {stop.who ? ` · ${stop.who}` : ''} · {stop.name}
        {tag ? <em class="plan-change"> · {tag}</em> : null}
        <br />
        <span class="small">
          {stop.city ? `${stop.city} · ` : ''}
          {t('dispatch.arrival', { time: formatTime(stop.arrival, lang) })} · {t('dispatch.loadAfter', { kg: formatKg(stop.loadAfter.kg, lang), litres: formatLitres(stop.loadAfter.litres, lang) })}
        </span>
      </span>
    </li>
  );
}
