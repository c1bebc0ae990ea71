/**
 * The courier's steps, queued on the phone before anything is sent, so a step taken without
 * network is kept (with the time it happened) and sent when the network comes back: in order,
 * one at a time, exactly once.
 *
 * - `enqueue` writes the step to storage (IndexedDB in the app) before it returns, with its
 *   `at` and an `Idempotency-Key` made once, when the step is taken; a retry of the same step
 *   always carries the same key, so the API applies it once however many times it is sent.
 * - `drain` sends the queue's head, then the next, until the queue is empty or the network (or
 *   the server) is not there: a network error, a timeout, a 5xx, a 408 or a 429 keeps the step
 *   at the head of the queue for the next drain (nothing after it overtakes it).
 * - A step the API refuses (another 4xx: `not_on_round` when the hub reassigned the delivery
 *   meanwhile, `invalid_transition`…) is never dropped: it moves to the `refused` list with the
 *   API's error, until the courier dismisses it (or sends it again without its photo).
 * - Photos and signatures stay in the queue as Blobs; before the step, each is uploaded
 *   (`POST …/photos`, then the multipart POST to `upload.url` with `upload.fields` then `file`)
 *   and the step carries `proof.photoId` / `proof.signatureId`. An uploaded photo's id is kept,
 *   so a retry does not upload it twice.
 *
 * Storage, fetch, clock, keys and locks are injected: the module is tested in Node with a Map
 * and a fake API, and the app gives it idb-keyval, `fetch` and the Web Locks API.
 */
import type { PhotoPurpose, PhotoType, PhotoUpload, StepBody, StopType } from './types.js';

/** The contract's limit of a photo (the upload answer's `maxBytes` says it again). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const STORAGE_KEY = 'courier.queue.v1';
/** After this many failed uploads of one photo (its signed form refused), the step is refused. */
const MAX_UPLOAD_FAILURES = 3;

export interface Attachment {
  purpose: PhotoPurpose;
  blob: Blob;
  contentType: PhotoType;
  /** Set once the photo is stored: the step then names it. */
  photoId?: string;
  /** The signed upload asked for and not yet used (reused until it expires). */
  upload?: PhotoUpload;
  /** How many uploads were asked for (each with a key of its own). */
  uploadsAsked?: number;
  uploadFailures?: number;
}

/** What a list of steps shows without the round at hand. */
export interface StepLabel {
  reference: string | null;
  stop: StopType;
  address: string;
}

export interface QueuedStep {
  /** Local id, also the step's `Idempotency-Key`. */
  id: string;
  key: string;
  deliveryId: string;
  body: StepBody;
  attachments: Attachment[];
  label: StepLabel;
  queuedAt: string;
  attempts: number;
  lastError?: StepError;
}

export interface StepError {
  /** 0 without an answer (network, timeout). */
  status: number;
  code?: string;
  message?: string;
  param?: string;
}

export interface RefusedStep extends QueuedStep {
  refusedAt: string;
  error: StepError;
}

export interface QueueState {
  pending: QueuedStep[];
  refused: RefusedStep[];
}

/** idb-keyval's `get`/`set` (or a Map in tests): values are structured-cloned, Blobs included. */
export interface QueueStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;
export type Lock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

export interface QueueOptions {
  storage: QueueStorage;
  fetch: Fetcher;
  /** Whose queue (the signed-in user's id): another person on the same phone has their own. */
  owner?: string;
  /** Headers of every API call (`x-csrf-token`, `accept-language`). */
  headers?: () => Record<string, string>;
  /** A write refused for its CSRF token: get the session's current one; true if it changed. */
  refreshCsrf?: () => Promise<boolean>;
  /** The session is gone (401): steps wait until the courier signs in again. */
  onUnauthenticated?: () => void;
  newKey?: () => string;
  now?: () => Date;
  /** Exclusive sections across tabs (the Web Locks API in the app); in-process by default. */
  lock?: Lock;
  /** A request without an answer after this long counts as a network error. */
  timeoutMs?: number;
}

export type Outcome = 'sent' | 'refused' | 'retry' | 'unauthenticated';

export interface DrainResult {
  sent: number;
  refused: number;
  waiting: number;
  /** Why the drain stopped with steps still waiting. */
  stoppedBy?: 'retry' | 'unauthenticated';
}

/** What an answer means for a queued step. */
export function classify(status: number, code?: string): Outcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 0 || status >= 500 || status === 408 || status === 429) return 'retry';
  if (code === 'idempotency_request_in_progress') return 'retry';
  if (status === 401) return 'unauthenticated';
  return 'refused';
}

export interface NewStep {
  deliveryId: string;
  /** The step without its time: `at` is now, unless given. */
  body: DistributiveOmit<StepBody, 'at'> & { at?: string };
  attachments?: Array<Pick<Attachment, 'purpose' | 'blob' | 'contentType'>>;
  label: StepLabel;
}
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A mutex in this page only: the default lock (the app uses the Web Locks API across tabs). */
export function localLock(): Lock {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(name: string, task: () => Promise<T>): Promise<T> => {
    const before = tails.get(name) ?? Promise.resolve();
    const run = before.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    try {
      return await run;
    } finally {
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}

function randomKey(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi?.randomUUID === 'function') return `courier-${cryptoApi.randomUUID()}`;
  const bytes = new Uint8Array(16);
  cryptoApi.getRandomValues(bytes);
  return `courier-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

const empty = (): QueueState => ({ pending: [], refused: [] });

function isState(value: unknown): value is QueueState {
  return typeof value === 'object' && value !== null && Array.isArray((value as QueueState).pending) && Array.isArray((value as QueueState).refused);
}

class Answer {
  constructor(
    readonly status: number,
    readonly json: unknown,
    readonly text: string,
  ) {}
  get error(): StepError {
    const error = (this.json as { error?: { code?: string; message?: string; param?: string } } | undefined)?.error;
    return {
      status: this.status,
      ...(error?.code ? { code: error.code } : {}),
      ...(error?.message ? { message: error.message } : this.status === 0 ? { message: this.text } : {}),
      ...(error?.param ? { param: error.param } : {}),
    };
  }
}

export class StepQueue {
  private state: QueueState = empty();
  private readonly listeners = new Set<(state: QueueState) => void>();
  private readonly storageKey: string;
  private readonly lock: Lock;
  private readonly now: () => Date;
  private readonly newKey: () => string;
  private running: Promise<DrainResult> | null = null;
  private again = false;

  constructor(private readonly options: QueueOptions) {
    this.storageKey = options.owner ? `${STORAGE_KEY}.${options.owner}` : STORAGE_KEY;
    this.lock = options.lock ?? localLock();
    this.now = options.now ?? (() => new Date());
    this.newKey = options.newKey ?? randomKey;
  }

  /** The steps still to send (oldest first) and the ones the API refused. */
  get snapshot(): QueueState {
    return this.state;
  }

  subscribe(listener: (state: QueueState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Reads the queue from storage (at start, and when another tab may have changed it). */
  async load(): Promise<QueueState> {
    const stored = await this.options.storage.get(this.storageKey);
    this.publish(isState(stored) ? stored : empty());
    return this.state;
  }

  /** Keeps the step on the phone first (with its time and key); returns once it is stored. */
  async enqueue(input: NewStep): Promise<QueuedStep> {
    const at = input.body.at ?? this.now().toISOString();
    const key = this.newKey();
    const step: QueuedStep = {
      id: key,
      key,
      deliveryId: input.deliveryId,
      body: { ...input.body, at } as StepBody,
      attachments: (input.attachments ?? []).map((attachment) => ({ purpose: attachment.purpose, blob: attachment.blob, contentType: attachment.contentType })),
      label: input.label,
      queuedAt: this.now().toISOString(),
      attempts: 0,
    };
    await this.mutate((state) => {
      state.pending.push(step);
    });
    return step;
  }

  /** The courier read a refused step: it leaves the list. */
  async dismiss(id: string): Promise<void> {
    await this.mutate((state) => {
      state.refused = state.refused.filter((step) => step.id !== id);
    });
  }

  /**
   * A refused step with a photo or signature that could not be stored: sent again without them
   * (same time, a new key: the refused one is remembered by the API with its refusal).
   */
  async sendAgainWithoutAttachments(id: string): Promise<QueuedStep | undefined> {
    let again: QueuedStep | undefined;
    await this.mutate((state) => {
      const refused = state.refused.find((step) => step.id === id);
      if (!refused) return;
      state.refused = state.refused.filter((step) => step.id !== id);
      const key = this.newKey();
      const { refusedAt: _refusedAt, error: _error, lastError: _lastError, ...rest } = refused;
      again = { ...rest, id: key, key, attachments: [], attempts: 0 };
      state.pending.push(again);
    });
    return again;
  }

  /**
   * Sends the queue in order, one step at a time, until it is empty or a step must wait. One
   * drain at a time (a call during a drain makes that drain look once more before it ends).
   */
  drain(): Promise<DrainResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.lock('courier-queue-sender', async () => {
      const result: DrainResult = { sent: 0, refused: 0, waiting: 0 };
      try {
        do {
          this.again = false;
          await this.load();
          for (;;) {
            const head = this.state.pending[0];
            if (!head) break;
            const outcome = await this.sendOne(head);
            if (outcome === 'sent') result.sent += 1;
            else if (outcome === 'refused') result.refused += 1;
            else {
              result.stoppedBy = outcome;
              break;
            }
          }
        } while (this.again && !result.stoppedBy);
      } finally {
        result.waiting = this.state.pending.length;
      }
      return result;
    });
    const running = this.running;
    void running.finally(() => {
      if (this.running === running) this.running = null;
    });
    return running;
  }

  /* ---------- Sending ---------- */

  private async sendOne(step: QueuedStep): Promise<Outcome> {
    for (let index = 0; index < step.attachments.length; index += 1) {
      const outcome = await this.upload(step, index);
      if (outcome !== 'sent') return outcome;
    }
    const fresh = this.state.pending.find((candidate) => candidate.id === step.id) ?? step;
    const body = withProof(fresh);
    const answer = await this.call('POST', `/v1/courier/deliveries/${encodeURIComponent(step.deliveryId)}/events`, { body, key: step.key });
    return this.settle(step.id, answer);
  }

  /** The attachment's photo stored by the API, or why not (its step is then settled). */
  private async upload(step: QueuedStep, index: number): Promise<Outcome> {
    const current = () => this.state.pending.find((candidate) => candidate.id === step.id)?.attachments[index];
    let attachment = current();
    if (!attachment || attachment.photoId) return 'sent';
    if (attachment.blob.size > MAX_PHOTO_BYTES) {
      await this.refuse(step.id, { status: 400, code: 'photo_too_large', message: `The ${attachment.purpose} is ${attachment.blob.size} bytes, over ${MAX_PHOTO_BYTES}.` });
      return 'refused';
    }
    const stillValid = (upload: PhotoUpload | undefined) => upload !== undefined && Date.parse(upload.expiresAt) - 30_000 > this.now().getTime();
    if (!stillValid(attachment.upload)) {
      const asked = (attachment.uploadsAsked ?? 0) + 1;
      await this.updateAttachment(step.id, index, { uploadsAsked: asked });
      const answer = await this.call('POST', `/v1/courier/deliveries/${encodeURIComponent(step.deliveryId)}/photos`, {
        body: { purpose: attachment.purpose, contentType: attachment.contentType, sizeBytes: attachment.blob.size },
        key: `${step.key}.${attachment.purpose}.${asked}`,
      });
      const outcome = classify(answer.status, answer.error.code);
      if (outcome !== 'sent') return this.settle(step.id, answer);
      await this.updateAttachment(step.id, index, { upload: answer.json as PhotoUpload });
      attachment = current();
      if (!attachment?.upload) return 'retry';
    }
    const upload = attachment.upload as PhotoUpload;
    if (attachment.blob.size > upload.maxBytes) {
      await this.refuse(step.id, { status: 400, code: 'photo_too_large', message: `The ${attachment.purpose} is ${attachment.blob.size} bytes, over ${upload.maxBytes}.` });
      return 'refused';
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.upload.fields)) form.append(name, value);
    form.append('file', attachment.blob, `${attachment.purpose}.${attachment.contentType.split('/')[1] ?? 'jpg'}`);
    const sent = await this.request(upload.upload.url, { method: upload.upload.method || 'POST', body: form });
    const outcome = classify(sent.status);
    if (outcome === 'sent') {
      await this.updateAttachment(step.id, index, { photoId: upload.id, upload: undefined });
      return 'sent';
    }
    if (outcome === 'retry') {
      await this.note(step.id, sent.error);
      return 'retry';
    }
    // The signed form was refused (expired, or over its limit): ask for a new one next time, a few times.
    const failures = (attachment.uploadFailures ?? 0) + 1;
    await this.updateAttachment(step.id, index, { upload: undefined, uploadFailures: failures });
    if (failures >= MAX_UPLOAD_FAILURES) {
      await this.refuse(step.id, { status: sent.status, code: 'photo_upload_refused', message: sent.text.slice(0, 300) });
      return 'refused';
    }
    await this.note(step.id, sent.error);
    return 'retry';
  }

  private async settle(id: string, answer: Answer): Promise<Outcome> {
    const outcome = classify(answer.status, answer.error.code);
    if (answer.status === 403 && answer.error.code === 'csrf_token_invalid') {
      // The session's token changed (renewed in another tab): nothing was done; take the current
      // token and send the step again (a refused token never makes the step refused).
      await this.options.refreshCsrf?.().catch(() => false);
      await this.note(id, answer.error);
      return 'retry';
    }
    if (outcome === 'sent') {
      await this.mutate((state) => {
        state.pending = state.pending.filter((step) => step.id !== id);
      });
    } else if (outcome === 'refused') await this.refuse(id, answer.error);
    else {
      await this.note(id, answer.error);
      if (outcome === 'unauthenticated') this.options.onUnauthenticated?.();
    }
    return outcome;
  }

  private async refuse(id: string, error: StepError): Promise<void> {
    await this.mutate((state) => {
      const step = state.pending.find((candidate) => candidate.id === id);
      if (!step) return;
      state.pending = state.pending.filter((candidate) => candidate.id !== id);
      state.refused.push({ ...step, attempts: step.attempts + 1, error, refusedAt: this.now().toISOString() });
    });
  }

  private async note(id: string, error: StepError): Promise<void> {
    await this.mutate((state) => {
      const step = state.pending.find((candidate) => candidate.id === id);
      if (!step) return;
      step.attempts += 1;
      step.lastError = error;
    });
  }

  private async updateAttachment(id: string, index: number, patch: Partial<Attachment>): Promise<void> {
    await this.mutate((state) => {
      const attachment = state.pending.find((candidate) => candidate.id === id)?.attachments[index];
      if (!attachment) return;
      for (const [name, value] of Object.entries(patch) as Array<[keyof Attachment, unknown]>) {
        if (value === undefined) delete attachment[name];
        else (attachment as unknown as Record<string, unknown>)[name] = value;
      }
    });
  }

  private async call(method: string, path: string, options: { body: unknown; key: string }): Promise<Answer> {
    return this.request(path, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': options.key, ...this.options.headers?.() },
      body: JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  }

  private async request(url: string, init: RequestInit): Promise<Answer> {
    const timeout = this.options.timeoutMs ?? 30_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const response = await this.options.fetch(url, { ...init, signal: controller.signal });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return new Answer(response.status, json, text);
    } catch (cause) {
      return new Answer(0, undefined, String((cause as Error)?.message ?? cause));
    } finally {
      clearTimeout(timer);
    }
  }

  /* ---------- State ---------- */

  /** Read, change, write: under a lock, from what is stored (another tab may have written). */
  private async mutate(change: (state: QueueState) => void): Promise<void> {
    await this.lock('courier-queue-state', async () => {
      const stored = await this.options.storage.get(this.storageKey);
      const state = isState(stored) ? stored : empty();
      change(state);
      await this.options.storage.set(this.storageKey, state);
      this.publish(state);
    });
  }

  private publish(state: QueueState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** The step's body with the ids of its uploaded photo and signature. */
export function withProof(step: QueuedStep): StepBody {
  if (step.body.type !== 'delivered') return step.body;
  const proof = { ...step.body.proof };
  for (const attachment of step.attachments) {
    if (!attachment.photoId) continue;
    if (attachment.purpose === 'proof') proof.photoId = attachment.photoId;
    else proof.signatureId = attachment.photoId;
  }
  return { ...step.body, proof };
}
