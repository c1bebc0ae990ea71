import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileJournal } from '../../infra/local/bus-journal.js';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus.js';
import type { EventRule } from '../../shared/events/rule.js';
import { attempts } from '../fixtures/flaky-consumer.js';

/**
 * The local bus keeps what it acknowledged, as EventBridge does: an event accepted by PutEvents
 * reaches its targets even if the bus dies before delivering it, and dead letters outlive the
 * process. Two bus instances on one folder stand for a run and the run after a crash.
 */
const rule: EventRule = {
  name: 'journal-test',
  description: 'Records deliveries.',
  consumes: [],
  pattern: { source: ['journal-test'] },
  target: { handler: 'tests/fixtures/flaky-consumer.ts', retryAttempts: 2, maximumEventAgeSeconds: 60 },
};
const folders: string[] = [];
const buses: LocalEventBus[] = [];
afterAll(async () => {
  for (const bus of buses) await bus.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function bus(folder: string, targetsAvailable = true): Promise<{ bus: LocalEventBus; client: EventBridgeClient }> {
  const started = await startLocalEventBus({ port: 0, busName: 'journal', region: 'eu-west-3', rules: [rule], retryBaseMs: 5, journal: fileJournal(folder), targetsAvailable: () => targetsAvailable });
  buses.push(started);
  const client = new EventBridgeClient({ endpoint: started.endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return { bus: started, client };
}

async function put(client: EventBridgeClient, failTimes: number, count = 1): Promise<string[]> {
  const result = await client.send(
    new PutEventsCommand({ Entries: Array.from({ length: count }, () => ({ EventBusName: 'journal', Source: 'journal-test', DetailType: 'x', Detail: JSON.stringify({ data: { failTimes } }) })) }),
  );
  return (result.Entries ?? []).map((entry) => entry.EventId as string);
}

describe('the local bus journal', () => {
  it('delivers after a restart what was acknowledged and not yet delivered', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bus-journal-'));
    folders.push(folder);
    // A run whose targets cannot run: the events are acknowledged, then the bus goes away.
    const first = await bus(folder, false);
    const ids = await put(first.client, 0, 5);
    await first.bus.stop();
    first.client.destroy();
    expect(ids.every((id) => !attempts().has(id))).toBe(true);
    expect(readdirSync(join(folder, 'pending'))).toHaveLength(5);

    const second = await bus(folder);
    expect(second.bus.resumePending()).toBe(5);
    await second.bus.idle();
    for (const id of ids) expect(attempts().get(id)).toBe(1);
    expect(readdirSync(join(folder, 'pending'))).toEqual([]);
    second.client.destroy();
  });

  it('keeps dead letters on disk across a restart, and replays them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bus-journal-'));
    folders.push(folder);
    const first = await bus(folder);
    const [id] = await put(first.client, 3);
    await first.bus.idle();
    expect(attempts().get(id as string)).toBe(3);
    expect(first.bus.deadLetters.map((letter) => letter.eventId)).toEqual([id]);
    await first.bus.stop();
    first.client.destroy();

    const second = await bus(folder);
    expect(second.bus.resumePending()).toBe(0);
    const listed = (await (await fetch(`${second.bus.endpoint}/dead-letters`)).json()) as { deadLetters: Array<{ eventId: string; rule: string; attempts: number }> };
    expect(listed.deadLetters).toMatchObject([{ eventId: id, rule: 'journal-test', attempts: 3 }]);
    // The consumer's fourth attempt succeeds: the replayed letter is delivered and leaves the list.
    expect(second.bus.replayDeadLetters({ rule: 'journal-test' })).toBe(1);
    await second.bus.idle();
    expect(attempts().get(id as string)).toBe(4);
    expect(second.bus.deadLetters).toEqual([]);
    second.client.destroy();
  });

  it('answers PutEvents with an error, so the sender retries, when it cannot record the event', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bus-journal-'));
    folders.push(folder);
    const started = await bus(folder);
    rmSync(folder, { recursive: true, force: true });
    await expect(put(started.client, 0)).rejects.toThrow();
    started.client.destroy();
  });
});
