import { z } from 'zod';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SqlDb, Store } from '../store';
import { MAX_TRANSACTION_OPS, type TrailBaseClient, type TransactionOp } from '../trailbase';
import { classifyFailure, type ClassifyOptions, type Failure } from './engineErrors';
import type { SyncQueue } from './queue';
import type { QueuedOp } from './queuedOp';
import type { EntityRegistry, RemoteOperation } from '../entities/registry';
import { isBare500, judgeUpdate500 } from './updateRefusal';

/** Requests in flight at once unless told otherwise: enough that the server has work queued while this thread is busy saving. */
export const DEFAULT_PUSH_CONCURRENCY = 8;

export interface PushOptions {
  store: Store;
  queue: SyncQueue;
  registry: EntityRegistry;
  client: TrailBaseClient;
  clock: Clock;
  logger: Logger;
  /** Operations per request (setting `focusflow.sync.batchSize`); at most 128, TrailBase's transaction limit. */
  batchSize: number;
  /** Requests in flight at once (default `DEFAULT_PUSH_CONCURRENCY`). */
  concurrency?: number;
  /** Batches read from the claimed queue at a time. */
  windowBatches?: number;
  /** Batches whose results are recorded per store write. */
  recordBatches?: number;
  /** Runs inside each write that takes from the queue (the engine renews its lease there). */
  onWindow?: (db: SqlDb) => void;
  /** How to read failures (see `ClassifyOptions`). */
  classify?: ClassifyOptions;
  /** Sends of an update answered with an empty 500 before it counts as refused (see updateRefusal.ts). */
  updateSends?: number;
}

export interface PushResult {
  acknowledged: number;
  /** Operations that failed for good in this push. */
  failed: number;
  /** Operations charged a transient failure; they wait for their next attempt. */
  retrying: number;
  /** Why the push stopped early without charging anyone: the server is unreachable or the session ended. */
  stopped?: Failure;
}

type Outcome = { op: QueuedOp; ok: true } | { op: QueuedOp; ok: false; failure: Failure };

class Stop extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * Sends every due queued operation. Each request carries one batch (a TrailBase transaction, or a
 * single record call for a batch of one); creates carry their client-generated ids and the record
 * APIs upsert on them, so a batch replayed after a lost reply lands on the same rows. A batch the
 * server refuses as a whole is split into single calls so each operation gets the server's own reason.
 *
 * Several batches are in flight at once; the queue holds at most one operation per entity, so they
 * never touch the same record.
 */
export async function pushQueue(o: PushOptions): Promise<PushResult> {
  const batchSize = Math.max(1, Math.min(o.batchSize, MAX_TRANSACTION_OPS));
  const concurrency = o.concurrency ?? DEFAULT_PUSH_CONCURRENCY;
  // Every store write holds the event loop while it reads back and encodes what it changed, then waits
  // for an fsync. So the first write takes a few batches (requests start at once) and claims the rest of
  // the queue; the rest is then read in windows, which costs no write, and results are recorded in a few
  // large writes (each marks one column of its rows: a journal record of a few hundred KB).
  const lowWater = batchSize * concurrency * 2;
  const readSize = batchSize * (o.windowBatches ?? 40);
  const recordEvery = batchSize * (o.recordBatches ?? 100);
  const result: PushResult = { acknowledged: 0, failed: 0, retrying: 0 };

  const ready: QueuedOp[] = [];
  /** The queue position of the last operation taken into `ready`. */
  let cursor = 0;
  /** Operations after `cursor` and through this position are claimed: reading them is enough to send them. */
  let claimedThrough = 0;
  let reading = false;
  /** Operations taken into `ready` so far. */
  let taken = 0;
  let exhausted = false;
  let stopTaking = false;
  let stopped: Failure | undefined;
  let refilling: Promise<void> | undefined;
  let unrecorded: Outcome[] = [];
  const writes: Promise<void>[] = [];

  const take = async (n: number): Promise<{ ops: QueuedOp[]; last: boolean }> => {
    if (reading) {
      const ops = o.store.read((db) => o.queue.readClaimed(db, o.clock.now(), cursor, claimedThrough, n));
      if (ops.length === n) return { ops, last: false };
      // The claimed part ends here, or at an operation still backing off. Only what was queued since the
      // push began can follow, and sending that needs a write that claims it first.
      reading = false;
      const more = o.store.read((db) => o.queue.hasUnclaimed(db, claimedThrough));
      if (ops.length > 0 || !more) return { ops, last: !more };
    }
    const { ops, through } = await o.store.write((db) => {
      o.onWindow?.(db);
      const next = o.queue.takeBatch(db, o.clock.now(), n, cursor);
      // A short take is all there is to send now: claiming beyond it would only cost needless deletes.
      return { ops: next, through: next.length === n ? o.queue.claimPending(db, next[n - 1].seq) : undefined };
    });
    if (through !== undefined) claimedThrough = through;
    reading = through !== undefined;
    return { ops, last: ops.length < n };
  };

  const refill = (n: number): Promise<void> =>
    (refilling ??= take(n)
      .then(({ ops, last }) => {
        if (ops.length > 0) cursor = ops[ops.length - 1].seq;
        taken += ops.length;
        ready.push(...ops);
        if (last || ops.length === 0) exhausted = true;
      })
      .finally(() => (refilling = undefined)));

  const flush = (): void => {
    if (unrecorded.length === 0) return;
    const outcomes = unrecorded;
    unrecorded = [];
    writes.push(
      o.store.write((db) => record(o.queue, db, outcomes)).then((r) => {
        result.acknowledged += r.acknowledged;
        result.failed += r.failed;
        result.retrying += r.retrying;
      }),
    );
  };

  const worker = async (): Promise<void> => {
    while (!stopped) {
      const canTake = !exhausted && !stopTaking;
      if (canTake && ready.length < lowWater) {
        const refilled = refill(readSize);
        if (ready.length === 0) await refilled;
      }
      if (ready.length === 0) {
        if (refilling) await refilling;
        else if (exhausted || stopTaking) return;
        continue;
      }
      const batch = ready.splice(0, batchSize);
      try {
        const outcomes = await sendBatch(o, batch);
        // A transient failure leaves the head of the queue waiting for its next attempt: what is already
        // taken still goes out, nothing more is taken.
        if (outcomes.some((x) => !x.ok && x.failure.kind !== 'permanent')) stopTaking = true;
        unrecorded.push(...outcomes);
        if (unrecorded.length >= recordEvery) flush();
      } catch (err) {
        if (err instanceof Stop) stopped ??= err.failure;
        else throw err;
      }
    }
  };

  try {
    await refill(lowWater);
    // Changes queued while the push runs go out with it: another pass, as long as the last one took some.
    let seen = 0;
    while (taken > seen) {
      seen = taken;
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (stopped || stopTaking || !o.store.read((db) => o.queue.hasUnclaimed(db, Math.max(cursor, claimedThrough)))) break;
      exhausted = false;
    }
  } finally {
    await refilling?.catch(() => undefined);
    flush();
    await Promise.all(writes);
  }
  return stopped ? { ...result, stopped } : result;
}

function record(queue: SyncQueue, db: SqlDb, outcomes: readonly Outcome[]): Omit<PushResult, 'stopped'> {
  const done = outcomes.filter((x) => x.ok).map((x) => x.op);
  const acknowledged = done.length > 0 ? queue.markSucceeded(db, done) : 0;
  let failed = 0;
  let retrying = 0;
  for (const x of outcomes) {
    if (x.ok) continue;
    const r = queue.markFailed(db, x.op, x.failure.message, {
      permanent: x.failure.kind === 'permanent',
      ...(x.failure.retryAfterMs !== undefined ? { retryAfterMs: x.failure.retryAfterMs } : {}),
    });
    failed += r.failed;
    retrying += r.retrying;
  }
  return { acknowledged, failed, retrying };
}

async function sendBatch(o: PushOptions, taken: QueuedOp[]): Promise<Outcome[]> {
  const unsendable: Outcome[] = [];
  const batch: QueuedOp[] = [];
  const remote: RemoteOperation[] = [];
  for (const op of taken) {
    try {
      remote.push(o.registry.toRemoteOperation(op));
      batch.push(op);
    } catch (err) {
      // A queued payload that no longer passes its schema can never succeed; say why instead of retrying.
      unsendable.push({ op, ok: false, failure: { kind: 'permanent', message: `This change cannot be sent: ${(err as Error).message}`, error: err } });
    }
  }
  if (batch.length === 0) return unsendable;
  if (batch.length === 1) return [...unsendable, await sendOne(o, batch[0], remote[0])];
  return [...unsendable, ...(await sendTransaction(o, batch, remote))];
}

async function sendTransaction(o: PushOptions, batch: QueuedOp[], remote: RemoteOperation[]): Promise<Outcome[]> {
  try {
    const creates = remote.every((r) => 'Create' in r && r.Create.api_name === (remote[0] as { Create: { api_name: string } }).Create.api_name);
    if (creates) {
      // Sharing produces runs of creates: TrailBase's bulk create takes them in one cheaper statement batch.
      const values = remote.map((r) => (r as { Create: { value: Record<string, unknown> } }).Create.value);
      await o.client.records((remote[0] as { Create: { api_name: string } }).Create.api_name, anyRecord).create(values);
      return batch.map((op): Outcome => ({ op, ok: true }));
    }
    const results = await o.client.transaction(remote.map(toTransactionOp), { atomic: true });
    return batch.map((op, i): Outcome => {
      const r = results[i];
      return r.ok ? { op, ok: true } : { op, ok: false, failure: { kind: 'permanent', message: `The server refused this change: ${r.error}`, error: r.error } };
    });
  } catch (err) {
    const failure = classifyFailure(err, o.classify);
    if (failure.kind === 'offline' || failure.kind === 'signed-out') throw new Stop(failure);
    // TrailBase answers a bulk create or transaction with one bad operation by failing all of it, without saying which:
    // send them one by one. A 429 or 503 is about the server, not the batch: the batch waits as a whole.
    const aboutTheBatch = failure.kind === 'permanent' || (isStatus(err, 500) && failure.retryAfterMs === undefined);
    if (!aboutTheBatch) return batch.map((op) => ({ op, ok: false, failure }));
    o.logger.debug(`A batch of ${batch.length} changes was refused as a whole (${failure.message}); sending them one by one.`);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < batch.length; i++) outcomes.push(await sendOne(o, batch[i], remote[i]));
    return outcomes;
  }
}

const anyRecord = z.unknown();

async function sendOne(o: PushOptions, op: QueuedOp, remote: RemoteOperation): Promise<Outcome> {
  try {
    if ('Create' in remote) {
      await o.client.records(remote.Create.api_name, anyRecord).create(remote.Create.value);
    } else if ('Update' in remote) {
      await o.client.records(remote.Update.api_name, anyRecord).update(remote.Update.record_id, remote.Update.value);
    } else {
      await o.client.records(remote.Delete.api_name, anyRecord).delete(remote.Delete.record_id);
    }
    return { op, ok: true };
  } catch (err) {
    let failure = classifyFailure(err, o.classify);
    if ('Update' in remote && isBare500(err)) {
      const judged = await judgeUpdate500(o.client, remote.Update, failure, o.classify, o.updateSends);
      if (!judged) return { op, ok: true };
      failure = judged;
    }
    if (failure.kind === 'offline' || failure.kind === 'signed-out') throw new Stop(failure);
    // Deleting what is already gone achieved what the delete wanted.
    if ('Delete' in remote && isStatus(err, 404)) return { op, ok: true };
    return { op, ok: false, failure };
  }
}

function toTransactionOp(op: RemoteOperation): TransactionOp {
  if ('Create' in op) return { create: { api: op.Create.api_name, value: op.Create.value } };
  if ('Update' in op) return { update: { api: op.Update.api_name, id: op.Update.record_id, value: op.Update.value } };
  return { delete: { api: op.Delete.api_name, id: op.Delete.record_id } };
}

function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === status;
}
