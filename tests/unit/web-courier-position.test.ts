import { describe, expect, it } from 'vitest';
import { startPositionReporting, type GeoPosition, type GeoWatch, type ReportedPosition, type SendResult } from '../../web/src/courier/position.js';
import { StepQueue, type QueueStorage } from '../../web/src/courier/queue.js';
import { startSender, type SenderEnvironment } from '../../web/src/courier/sender.js';

/** Position reports (throttled, dropped offline, stopped off shift) and when the queue is sent. */

function fakeGeolocation() {
  let success: ((position: GeoPosition) => void) | undefined;
  let failure: ((error: { code: number; message: string }) => void) | null | undefined;
  let cleared = false;
  return {
    api: {
      watchPosition(onSuccess: (position: GeoPosition) => void, onError?: ((error: { code: number; message: string }) => void) | null) {
        success = onSuccess;
        failure = onError;
        return 7;
      },
      clearWatch(id: number) {
        if (id === 7) cleared = true;
      },
    } satisfies GeoWatch,
    move(lat: number, lng: number, timestamp: number) {
      success?.({ coords: { latitude: lat, longitude: lng, accuracy: 12.4 }, timestamp });
    },
    deny() {
      failure?.({ code: 1, message: 'denied' });
    },
    get cleared() {
      return cleared;
    },
  };
}

const settle = () => new Promise((done) => setTimeout(done, 0));

describe('position reports', () => {
  it('sends at most once per interval, drops positions while offline (never queued), and stops for good off shift', async () => {
    const geo = fakeGeolocation();
    let now = 1_000_000;
    let online = true;
    let answer: SendResult = 'ok';
    const sent: ReportedPosition[] = [];
    const stops: string[] = [];
    startPositionReporting({
      geolocation: geo.api,
      intervalSeconds: 60,
      now: () => now,
      isOnline: () => online,
      send: async (position) => {
        sent.push(position);
        return answer;
      },
      onStopped: (reason) => stops.push(reason),
    });
    geo.move(45.4397123456, 4.3872, now);
    await settle();
    now += 20_000;
    geo.move(45.44, 4.39, now);
    await settle();
    expect(sent).toEqual([{ lat: 45.439712, lng: 4.3872, at: new Date(1_000_000).toISOString(), accuracyMeters: 12 }]);

    now += 45_000;
    online = false;
    geo.move(45.45, 4.4, now);
    await settle();
    expect(sent).toHaveLength(1);
    online = true;
    now += 1_000;
    geo.move(45.46, 4.41, now);
    await settle();
    expect(sent.map((position) => position.lat)).toEqual([45.439712, 45.46]);

    answer = 'off_shift';
    now += 61_000;
    geo.move(45.47, 4.42, now);
    await settle();
    expect(stops).toEqual(['off_shift']);
    expect(geo.cleared).toBe(true);
    now += 61_000;
    geo.move(45.48, 4.43, now);
    await settle();
    expect(sent).toHaveLength(3);
  });

  it('stops when the courier refuses the location', () => {
    const geo = fakeGeolocation();
    const stops: string[] = [];
    startPositionReporting({ geolocation: geo.api, intervalSeconds: 60, send: async () => 'ok', onStopped: (reason) => stops.push(reason) });
    geo.deny();
    expect(stops).toEqual(['denied']);
    expect(geo.cleared).toBe(true);
  });
});

describe('the sender', () => {
  function environment() {
    const timers: Array<{ callback: () => void; ms: number; cleared: boolean }> = [];
    let wake: (() => void) | undefined;
    let online = true;
    const env: SenderEnvironment = {
      isOnline: () => online,
      isVisible: () => true,
      onWake(listener) {
        wake = listener;
        return () => (wake = undefined);
      },
      setTimer(callback, ms) {
        const timer = { callback, ms, cleared: false };
        timers.push(timer);
        return timer;
      },
      clearTimer(timer) {
        (timer as { cleared: boolean }).cleared = true;
      },
    };
    return {
      env,
      timers,
      setOnline(value: boolean) {
        online = value;
      },
      wake: () => wake?.(),
      /** Runs the last pending timer. */
      tick() {
        const timer = [...timers].reverse().find((candidate) => !candidate.cleared);
        if (!timer) return undefined;
        timer.cleared = true;
        timer.callback();
        return timer.ms;
      },
    };
  }

  it('drains when woken (online, back on screen), backs off while the network fails, and stops when stopped', async () => {
    const storage = new Map<string, unknown>();
    const store: QueueStorage = { get: async (key) => structuredClone(storage.get(key)), set: async (key, value) => void storage.set(key, structuredClone(value)) };
    let networkUp = false;
    const calls: string[] = [];
    const queue = new StepQueue({
      storage: store,
      fetch: async (url) => {
        calls.push(url);
        if (!networkUp) throw new TypeError('Failed to fetch');
        return new Response('{}', { status: 200 });
      },
    });
    await queue.enqueue({ deliveryId: 'dlv_1', body: { type: 'picked_up' }, label: { reference: null, stop: 'pickup', address: '' } });
    const env = environment();
    const sender = startSender(queue, env.env, { baseDelayMs: 1000, maxDelayMs: 8000 });
    await settle();
    await settle();
    // The first try failed: the next one in 1 s, then 2 s, 4 s, 8 s, 8 s.
    const delays: Array<number | undefined> = [env.timers.at(-1)?.ms];
    for (let index = 0; index < 4; index += 1) {
      env.tick();
      await new Promise((done) => setTimeout(done, 5));
      delays.push(env.timers.at(-1)?.ms);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);

    // The browser says it is offline: no request, a look now and then.
    env.setOnline(false);
    const before = calls.length;
    env.tick();
    await new Promise((done) => setTimeout(done, 5));
    expect(calls.length).toBe(before);

    // The network is back: the `online` event sends at once.
    env.setOnline(true);
    networkUp = true;
    env.wake();
    await new Promise((done) => setTimeout(done, 10));
    expect(queue.snapshot.pending).toEqual([]);
    sender.stop();
    expect(env.timers.every((timer) => timer.cleared)).toBe(true);
  });
});
