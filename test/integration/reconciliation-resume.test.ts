import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { DAY_MS, POLICY, type PolicyDeclarations } from '#policy/index';
import type { ChangeCounts, ReconciliationJob } from '#store/policy-state';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { type World, worldUnder } from '#test/policy-world';
import { recordsListing } from '#test/sweep';

// What a reconciliation finds when it resumes: a step that failed after it had counted, and a job
// saved by the code before this one (its write-ahead list a single decision, not a list). Either
// way the counts end as a run without either would leave them.

const T0 = new Date('2031-03-01T00:07:00.000Z');
const CATEGORY = 'admin-action-log';
const AGES = [1, 12, 45, 89, 91, 120, 150, 170];
const OLDER_THAN_90 = 3 * AGES.filter((age) => age > 90).length;
const at = (days: number, minutes = 0) => new Date(T0.getTime() + days * DAY_MS + minutes * 60_000);

const shortened: PolicyDeclarations = (() => {
  const p = structuredClone(POLICY) as unknown as { categories: Record<string, { rule: unknown }> };
  (p.categories[CATEGORY] as { rule: unknown }).rule = { kind: 'fixed', days: 90 };
  return p as unknown as PolicyDeclarations;
})();

const countsOf = (job: ReconciliationJob | undefined): ChangeCounts | undefined => job?.counts[CATEGORY];

describe('a reconciliation resumed', () => {
  let cloud: IsolatedCloud;
  let tenantId: string;
  let next: World;

  beforeEach(async () => {
    cloud = await isolatedCloud();
    const before = await worldUnder(cloud);
    expect(await before.reconcile(at(-400))).toEqual({ status: 'baseline' });
    tenantId = (await before.registerTenant(at(-400))).id;
    await before.capture(
      tenantId,
      AGES.flatMap((age, i) =>
        [0, 7, 19].map((hour) => ({ type: 'admin.action', occurredAt: at(-age, hour * 60 + i) })),
      ),
    );
    next = await worldUnder(cloud, shortened);
  });
  afterEach(() => cloud.destroy());

  it('counts nothing of a step that failed after it counted: the next run ends with the counts of one without the failure', async () => {
    const clients = localClients(cloud.endpoints);
    let failed = 0;
    // The first count of records the new rule makes due fails (after the step counted its buckets).
    clients.dynamodb.middlewareStack.add(
      (nextHandler) => async (args) => {
        const input = args.input as { Select?: string; IndexName?: string };
        if (input.Select === 'COUNT' && input.IndexName && failed++ === 0)
          throw Object.assign(new Error('Service unavailable (injected)'), { name: 'ServiceUnavailable' });
        return nextHandler(args);
      },
      { step: 'initialize', name: 'failOneCount' },
    );
    await expect(next.reconcile(T0, { clients })).rejects.toThrow('injected');
    clients.dynamodb.destroy();
    clients.s3.destroy();
    expect(failed).toBeGreaterThan(0);
    // The failed run released its job with nothing of the failed step counted.
    const left = await next.state().job(next.version);
    expect(left?.leaseUntil).toBeUndefined();
    expect(countsOf(left)?.bucketsRefiled ?? 0).toBe(0);

    const outcome = await next.reconcileFully(T0);
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(countsOf((outcome as { job: ReconciliationJob }).job)).toMatchObject({
      bucketsRefiled: AGES.length,
      dueAtOnce: OLDER_THAN_90,
    });
  });

  it('applies the one pending decision a job of the code before this one left, then goes on', async () => {
    // The code before this one opened the job, decided one bucket, saved it with its count, and
    // stopped before writing it (its write-ahead list one decision, not a list).
    expect(await next.reconcile(T0, { remainingMs: () => 0, reserveMs: 1 })).toMatchObject({
      status: 'continue',
    });
    const job = (await next.state().job(next.version)) as ReconciliationJob;
    // The newest day's: the new rule makes none of its records due at once (nothing else to count).
    const [bucket] = (await recordsListing(cloud))
      .filter((item) => item.tenantId === tenantId && item.bucketCategory === CATEGORY)
      .sort((a, b) => String(b.day).localeCompare(String(a.day))) as unknown as Array<{
      day: string;
      module: string;
    }>;
    if (!bucket) throw new Error('no bucket was stored');
    const window = next.policy.dayDueWindow(CATEGORY, bucket.day, next.policy.stateOf(undefined));
    const due = (window as { from: Date }).from.toISOString();
    const single = {
      kind: 'buckets',
      puts: [{ tenantId, day: bucket.day, category: CATEGORY, module: bucket.module, due }],
      removals: [],
    };
    const one: ChangeCounts = {
      bucketsRefiled: 1,
      bucketsRemoved: 0,
      bucketsCreated: 0,
      dueAtOnce: 0,
      entriesRefiled: 0,
      archivesRegrouped: 0,
    };
    const counts = { ...job.counts, [CATEGORY]: one };
    await next.state().save({ ...job, pending: single, counts });

    const outcome = await next.reconcileFully(T0);
    expect(outcome).toMatchObject({ status: 'completed' });
    const done = (outcome as { job: ReconciliationJob }).job;
    // Applied first: the pass found that bucket under the new rule already, so it counted it once.
    expect(countsOf(done)).toMatchObject({ bucketsRefiled: AGES.length, dueAtOnce: OLDER_THAN_90 });
    expect(done.pending).toBeUndefined();
    const buckets = (await recordsListing(cloud)).filter(
      (item) => item.tenantId === tenantId && item.bucketCategory === CATEGORY,
    );
    expect(buckets.map((b) => b.policyVersion)).toEqual(buckets.map(() => next.version));
  });
});
