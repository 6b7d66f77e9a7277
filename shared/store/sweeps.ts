import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { oldestKeptRecordTime, sweepCutoff } from '#policy/index';
import { deleteKeys } from './batch.ts';
import { isConditionFailure } from './conditions.ts';
import { SWEEP_PK, sweepLeaseKey, sweepRunBound, sweepRunKey } from './keys.ts';

/** What one run of the sweep did; also what `GET /v1/ops/sweeps` shows. Counts and times only. */
export interface SweepRun {
  runId: string;
  status: 'running' | 'completed' | 'stopped' | 'failed' | 'abandoned';
  startedAt: string;
  endedAt?: string;
  /** Everything filed under a deadline at or before this instant was due in this run. */
  cutoff: string;
  /** Why a run stopped before the backlog was empty: its item limit or its time. */
  stoppedBy?: 'item-limit' | 'time';
  /** Records deleted, per category (archived records counted inside the objects that held them). */
  deleted: Record<string, number>;
  /** Records due but kept because a legal hold covers them, per category. */
  held: Record<string, number>;
  objectsDeleted: number;
  /** Entries the policy no longer finds due (it changed): filed under their new deadline instead. */
  refiled: number;
  /** Deletions that failed (S3 refused an object): retried by the next run. */
  failed: number;
  /** Entries still due when the run ended (counted up to `backlogCap`). */
  backlog: number;
  backlogCapped: boolean;
  /** Age of the oldest record still stored past its deadline when the run ended; 0 when none. */
  oldestOverdueSeconds: number;
  readUnits: number;
  scannedCount: number;
  error?: string;
}

/** A run as it starts: nothing done yet, acting on what was due a clock-skew margin before `startedAt`. */
export function newRun(runId: string, startedAt: Date): SweepRun {
  return {
    runId,
    status: 'running',
    startedAt: startedAt.toISOString(),
    cutoff: sweepCutoff(startedAt).toISOString(),
    deleted: {},
    held: {},
    objectsDeleted: 0,
    refiled: 0,
    failed: 0,
    backlog: 0,
    backlogCapped: false,
    oldestOverdueSeconds: 0,
    readUnits: 0,
    scannedCount: 0,
  };
}

const LEASE = sweepLeaseKey;
const runKey = (run: Pick<SweepRun, 'startedAt' | 'runId'>) => sweepRunKey(run.startedAt, run.runId);

/** The sweep's lease (one run at a time) and the status of its runs, in the control-plane table. */
export class DynamoSweepLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Takes the lease until `until` unless another run holds it. A run that crashed keeps it only
   * until its own `until`; the run that then takes over marks the crashed run abandoned.
   */
  async lease(run: SweepRun, now: Date, until: Date): Promise<boolean> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...LEASE, runId: run.runId, runSk: runKey(run).sk, leaseUntil: until.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const previous = out.Attributes?.runSk;
      if (typeof previous === 'string') await this.#abandon(previous);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives the lease back (only if this run still holds it). */
  async release(run: SweepRun): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: LEASE,
          ConditionExpression: 'runId = :run',
          ExpressionAttributeValues: { ':run': run.runId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Writes a run's status (at its start, and again at its end). No TTL: `purge` removes it at the
   * deadline the policy gives at the time, however the rule changed since it was written.
   */
  async save(run: SweepRun): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...runKey(run), ...run } }));
  }

  /** The latest runs, newest first, without those past their own retention at `now`. */
  async recent(limit: number, now: Date): Promise<SweepRun[]> {
    const items = await this.#runs(sweepRunBound(this.#oldestKept(now)), sweepRunBound('~'), {
      ScanIndexForward: false,
      Limit: limit,
    });
    return items.map(({ pk: _pk, sk: _sk, ...run }) => run as SweepRun);
  }

  /** Deletes the status of runs past their retention at `cutoff` (read by key, oldest first). */
  async purge(cutoff: Date): Promise<number> {
    const items = await this.#runs(sweepRunBound(''), sweepRunBound(this.#oldestKept(cutoff)), {
      ProjectionExpression: 'pk, sk',
      Limit: 500,
    });
    const keys = items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    await deleteKeys(this.db, this.table, keys);
    return keys.length;
  }

  /** One page of run statuses whose sort keys lie between `from` and `to`. */
  async #runs(from: string, to: string, options: Record<string, unknown>) {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': SWEEP_PK, ':from': from, ':to': to },
        ConsistentRead: true,
        ...options,
      }),
    );
    return out.Items ?? [];
  }

  /** The earliest start a run may have and still be kept at `now`. */
  #oldestKept(now: Date): string {
    return oldestKeptRecordTime('sweep-status', now).toISOString();
  }

  async #abandon(runSk: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: SWEEP_PK, sk: runSk },
          UpdateExpression: 'SET #status = :abandoned',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':abandoned': 'abandoned', ':running': 'running' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
