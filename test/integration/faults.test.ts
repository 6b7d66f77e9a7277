import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { categoryOf, DAY_MS, type ModuleId, type RecordType } from '#policy/index';
import { hashApiKey } from '#shared/auth/api-keys';
import type { Tenant } from '#store/ports';
import type { SweepRun } from '#store/sweeps';
import { Crash, deleteObjectsErrors, injected, s3Timeouts, throttle, unprocessedItems } from '#test/faults';
import { bucketListing, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { prng } from '#test/prng';
import { FIELDS } from '#test/records';
import { storesOf } from '#test/stores';
import { runSweep, sweepStores } from '#test/sweep';
import { captureRecords } from '../../functions/captureEvents/capture.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

// One deterministic life of two tenants — records of every category, one tenant terminating both
// modules, then two sweeps far apart — run once without faults and once per fault. Clocks and ids
// are pinned, so every scenario must end with exactly the same tables and bucket as the fault-free one.

const T0 = new Date('2031-03-01T00:00:00.000Z'); // in the real future: DynamoDB Local's TTL never acts
const at = (days: number) => new Date(T0.getTime() + days * DAY_MS);
const LEAVING = 'tenant-leaving';
const STAYING = 'tenant-staying';
const TYPES: RecordType[] = [
  'user.registered',
  'user.login',
  'admin.action',
  'api.invocation',
  'app.created',
  'security.asset',
  'security.container_event',
  'security.business_report',
  'security.product_config',
];

type Clients = ReturnType<typeof localClients>;
type Fault = (clients: Clients) => { crash?: Crash };

/** The scenario's stores on the given (possibly faulty) clients. */
function storesOn(cloud: IsolatedCloud, clients: Clients) {
  const db = DynamoDBDocumentClient.from(clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, ...storesOf(cloud, db, clients.s3), sweep: sweepStores(cloud, clients.s3, clients.dynamodb) };
}

async function seed(cloud: IsolatedCloud): Promise<void> {
  const stores = storesOn(cloud, cloud.clients);
  for (const id of [LEAVING, STAYING]) {
    const tenant: Tenant = {
      id,
      name: id,
      modules: ['ciam', 'container-security'],
      maxUsers: 100,
      region: 'DE',
      openedAt: at(-200).toISOString(),
      createdAt: at(-200).toISOString(),
      status: 'active',
      terminations: {},
      hostingServices: ['cvm'],
    };
    await stores.tenants.create(tenant, {
      keyId: `key-${id}`,
      keyHash: hashApiKey(`cdl_${id}`),
      createdAt: at(-200).toISOString(),
    });
    for (const age of [1, 20, 100, 170]) {
      for (const [n, type] of TYPES.entries()) {
        const occurredAt = at(-age);
        const category = categoryOf(type);
        const record = {
          id: `r-${age}-${n}`,
          type,
          category: category.id,
          module: category.module as ModuleId,
          occurredAt,
          fields: ownFields(type, { userId: `u-${age}`, appId: `app-${age}`, serverId: `s-${age}` }),
        };
        // Captured at its own time, as capture stores it.
        await captureRecords(
          { tenant, records: [record] },
          { ...stores, qTokenHashKey: async () => 'faults-hash-key', now: () => occurredAt },
        );
      }
    }
  }
}

/** A type's valid fields, with the given values for those of them it carries. */
function ownFields(type: RecordType, values: Record<string, string>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...FIELDS[type] };
  for (const [key, value] of Object.entries(values)) if (Object.hasOwn(fields, key)) fields[key] = value;
  return fields;
}

/** Repeats a step as a redelivered message or the next scheduled run would, until it finishes. */
async function untilDone(step: (attempt: number) => Promise<boolean>, crash?: Crash): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    crash?.arm(attempt);
    const done = await step(attempt).catch(() => false);
    crash?.disarm();
    if (done) return attempt;
    expect(attempt).toBeLessThan(500);
  }
}

/** The scenario: terminations of both modules, then sweeps 40 and 200 days later; listings after each stage. */
async function life(fault?: Fault) {
  const cloud = await isolatedCloud();
  try {
    await seed(cloud);
    const clients = localClients(cloud.endpoints);
    const { crash } = fault?.(clients) ?? {};
    const faulty = storesOn(cloud, clients);
    const clean = storesOn(cloud, cloud.clients);
    const stages: Record<string, unknown> = {};

    for (const module of ['ciam', 'container-security'] as const) {
      await untilDone(async () => {
        // A crashed run's lease lapses before the hook comes back.
        const job = await clean.terminations.job(LEAVING, module);
        if (job?.leaseUntil) await clean.terminations.save({ ...job, leaseUntil: new Date(0).toISOString() });
        const outcome = await terminate(
          { tenantId: LEAVING, module, requestedAt: T0.toISOString() },
          {
            tenants: faulty.tenants,
            jobs: faulty.terminations,
            data: faulty.data,
            objects: faulty.objects,
            holds: faulty.holds,
            exports: faulty.exports,
            exportFiles: faulty.exportFiles,
            now: () => at(0.01),
            lateWriterMs: 0,
            remainingMs: () => 60_000,
          },
        );
        return outcome === 'completed' || outcome === 'already-completed';
      }, crash);
    }
    stages.terminated = await listing(cloud);

    for (const day of [40, 200]) {
      await untilDone(async (attempt) => {
        await clean.db.send(
          new DeleteCommand({ TableName: cloud.tables.TenantsTable, Key: { pk: 'SWEEP', sk: 'LEASE' } }),
        );
        const run = (await runSweep(faulty.sweep, at(day), { runId: `run-${day}-${attempt}` })) as SweepRun;
        return run.status === 'completed';
      }, crash);
      stages[`swept-${day}`] = await listing(cloud);
    }
    clients.dynamodb.destroy();
    clients.s3.destroy();
    return stages;
  } finally {
    cloud.destroy();
  }
}

/** Full listings of both tables and the bucket; the sweep's own run log is left out (it counts runs). */
async function listing(cloud: IsolatedCloud) {
  const bucket = cloud.buckets.DataBucket as string;
  const table = async (name: string) =>
    (await tableSnapshot(cloud, name)).map((item) => item.replaceAll(bucket, '<bucket>')).sort();
  return {
    tenants: (await table(cloud.tables.TenantsTable as string)).filter(
      (item) => !item.includes('"pk":{"S":"SWEEP"}'),
    ),
    records: await table(cloud.tables.RecordsTable as string),
    // Objects as the JSON they hold: a receipt written after a resume may order its keys differently.
    bucket: (await bucketListing(cloud)).map((o) => ({
      ...o,
      body: o.key.endsWith('.ndjson')
        ? o.body.split('\n').map((line) => JSON.parse(line))
        : JSON.parse(o.body),
    })),
  };
}

describe('faults during termination and sweeps', () => {
  let baseline: Awaited<ReturnType<typeof life>>;
  const faultFree = async () => {
    baseline ??= await life();
    return baseline;
  };

  it('the fault-free life deletes, archives and sweeps something at every stage', {
    timeout: 300_000,
  }, async () => {
    const stages = (await faultFree()) as Record<
      string,
      { records: string[]; bucket: Array<{ key: string }> }
    >;
    const count = (s: string) => [stages[s]?.records.length, stages[s]?.bucket.length];
    expect(stages.terminated?.bucket.some((o) => o.key.startsWith('archives/'))).toBe(true);
    expect(stages.terminated?.bucket.some((o) => o.key.startsWith('receipts/'))).toBe(true);
    expect(stages['swept-40']?.records.length).toBeLessThan(stages.terminated?.records.length ?? 0);
    expect(stages['swept-40']?.bucket.length).toBeLessThan(stages.terminated?.bucket.length ?? 0);
    expect(stages['swept-200']?.records.length).toBeLessThan(stages['swept-40']?.records.length ?? 0);
    expect(count('swept-200')[1]).toBeLessThan(count('swept-40')[1] ?? 0);
  });

  const scenarios: Array<[string, string, number, Fault]> = [
    [
      'throttling on 10% of DynamoDB and S3 calls',
      'throttle',
      20,
      (c) => {
        const random = prng(11).next;
        throttle(c.dynamodb, 0.1, random);
        throttle(c.s3, 0.1, random);
        return {};
      },
    ],
    [
      'BatchWriteItem leaving 30% of its items unprocessed',
      'unprocessedItems',
      5,
      (c) => {
        unprocessedItems(c.dynamodb, 0.3, prng(12).next);
        return {};
      },
    ],
    [
      'DeleteObjects refusing 30% of its keys',
      'deleteObjectsErrors',
      3,
      (c) => {
        deleteObjectsErrors(c.s3, 0.3, prng(13).next);
        return {};
      },
    ],
    [
      'S3 timing out on 10% of calls, before or after acting',
      's3Timeouts',
      2,
      (c) => {
        s3Timeouts(c.s3, 0.1, prng(14).next);
        return {};
      },
    ],
    [
      'a process crash after every I/O step of termination and sweep',
      'crash',
      100,
      (c) => {
        const crash = new Crash();
        crash.install(c.dynamodb, c.s3);
        return { crash };
      },
    ],
  ];

  it.each(scenarios)(
    'ends exactly as the fault-free run with %s',
    async (_name, kind, minimum, fault) => {
      const expected = await faultFree();
      const before = injected[kind] ?? 0;
      expect(await life(fault)).toEqual(expected);
      expect((injected[kind] ?? 0) - before).toBeGreaterThanOrEqual(minimum);
    },
    600_000,
  );
});
