import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The EventBridge envelope a target receives. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** One event on its way to one rule's target. */
export interface PendingDelivery {
  rule: string;
  event: EventEnvelope;
  acceptedAt: string;
}

export interface DeadLetter {
  rule: string;
  eventId: string;
  detailType: string;
  attempts: number;
  error: string;
  failedAt: string;
  event: EventEnvelope;
}

/**
 * What the local bus has accepted and not yet handed to every target, and what it gave up on.
 * EventBridge acknowledges `PutEvents` once the event is stored durably; so does the local bus:
 * each (event, rule) is written here before the answer, removed once its target succeeded, and
 * moved to the dead letters when the retries run out. After a crash, the next start delivers
 * whatever is still pending. On disk under `DATA_DIR` (`npm start`), in memory for tests.
 */
export interface BusJournal {
  accept(deliveries: readonly PendingDelivery[]): void;
  delivered(delivery: PendingDelivery): void;
  deadLetter(delivery: PendingDelivery, deadLetter: DeadLetter): void;
  pending(): PendingDelivery[];
  deadLetters(): DeadLetter[];
  /** Puts dead letters back in the queue (all, or those of one rule or event); returns them. */
  requeue(filter: { rule?: string; eventId?: string }): PendingDelivery[];
}

const fileName = (rule: string, eventId: string) => `${encodeURIComponent(rule)}~${encodeURIComponent(eventId)}.json`;

export function memoryJournal(): BusJournal {
  const pending = new Map<string, PendingDelivery>();
  const dead = new Map<string, DeadLetter>();
  return {
    accept(deliveries) {
      for (const delivery of deliveries) pending.set(fileName(delivery.rule, delivery.event.id), delivery);
    },
    delivered(delivery) {
      pending.delete(fileName(delivery.rule, delivery.event.id));
    },
    deadLetter(delivery, deadLetter) {
      pending.delete(fileName(delivery.rule, delivery.event.id));
      dead.set(fileName(delivery.rule, delivery.event.id), deadLetter);
    },
    pending: () => [...pending.values()],
    deadLetters: () => [...dead.values()].sort((a, b) => a.failedAt.localeCompare(b.failedAt)),
    requeue(filter) {
      const moved: PendingDelivery[] = [];
      for (const [name, letter] of dead) {
        if ((filter.rule && letter.rule !== filter.rule) || (filter.eventId && letter.eventId !== filter.eventId)) continue;
        dead.delete(name);
        const delivery = { rule: letter.rule, event: letter.event, acceptedAt: new Date().toISOString() };
        pending.set(name, delivery);
        moved.push(delivery);
      }
      return moved;
    },
  };
}

/** Writes a file so that after a crash it is either absent or whole: temporary file, fsync, rename. */
function writeDurably(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readAll<T>(folder: string): T[] {
  const items: T[] = [];
  for (const name of readdirSync(folder).filter((candidate) => candidate.endsWith('.json')).sort()) {
    try {
      items.push(JSON.parse(readFileSync(join(folder, name), 'utf8')) as T);
    } catch {
      // A file cut short by a crash before its rename cannot exist (see writeDurably); anything
      // else unreadable is not ours: left where it is.
    }
  }
  return items;
}

export function fileJournal(folder: string): BusJournal {
  const pendingFolder = join(folder, 'pending');
  const deadFolder = join(folder, 'dead-letters');
  mkdirSync(pendingFolder, { recursive: true });
  mkdirSync(deadFolder, { recursive: true });
  // Leftovers of a write interrupted before its rename: never acknowledged, so never owed.
  for (const name of readdirSync(pendingFolder).filter((candidate) => candidate.endsWith('.tmp'))) rmSync(join(pendingFolder, name), { force: true });

  return {
    accept(deliveries) {
      for (const delivery of deliveries) writeDurably(join(pendingFolder, fileName(delivery.rule, delivery.event.id)), JSON.stringify(delivery));
      if (deliveries.length > 0) syncFolder(pendingFolder);
    },
    delivered(delivery) {
      rmSync(join(pendingFolder, fileName(delivery.rule, delivery.event.id)), { force: true });
    },
    deadLetter(delivery, deadLetter) {
      writeDurably(join(deadFolder, fileName(delivery.rule, delivery.event.id)), JSON.stringify(deadLetter));
      syncFolder(deadFolder);
      rmSync(join(pendingFolder, fileName(delivery.rule, delivery.event.id)), { force: true });
    },
    pending: () => readAll<PendingDelivery>(pendingFolder).sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt)),
    deadLetters: () => readAll<DeadLetter>(deadFolder).sort((a, b) => a.failedAt.localeCompare(b.failedAt)),
    requeue(filter) {
      const moved: PendingDelivery[] = [];
      for (const letter of readAll<DeadLetter>(deadFolder)) {
        if ((filter.rule && letter.rule !== filter.rule) || (filter.eventId && letter.eventId !== filter.eventId)) continue;
        const delivery: PendingDelivery = { rule: letter.rule, event: letter.event, acceptedAt: new Date().toISOString() };
        writeDurably(join(pendingFolder, fileName(letter.rule, letter.event.id)), JSON.stringify(delivery));
        rmSync(join(deadFolder, fileName(letter.rule, letter.event.id)), { force: true });
        moved.push(delivery);
      }
      if (moved.length > 0) syncFolder(pendingFolder);
      return moved;
    },
  };
}
