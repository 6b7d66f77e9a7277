import { describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { DAY_MS, POLICY, type PolicyDeclarations } from '#policy/index';
import type { ReconciliationJob } from '#store/policy-state';
import { Crash, injected } from '#test/faults';
import { bucketListing } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { worldUnder } from '#test/policy-world';
import { recordsListing } from '#test/sweep';

// One reconciliation touching every kind of step (buckets re-filed and created, archives regrouped,
// receipts and released holds re-filed), run once without faults and once with a process crash
// after every I/O step: each crashed run is followed by the next scheduled one, which resumes. Both
// must end in exactly the same tables, bucket and counts.

const T0 = new Date('2031-03-01T00:07:00.000Z');
const at = (days: number, minutes = 0) => new Date(T0.getTime() + days * DAY_MS + minutes * 60_000);
const STAYING = '00000000-0000-4000-8000-0000000000aa';
const LEAVING = '00000000-0000-4000-8000-0000000000bb';
const AGES = [1, 29, 45, 100, 151, 155, 159, 163, 170];

const changed: PolicyDeclarations = (() => {
  const p = structuredClone(POLICY) as unknown as {
    categories: Record<string, { rule: unknown }>;
    operational: Record<string, { rule: unknown }>;
  };
  (p.categories['admin-action-log'] as { rule: unknown }).rule = { kind: 'fixed', days: 90 };
  (p.categories['user-operation-log'] as { rule: unknown }).rule = { kind: 'fixed', days: 30 };
  (p.categories['asset-management-data'] as { rule: unknown }).rule = {
    kind: 'archiveOnTermination',
    minDays: 240,
    graceDays: 10,
  };
  (p.operational['deletion-receipt'] as { rule: unknown }).rule = { kind: 'fixed', days: 400 };
  (p.operational['legal-hold'] as { rule: unknown }).rule = { kind: 'fixed', days: 500 };
  return p as unknown as PolicyDeclarations;
})();

const history = (type: string) =>
  AGES.flatMap((age, i) => [0, 7, 19].map((hour) => ({ type, occurredAt: at(-age - 1, hour * 60 + i) })));

/** Everything stored, without what names the test's own resources (table and bucket names). */
async function state(cloud: IsolatedCloud) {
  const items = (await recordsListing(cloud)).map(({ bucket: _b, ...item }) => item);
  const objects = (await bucketListing(cloud)).map(({ key, body }) => ({ key, body }));
  const sort = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
  return { items: sort(items), objects: sort(objects) };
}

/** Lays down the same history in a cloud: two tenants, one of them terminated, a released hold. */
async function seed(cloud: IsolatedCloud) {
  const before = await worldUnder(cloud);
  await before.reconcile(at(-400));
  for (const id of [STAYING, LEAVING]) {
    await before.registerTenant(at(-400), id);
    await before.capture(
      id,
      [...history('admin.action'), ...history('user.login'), ...history('security.asset')],
      {
        idPrefix: id.slice(-2),
      },
    );
  }
  expect(await before.terminate(LEAVING, 'container-security', at(-1), at(-1))).toBe('completed');
  await before.holds().place({
    tenantId: STAYING,
    holdId: 'case-9',
    categories: ['admin-action-log'],
    reason: 'CASE-2031-9',
    placedBy: 'operator',
    placedAt: at(-3).toISOString(),
  });
  await before.holds().release(STAYING, 'case-9', at(-2), 'operator');
}

/** Reconciles, then sweeps; with `crash`, every run crashes after one more I/O step than the last. */
async function life(crashing: boolean) {
  const cloud = await isolatedCloud();
  try {
    await seed(cloud);
    const next = await worldUnder(cloud, changed);
    const clients = localClients(cloud.endpoints);
    const crash = new Crash();
    if (crashing) crash.install(clients.dynamodb, clients.s3);
    let runs = 0;
    for (let attempt = 0; ; attempt++) {
      crash.arm(crashing ? attempt : Number.POSITIVE_INFINITY);
      const outcome = await next.reconcile(T0, { clients }).catch(() => ({ status: 'crashed' }) as const);
      crash.disarm();
      runs++;
      // A crashed run's lease lapses before the next scheduled run.
      const job = await next.state().job(next.version);
      if (job?.leaseUntil) await next.state().save({ ...job, leaseUntil: undefined } as ReconciliationJob);
      if (outcome.status === 'completed') break;
      expect(attempt).toBeLessThan(2000);
    }
    const reconciled = await state(cloud);
    const job = (await next.state().job(next.version)) as ReconciliationJob;
    await next.sweep(T0);
    clients.dynamodb.destroy();
    clients.s3.destroy();
    const { readUnits: _reads, leaseUntil: _lease, ...counted } = job;
    return { runs, reconciled, job: counted, swept: await state(cloud) };
  } finally {
    cloud.destroy();
  }
}

describe('reconciliation under a process crash after every I/O step', () => {
  it('ends in the same tables, bucket and counts as the fault-free run', async () => {
    const clean = await life(false);
    expect(clean.runs).toBe(1);
    // Every kind of step had work to do.
    const counts = clean.job.counts;
    expect(counts['admin-action-log']?.dueAtOnce).toBeGreaterThan(0);
    expect(counts['user-operation-log']?.bucketsCreated).toBeGreaterThan(0);
    expect(counts['asset-management-data']?.archivesRegrouped).toBeGreaterThan(0);
    expect(counts['deletion-receipt']?.entriesRefiled).toBe(1);
    expect(counts['legal-hold']?.entriesRefiled).toBe(1);
    const before = injected.crash ?? 0;
    const crashed = await life(true);
    expect(crashed.runs).toBeGreaterThan(50);
    // Every run but the last crashed (requests already in flight may each see the crash too).
    expect((injected.crash ?? 0) - before).toBeGreaterThanOrEqual(crashed.runs - 1);
    expect(crashed.job).toEqual(clean.job);
    expect(crashed.reconciled).toEqual(clean.reconciled);
    expect(crashed.swept).toEqual(clean.swept);
  }, 600_000);
});
