import { declarationsFrom, POLICY, type PolicyDeclarations, storedForm } from '#policy/index';
import { DynamoDueIndex } from '#store/due-index';
import { S3ObjectArchive, S3ObjectStore } from '#store/objects';
import { DynamoPolicyState, type ReconciliationJob } from '#store/policy-state';
import { DynamoReconcileIndex } from '#store/reconcile-index';
import { bucketItem } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import type { IsolatedCloud } from '#test/isolated-cloud';
import { storeHistory } from '#test/sweep';
import { reconcilePolicy } from '../../functions/sweepExpired/reconcile.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { atLeast, atMost, summarise, timed } from './measure.ts';
import { itemsWhere, putAll, rawPut } from './raw-delete.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const CATEGORY = 'admin-action-log';
/** BatchWriteItem batches in flight: as many as the project's bucket writes keep. */
const IN_FLIGHT = 4;

/**
 * Policy reconciliation (issue 15): the admin action log's rule goes from a stored 365 days to the
 * deployed 180, so every one of its day buckets is re-filed. Rate against BatchWriteItem rewrites of
 * the same items (puts of the re-filed items over a copy of the same stored data) at the same
 * concurrency, and read units with ten times the records the change does not touch.
 */
export async function reconciliationFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const ratio: number[] = [];
  const rate: number[] = [];
  const rawRate: number[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    const cloud = await bench.copy();
    const rawCloud = await bench.copy();
    const setUp = await storedUnderLongerRule(cloud, sizes.reconcileTenants, sizes.reconcileDays, 0);
    // The raw side holds what the reconciliation starts from, item for item: its puts rewrite
    // stored items (their index entries moved), as the reconciliation's do.
    const source = benchDb(cloud.endpoints.dynamodbEndpoint).db;
    const stored = await itemsWhere(source, cloud.tables.RecordsTable as string, () => true);
    await putAll(source, rawCloud.tables.RecordsTable as string, stored);
    const run = await timed(() => reconcileFully(cloud));
    const refiled = run.value.counts[CATEGORY]?.bucketsRefiled ?? 0;
    if (refiled !== setUp.buckets) throw new Error(`re-filed ${refiled} of ${setUp.buckets} buckets`);
    const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
    const rewritten = await itemsWhere(
      db,
      cloud.tables.RecordsTable as string,
      (item) => item.kind === 'day-bucket' && item.bucketCategory === CATEGORY,
    );
    const raw = benchDb(rawCloud.endpoints.dynamodbEndpoint).db;
    const rawRun = await timed(() =>
      rawPut(raw, rawCloud.tables.RecordsTable as string, rewritten, IN_FLIGHT),
    );
    ratio.push(rawRun.ms / run.ms);
    rate.push(refiled / (run.ms / 1000));
    rawRate.push(rewritten.length / (rawRun.ms / 1000));
  }
  const lean = await bench.copy();
  const crowded = await bench.copy();
  await storedUnderLongerRule(lean, 1, sizes.reconcileDays, 0);
  await storedUnderLongerRule(crowded, 1, sizes.reconcileDays, 10);
  const [leanJob, crowdedJob] = [await reconcileFully(lean), await reconcileFully(crowded)];
  return [
    {
      figure: 'reconciliation rate reconcile / raw BatchWriteItem rewrites',
      unit: '×',
      value: summarise(ratio),
      goal: atLeast(0.8),
      note: `${sizes.reconcileTenants} tenants × ${sizes.reconcileDays} days of ${CATEGORY} buckets re-filed from a 365-day to the 180-day rule, both passes; raw: BatchWriteItem puts of the same re-filed items over a copy of the same stored items (each put a rewrite), ${IN_FLIGHT} batches in flight`,
    },
    { figure: 'reconciliation rate', unit: 'buckets/s', value: summarise(rate) },
    { figure: 'raw rewrite rate (reconciliation baseline)', unit: 'items/s', value: summarise(rawRate) },
    {
      figure: 'reconciliation: read units 10× / 1× unaffected records',
      unit: '×',
      value: summarise([crowdedJob.readUnits / leanJob.readUnits]),
      goal: atMost(1.2),
      note: `one tenant, ${sizes.reconcileDays} days of ${CATEGORY}; the crowded copy holds ten user logins per admin action (a category the change does not touch)`,
    },
    {
      figure: 'reconciliation: read units, 1× unaffected',
      unit: 'RCU',
      value: summarise([leanJob.readUnits]),
    },
  ];
}

/**
 * Tenants whose admin actions (3 a day over `days` days, and `others` times as many logins) were
 * stored while the policy said 365 days: their buckets filed under that rule, and that policy in force.
 */
async function storedUnderLongerRule(cloud: IsolatedCloud, tenants: number, days: number, others: number) {
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const tenantStore = new DynamoTenantStore(db, cloud.tables.TenantsTable as string);
  const index = new DynamoReconcileIndex(db, cloud.tables.RecordsTable as string);
  const now = Date.now();
  let buckets = 0;
  for (let t = 0; t < tenants; t++) {
    const tenant = await createTenant(
      {
        name: 'Bench',
        modules: ['ciam'],
        maxUsers: 100_000,
        region: 'DE',
        openedAt: new Date(now - (days + 1) * DAY_MS).toISOString(),
      },
      tenantStore,
      new Date(),
    );
    const history = Array.from({ length: days * 3 * (1 + others) }, (_, i) => ({
      type: i % (1 + others) === 0 ? 'admin.action' : 'user.login',
      occurredAt: new Date(now - DAY_MS / 2 - Math.floor(i / (3 * (1 + others))) * DAY_MS - (i % 3) * 60_000),
      fields: { userId: `u-${i % 50}` },
    }));
    await storeHistory(cloud, tenant.id, history, { concurrency: 16 });
    // Filed as the code of the 365-day policy filed them: 185 days later than the rule now says.
    let page: string | undefined;
    do {
      const found = await index.buckets(tenant.id, CATEGORY, page);
      const items = found.items.map((b) =>
        bucketItem(
          {
            tenantId: tenant.id,
            day: b.day,
            category: b.category,
            ...(b.module ? { module: b.module } : {}),
            policyVersion: longer.version,
            due: new Date(Date.parse(String(b.due)) + 185 * DAY_MS),
          },
          { pk: b.pk, sk: b.sk },
        ),
      );
      await rawPut(db, cloud.tables.RecordsTable as string, items, IN_FLIGHT);
      buckets += items.length;
      page = found.next;
    } while (page);
  }
  const state = new DynamoPolicyState(db, cloud.tables.TenantsTable as string);
  await state.putDeclarations(longer.version, storedForm(longer.declarations));
  await state.setInForce({ version: longer.version, since: new Date(now - DAY_MS).toISOString() });
  return { buckets };
}

/** The deployed policy with the admin action log kept 365 days: what the stored data was written under. */
const longer = (() => {
  const declarations = JSON.parse(storedForm(POLICY)) as PolicyDeclarations;
  (declarations.categories[CATEGORY] as { rule: unknown }).rule = { kind: 'fixed', days: 365 };
  return declarationsFrom(storedForm(declarations));
})();

/** Runs the reconciliation as the sweep does, run after run, until it completes (no late-writer wait). */
async function reconcileFully(cloud: IsolatedCloud): Promise<ReconciliationJob> {
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const records = cloud.tables.RecordsTable as string;
  const tenants = cloud.tables.TenantsTable as string;
  const bucket = cloud.buckets.DataBucket as string;
  const deps = {
    index: new DynamoReconcileIndex(db, records),
    due: new DynamoDueIndex(db, records),
    archive: new S3ObjectArchive(db, records, cloud.clients.s3, bucket),
    objects: new S3ObjectStore(cloud.clients.s3, bucket),
    state: new DynamoPolicyState(db, tenants),
    tenants: new DynamoTenantStore(db, tenants),
    now: () => new Date(),
    remainingMs: () => 600_000,
    lateWriterMs: 0,
    reserveMs: 0,
  };
  for (let run = 0; run < 100; run++) {
    const outcome = await reconcilePolicy(deps);
    if (outcome.status === 'completed') return outcome.job;
    if (outcome.status !== 'continue' && outcome.status !== 'waiting')
      throw new Error(`reconciliation answered ${outcome.status}`);
  }
  throw new Error('reconciliation did not complete in 100 runs');
}
