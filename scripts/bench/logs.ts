import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
import { utcDay } from '#shared/time';
import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DAY_INDEX } from '#store/indexes';
import { dayIndexPartitions } from '#store/keys';
import { DynamoLogReader } from '#store/log-reads';
import type { Tenant } from '#store/ports';
import { DynamoTenantStore } from '#store/tenants';
import type { IsolatedCloud } from '#test/isolated-cloud';
import { prng } from '#test/prng';
import { storeHistory } from '#test/sweep';
import { runExport } from '../../functions/exportLogs/export.ts';
import { parseLogQuery, readLog } from '../../functions/logsApi/query.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { atLeast, atMost, ratios, summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;
const TYPES = ['user.login', 'user.login', 'user.login', 'user.login_failed', 'user.registered'];
/** Pages read per repetition (each following the previous page's cursor). */
const PAGES = 5;
/** Queries in flight on the raw side of the export: one per shard of a day, as many as the reader merges. */
const RAW_IN_FLIGHT = 8;
/** The largest object the raw side writes in one PutObject. */
const OBJECT_BYTES = 4 * 1024 * 1024;

/** A tenant with `n` user operations over the last 30 days. */
async function tenantWith(cloud: IsolatedCloud, n: number, seed: number): Promise<Tenant> {
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const tenants = new DynamoTenantStore(db, cloud.tables.TenantsTable as string);
  const tenant = await createTenant(
    {
      name: 'Bench logs',
      modules: ['ciam'],
      maxUsers: 1_000_000,
      region: 'DE',
      openedAt: new Date(Date.now() - 400 * DAY_MS).toISOString(),
    },
    tenants,
    new Date(),
  );
  const random = prng(seed);
  const now = Date.now();
  await storeHistory(
    cloud,
    tenant.id,
    Array.from({ length: n }, () => ({
      type: random.pick(TYPES),
      occurredAt: new Date(now - random.int(60_000, WINDOW_DAYS * DAY_MS - 60_000)),
      fields: { userId: `u-${random.int(1, 500)}` },
    })),
    { concurrency: 16 },
  );
  return tenant;
}

/**
 * Log reads: a page of 100 (five pages following cursors) from a tenant with 10× the history of
 * another, read units and time; and an export's throughput against a raw Query of the same day
 * partitions and PutObjects of the same records.
 */
export async function logFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  return [...(await pageFigures(bench, sizes)), ...(await exportFigures(bench, sizes))];
}

async function pageFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const small = await tenantWith(cloud, sizes.logPageRecords, 1);
  const large = await tenantWith(cloud, sizes.logPageRecords * 10, 2);
  const { db, capacity } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const deps = {
    reader: new DynamoLogReader(db, cloud.tables.RecordsTable as string),
    cursorKey: async () => 'bench-cursor-key',
    now: () => new Date(),
  };
  const to = new Date();
  const from = new Date(to.getTime() - WINDOW_DAYS * DAY_MS);
  const pages = async (tenant: Tenant) => {
    capacity.reset();
    let cursor: string | undefined;
    let items = 0;
    const { ms } = await timed(async () => {
      for (let i = 0; i < PAGES; i++) {
        const params = cursor
          ? { limit: '100', cursor }
          : { limit: '100', from: from.toISOString(), to: to.toISOString() };
        const page = await readLog({ tenant, query: parseLogQuery('user-operations', params) }, deps);
        items += page.items.length;
        cursor = page.cursor;
      }
    });
    if (items !== PAGES * 100)
      throw new Error(`read ${items} items in ${PAGES} pages, expected ${PAGES * 100}`);
    return { ms, reads: capacity.reset().read };
  };
  const out = { sms: [] as number[], lms: [] as number[], sr: [] as number[], lr: [] as number[] };
  for (let rep = 0; rep < sizes.reps * 4; rep++) {
    // Alternating which goes first, so neither side always reads a warmer emulator.
    const first = rep % 2 ? 'large' : 'small';
    const a = await pages(first === 'small' ? small : large);
    const b = await pages(first === 'small' ? large : small);
    const [s, l] = first === 'small' ? [a, b] : [b, a];
    out.sms.push(s.ms);
    out.sr.push(s.reads);
    out.lms.push(l.ms);
    out.lr.push(l.reads);
  }
  const note = `${PAGES} pages of 100 over a 30-day window: ${sizes.logPageRecords} vs ${sizes.logPageRecords * 10} user operations in it`;
  return [
    {
      figure: 'log page: read units 10× / 1× history',
      unit: '×',
      value: summarise(ratios(out.lr, out.sr)),
      goal: atMost(1.2),
      note,
    },
    {
      figure: 'log page: time 10× / 1× history',
      unit: '×',
      value: summarise(ratios(out.lms, out.sms)),
      goal: atMost(1.2),
    },
    {
      figure: 'log page: read units per page of 100',
      unit: 'RCU',
      value: summarise(out.sr.map((r) => r / PAGES)),
    },
  ];
}

async function exportFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const tenant = await tenantWith(cloud, sizes.exportRecords, 3);
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const records = cloud.tables.RecordsTable as string;
  const bucket = cloud.buckets.DataBucket as string;
  const deps = {
    tenants: new DynamoTenantStore(db, cloud.tables.TenantsTable as string),
    exports: new DynamoLogExports(db, records),
    files: new S3ExportFiles(db, records, cloud.clients.s3, bucket),
    reader: new DynamoLogReader(db, records),
    now: () => new Date(),
  };
  const to = new Date();
  const from = new Date(to.getTime() - (WINDOW_DAYS + 1) * DAY_MS);
  const rate = { project: [] as number[], raw: [] as number[], ratio: [] as number[] };
  for (let rep = 0; rep < sizes.reps; rep++) {
    const job = {
      tenantId: tenant.id,
      exportId: randomUUID(),
      log: 'user-operations',
      format: 'ndjson' as const,
      from: from.toISOString(),
      to: to.toISOString(),
      filters: {},
      filterNames: [],
      status: 'pending' as const,
      requestedAt: new Date().toISOString(),
    };
    await deps.exports.create(job);
    const project = await timed(() => runExport(job, deps));
    if (project.value.outcome !== 'completed' || project.value.records !== sizes.exportRecords)
      throw new Error(
        `export ended ${JSON.stringify(project.value)}, expected ${sizes.exportRecords} records`,
      );
    const raw = await timed(() => rawExport(db, records, cloud.clients.s3, bucket, tenant.id, from, to));
    if (raw.value !== sizes.exportRecords) throw new Error(`raw export read ${raw.value} records`);
    rate.project.push(sizes.exportRecords / (project.ms / 1000));
    rate.raw.push(sizes.exportRecords / (raw.ms / 1000));
    rate.ratio.push(raw.ms / project.ms);
  }
  const note = `${sizes.exportRecords} records, NDJSON, newest first (the raw side reads the same day partitions unordered, ${RAW_IN_FLIGHT} queries in flight, and writes the same lines as PutObjects of at most 4 MiB, all at once)`;
  return [
    {
      figure: 'log export: rate vs raw Query + PutObject',
      unit: '×',
      value: summarise(rate.ratio),
      goal: atLeast(0.8),
      note,
    },
    { figure: 'log export: records/s', unit: 'rec/s', value: summarise(rate.project) },
    { figure: 'log export: raw Query + PutObject records/s', unit: 'rec/s', value: summarise(rate.raw) },
  ];
}

/** The physical limit: every item of the tenant's user-operation key ranges, queried in parallel, written in a few objects at once. */
async function rawExport(
  db: ReturnType<typeof benchDb>['db'],
  table: string,
  s3: IsolatedCloud['clients']['s3'],
  bucket: string,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<number> {
  const partitions: string[] = [];
  for (let t = from.getTime(); t < to.getTime() + DAY_MS; t += DAY_MS)
    partitions.push(...dayIndexPartitions(tenantId, utcDay(new Date(t))));
  const lines: string[][] = partitions.map(() => []);
  await pool(partitions.length, RAW_IN_FLIGHT, async (i) => {
    for await (const page of paginateQuery(
      { client: db },
      {
        TableName: table,
        IndexName: DAY_INDEX,
        KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': partitions[i],
          ':from': `user-operation-log#${from.toISOString()}`,
          ':to': `user-operation-log#${to.toISOString()}`,
        },
      },
    ))
      for (const item of page.Items ?? []) (lines[i] as string[]).push(`${JSON.stringify(item)}\n`);
  });
  const all = lines.flat();
  // Objects of at most 4 MiB, written at once (the S3 emulator refuses one body of the whole export).
  const objects: string[][] = [[]];
  let bytes = 0;
  for (const line of all) {
    if (bytes + line.length > OBJECT_BYTES) {
      objects.push([]);
      bytes = 0;
    }
    (objects.at(-1) as string[]).push(line);
    bytes += line.length;
  }
  const id = randomUUID();
  await Promise.all(
    objects.map((body, i) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `bench/raw-${id}-${i}.ndjson`, Body: body.join('') }),
      ),
    ),
  );
  return all.length;
}
