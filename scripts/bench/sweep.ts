import { fixedDays } from '#policy/index';
import { DynamoDueIndex } from '#store/due-index';
import { DynamoHoldStore } from '#store/holds';
import { S3ObjectStore } from '#store/objects';
import { DynamoSweepLog } from '#store/sweeps';
import type { IsolatedCloud } from '#test/isolated-cloud';
import { runSweep, storeHistory } from '#test/sweep';
import { DEFAULT_SWEEP_LIMITS } from '../../functions/sweepExpired/sweep.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { atLeast, atMost, ratios, summarise, timed } from './measure.ts';
import { itemsWhere, putAll, rawDelete } from './raw-delete.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/**
 * The sweep runs with a clock two days ahead and the due records fall due tomorrow: DynamoDB Local
 * really expires TTL, and records already past their TTL would vanish on their own mid-measurement.
 */
const AHEAD_MS = 2 * DAY_MS;
/** Raw deletes in flight: one per due-index shard, as many as the sweep drains at once. */
const RAW_IN_FLIGHT = 16;

/** The sweep's stores on one copy, on a metered client, with the deployed limits. */
function sweepSide(cloud: IsolatedCloud) {
  const { db, capacity } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const stores = {
    index: new DynamoDueIndex(db, cloud.tables.RecordsTable as string),
    objects: new S3ObjectStore(cloud.clients.s3, cloud.buckets.DataBucket as string),
    log: new DynamoSweepLog(db, cloud.tables.TenantsTable as string),
    holds: new DynamoHoldStore(db, cloud.tables.RecordsTable as string),
  };
  const sweep = async () => {
    capacity.reset();
    const { ms, value } = await timed(() =>
      runSweep(stores, new Date(Date.now() + AHEAD_MS), {
        limits: { ...DEFAULT_SWEEP_LIMITS, reserveMs: 0 },
      }),
    );
    if (value.status !== 'completed') throw new Error(`sweep ended ${JSON.stringify(value)}`);
    const used = capacity.reset();
    return { ms, run: value, reads: used.read, writes: used.write };
  };
  return { cloud, db, sweep };
}

/**
 * Admin actions: `n` due by the sweep's clock (their deadlines lie one to two hours ahead of the real
 * clock, so DynamoDB Local's TTL leaves them alone), or `n` far from their deadline.
 */
function adminActions(n: number, due: boolean) {
  const now = Date.now();
  const kept = fixedDays('admin-action-log') * DAY_MS;
  return Array.from({ length: n }, (_, i) => ({
    type: 'admin.action',
    occurredAt: new Date(due ? now - kept + HOUR_MS + (i % 3600) * 1000 : now - ((i % 90) * DAY_MS) / 3),
  }));
}

/**
 * Sweep scale: the same number of due records beside 1× or 10× as many unexpired ones (all in the
 * due index), read units and time. Sweep rate: due records deleted per second against raw
 * BatchWriteItem deletes of the same items (copied to a third table) with their keys known.
 */
export async function sweepFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const small = sweepSide(await bench.copy());
  const large = sweepSide(await bench.copy());
  const raw = sweepSide(await bench.copy());
  await storeHistory(small.cloud, 'tenant-small', adminActions(sizes.sweepUnexpired, false), {
    concurrency: 16,
  });
  await storeHistory(large.cloud, 'tenant-large', adminActions(sizes.sweepUnexpired * 10, false), {
    concurrency: 16,
  });
  const results = {
    small: [] as number[],
    large: [] as number[],
    rsmall: [] as number[],
    rlarge: [] as number[],
    wsmall: [] as number[],
  };
  const rate = { sweep: [] as number[], raw: [] as number[], ratio: [] as number[] };
  const isDue = (item: Record<string, unknown>) =>
    typeof item.deadline === 'string' &&
    Date.parse(item.deadline) < Date.now() + AHEAD_MS &&
    item.tenantId === 'tenant-small';
  for (let rep = 0; rep < sizes.reps; rep++) {
    await storeHistory(small.cloud, 'tenant-small', adminActions(sizes.sweepDue, true), { concurrency: 16 });
    await storeHistory(large.cloud, 'tenant-large', adminActions(sizes.sweepDue, true), { concurrency: 16 });
    const due = await itemsWhere(small.db, small.cloud.tables.RecordsTable as string, isDue);
    await putAll(raw.db, raw.cloud.tables.RecordsTable as string, due);
    const order = rep % 2 ? [large, small] : [small, large];
    const out = new Map<unknown, Awaited<ReturnType<typeof small.sweep>>>();
    for (const side of order) out.set(side, await side.sweep());
    const s = out.get(small) as Awaited<ReturnType<typeof small.sweep>>;
    const l = out.get(large) as Awaited<ReturnType<typeof small.sweep>>;
    const deleted = (r: typeof s) => Object.values(r.run.deleted).reduce((a, b) => a + b, 0);
    if (deleted(s) !== sizes.sweepDue || deleted(l) !== sizes.sweepDue)
      throw new Error(
        `sweep deleted ${deleted(s)} / ${deleted(l)}, expected ${sizes.sweepDue}: ${JSON.stringify([s.run, l.run])}`,
      );
    results.small.push(s.ms);
    results.large.push(l.ms);
    results.rsmall.push(s.reads);
    results.rlarge.push(l.reads);
    results.wsmall.push(s.writes / sizes.sweepDue);
    const keys = due.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
    const rawRun = await timed(() =>
      rawDelete(raw.db, raw.cloud.tables.RecordsTable as string, keys, RAW_IN_FLIGHT),
    );
    rate.sweep.push(sizes.sweepDue / (s.ms / 1000));
    rate.raw.push(keys.length / (rawRun.ms / 1000));
    rate.ratio.push(rawRun.ms / s.ms);
  }
  const goal = atMost(1.2);
  const note = `${sizes.sweepDue} due beside ${sizes.sweepUnexpired} vs ${sizes.sweepUnexpired * 10} unexpired records, deployed limits (pages of ${DEFAULT_SWEEP_LIMITS.pageSize})`;
  return [
    {
      figure: 'sweep scale: read units 10× / 1× unexpired',
      unit: '×',
      value: summarise(ratios(results.rlarge, results.rsmall)),
      goal,
      note,
    },
    {
      figure: 'sweep scale: time 10× / 1× unexpired',
      unit: '×',
      value: summarise(ratios(results.large, results.small)),
      goal,
    },
    { figure: 'sweep: read units, 1× unexpired', unit: 'RCU', value: summarise(results.rsmall) },
    { figure: 'sweep: read units, 10× unexpired', unit: 'RCU', value: summarise(results.rlarge) },
    {
      figure: 'sweep: read units per deleted record',
      unit: 'RCU/record',
      value: summarise(results.rsmall.map((r) => r / sizes.sweepDue)),
    },
    {
      figure: 'sweep: write units per deleted record',
      unit: 'WCU/record',
      value: summarise(results.wsmall),
      note: 'the record, its byDay index entry, the day buckets re-filed or removed, the run status',
    },
    {
      figure: 'sweep rate sweep / raw deletes',
      unit: '×',
      value: summarise(rate.ratio),
      goal: atLeast(0.8),
      note: `raw: BatchWriteItem deletes of the same ${sizes.sweepDue} items, keys known, ${RAW_IN_FLIGHT} batches in flight`,
    },
    { figure: 'sweep rate', unit: 'records/s', value: summarise(rate.sweep) },
    { figure: 'raw delete rate (sweep baseline)', unit: 'records/s', value: summarise(rate.raw) },
  ];
}
