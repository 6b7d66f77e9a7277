import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localClients } from '#local/cloud';
import { captureDeadline, DAY_MS, dayDueWindow, storedDeadline } from '#policy/index';
import { DynamoDueIndex } from '#store/due-index';
import { dayBucketKey, dueKey } from '#store/keys';
import { newRun, type SweepRun } from '#store/sweeps';
import { lambdaContext } from '#test/api-events';
import { type Api, bucketListing, createTenant, loadHttpFunctions, OPERATOR_KEY } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { storesOf } from '#test/stores';
import { documentClient, recordsListing, runSweep, storeHistory, sweepStores } from '#test/sweep';
import { terminationStatus } from '../../functions/tenantsApi/terminations.ts';

const MINUTE = 60_000;
const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
// Simulated times lie far in the real future, so DynamoDB Local's own TTL never acts in these tests.
const future = (days: number) => new Date(Date.now() + days * DAY_MS);

/**
 * `due` admin-action records (fixed 180 days) that are due at `sweepAt`, and `fresh` that are not.
 * With an `idPrefix`, the due records have the same keys in every table they are stored in.
 */
async function adminLogs(
  cloud: IsolatedCloud,
  tenantId: string,
  sweepAt: Date,
  due: number,
  fresh: number,
  idPrefix?: string,
) {
  const at = (days: number, i: number) => new Date(sweepAt.getTime() - days * DAY_MS - i * MINUTE);
  await storeHistory(
    cloud,
    tenantId,
    [
      ...Array.from({ length: due }, (_, i) => ({ type: 'admin.action', occurredAt: at(181, i) })),
      ...Array.from({ length: fresh }, (_, i) => ({ type: 'admin.action', occurredAt: at(10, i) })),
    ],
    idPrefix ? { idPrefix } : {},
  );
}

describe('sweep runs', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let tenantId: string;
  const adminLogsOf = async (tenant: string) =>
    (await recordsListing(cloud)).filter((i) => i.category === 'admin-action-log' && i.tenantId === tenant);
  const sweeps = async (query: Record<string, string> = {}) =>
    (await api.tenantsApi({ method: 'GET', route: '/v1/ops/sweeps', query, headers: operator })).body
      .runs as SweepRun[];

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    tenantId = (await createTenant(api)).id;
  });
  afterAll(() => cloud.destroy());

  it('reads the same amount over a table with 10x more unexpired data', async () => {
    const large = await isolatedCloud();
    try {
      const sweepAt = future(400);
      // The same due entries (same keys, so the same shards and item sizes) in both tables: each
      // query's read units are rounded up per 4 KB, so only identical entries give identical units.
      await adminLogs(cloud, tenantId, sweepAt, 120, 150, 'scale');
      await adminLogs(large, tenantId, sweepAt, 120, 1500, 'scale');
      const small = (await runSweep(sweepStores(cloud), sweepAt)) as SweepRun;
      const big = (await runSweep(sweepStores(large), sweepAt)) as SweepRun;
      expect(small.deleted).toEqual({ 'admin-action-log': 120 });
      expect(big.deleted).toEqual({ 'admin-action-log': 120 });
      // Exactly the due records are read, with the due-index buckets that file them (one per day):
      // none of the unexpired ones, in either table.
      const dueDays = new Set(
        Array.from({ length: 120 }, (_, i) =>
          new Date(sweepAt.getTime() - 181 * DAY_MS - i * MINUTE).toISOString().slice(0, 10),
        ),
      );
      expect(small.scannedCount).toBe(120 + dueDays.size);
      expect(big.scannedCount).toBe(small.scannedCount);
      expect(big.readUnits).toBe(small.readUnits);
      const left = await recordsListing(large);
      expect(left.filter((i) => i.category === 'admin-action-log')).toHaveLength(1500);
    } finally {
      large.destroy();
    }
  }, 180_000);

  it('lets only one of two sweeps started together work, and deletes everything once', async () => {
    const sweepAt = future(401);
    await adminLogs(cloud, tenantId, sweepAt, 60, 0);
    const stores = sweepStores(cloud);
    const [a, b] = await Promise.all([runSweep(stores, sweepAt), runSweep(stores, sweepAt)]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes).toEqual(['busy', 'completed']);
    const worked = (a.status === 'completed' ? a : b) as SweepRun;
    expect(worked.deleted).toEqual({ 'admin-action-log': 60 });
    // The lease was given back: the next run works.
    expect((await runSweep(stores, sweepAt)).status).toBe('completed');
  });

  it('waits out the lease of a crashed sweep, then takes over and marks the crashed run abandoned', async () => {
    const crashedAt = future(402);
    const stores = sweepStores(cloud);
    const tenant = (await createTenant(api)).id;
    const crashed = newRun('crashed-run', crashedAt);
    // A run that took its lease for 10 minutes, wrote its status and died without a word.
    expect(await stores.log.lease(crashed, crashedAt, new Date(crashedAt.getTime() + 10 * MINUTE))).toBe(
      true,
    );
    await stores.log.save(crashed);
    await adminLogs(cloud, tenant, new Date(crashedAt.getTime() + 11 * MINUTE), 30, 0);

    expect((await runSweep(stores, new Date(crashedAt.getTime() + 5 * MINUTE))).status).toBe('busy');
    expect(await adminLogsOf(tenant)).toHaveLength(30);
    const takeover = (await runSweep(stores, new Date(crashedAt.getTime() + 11 * MINUTE))) as SweepRun;
    expect(takeover.status).toBe('completed');
    expect(takeover.deleted).toEqual({ 'admin-action-log': 30 });
    expect(await adminLogsOf(tenant)).toEqual([]);

    const runs = await sweeps({ limit: '100' });
    expect(runs.find((r) => r.runId === 'crashed-run')?.status).toBe('abandoned');
    expect(runs.find((r) => r.runId === takeover.runId)).toMatchObject({ status: 'completed', backlog: 0 });
  });

  it('files an entry under the deadline the policy gives, instead of deleting it early', async () => {
    const db = documentClient(cloud);
    const occurredAt = future(300);
    const day = occurredAt.toISOString().slice(0, 10);
    await storeHistory(cloud, tenantId, [{ type: 'admin.action', occurredAt }], {
      idPrefix: 'filed-too-early',
    });
    const sk = 'filed-too-early-0';
    // Filed under an older, shorter policy: the index says 90 days, the policy now says 180.
    const key = dayBucketKey(tenantId, 'admin-action-log', day);
    const wrongDeadline = new Date(occurredAt.getTime() + 90 * DAY_MS);
    await db.send(
      new PutCommand({
        TableName: cloud.tables.RecordsTable,
        Item: {
          ...key,
          kind: 'day-bucket',
          bucketCategory: 'admin-action-log',
          day,
          tenantId,
          ...dueKey(wrongDeadline, key),
        },
      }),
    );
    const run = (await runSweep(sweepStores(cloud), new Date(wrongDeadline.getTime() + DAY_MS))) as SweepRun;
    expect(run.refiled).toBe(1);
    expect((await recordsListing(cloud)).find((i) => i.sk === sk)).toBeDefined();
    const bucket = (await recordsListing(cloud)).find((i) => i.pk === key.pk && i.sk === key.sk);
    const policyDeadline = captureDeadline('admin-action-log', occurredAt) as Date;
    const window = dayDueWindow('admin-action-log', day) as { from: Date };
    expect(bucket?.dueSk).toBe(dueKey(window.from, key).dueSk);
    // No TTL on the record: nothing but the sweep, asking the policy, ever deletes it.
    expect((await recordsListing(cloud)).find((i) => i.sk === sk)).not.toHaveProperty('expiresAt');
    // ...and deletes it once that deadline has passed.
    const later = (await runSweep(
      sweepStores(cloud),
      new Date(policyDeadline.getTime() + 6 * MINUTE),
    )) as SweepRun;
    expect(later.deleted['admin-action-log']).toBeGreaterThanOrEqual(1);
    expect((await recordsListing(cloud)).find((i) => i.sk === sk)).toBeUndefined();
  });

  it('keeps the entry of an object S3 refused to delete, counts the failure, and deletes it next run', async () => {
    const data = storesOf(cloud).objects;
    const createdAt = future(-1);
    const deleteAt = captureDeadline('deletion-receipt', createdAt) as Date;
    for (const n of [1, 2, 3]) {
      await data.putReceipt(tenantId, `receipts/${tenantId}/fault-${n}.json`, { n }, createdAt);
    }
    // Fault injection: S3 answers AccessDenied for one key of the batch and deletes the others.
    const faulty = localClients(cloud.endpoints).s3;
    faulty.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'DeleteObjectsCommand') return next(args);
        const input = args.input as { Delete: { Objects: Array<{ Key: string }> } };
        const refused = input.Delete.Objects.filter((o) => o.Key.endsWith('fault-2.json'));
        input.Delete.Objects = input.Delete.Objects.filter((o) => !o.Key.endsWith('fault-2.json'));
        const result = await next(args);
        const output = result.output as { Errors?: Array<{ Key: string; Code: string }> };
        output.Errors = [
          ...(output.Errors ?? []),
          ...refused.map((o) => ({ Key: o.Key, Code: 'AccessDenied' })),
        ];
        return result;
      },
      { step: 'initialize', name: 'refuseOneKey' },
    );
    const sweepAt = new Date(deleteAt.getTime() + 6 * MINUTE);
    const first = (await runSweep(sweepStores(cloud, faulty), sweepAt)) as SweepRun;
    expect(first.failed).toBe(1);
    expect(first.objectsDeleted).toBe(3 - 1);
    expect((await bucketListing(cloud, `receipts/${tenantId}/fault-`)).map((o) => o.key)).toEqual([
      `receipts/${tenantId}/fault-2.json`,
    ]);
    expect(first.status).toBe('stopped');

    const second = (await runSweep(sweepStores(cloud), sweepAt)) as SweepRun;
    expect(second).toMatchObject({ status: 'completed', failed: 0, objectsDeleted: 1, backlog: 0 });
    expect(await bucketListing(cloud, `receipts/${tenantId}/fault-`)).toEqual([]);
    expect((await recordsListing(cloud)).filter((i) => String(i.sk).includes('fault-'))).toEqual([]);
  });

  it('records a failed run, gives its lease back, and loses nothing when the store fails mid-run', async () => {
    const sweepAt = future(403);
    await adminLogs(cloud, tenantId, sweepAt, 40, 0);
    const stores = sweepStores(cloud);
    // Fault injection: every batched delete is throttled beyond the SDK's retries.
    class ThrottledIndex extends DynamoDueIndex {
      override async deleteAll(): Promise<void> {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      }
    }
    const failing = {
      ...stores,
      index: new ThrottledIndex(documentClient(cloud), cloud.tables.RecordsTable as string),
    };
    await expect(runSweep(failing, sweepAt)).rejects.toThrow('throttled');
    const failed = (await sweeps({ limit: '100' })).find((r) => r.startedAt === sweepAt.toISOString());
    expect(failed).toMatchObject({ status: 'failed', error: 'ProvisionedThroughputExceededException' });
    expect(await adminLogsOf(tenantId).then((l) => l.length)).toBeGreaterThanOrEqual(40);
    const retry = (await runSweep(stores, sweepAt)) as SweepRun;
    expect(retry).toMatchObject({ status: 'completed', deleted: { 'admin-action-log': 40 } });
  });

  it('answers the operator with the latest runs, newest first, and refuses a bad limit or key', async () => {
    const runs = await sweeps({ limit: '3' });
    expect(runs).toHaveLength(3);
    const starts = runs.map((r) => r.startedAt);
    expect(starts).toEqual([...starts].sort().reverse());
    const bad = await api.tenantsApi({
      method: 'GET',
      route: '/v1/ops/sweeps',
      query: { limit: 'ten' },
      headers: operator,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/limit/);
    const tenantKey = await api.tenantsApi({
      method: 'GET',
      route: '/v1/ops/sweeps',
      headers: { authorization: 'Bearer not-the-operator' },
    });
    expect(tenantKey.status).toBe(401);
  });

  it('runs as the scheduled function and publishes its figures as CloudWatch metrics (EMF)', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const logSpy = vi.spyOn(console, 'log').mockImplementation((...args) => lines.push(args.join(' ')));
    let outcome: SweepRun;
    process.env.POWERTOOLS_SERVICE_NAME = 'ciam-data-lifecycle';
    try {
      const { handler } = await import('../../functions/sweepExpired/handler.ts');
      outcome = (await (handler as unknown as (e: unknown, c: Context) => Promise<SweepRun>)(
        {},
        lambdaContext('sweepExpired', 600_000),
      )) as SweepRun;
    } finally {
      spy.mockRestore();
      logSpy.mockRestore();
    }
    expect(outcome.status).toBe('completed');
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    const names = emf.flatMap((e) =>
      e._aws.CloudWatchMetrics.flatMap((m: { Metrics: Array<{ Name: string }> }) =>
        m.Metrics.map((x) => x.Name),
      ),
    );
    expect(names).toEqual(expect.arrayContaining(['RecordsDeleted', 'SweepBacklog', 'OldestOverdueSeconds']));
    const main = emf.find((e) => 'OldestOverdueSeconds' in e);
    expect(main.OldestOverdueSeconds).toBe(outcome.oldestOverdueSeconds);
    expect(main.service).toBe('ciam-data-lifecycle');
  });

  it('no longer shows a termination receipt once it is past its own retention', async () => {
    const completedAt = new Date('2026-01-10T00:00:00.000Z');
    const receiptKey = `receipts/${tenantId}/old.json`;
    const deps = {
      jobs: {
        jobs: async () => [
          {
            tenantId,
            module: 'ciam' as const,
            status: 'completed' as const,
            requestedAt: completedAt.toISOString(),
            completedAt: completedAt.toISOString(),
            counts: {},
            receiptKey,
          },
        ],
      },
      receipts: { receipt: async (key: string) => ({ key }) },
    } as unknown as Parameters<typeof terminationStatus>[1];
    const deadline = storedDeadline({
      category: 'deletion-receipt',
      occurredAt: completedAt.toISOString(),
    }) as Date;
    const before = await terminationStatus(tenantId, deps, new Date(deadline.getTime() - 1));
    expect(before.receipts).toEqual([{ key: receiptKey }]);
    const after = await terminationStatus(tenantId, deps, deadline);
    expect(after.receipts).toBeUndefined();
    expect(after.modules[0]?.status).toBe('completed');
  });
});

describe('a sweep run stopped by its item limit', () => {
  let cloud: IsolatedCloud;
  beforeAll(async () => {
    cloud = await isolatedCloud();
  });
  afterAll(() => cloud.destroy());

  it('says the item limit stopped it when the last entry it settled reached the limit exactly', async () => {
    const sweepAt = future(400);
    const releasedAt = new Date(sweepAt.getTime() - 4000 * DAY_MS);
    const deadline = captureDeadline('legal-hold', releasedAt) as Date;
    expect(deadline.getTime()).toBeLessThan(sweepAt.getTime() - DAY_MS);
    // Two released holds due in the same shard of the due index (items that are their own entry).
    const key = (i: number) => ({ pk: 'TEST#ITEM-LIMIT', sk: `HOLD#${i}` });
    const shard = (i: number) => dueKey(deadline, key(i)).duePk;
    const second = Array.from({ length: 200 }, (_, i) => i + 1).find((i) => shard(i) === shard(0)) as number;
    for (const i of [0, second])
      await documentClient(cloud).send(
        new PutCommand({
          TableName: cloud.tables.RecordsTable as string,
          Item: {
            ...key(i),
            kind: 'item',
            tenantId: 't-item-limit',
            category: 'legal-hold',
            occurredAt: releasedAt.toISOString(),
            deadline: deadline.toISOString(),
            ...dueKey(deadline, key(i)),
          },
        }),
      );
    // A page of one under a limit of one: the page's only entry reaches the limit, and no later
    // take is refused for it.
    const run = (await runSweep(sweepStores(cloud), sweepAt, {
      limits: { maxItems: 1, pageSize: 1 },
    })) as SweepRun;
    expect(run).toMatchObject({ status: 'stopped', stoppedBy: 'item-limit', backlog: 1 });
    expect(Object.values(run.deleted).reduce((a, b) => a + b, 0)).toBe(1);
  });
});
