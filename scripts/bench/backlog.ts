import { randomUUID } from 'node:crypto';
import { fixedDays } from '#policy/index';
import { pool } from '#shared/pool';
import { DynamoDueIndex } from '#store/due-index';
import { DynamoHoldStore } from '#store/holds';
import { S3ObjectStore } from '#store/objects';
import { DynamoSweepLog } from '#store/sweeps';
import { storeHistory } from '#test/sweep';
import { DEFAULT_SWEEP_LIMITS, sweepExpired } from '../../functions/sweepExpired/sweep.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { summarise } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The sweep's clock runs two days ahead, as in the sweep figures (so DynamoDB Local's TTL stays out of it). */
const AHEAD_MS = 2 * DAY_MS;
/** The deployed sweep's timeout (serverless.yml `custom.sweepTimeout`): each run gets this much time. */
const RUN_MS = 600_000;
const TENANTS = 20;

/**
 * A backlog of due records (after an outage, or a shortened retention) drained by successive sweep
 * runs with the deployed limits and time budget: records per second over the whole drain, and how
 * many runs it took. Each run starts where the last stopped (nothing is carried between them but
 * the table).
 */
export async function backlogFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const records = cloud.tables.RecordsTable as string;
  const stores = {
    index: new DynamoDueIndex(db, records),
    objects: new S3ObjectStore(cloud.clients.s3, cloud.buckets.DataBucket as string),
    log: new DynamoSweepLog(db, cloud.tables.TenantsTable as string),
    holds: new DynamoHoldStore(db, records),
  };
  const total = sizes.backlogRecords;
  const kept = fixedDays('admin-action-log') * DAY_MS;
  const now = Date.now();
  // Due by the sweep's clock, spread over the 40 hours before it (two or three days of buckets per tenant).
  await pool(TENANTS, 2, async (t) => {
    const n = Math.ceil(total / TENANTS);
    const times = Array.from(
      { length: n },
      (_, i) => now - kept + HOUR_MS + Math.floor((i * 40 * HOUR_MS) / n),
    );
    await storeHistory(
      cloud,
      `backlog-${t}`,
      times.map((time) => ({ type: 'admin.action', occurredAt: new Date(time) })),
      { concurrency: 8, batch: 100 },
    );
  });
  const stored = Math.ceil(total / TENANTS) * TENANTS;
  let deleted = 0;
  let runs = 0;
  const perRun: number[] = [];
  const started = performance.now();
  for (;;) {
    runs += 1;
    const runStart = performance.now();
    const run = await sweepExpired({
      ...stores,
      now: () => new Date(Date.now() + AHEAD_MS),
      remainingMs: () => RUN_MS - (performance.now() - runStart),
      runId: randomUUID(),
      limits: DEFAULT_SWEEP_LIMITS,
    });
    if (run.status === 'busy' || run.status === 'failed')
      throw new Error(`sweep run ended ${JSON.stringify(run)}`);
    const n = Object.values(run.deleted).reduce((a, b) => a + b, 0);
    deleted += n;
    perRun.push(n);
    if (run.status === 'completed' && run.backlog === 0) break;
    if (runs > 20) throw new Error(`backlog not drained after ${runs} runs: ${JSON.stringify(run)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (deleted !== stored) throw new Error(`the sweep deleted ${deleted} of ${stored} due records`);
  const note = `${stored} due admin actions of ${TENANTS} tenants; deployed limits (${DEFAULT_SWEEP_LIMITS.maxItems} items, ${RUN_MS / 1000} s per run); deleted per run: ${perRun.join(', ')}`;
  return [
    {
      figure: `sweep backlog: ${stored} records drained`,
      unit: 'rec/s',
      value: summarise([deleted / seconds]),
      note,
    },
    { figure: 'sweep backlog: runs needed', unit: 'runs', value: summarise([runs]) },
  ];
}
