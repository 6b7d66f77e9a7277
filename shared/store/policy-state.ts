import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditions.ts';
import { LeaseLost, takeLease } from './jobs.ts';
import {
  type ItemKey,
  POLICY_PK,
  policyDeclarationsKey,
  policyInForceKey,
  RECONCILIATION_PREFIX,
  reconciliationKey,
} from './keys.ts';

/** The policy stored data was last brought under (its declarations are kept by version). */
export interface PolicyInForce {
  version: string;
  since: string;
}

/** What one reconciliation did for one changed rule, in a pass. Counts only. */
export interface ChangeCounts {
  /** Day buckets filed under the new rule's deadline (their records' deadline moved with them). */
  bucketsRefiled: number;
  /** Day buckets taken out: the new rule gives their records no deadline while the tenant lives. */
  bucketsRemoved: number;
  /** Day buckets filed for records that had no deadline before. */
  bucketsCreated: number;
  /** Records the new rule finds past their deadline: the sweep deletes them in the same run. */
  dueAtOnce: number;
  /** S3 archives and receipts, and released legal holds, filed under their new deadline. */
  entriesRefiled: number;
  /** Archives whose records now fall due at different times: rewritten as one object per deadline window. */
  archivesRegrouped: number;
}

/** One changed rule and the work it takes, as the job planned it. */
export interface PlannedChange {
  id: string;
  before: string[];
  /** The rule now (its name), or `null` once the policy no longer declares it. */
  after: string | null;
  /** What the stores do: re-file buckets, create them, regroup archives, re-file entries… */
  work: string[];
  /** Why the stores cannot bring the items under the new rule (nothing is done for it). */
  unenforceable?: string;
}

/** A reconciliation: stored data brought from the policies it may be under to version `to`. */
export interface ReconciliationJob {
  to: string;
  from: string[];
  status: 'running' | 'waiting' | 'completed' | 'superseded';
  changes: PlannedChange[];
  /** 1, then 2: the second catches what captures running the old code wrote during the deploy. */
  pass: 1 | 2;
  startedAt: string;
  passStartedAt: string;
  passOneStartedAt: string;
  endedAt?: string;
  tenants: { total: number; done: number };
  /** Where the pass resumes: after the last finished tenant, in a tenant at a step and page. */
  cursor: { afterTenant?: string; tenantId?: string; step?: number; page?: string };
  /** Writes decided and counted but not yet confirmed (a write-ahead list, applied again on resume). */
  pending?: unknown;
  counts: Record<string, ChangeCounts>;
  /** What the second pass found written under the old policy, per change. */
  lateCounts: Record<string, ChangeCounts>;
  readUnits: number;
  receiptKey?: string;
  leaseUntil?: string;
}

/** Where the policy in force and the reconciliations are kept (the control-plane table). */
export interface PolicyState {
  inForce(): Promise<PolicyInForce | undefined>;
  setInForce(state: PolicyInForce): Promise<void>;
  /** Keeps the declarations of a version (their stored form), once. */
  putDeclarations(version: string, declarations: string): Promise<void>;
  declarations(version: string): Promise<string | undefined>;
  job(to: string): Promise<ReconciliationJob | undefined>;
  /**
   * Opens a job unless one for its version exists (or, given `replacing`, unless that one changed
   * meanwhile); returns the job that stands. A replaced job is kept, under its start time.
   */
  open(job: ReconciliationJob, replacing?: ReconciliationJob): Promise<ReconciliationJob>;
  lease(job: ReconciliationJob, now: Date, until: Date): Promise<boolean>;
  /**
   * Saves a job. One that holds a lease (`leaseUntil`, set by `lease`) is saved only while its item
   * still holds that lease: once another run has taken it, this throws `LeaseLost` and writes nothing.
   */
  save(job: ReconciliationJob): Promise<void>;
  /** Saves a job without its lease, if its item still holds that lease; false once another run took it. */
  release(job: ReconciliationJob): Promise<boolean>;
  jobs(): Promise<ReconciliationJob[]>;
  remove(job: ReconciliationJob): Promise<void>;
}

type Stored = Record<string, unknown>;
const strip = <T>({ pk: _pk, sk: _sk, ...rest }: Stored) => rest as T;

/**
 * A job as its item keeps it: the pending writes (long lists of buckets that differ by a day and a
 * date) deflated into one binary attribute, with the pass and cursor they were saved at: 600 of
 * them, some 80–90 KB as JSON, take about 3 KB. A job is saved at every batch it starts, so this is
 * most of what the reconciliation writes besides the buckets themselves (on DynamoDB, write units
 * by item size).
 */
function jobItem(key: ItemKey, { pending, ...job }: ReconciliationJob): Stored {
  const deflated =
    pending === undefined
      ? undefined
      : deflateRawSync(JSON.stringify({ pass: job.pass, cursor: job.cursor, pending }));
  return { ...key, ...job, ...(deflated ? { pendingDeflated: deflated } : {}) };
}

const sameCursor = (a: ReconciliationJob['cursor'], b: ReconciliationJob['cursor']) =>
  a.afterTenant === b.afterTenant && a.tenantId === b.tenantId && a.step === b.step && a.page === b.page;

/**
 * A job from its item. One saved by code from before the pending writes were deflated keeps them
 * as a plain attribute; such code also carries a deflated list it cannot read along with the
 * item, so that list counts only if it was saved at the job's pass and cursor.
 */
function jobOf(item: Stored): ReconciliationJob {
  const { pendingDeflated, ...rest } = strip<ReconciliationJob & { pendingDeflated?: Uint8Array }>(item);
  if (pendingDeflated === undefined) return rest;
  const saved = JSON.parse(inflateRawSync(pendingDeflated).toString('utf8')) as Pick<
    ReconciliationJob,
    'pass' | 'cursor' | 'pending'
  >;
  if (saved.pass !== rest.pass || !sameCursor(saved.cursor, rest.cursor)) return rest;
  return { ...rest, pending: saved.pending };
}

/** PolicyState in the tenants table, partition POLICY. */
export class DynamoPolicyState implements PolicyState {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async inForce(): Promise<PolicyInForce | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: policyInForceKey, ConsistentRead: true }),
    );
    return Item ? strip<PolicyInForce>(Item) : undefined;
  }

  async setInForce(state: PolicyInForce): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...policyInForceKey, ...state } }));
  }

  async putDeclarations(version: string, declarations: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...policyDeclarationsKey(version), version, declarations },
      }),
    );
  }

  async declarations(version: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: policyDeclarationsKey(version), ConsistentRead: true }),
    );
    return typeof Item?.declarations === 'string' ? Item.declarations : undefined;
  }

  async job(to: string): Promise<ReconciliationJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: reconciliationKey(to), ConsistentRead: true }),
    );
    return Item ? jobOf(Item) : undefined;
  }

  async open(job: ReconciliationJob, replacing?: ReconciliationJob): Promise<ReconciliationJob> {
    if (replacing)
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: jobItem(reconciliationKey(replacing.to, replacing.startedAt), replacing),
        }),
      );
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: jobItem(reconciliationKey(job.to), job),
          ConditionExpression: replacing ? 'startedAt = :seen' : 'attribute_not_exists(pk)',
          ...(replacing ? { ExpressionAttributeValues: { ':seen': replacing.startedAt } } : {}),
        }),
      );
      return job;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.job(job.to)) as ReconciliationJob;
    }
  }

  lease(job: ReconciliationJob, now: Date, until: Date): Promise<boolean> {
    return takeLease(this.db, this.table, reconciliationKey(job.to), job, now, until);
  }

  async save(job: ReconciliationJob): Promise<void> {
    if (!(await this.#put(job, job.leaseUntil))) throw new LeaseLost(`the reconciliation to ${job.to}`);
  }

  async release(job: ReconciliationJob): Promise<boolean> {
    const held = job.leaseUntil;
    delete job.leaseUntil;
    return this.#put(job, held);
  }

  /** Puts the job's item, only while it holds the lease `held` when one is given; false when it no longer does. */
  async #put(job: ReconciliationJob, held: string | undefined): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: jobItem(reconciliationKey(job.to), job),
          ...(held
            ? { ConditionExpression: 'leaseUntil = :held', ExpressionAttributeValues: { ':held': held } }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (held && isConditionFailure(error)) return false;
      throw error;
    }
  }

  async jobs(): Promise<ReconciliationJob[]> {
    const jobs: ReconciliationJob[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': POLICY_PK, ':prefix': RECONCILIATION_PREFIX },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) jobs.push(...(page.Items ?? []).map(jobOf));
    return jobs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  }

  async remove(job: ReconciliationJob): Promise<void> {
    // Whichever key it is kept under: the latest to its version, or an earlier one.
    for (const key of [reconciliationKey(job.to, job.startedAt), reconciliationKey(job.to)])
      await this.db
        .send(
          new DeleteCommand({
            TableName: this.table,
            Key: key,
            ConditionExpression: 'startedAt = :started',
            ExpressionAttributeValues: { ':started': job.startedAt },
          }),
        )
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
  }
}
