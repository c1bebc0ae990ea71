import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesEventPattern } from '../../shared/events/pattern.js';
import { logger } from '../../shared/logging/logger.js';
import { lambdaContext, loadHandler } from './modules.js';

export interface StreamPollerOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  region: string;
  /** The consumer module (the outbox relay) and the filter its AWS event source mapping has. */
  handler: string;
  filter: Record<string, unknown>;
  /** Where the last relayed position of each shard is kept across restarts; memory only when omitted. */
  checkpointFile?: string;
  idleDelayMs?: number;
  retryDelayMs?: number;
}

export interface StreamPoller {
  /** Resolves once every record written so far has been handed to the relay successfully. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  iterator?: string;
  closed: boolean;
  parent?: string;
}

/**
 * What the Lambda event source mapping does in AWS, for DynamoDB Local: reads the table's
 * stream shard by shard, keeps the records the filter lets through, invokes the relay with a
 * Lambda-shaped batch, and retries from the first failed record until it succeeds.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);

  const checkpoints = loadCheckpoints(options.checkpointFile);
  const shards = new Map<string, ShardState>();
  let stopped = false;
  let pass = 0;
  let waiters: Array<{ afterPass: number; wake: () => void }> = [];
  const idleDelayMs = options.idleDelayMs ?? 100;
  const retryDelayMs = options.retryDelayMs ?? 250;

  /**
   * The position advances only once the relay has handed the records over (to a bus that
   * stores what it acknowledges), and the file is replaced whole: a crash leaves the old
   * position or the new one, never a torn file that would send the relay back to the start.
   */
  const saveCheckpoint = (shardId: string, sequenceNumber: string) => {
    checkpoints[shardId] = sequenceNumber;
    if (options.checkpointFile) {
      mkdirSync(dirname(options.checkpointFile), { recursive: true });
      const temporary = `${options.checkpointFile}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(checkpoints));
      const fd = openSync(temporary, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, options.checkpointFile);
    }
  };

  const refreshShards = async () => {
    let exclusiveStart: string | undefined;
    do {
      const { StreamDescription } = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStart }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        shards.set(shard.ShardId, { closed: false, ...(shard.ParentShardId ? { parent: shard.ParentShardId } : {}) });
      }
      exclusiveStart = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);
  };

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = checkpoints[shardId];
    try {
      const { ShardIterator } = await options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException) {
        delete checkpoints[shardId];
        return iteratorFor(shardId);
      }
      throw error;
    }
  };

  /** Reads one page of a shard; returns how many records it read. */
  const pollShard = async (shardId: string, state: ShardState): Promise<number> => {
    state.iterator ??= await iteratorFor(shardId);
    if (!state.iterator) {
      state.closed = true;
      return 0;
    }
    let page;
    try {
      page = await options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 100 }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        state.iterator = undefined;
        return 0;
      }
      throw error;
    }
    const records = page.Records ?? [];
    const selected = records.map(toLambdaRecord(options.region, streamArn)).filter((record) => matchesEventPattern(options.filter, record));
    if (selected.length > 0) {
      const relay = await loadHandler(options.handler);
      const response = (await relay({ Records: selected } satisfies DynamoDBStreamEvent, lambdaContext('outbox-relay', `stream-${Date.now()}`, 30_000))) as DynamoDBBatchResponse | undefined;
      const failure = response?.batchItemFailures?.[0]?.itemIdentifier;
      if (failure !== undefined) {
        // Resume at the failed record next time, as the event source mapping does.
        const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === failure);
        const previous = index > 0 ? records[index - 1]?.dynamodb?.SequenceNumber : undefined;
        if (previous) saveCheckpoint(shardId, previous);
        state.iterator = undefined;
        throw new Error(`relay reported a failure at ${failure}`);
      }
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) saveCheckpoint(shardId, last);
    state.iterator = page.NextShardIterator;
    if (!page.NextShardIterator) state.closed = true;
    return records.length;
  };

  const loop = async () => {
    while (!stopped) {
      pass += 1;
      const thisPass = pass;
      let read = 0;
      try {
        await refreshShards();
        for (const [shardId, state] of shards) {
          if (state.closed) continue;
          // Children wait for their parent, so records stay in order.
          if (state.parent && shards.get(state.parent) && !shards.get(state.parent)?.closed) continue;
          read += await pollShard(shardId, state);
        }
        if (read === 0) {
          // Only a pass that began after drain() was called proves the earlier writes are in.
          for (const waiter of waiters.filter((candidate) => thisPass > candidate.afterPass)) waiter.wake();
          waiters = waiters.filter((candidate) => thisPass <= candidate.afterPass);
        }
      } catch (error) {
        if (!stopped) logger.warn('stream poller: will retry', { error: String(error) });
        // Iterators do not outlive a DynamoDB Local restart: start again from the saved positions.
        for (const state of shards.values()) state.iterator = undefined;
        await sleep(retryDelayMs);
        continue;
      }
      if (read === 0) await sleep(idleDelayMs);
    }
  };
  const running = loop();

  return {
    drain: () => new Promise<void>((wake) => waiters.push({ afterPass: pass, wake })),
    async stop() {
      stopped = true;
      for (const waiter of waiters) waiter.wake();
      await running;
    },
  };
}

function loadCheckpoints(file: string | undefined): Record<string, string> {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The SDK's stream record, in the shape Lambda hands to a function. */
function toLambdaRecord(region: string, streamArn: string) {
  return (record: StreamRecord): DynamoDBRecord => ({
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(record.dynamodb?.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      Keys: record.dynamodb?.Keys as never,
      NewImage: record.dynamodb?.NewImage as never,
      SequenceNumber: record.dynamodb?.SequenceNumber,
      SizeBytes: record.dynamodb?.SizeBytes,
      StreamViewType: record.dynamodb?.StreamViewType,
    },
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
