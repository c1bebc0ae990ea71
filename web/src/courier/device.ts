/**
 * The courier app's wiring to the phone: IndexedDB (idb-keyval) for the step queue and the last
 * round, the Web Locks API so two tabs never send at once, the session's CSRF token and language
 * for the queue's requests, and the service worker that lets the app open offline.
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { setCsrfToken } from '../api.js';
import { localLock, StepQueue, type Lock, type QueueStorage } from './queue.js';
import type { SenderEnvironment } from './sender.js';
import type { CourierRound } from './types.js';

let store: UseStore | undefined;
function database(): UseStore {
  store ??= createStore('delivery-hub-courier', 'state');
  return store;
}

export const idbStorage: QueueStorage = {
  get: (key) => get(key, database()),
  set: (key, value) => set(key, value, database()),
};

const pageLock = localLock();
/** Web Locks across the phone's tabs where there are, else this page's own lock. */
export const deviceLock: Lock = (name, task) => {
  const locks = (navigator as Navigator & { locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> } }).locks;
  return locks ? locks.request(name, task) : pageLock(name, task);
};

/** What the queue's requests carry: kept in step with the session (see `useSession` in the page). */
export const session = { csrfToken: null as string | null, lang: 'fr' as 'fr' | 'en' };

/* ---------- The phone's clock ---------- */

/**
 * How far the phone's clock is from the server's (the `Date` of its answers), when it is more
 * than half a minute off: a step's `at` is the server's time of the moment it was taken, so a
 * phone set a few minutes ahead does not have its steps refused as "in the future". Kept on the
 * phone for the steps taken offline after a reload.
 */
const CLOCK_KEY = 'dh.courier.clockOffsetMs';
let clockOffsetMs = (() => {
  try {
    return Number(window.localStorage.getItem(CLOCK_KEY)) || 0;
  } catch {
    return 0;
  }
})();

export const serverNow = (): Date => new Date(Date.now() + clockOffsetMs);

function noteServerDate(response: Response, sentAt: number): void {
  const server = Date.parse(response.headers.get('date') ?? '');
  if (!Number.isFinite(server)) return;
  // The header is to the second: its middle, against the middle of the request.
  const offset = server + 500 - (sentAt + Date.now()) / 2;
  clockOffsetMs = Math.abs(offset) > 30_000 ? Math.round(offset) : 0;
  try {
    window.localStorage.setItem(CLOCK_KEY, String(clockOffsetMs));
  } catch {
    /* private mode: measured again next time */
  }
}

async function timedFetch(url: string, init: RequestInit): Promise<Response> {
  const sentAt = Date.now();
  const response = await fetch(url, init);
  noteServerDate(response, sentAt);
  return response;
}

/**
 * Asks the session (`GET /v1/me`): its current CSRF token (after a sign-in in another tab, or the
 * app opened offline) and the server's clock. True if the token changed.
 */
export async function refreshCsrf(): Promise<boolean> {
  try {
    const response = await timedFetch('/v1/me', { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return false;
    const me = (await response.json()) as { csrfToken?: string | null };
    const changed = (me.csrfToken ?? null) !== session.csrfToken;
    session.csrfToken = me.csrfToken ?? null;
    setCsrfToken(session.csrfToken);
    return changed;
  } catch {
    return false;
  }
}

const queues = new Map<string, StepQueue>();
/** The signed-in courier's queue (one per person on the phone, kept across pages). */
export function courierQueue(owner: string): StepQueue {
  let queue = queues.get(owner);
  if (!queue) {
    queue = new StepQueue({
      storage: idbStorage,
      fetch: timedFetch,
      now: serverNow,
      owner,
      headers: () => ({ 'accept-language': session.lang, ...(session.csrfToken ? { 'x-csrf-token': session.csrfToken } : {}) }),
      refreshCsrf,
      lock: deviceLock,
    });
    queues.set(owner, queue);
  }
  return queue;
}

/* ---------- The last round, for a reload without network ---------- */

export interface SavedRound {
  savedAt: string;
  data: CourierRound;
}

const roundKey = (owner: string) => `courier.round.v1.${owner}`;

export async function saveRound(owner: string, data: CourierRound): Promise<void> {
  try {
    await set(roundKey(owner), { savedAt: new Date().toISOString(), data } satisfies SavedRound, database());
  } catch {
    /* private mode without IndexedDB: the round is just not kept */
  }
}

export async function savedRound(owner: string): Promise<SavedRound | undefined> {
  try {
    return (await get(roundKey(owner), database())) as SavedRound | undefined;
  } catch {
    return undefined;
  }
}

/* ---------- The service worker ---------- */

/**
 * Registers `/app/sw.js` (scope `/app/`) and tells it which of the app's files this page already
 * loaded, so the app shell (and this page's chunk) open offline from the first visit on.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const base = import.meta.env.BASE_URL;
  try {
    await navigator.serviceWorker.register(`${base}sw.js`, { scope: base });
    const ready = await navigator.serviceWorker.ready;
    const loaded = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => {
        try {
          const parsed = new URL(url);
          return parsed.origin === location.origin && parsed.pathname.startsWith(`${base}assets/`);
        } catch {
          return false;
        }
      });
    ready.active?.postMessage({ type: 'cache-assets', urls: loaded });
  } catch {
    /* no service worker (private mode, an old browser): the app works online */
  }
}

/* ---------- When to send ---------- */

/** The sender's view of the browser: online or not, on screen or not, and the events that wake it. */
export function browserEnvironment(): SenderEnvironment {
  return {
    isOnline: () => navigator.onLine !== false,
    isVisible: () => document.visibilityState !== 'hidden',
    onWake(listener) {
      const visible = () => {
        if (document.visibilityState === 'visible') listener();
      };
      window.addEventListener('online', listener);
      document.addEventListener('visibilitychange', visible);
      return () => {
        window.removeEventListener('online', listener);
        document.removeEventListener('visibilitychange', visible);
      };
    },
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  };
}
