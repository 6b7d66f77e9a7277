import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DynamoHoldStore } from '#store/holds';
import { DynamoTerminationJobs } from '#store/jobs';
import { S3ObjectArchive } from '#store/objects';
import { DynamoTenantData } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import { prng } from '#test/prng';
import { storeHistory } from '#test/sweep';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { atLeast, summarise, timed } from './measure.ts';
import { itemsWhere, putAll, rawDelete } from './raw-delete.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
/** BatchWriteItem deletes in flight, the same as the project's deleteKeys keeps. */
const IN_FLIGHT = 4;
const TYPES = ['user.login', 'user.login', 'user.registered', 'api.invocation', 'message.email_sent'];

/**
 * A CIAM termination of one tenant (records over 30 days, directory, days registry): items removed
 * per second, against BatchWriteItem deletes of the same items (copied to another table), keys known.
 */
export async function terminationRate(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const rawCloud = await bench.copy();
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const raw = benchDb(rawCloud.endpoints.dynamodbEndpoint).db;
  const recordsTable = cloud.tables.RecordsTable as string;
  const tenantsTable = cloud.tables.TenantsTable as string;
  const deps = {
    tenants: new DynamoTenantStore(db, tenantsTable),
    jobs: new DynamoTerminationJobs(db, tenantsTable),
    data: new DynamoTenantData(db, recordsTable),
    objects: new S3ObjectArchive(db, recordsTable, cloud.clients.s3, cloud.buckets.DataBucket as string),
    holds: new DynamoHoldStore(db, recordsTable),
    exports: new DynamoLogExports(db, recordsTable),
    exportFiles: new S3ExportFiles(db, recordsTable, cloud.clients.s3, cloud.buckets.DataBucket as string),
    now: () => new Date(),
    lateWriterMs: 0,
    remainingMs: () => 600_000,
  };
  const rates = { project: [] as number[], raw: [] as number[], ratio: [] as number[] };
  for (let rep = 0; rep < sizes.reps; rep++) {
    const tenant = await createTenant(
      {
        name: 'Bench',
        modules: ['ciam'],
        maxUsers: 100_000,
        region: 'DE',
        openedAt: new Date(Date.now() - 31 * DAY_MS).toISOString(),
      },
      deps.tenants,
      new Date(),
    );
    const random = prng(rep + 1);
    const now = Date.now();
    await storeHistory(
      cloud,
      tenant.id,
      Array.from({ length: sizes.terminationRecords }, () => ({
        type: random.pick(TYPES),
        occurredAt: new Date(now - random.int(0, 30 * DAY_MS)),
        fields: { userId: `u-${random.int(1, sizes.terminationRecords / 5)}` },
      })),
      { concurrency: 16 },
    );
    const items = await itemsWhere(db, recordsTable, (item) => String(item.pk).startsWith(`T#${tenant.id}#`));
    await putAll(raw, rawCloud.tables.RecordsTable as string, items);
    const keys = items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));

    const requestedAt = new Date().toISOString();
    const project = await timed(() => terminate({ tenantId: tenant.id, module: 'ciam', requestedAt }, deps));
    if (project.value !== 'completed') throw new Error(`termination ended ${project.value}`);
    // What stays by design: the receipt's entry in the sweep's index (the receipt is kept 3 years).
    const left = await itemsWhere(
      db,
      recordsTable,
      (item) => String(item.pk).startsWith(`T#${tenant.id}#`) && !String(item.pk).endsWith('#OBJECTS'),
    );
    if (left.length > 0) throw new Error(`termination left ${left.length} items`);
    const rawRun = await timed(() => rawDelete(raw, rawCloud.tables.RecordsTable as string, keys, IN_FLIGHT));
    rates.project.push(keys.length / (project.ms / 1000));
    rates.raw.push(keys.length / (rawRun.ms / 1000));
    rates.ratio.push(rawRun.ms / project.ms);
  }
  return [
    {
      figure: 'termination rate terminate / raw deletes',
      unit: '×',
      value: summarise(rates.ratio),
      goal: atLeast(0.8),
      note: `${sizes.terminationRecords} CIAM records over 30 days plus directory and day registry; raw: BatchWriteItem deletes of the same items, keys known, ${IN_FLIGHT} batches in flight`,
    },
    { figure: 'termination rate', unit: 'items/s', value: summarise(rates.project) },
    { figure: 'raw delete rate (termination baseline)', unit: 'items/s', value: summarise(rates.raw) },
  ];
}
