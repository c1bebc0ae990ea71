import { describe, expect, it } from 'vitest';
import { classify, MAX_PHOTO_BYTES, StepQueue, type NewStep, type QueueStorage } from '../../web/src/courier/queue.js';

/**
 * The courier app's offline queue, against a fake API in memory: steps are stored before they
 * are sent, sent in order one at a time with the key made when they were taken, kept on network
 * errors and server trouble, moved to a list when refused, kept across a reload, and a photo is
 * uploaded before the step that names it.
 */

/** Storage that clones on the way in and out, as IndexedDB does (Blobs included). */
function memoryStorage(): QueueStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => {
      data.set(key, structuredClone(value));
    },
  };
}

interface Call {
  method: string;
  url: string;
  key: string | null;
  body: unknown;
  form?: Array<[string, string]>;
}

/**
 * A fake API: events applied once per Idempotency-Key (a repeat answers the first answer, as the
 * API does), a scripted failure per call, photo uploads.
 */
function fakeApi() {
  const calls: Call[] = [];
  const applied: Array<{ deliveryId: string; body: { type: string; at: string; proof?: Record<string, string> }; key: string }> = [];
  const answers = new Map<string, { status: number; body: unknown }>();
  const stored = new Map<string, Blob>();
  /** What the next calls do instead of answering: 'network' throws, a number answers that status. */
  const script: Array<'network' | 'network-after' | number | { status: number; code: string }> = [];
  let online = true;
  const refuse = new Map<string, { status: number; code: string; message: string }>();
  let photos = 0;
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const key = headers.get('idempotency-key');
    let body: unknown;
    let form: Array<[string, string]> | undefined;
    if (init.body instanceof FormData) form = [...init.body.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : `<file ${(value as Blob).size}>`]);
    else if (typeof init.body === 'string') body = JSON.parse(init.body);
    calls.push({ method: init.method ?? 'GET', url, key, body, ...(form ? { form } : {}) });
    if (!online) throw new TypeError('Failed to fetch');
    // 'network-after' waits for the next event call, which it applies and then loses the answer of.
    const next = script[0] === 'network-after' ? undefined : script.shift();
    if (next === 'network') throw new TypeError('Failed to fetch');
    if (typeof next === 'number') return json(next, { error: { type: 'api_error', code: 'internal', message: 'boom' } });
    if (next && typeof next === 'object') return json(next.status, { error: { type: 'x', code: next.code, message: next.code } });

    const upload = url.match(/^https:\/\/store\.example\/(pho_\d+)$/);
    if (upload) {
      const file = (init.body as FormData).get('file') as Blob;
      stored.set(upload[1] as string, file);
      return new Response(null, { status: 204 });
    }
    const photo = url.match(/^\/v1\/courier\/deliveries\/([^/]+)\/photos$/);
    if (photo) {
      if (key && answers.has(key)) return json(answers.get(key)!.status, answers.get(key)!.body);
      photos += 1;
      const id = `pho_${photos}`;
      const answer = { id, object: 'photo_upload', purpose: (body as { purpose: string }).purpose, maxBytes: MAX_PHOTO_BYTES, expiresAt: new Date(Date.now() + 600_000).toISOString(), upload: { method: 'POST', url: `https://store.example/${id}`, fields: { key: `proofs/${id}`, policy: 'signed' } } };
      if (key) answers.set(key, { status: 201, body: answer });
      return json(201, answer);
    }
    const event = url.match(/^\/v1\/courier\/deliveries\/([^/]+)\/events$/);
    if (event) {
      const deliveryId = event[1] as string;
      if (key && answers.has(key)) return json(answers.get(key)!.status, answers.get(key)!.body);
      const refusal = refuse.get(deliveryId);
      const answer = refusal ? { status: refusal.status, body: { error: { type: 'conflict', ...refusal } } } : { status: 200, body: { id: deliveryId, status: 'ok' } };
      if (!refusal) applied.push({ deliveryId, body: body as never, key: key as string });
      if (key) answers.set(key, answer);
      // The server did it, but the answer is lost on the way back.
      if (script[0] === 'network-after') {
        script.shift();
        throw new TypeError('Failed to fetch');
      }
      return json(answer.status, answer.body);
    }
    return json(404, { error: { code: 'route_not_found', message: url } });
  };
  return {
    fetch,
    calls,
    applied,
    stored,
    script,
    refuse,
    setOnline(value: boolean) {
      online = value;
    },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const label = { reference: 'CMD-1', stop: 'dropoff' as const, address: '2 place du Breuil, 42700 Firminy' };
const step = (deliveryId: string, body: NewStep['body'], extra: Partial<NewStep> = {}): NewStep => ({ deliveryId, body, label, ...extra });

function clock(start = Date.parse('2030-05-06T08:00:00Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

function makeQueue(api: ReturnType<typeof fakeApi>, storage = memoryStorage(), time = clock()) {
  let counter = 0;
  const queue = new StepQueue({ storage, fetch: api.fetch, now: time.now, newKey: () => `key-${++counter}`, headers: () => ({ 'x-csrf-token': 'csrf' }) });
  return { queue, storage, time };
}

describe('the courier app’s step queue', () => {
  it('sends steps in the order they were taken, one at a time, each with its own time', async () => {
    const api = fakeApi();
    const { queue, time } = makeQueue(api);
    api.setOnline(false);
    await queue.enqueue(step('dlv_1', { type: 'arrived', stop: 'pickup' }));
    time.advance(60_000);
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    time.advance(60_000);
    await queue.enqueue(step('dlv_2', { type: 'picked_up' }));
    const offline = await queue.drain();
    expect(offline).toEqual({ sent: 0, refused: 0, waiting: 3, stoppedBy: 'retry' });
    // Only the head was tried: nothing overtakes it.
    expect(api.calls.map((call) => call.key)).toEqual(['key-1']);

    time.advance(30 * 60_000);
    api.setOnline(true);
    expect(await queue.drain()).toEqual({ sent: 3, refused: 0, waiting: 0 });
    expect(api.applied.map((entry) => [entry.deliveryId, entry.body.type, entry.body.at, entry.key])).toEqual([
      ['dlv_1', 'arrived', '2030-05-06T08:00:00.000Z', 'key-1'],
      ['dlv_1', 'picked_up', '2030-05-06T08:01:00.000Z', 'key-2'],
      ['dlv_2', 'picked_up', '2030-05-06T08:02:00.000Z', 'key-3'],
    ]);
    expect(queue.snapshot).toEqual({ pending: [], refused: [] });
  });

  it('sends each step exactly once: a lost answer is retried with the same key, and the API applies it once', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    api.script.push('network-after');
    expect((await queue.drain()).stoppedBy).toBe('retry');
    expect(queue.snapshot.pending).toHaveLength(1);
    expect(queue.snapshot.pending[0]?.attempts).toBe(1);
    expect(await queue.drain()).toMatchObject({ sent: 1, waiting: 0 });
    expect(api.calls.map((call) => call.key)).toEqual(['key-1', 'key-1']);
    expect(api.applied).toHaveLength(1);
  });

  it('keeps the step queued on network errors, 5xx, 408 and 429; a 401 waits for the courier to sign in again', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    await queue.enqueue(step('dlv_1', { type: 'delivered', proof: { recipientName: 'Camille' } }));
    for (const failure of ['network', 503, 500, 408, 429, { status: 409, code: 'idempotency_request_in_progress' }] as const) {
      api.script.push(failure);
      expect(await queue.drain()).toMatchObject({ sent: 0, waiting: 2, stoppedBy: 'retry' });
    }
    let lost = 0;
    const again = new StepQueue({ storage: (queue as unknown as { options: { storage: QueueStorage } }).options.storage, fetch: api.fetch, onUnauthenticated: () => (lost += 1) });
    api.script.push(401);
    expect(await again.drain()).toMatchObject({ sent: 0, waiting: 2, stoppedBy: 'unauthenticated' });
    expect(lost).toBe(1);
    expect(again.snapshot.pending[0]).toMatchObject({ attempts: 7, lastError: { status: 401 } });
    expect(await again.drain()).toMatchObject({ sent: 2, waiting: 0 });
    expect(api.applied.map((entry) => entry.body.type)).toEqual(['picked_up', 'delivered']);
    expect(new Set(api.calls.map((call) => call.key))).toEqual(new Set(['key-1', 'key-2']));
  });

  it('moves a refused step (the hub reassigned the delivery) to the refused list, goes on with the next, and forgets it only when dismissed', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    api.refuse.set('dlv_gone', { status: 409, code: 'not_on_round', message: 'The delivery is no longer on your round.' });
    await queue.enqueue(step('dlv_gone', { type: 'failed', reasonCode: 'absent', reason: 'Personne' }));
    await queue.enqueue(step('dlv_2', { type: 'picked_up' }));
    expect(await queue.drain()).toEqual({ sent: 1, refused: 1, waiting: 0 });
    expect(queue.snapshot.refused).toHaveLength(1);
    expect(queue.snapshot.refused[0]).toMatchObject({ deliveryId: 'dlv_gone', body: { type: 'failed', reasonCode: 'absent' }, error: { status: 409, code: 'not_on_round', message: 'The delivery is no longer on your round.' } });
    // Refused once: never sent again by itself.
    await queue.drain();
    expect(api.calls.filter((call) => call.url.includes('dlv_gone'))).toHaveLength(1);
    await queue.dismiss(queue.snapshot.refused[0]!.id);
    expect(queue.snapshot).toEqual({ pending: [], refused: [] });
  });

  it('keeps the queue across a reload: a new queue on the same storage sends what the old one could not, with the same keys', async () => {
    const api = fakeApi();
    const storage = memoryStorage();
    const { queue } = makeQueue(api, storage);
    api.setOnline(false);
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    await queue.enqueue(step('dlv_1', { type: 'delivered', proof: {} }, { attachments: [{ purpose: 'proof', blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' }), contentType: 'image/jpeg' }] }));
    await queue.drain();

    // The page is reloaded: everything in memory is gone, the storage stays.
    api.setOnline(true);
    const reloaded = new StepQueue({ storage, fetch: api.fetch });
    const state = await reloaded.load();
    expect(state.pending.map((item) => [item.key, item.body.type])).toEqual([['key-1', 'picked_up'], ['key-2', 'delivered']]);
    expect(state.pending[1]?.attachments[0]?.blob.size).toBe(6);
    expect(await reloaded.drain()).toMatchObject({ sent: 2, waiting: 0 });
    expect(api.applied.map((entry) => entry.key)).toEqual(['key-1', 'key-2']);
    expect(api.stored.get('pho_1')?.size).toBe(6);
  });

  it('uploads the photo and the signature before the delivered step, which names them; a retry does not upload them again', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    const photo = new Blob([new Uint8Array(1000)], { type: 'image/jpeg' });
    const signature = new Blob([new Uint8Array(200)], { type: 'image/png' });
    await queue.enqueue(step('dlv_1', { type: 'delivered', proof: { recipientName: 'Camille Martin' } }, {
      attachments: [
        { purpose: 'proof', blob: photo, contentType: 'image/jpeg' },
        { purpose: 'signature', blob: signature, contentType: 'image/png' },
      ],
    }));
    // Both stored, then the step's answer is lost: the retry sends only the step, same key.
    api.script.push('network-after');
    const first = await queue.drain();
    expect(first).toMatchObject({ sent: 0, stoppedBy: 'retry' });
    expect(await queue.drain()).toMatchObject({ sent: 1, waiting: 0 });
    expect(api.calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /v1/courier/deliveries/dlv_1/photos',
      'POST https://store.example/pho_1',
      'POST /v1/courier/deliveries/dlv_1/photos',
      'POST https://store.example/pho_2',
      'POST /v1/courier/deliveries/dlv_1/events',
      'POST /v1/courier/deliveries/dlv_1/events',
    ]);
    expect(api.calls[0]).toMatchObject({ key: 'key-1.proof.1', body: { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 1000 } });
    expect(api.calls[2]).toMatchObject({ key: 'key-1.signature.1', body: { purpose: 'signature', contentType: 'image/png', sizeBytes: 200 } });
    // Every field of the signed form, then the file.
    expect(api.calls[1]?.form).toEqual([['key', 'proofs/pho_1'], ['policy', 'signed'], ['file', '<file 1000>']]);
    expect(api.applied).toHaveLength(1);
    expect(api.applied[0]?.body.proof).toEqual({ recipientName: 'Camille Martin', photoId: 'pho_1', signatureId: 'pho_2' });
    expect(api.stored.get('pho_1')?.size).toBe(1000);
  });

  it('a photo over the limit is refused without being uploaded; the step can be sent again without it', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    const big = new Blob([new Uint8Array(MAX_PHOTO_BYTES + 1)], { type: 'image/jpeg' });
    await queue.enqueue(step('dlv_1', { type: 'delivered', proof: { recipientName: 'Camille' } }, { attachments: [{ purpose: 'proof', blob: big, contentType: 'image/jpeg' }] }));
    expect(await queue.drain()).toMatchObject({ refused: 1, waiting: 0 });
    expect(api.calls).toEqual([]);
    const refused = queue.snapshot.refused[0]!;
    expect(refused.error.code).toBe('photo_too_large');
    await queue.sendAgainWithoutAttachments(refused.id);
    expect(await queue.drain()).toMatchObject({ sent: 1 });
    expect(api.applied[0]?.body).toMatchObject({ type: 'delivered', at: refused.body.at, proof: { recipientName: 'Camille' } });
    expect(api.applied[0]?.key).not.toBe(refused.key);
  });

  it('a refused CSRF token is taken again from the session, and the step waits rather than being refused', async () => {
    const api = fakeApi();
    let refreshed = 0;
    const queue = new StepQueue({ storage: memoryStorage(), fetch: api.fetch, refreshCsrf: async () => ((refreshed += 1), true) });
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    api.script.push({ status: 403, code: 'csrf_token_invalid' });
    expect(await queue.drain()).toMatchObject({ stoppedBy: 'retry', waiting: 1 });
    expect(refreshed).toBe(1);
    expect(await queue.drain()).toMatchObject({ sent: 1 });
  });

  it('one drain at a time: a drain asked during a drain adds no second sender', async () => {
    const api = fakeApi();
    const { queue } = makeQueue(api);
    await queue.enqueue(step('dlv_1', { type: 'picked_up' }));
    await queue.enqueue(step('dlv_2', { type: 'picked_up' }));
    const [a, b] = await Promise.all([queue.drain(), queue.drain()]);
    expect(a).toBe(b);
    expect(api.calls).toHaveLength(2);
  });

  it('classifies answers', () => {
    expect([200, 201, 204].map((status) => classify(status))).toEqual(['sent', 'sent', 'sent']);
    expect([0, 408, 429, 500, 502, 503].map((status) => classify(status))).toEqual(Array(6).fill('retry'));
    expect([400, 404, 409, 413, 422].map((status) => classify(status))).toEqual(Array(5).fill('refused'));
    expect(classify(401)).toBe('unauthenticated');
    expect(classify(409, 'idempotency_request_in_progress')).toBe('retry');
  });
});
