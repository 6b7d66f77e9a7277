import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ModuleId } from '#policy/index';
import { isConditionFailure } from './conditions.ts';
import type { Tenant } from './tenants.ts';

/** Per category: how many records a termination deleted or archived, and what it keeps until when. */
export type TerminationCounts = Record<
  string,
  { deleted: number; archived: number; kept: number; keptUntil?: string }
>;

/** The progress of one module's termination for one tenant; also its checkpoint. */
export interface TerminationJob {
  tenantId: string;
  module: ModuleId;
  status: 'pending' | 'running' | 'completed';
  requestedAt: string;
  startedAt?: string;
  completedAt?: string;
  counts: TerminationCounts;
  /** Where a crashed or timed-out run resumes: the pass, the partition and the last key it finished. */
  checkpoint?: { pass: 1 | 2; pk?: string; after?: { pk: string; sk: string }; done?: boolean };
  /** Keys a run decided to delete and has counted, not yet confirmed deleted (redone on resume). */
  pending?: Array<{ pk: string; sk: string }>;
  /** One run at a time: another message for the same job waits until this moment. */
  leaseUntil?: string;
  receiptKey?: string;
}

/** The erasure of one user's data; the user is named only by a hash, so no job or receipt holds the id. */
export interface ErasureJob {
  tenantId: string;
  subject: string;
  status: 'running' | 'completed';
  requestedAt: string;
  completedAt?: string;
  erased: Record<string, number>;
  checkpoint?: { pk?: string; after?: { pk: string; sk: string }; done?: boolean };
  pending?: Array<{ pk: string; sk: string }>;
  receiptKey?: string;
}

const tenantKey = (id: string) => ({ pk: `TENANT#${id}`, sk: 'PROFILE' });
const erasureKey = (tenantId: string, subject: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `ERASURE#${subject}`,
});
const jobKey = (tenantId: string, module: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `TERMINATION#${module}`,
});

/** Termination requests and jobs, beside the tenant they belong to. */
export class DynamoTerminationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Marks a module of a tenant terminated from `requestedAt` (the first request wins, so this is
   * idempotent) and records its pending job. Capture refuses the module's records from this moment.
   */
  async request(tenant: Tenant, module: ModuleId, requestedAt: string): Promise<TerminationJob> {
    const existing = await this.job(tenant.id, module);
    if (existing) return existing;
    const remaining = tenant.modules.filter((m) => m !== module && !tenant.terminations[m]);
    const job: TerminationJob = { tenantId: tenant.id, module, status: 'pending', requestedAt, counts: {} };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: tenantKey(tenant.id),
                UpdateExpression:
                  'SET terminations.#module = if_not_exists(terminations.#module, :at), #status = :status',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#module': module, '#status': 'status' },
                ExpressionAttributeValues: {
                  ':at': requestedAt,
                  ':status': remaining.length === 0 ? 'terminating' : tenant.status,
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...jobKey(tenant.id, module), ...job },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return job;
    } catch (error) {
      // A concurrent request won: its job is the job.
      const winner = await this.job(tenant.id, module);
      if (winner) return winner;
      throw error;
    }
  }

  async job(tenantId: string, module: string): Promise<TerminationJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: jobKey(tenantId, module), ConsistentRead: true }),
    );
    return Item ? toJob(Item) : undefined;
  }

  async jobs(tenantId: string): Promise<TerminationJob[]> {
    const jobs: TerminationJob[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': 'TERMINATION#' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) jobs.push(...(page.Items ?? []).map(toJob));
    return jobs;
  }

  /** Takes the job's lease until `until`, unless another run holds it; false when it does. */
  async lease(job: TerminationJob, now: Date, until: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: jobKey(job.tenantId, job.module),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
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

  /** Marks the tenant terminated once every module it used has a completed termination. */
  async markTenantTerminatedIfDone(tenant: Tenant): Promise<void> {
    const jobs = await this.jobs(tenant.id);
    const done = tenant.modules.every((m) => jobs.some((j) => j.module === m && j.status === 'completed'));
    if (!done) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: tenantKey(tenant.id),
        UpdateExpression: 'SET #status = :terminated',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':terminated': 'terminated' },
      }),
    );
  }

  async erasure(tenantId: string, subject: string): Promise<ErasureJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: erasureKey(tenantId, subject), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...job } = Item;
    return job as unknown as ErasureJob;
  }

  async saveErasure(job: ErasureJob): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...erasureKey(job.tenantId, job.subject), ...job } }),
    );
  }

  /** Saves a job's progress (its checkpoint with it). */
  async save(job: TerminationJob): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...jobKey(job.tenantId, job.module), ...job } }),
    );
  }
}

function toJob(item: Record<string, unknown>): TerminationJob {
  const { pk: _pk, sk: _sk, ...job } = item;
  return job as unknown as TerminationJob;
}
