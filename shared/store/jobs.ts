import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isTransactionCancelled } from './conditions.ts';
import {
  ERASURE_JOB_PREFIX,
  erasureJobKey,
  type ItemKey,
  TERMINATION_JOB_PREFIX,
  tenantKey,
  terminationJobKey,
} from './keys.ts';
import type { ErasureJob, ErasureJobs, TenantStatus, TerminationJob, TerminationJobs } from './ports.ts';

type Stored = Record<string, unknown>;
const strip = <T>(item: Stored): T => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

/** A run's lease on a job was taken by another run (its own had run out): it must stop and write nothing more. */
export class LeaseLost extends Error {
  constructor(what: string) {
    super(`another run holds the lease on ${what}`);
    this.name = 'LeaseLost';
  }
}

/** Jobs kept beside their tenant in the tenants table, with the two things every job needs: a lease and saving. */
class JobTable<J extends { leaseUntil?: string }> {
  /** The lease each job object took through `lease`: its saves write only while its item still holds it. */
  readonly #held = new WeakMap<J, string>();

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
    protected readonly keyOf: (job: J) => ItemKey,
    private readonly prefix: string,
  ) {}

  protected async get(key: ItemKey): Promise<J | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Item ? strip<J>(Item) : undefined;
  }

  async jobs(tenantId: string): Promise<J[]> {
    const jobs: J[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': tenantKey(tenantId).pk, ':prefix': this.prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) jobs.push(...(page.Items ?? []).map((item) => strip<J>(item)));
    return jobs;
  }

  async lease(job: J, now: Date, until: Date): Promise<boolean> {
    const taken = await takeLease(this.db, this.table, this.keyOf(job), job, now, until);
    if (taken) this.#held.set(job, job.leaseUntil as string);
    return taken;
  }

  /**
   * Saves a job. A job leased through `lease` is saved only while its item still holds that lease,
   * the save that gives it back (`leaseUntil` removed) included: once another run has taken the job
   * over, this throws `LeaseLost` and writes nothing.
   */
  async save(job: J): Promise<void> {
    const held = this.#held.get(job);
    const key = this.keyOf(job);
    const condition = held ? { if: 'leaseUntil = :held', values: { ':held': held } } : undefined;
    if (!(await this.#put(job, condition))) throw new LeaseLost(`the job ${key.sk} of tenant ${key.pk}`);
    if (held && job.leaseUntil !== held) this.#held.delete(job);
  }

  /** Records a new job unless one with its key exists; returns the job that stands. */
  async create(job: J): Promise<J> {
    if (await this.#put(job, { if: 'attribute_not_exists(pk)' })) return job;
    const winner = await this.get(this.keyOf(job));
    if (!winner) throw new Error(`the job ${this.keyOf(job).sk} was refused and is not stored`);
    return winner;
  }

  /** Puts the job's item (under `condition`, if given); false when the condition does not hold. */
  async #put(job: J, condition?: { if: string; values?: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.keyOf(job), ...job },
          ...(condition
            ? {
                ConditionExpression: condition.if,
                ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Termination jobs: one per tenant and module. */
export class DynamoTerminationJobs extends JobTable<TerminationJob> implements TerminationJobs {
  constructor(db: DynamoDBDocumentClient, table: string) {
    super(db, table, (job) => terminationJobKey(job.tenantId, job.module), TERMINATION_JOB_PREFIX);
  }

  job(tenantId: string, module: string): Promise<TerminationJob | undefined> {
    return this.get(terminationJobKey(tenantId, module));
  }

  /**
   * Re-opens a job a hold kept from finishing at its first pass (kept counts zeroed, held counts
   * gone) and takes its lease away, so a run still under way stops at its next save. One update of
   * those fields only: what such a run saved meanwhile (pending deletes, what it deleted) stays.
   */
  async reopen(job: TerminationJob): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const sets = ['#status = :running', 'checkpoint = :first'];
    const removes = ['leaseUntil'];
    for (const [i, category] of Object.keys(job.counts).entries()) {
      names[`#c${i}`] = category;
      sets.push(`counts.#c${i}.kept = :zero`);
      removes.push(`counts.#c${i}.held`);
    }
    await reopenItem(
      this.db,
      this.table,
      this.keyOf(job),
      `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      names,
      {
        ':zero': 0,
      },
    );
  }

  async open(job: TerminationJob, tenantStatus: TenantStatus): Promise<TerminationJob> {
    const existing = await this.job(job.tenantId, job.module);
    if (existing) return existing;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: tenantKey(job.tenantId),
                UpdateExpression:
                  'SET terminations.#module = if_not_exists(terminations.#module, :at), #status = :status',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#module': job.module, '#status': 'status' },
                ExpressionAttributeValues: { ':at': job.requestedAt, ':status': tenantStatus },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...terminationJobKey(job.tenantId, job.module), ...job },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return job;
    } catch (error) {
      // A concurrent request won: its job is the job.
      const winner = isTransactionCancelled(error) ? await this.job(job.tenantId, job.module) : undefined;
      if (winner) return winner;
      throw error;
    }
  }
}

/** Erasure jobs: one per erasure request. */
export class DynamoErasureJobs extends JobTable<ErasureJob> implements ErasureJobs {
  constructor(db: DynamoDBDocumentClient, table: string) {
    super(db, table, (job) => erasureJobKey(job.tenantId, job.erasureId), ERASURE_JOB_PREFIX);
  }

  job(tenantId: string, erasureId: string): Promise<ErasureJob | undefined> {
    return this.get(erasureJobKey(tenantId, erasureId));
  }

  /** Re-opens a job a hold kept from finishing at its first pass (held counts gone), taking its lease away. */
  async reopen(job: ErasureJob): Promise<void> {
    await reopenItem(
      this.db,
      this.table,
      this.keyOf(job),
      'SET #status = :running, checkpoint = :first REMOVE leaseUntil, held',
      {
        '#status': 'status',
      },
    );
  }
}

/** One update of a job item that exists: running again from its first pass. */
async function reopenItem(
  db: DynamoDBDocumentClient,
  table: string,
  key: ItemKey,
  update: string,
  names: Record<string, string>,
  values: Record<string, unknown> = {},
): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: update,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':running': 'running', ':first': { pass: 1 }, ...values },
    }),
  );
}

/**
 * Takes a job item's lease until `until` unless another run holds it (a lease past `now` stands);
 * on success the job carries its new lease. Every resumable job (termination, erasure,
 * reconciliation) is leased this way.
 */
export async function takeLease(
  db: DynamoDBDocumentClient,
  table: string,
  key: ItemKey,
  job: { leaseUntil?: string },
  now: Date,
  until: Date,
): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':until': until.toISOString(), ':now': now.toISOString() },
      }),
    );
    job.leaseUntil = until.toISOString();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
