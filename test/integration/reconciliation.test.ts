import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, POLICY, type PolicyDeclarations, policyVersionOf, type RetentionRule } from '#policy/index';
import type { DueEntry } from '#store/due-index';
import type { ChangeCounts, ReconciliationJob } from '#store/policy-state';
import type { SweepRun } from '#store/sweeps';
import { bucketListing, loadHttpFunctions, OPERATOR_KEY } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { type World, worldUnder } from '#test/policy-world';
import { recordsListing, type StoredItem } from '#test/sweep';

// Data stored by the code of one policy, then reconciled and swept by the code of another (a
// second declaration set injected into the policy module): after the reconciliation and one sweep,
// no stored item is past the deadline the new policy gives it (beyond the sweep's clock-skew
// margin), and none was deleted before that deadline.

const MINUTE = 60_000;
const T0 = new Date('2031-03-01T00:07:00.000Z');
const margin = POLICY.enforcement.clockSkewMarginMinutes * MINUTE;
const plus = (time: Date, days: number, minutes = 0) =>
  new Date(time.getTime() + days * DAY_MS + minutes * MINUTE);

type Writable = {
  categories: Record<string, { rule: unknown }>;
  recordTypes: Record<string, unknown>;
  operational: Record<string, { rule: unknown }>;
};
/** The real policy with one edit: the declarations another deploy carries. */
const policyWith = (edit: (p: Writable) => void): PolicyDeclarations => {
  const copy = structuredClone(POLICY) as unknown as Writable;
  edit(copy);
  return copy as unknown as PolicyDeclarations;
};
const withRule = (id: string, rule: RetentionRule) =>
  policyWith((p) => {
    const section = Object.hasOwn(p.categories, id) ? p.categories : p.operational;
    (section[id] as { rule: unknown }).rule = rule;
  });
const withoutCategory = (...ids: string[]) =>
  policyWith((p) => {
    for (const id of ids) delete p.categories[id];
    for (const [type, declared] of Object.entries(p.recordTypes))
      if (ids.includes((declared as { category: string }).category)) delete p.recordTypes[type];
  });
const AGES = [1, 12, 29, 31, 45, 60, 89, 91, 120, 150, 170];
/** Records of one type at each of the given ages (days before `now`), at three hours of the day. */
const history = (type: string, now: Date, ages: readonly number[] = AGES) =>
  ages.flatMap((age, i) => [0, 7, 19].map((hour) => ({ type, occurredAt: plus(now, -age, hour * 60 + i) })));
const olderThan = (days: number) => 3 * AGES.filter((age) => age > days).length;

const countsOf = (outcome: unknown, id: string): ChangeCounts | undefined =>
  (outcome as { job?: ReconciliationJob }).job?.counts[id];

describe('a changed policy governs the data already stored', () => {
  let cloud: IsolatedCloud;
  let current: World;

  const recordsOf = async (tenantId: string, category: string) =>
    (await recordsListing(cloud)).filter((i) => i.tenantId === tenantId && i.category === category);
  const bucketsOf = async (tenantId: string, category: string) =>
    (await recordsListing(cloud)).filter((i) => i.tenantId === tenantId && i.bucketCategory === category);

  /**
   * What the new policy promises at `now`: every record still stored is before its deadline (or
   * within the sweep's clock-skew margin of it), and every seeded record before its deadline is stored.
   */
  function expectGoverned(
    world: World,
    seeded: readonly StoredItem[],
    stored: readonly StoredItem[],
    now: Date,
  ) {
    const deadline = (i: StoredItem) => world.policy.storedDeadline(i)?.getTime() ?? Number.POSITIVE_INFINITY;
    const kept = new Set(stored.map((i) => i.sk));
    const overdue = stored.filter((i) => deadline(i) <= now.getTime() - margin).map((i) => i.occurredAt);
    const early = seeded
      .filter((i) => !kept.has(i.sk) && deadline(i) > now.getTime())
      .map((i) => i.occurredAt);
    expect({ overdue, early }).toEqual({ overdue: [], early: [] });
  }

  /** A tenant seeded by the code of the real policy, in this test's own cloud. */
  async function seeded(seed: (now: Date) => Array<{ type: string; occurredAt: Date }>) {
    const now = T0;
    const tenant = await current.registerTenant(plus(now, -400));
    await current.capture(tenant.id, seed(now));
    return { now, tenant };
  }

  // Each test its own tables, so the counts of a reconciliation are the test's alone.
  beforeEach(async () => {
    cloud = await isolatedCloud();
    current = await worldUnder(cloud);
    // The first run of the code finds no policy in force: what is stored is under this one.
    expect(await current.reconcile(plus(T0, -400))).toEqual({ status: 'baseline' });
    expect(await current.reconcile(plus(T0, -400, 1))).toEqual({ status: 'in-force' });
  });
  afterEach(() => cloud.destroy());

  it('deletes at the first sweep what a shortened fixed rule makes due, and keeps the rest to the new deadline', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const all = await recordsOf(tenant.id, 'admin-action-log');
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 90 }));
    const outcome = await next.reconcileFully(now);
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(countsOf(outcome, 'admin-action-log')).toMatchObject({
      bucketsRefiled: AGES.length,
      dueAtOnce: olderThan(90),
    });
    const run = (await next.sweep(now)) as SweepRun;
    expect(run.deleted['admin-action-log']).toBe(olderThan(90));
    expectGoverned(next, all, await recordsOf(tenant.id, 'admin-action-log'), now);
    // The same code deployed again finds the data under its policy.
    expect(await next.reconcile(plus(now, 0, 10))).toEqual({ status: 'in-force' });
  });

  it('counts in a dry run exactly what the reconciliation then does, and writes nothing', async () => {
    const { now } = await seeded((t) => [...history('admin.action', t), ...history('user.login', t)]);
    const change = policyWith((p) => {
      Object.assign(p.categories['admin-action-log'] ?? {}, { rule: { kind: 'fixed', days: 90 } });
      Object.assign(p.categories['user-operation-log'] ?? {}, { rule: { kind: 'fixed', days: 30 } });
    });
    const next = await worldUnder(cloud, change);
    const stored = await recordsListing(cloud);
    const preview = await next.preview(now, POLICY);
    expect(preview).toMatchObject({ from: current.version, to: next.version, tenants: 1 });
    expect(await recordsListing(cloud)).toEqual(stored);
    expect(await next.state().jobs()).toEqual([]);
    const { job } = (await next.reconcileFully(now)) as { job: ReconciliationJob };
    expect(preview.counts).toEqual(job.counts);
  });

  it('never deletes early under a lengthened fixed rule: no item carries a TTL, and buckets move to the new deadline', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const all = await recordsOf(tenant.id, 'admin-action-log');
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 365 }));
    expect(countsOf(await next.reconcileFully(now), 'admin-action-log')).toMatchObject({
      bucketsRefiled: AGES.length,
      dueAtOnce: 0,
    });
    for (const bucket of await bucketsOf(tenant.id, 'admin-action-log'))
      expect(String(bucket.dueSk)).toMatch(
        new RegExp(`^${plus(new Date(`${bucket.day}T00:00:00Z`), 365).toISOString()}#`),
      );
    expect((await recordsListing(cloud)).filter((i) => 'expiresAt' in i)).toEqual([]);
    // Past every old deadline, before most new ones.
    for (const days of [20, 200]) {
      const later = plus(now, days);
      await next.sweep(later);
      expectGoverned(next, all, await recordsOf(tenant.id, 'admin-action-log'), later);
    }
    expect((await recordsOf(tenant.id, 'admin-action-log')).length).toBe(
      3 * AGES.filter((a) => a + 200 < 365).length,
    );
  });

  it('gives records kept until termination a deadline when the rule becomes fixed, by buckets created from the day registry', async () => {
    const { now, tenant } = await seeded((t) => history('user.login', t));
    const all = await recordsOf(tenant.id, 'user-operation-log');
    expect(await bucketsOf(tenant.id, 'user-operation-log')).toEqual([]);
    const next = await worldUnder(cloud, withRule('user-operation-log', { kind: 'fixed', days: 30 }));
    expect(countsOf(await next.reconcileFully(now), 'user-operation-log')).toMatchObject({
      bucketsCreated: AGES.length,
      dueAtOnce: olderThan(30),
    });
    await next.sweep(now);
    expectGoverned(next, all, await recordsOf(tenant.id, 'user-operation-log'), now);
    expect((await recordsOf(tenant.id, 'user-operation-log')).length).toBe(
      3 * AGES.filter((a) => a <= 29).length,
    );
  });

  it('keeps records while the tenant lives when a fixed rule becomes "until termination", and deletes those kept past a termination', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const leaving = await current.registerTenant(plus(now, -400));
    await current.capture(leaving.id, history('admin.action', now));
    // Terminated under the first policy: its admin action log is kept to its fixed deadline.
    expect(await current.terminate(leaving.id, 'ciam', plus(now, -1), plus(now, -1))).toBe('completed');
    expect((await recordsOf(leaving.id, 'admin-action-log')).length).toBe(3 * AGES.length);
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'untilTermination' }));
    const outcome = await next.reconcileFully(now);
    expect(countsOf(outcome, 'admin-action-log')).toMatchObject({
      bucketsRemoved: AGES.length,
      bucketsRefiled: AGES.length,
    });
    await next.sweep(plus(now, 400));
    expect((await recordsOf(tenant.id, 'admin-action-log')).length).toBe(3 * AGES.length);
    expect(await recordsOf(leaving.id, 'admin-action-log')).toEqual([]);
  });

  it('changes nothing stored when a category is added, and captures it from the deploy', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const tenantItems = async () => (await recordsListing(cloud)).filter((i) => i.tenantId === tenant.id);
    const before = await tenantItems();
    const next = await worldUnder(
      cloud,
      policyWith((p) => {
        p.categories['session-log'] = {
          ...p.categories['user-operation-log'],
          rule: { kind: 'fixed', days: 7 },
        };
        p.recordTypes['session.started'] = { category: 'session-log' };
      }),
    );
    const outcome = await next.reconcileFully(now);
    expect((outcome as { job: ReconciliationJob }).job.changes).toEqual([]);
    expect(await tenantItems()).toEqual(before);
    await next.capture(tenant.id, [{ type: 'session.started', occurredAt: plus(now, -8) }]);
    await next.sweep(now);
    expect(await recordsOf(tenant.id, 'session-log')).toEqual([]);
  });

  it('deletes the records of a removed category at the first sweep; a legal hold keeps them until its release', async () => {
    const { now, tenant } = await seeded((t) => [
      ...history('security.version', t),
      ...history('user.login', t),
    ]);
    const held = await current.registerTenant(plus(now, -400));
    await current.capture(held.id, history('security.version', now, [3, 100]));
    await current.holds().place({
      tenantId: held.id,
      holdId: 'case-1',
      categories: ['*'],
      reason: 'CASE-2031-7',
      placedBy: 'operator',
      placedAt: plus(now, -1).toISOString(),
    });
    const next = await worldUnder(cloud, withoutCategory('version-management-data', 'user-operation-log'));
    const outcome = await next.reconcileFully(now);
    expect((outcome as { job: ReconciliationJob }).job.changes.map((c) => [c.id, c.after])).toEqual([
      ['user-operation-log', null],
      ['version-management-data', null],
    ]);
    const run = (await next.sweep(now)) as SweepRun;
    expect(await recordsOf(tenant.id, 'version-management-data')).toEqual([]);
    expect(await recordsOf(tenant.id, 'user-operation-log')).toEqual([]);
    expect(run.held['version-management-data']).toBe(6);
    expect((await recordsOf(held.id, 'version-management-data')).length).toBe(6);
    await next.holds().release(held.id, 'case-1', plus(now, 0, 5), 'operator');
    await next.sweep(plus(now, 0, 20));
    expect(await recordsOf(held.id, 'version-management-data')).toEqual([]);
  });

  it('regroups archives under a changed archiveOnTermination, so each archived record goes at its new date, none before', async () => {
    // Records older than 150 days shared one deadline window (termination + grace) under the old
    // rule; under the new one each has its own (its own time + the new minimum).
    const ages = [1, 45, 120, ...Array.from({ length: 14 }, (_, i) => 151 + 2 * i)];
    const { now, tenant } = await seeded((t) => history('security.asset', t, ages));
    expect(await current.terminate(tenant.id, 'container-security', now, now)).toBe('completed');
    const next = await worldUnder(
      cloud,
      withRule('asset-management-data', { kind: 'archiveOnTermination', minDays: 240, graceDays: 10 }),
    );
    const outcome = await next.reconcileFully(now);
    expect(countsOf(outcome, 'asset-management-data')?.archivesRegrouped).toBeGreaterThan(0);
    const all = await archived();
    expect(all.length).toBe(3 * ages.length);
    const deadline = (r: ArchivedRecord) =>
      next.policy.recordDeadline(r.category, new Date(r.occurredAt), {
        status: 'terminated',
        terminatedAt: now,
      }) as Date;
    const window = POLICY.enforcement.archiveWindowMinutes * MINUTE;
    for (const days of [11, 31, 100, 230, 300, 420]) {
      const later = plus(now, days);
      await next.sweep(later);
      const stored = await archived();
      // An archive waits for the last deadline of its window: at most one window after a record's own.
      const overdue = stored.filter((r) => deadline(r).getTime() <= later.getTime() - margin - window);
      const kept = new Set(stored.map((r) => r.id));
      const early = all.filter((r) => !kept.has(r.id) && deadline(r) > later);
      expect([days, overdue.length, early.length]).toEqual([days, 0, 0]);
    }
    expect(await archived()).toEqual([]);
  });

  it('catches in the second pass a bucket a sweep of the old code filed back under the old rule after the first pass', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t, [10, 120]));
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 90 }));
    expect(await next.reconcile(now, { lateWriterMs: 60_000 })).toMatchObject({
      status: 'waiting',
      job: { pass: 1 },
    });
    // The newer day's bucket, brought under the new rule by the first pass; a sweep of the old code
    // (which re-files a bucket while its day's records may still arrive) files it under the old
    // rule's deadline again, and leaves the version the first pass stamped on it.
    const [bucket] = (await bucketsOf(tenant.id, 'admin-action-log')).sort((a, b) =>
      String(b.day).localeCompare(String(a.day)),
    ) as unknown as DueEntry[];
    if (!bucket?.day) throw new Error('no bucket was stored');
    expect((bucket as unknown as { policyVersion: string }).policyVersion).toBe(next.version);
    const dueUnder = (world: World) =>
      (
        world.policy.dayDueWindow(
          'admin-action-log',
          bucket.day as string,
          world.policy.stateOf(undefined),
        ) as {
          from: Date;
        }
      ).from;
    expect(dueUnder(current).getTime()).toBeGreaterThan(dueUnder(next).getTime());
    expect(await current.dueIndex().refile(bucket, dueUnder(current))).toBe(true);

    const second = await next.reconcile(plus(now, 0, 1.1), { lateWriterMs: 60_000 });
    expect(second).toMatchObject({ status: 'completed', job: { pass: 2 } });
    expect((second as { job: ReconciliationJob }).job.lateCounts['admin-action-log']).toMatchObject({
      bucketsRefiled: 1,
    });
    const after = (await bucketsOf(tenant.id, 'admin-action-log')).find((b) => b.sk === bucket.sk);
    expect(after?.dueSk).toMatch(new RegExp(`^${dueUnder(next).toISOString()}#`));
  });

  it('catches in a second pass what captures still running the old code wrote during the deploy', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t, [10, 120]));
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 90 }));
    const first = await next.reconcile(now, { lateWriterMs: 60_000 });
    expect(first).toMatchObject({ status: 'waiting', job: { pass: 1 } });
    // A capture of the old code, on a day that had no bucket yet: filed under the old deadline.
    const old = await worldUnder(cloud);
    await old.capture(tenant.id, [{ type: 'admin.action', occurredAt: plus(now, -100) }]);
    expect(await next.reconcile(plus(now, 0, 0.5), { lateWriterMs: 60_000 })).toMatchObject({
      status: 'waiting',
    });
    const second = await next.reconcile(plus(now, 0, 1.1), { lateWriterMs: 60_000 });
    expect(second).toMatchObject({ status: 'completed', job: { pass: 2 } });
    expect((second as { job: ReconciliationJob }).job.lateCounts['admin-action-log']).toMatchObject({
      bucketsRefiled: 1,
      dueAtOnce: 1,
    });
    await next.sweep(plus(now, 0, 1.1));
    expect((await recordsOf(tenant.id, 'admin-action-log')).map((r) => r.occurredAt).sort()).toEqual(
      history('admin.action', now, [10]).map((r) => r.occurredAt.toISOString()),
    );
  });

  it('brings the data back under a policy deployed again after a rollback, and keeps every reconciliation’s status', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const shorter = withRule('admin-action-log', { kind: 'fixed', days: 90 });
    for (const [i, world] of [
      await worldUnder(cloud, shorter),
      current,
      await worldUnder(cloud, shorter),
    ].entries())
      expect(await world.reconcileFully(plus(now, 0, i * 20))).toMatchObject({ status: 'completed' });
    const jobs = await current.state().jobs();
    expect(jobs.map((j) => [j.to, j.status])).toEqual([
      [policyVersionOf(shorter), 'completed'],
      [current.version, 'completed'],
      [policyVersionOf(shorter), 'completed'],
    ]);
    for (const bucket of await bucketsOf(tenant.id, 'admin-action-log'))
      expect(String(bucket.policyVersion)).toBe(policyVersionOf(shorter));
  });

  it('brings the data back under the policy in force when it is deployed again while a reconciliation to another is unfinished (a rollback mid-way)', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const seededRecords = await recordsOf(tenant.id, 'admin-action-log');
    const filedBefore = (await bucketsOf(tenant.id, 'admin-action-log')).map((b) => b.dueSk).sort();
    // A deploy that keeps the admin action log 365 days re-files every bucket, then waits for the
    // captures of the code before it; the code before is deployed again meanwhile.
    const longer = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 365 }));
    expect(await longer.reconcile(now, { lateWriterMs: 3_600_000 })).toMatchObject({
      status: 'waiting',
      job: { counts: { 'admin-action-log': { bucketsRefiled: AGES.length } } },
    });
    expect((await bucketsOf(tenant.id, 'admin-action-log')).map((b) => b.dueSk).sort()).not.toEqual(
      filedBefore,
    );
    // The dry run plans from both versions, as the reconciliation back will.
    const preview = await current.preview(plus(now, 0, 4), POLICY);
    expect(preview).toMatchObject({ from: current.version, alsoUnder: [longer.version] });
    expect(preview.counts['admin-action-log']).toMatchObject({ bucketsRefiled: AGES.length });
    const back = await current.reconcileFully(plus(now, 0, 5));
    expect(back).toMatchObject({ status: 'completed', job: { to: current.version } });
    expect((back as { job: ReconciliationJob }).job.from).toEqual([current.version, longer.version]);
    expect(countsOf(back, 'admin-action-log')).toMatchObject({ bucketsRefiled: AGES.length });
    expect((await bucketsOf(tenant.id, 'admin-action-log')).map((b) => b.dueSk).sort()).toEqual(filedBefore);
    const statuses = (await current.state().jobs()).map((j) => [j.to, j.status]);
    expect(statuses).toContainEqual([longer.version, 'superseded']);
    expect(await current.reconcile(plus(now, 0, 6))).toEqual({ status: 'in-force' });
    // A run of that deploy's code still going saves its job back as waiting: it started before the
    // policy in force came in again, so nothing is reconciled again for it.
    const cut = (await current.state().jobs()).find((j) => j.to === longer.version) as ReconciliationJob;
    await current.state().save({ ...cut, status: 'waiting' });
    expect(await current.reconcile(plus(now, 0, 7))).toEqual({ status: 'in-force' });
    // Twenty days on, the 170-day-old records are past the 180 days in force again: the first
    // sweep deletes them (filed under 365 days, it would not have looked at them for six months).
    const later = plus(now, 20, 10);
    await current.sweep(later);
    expectGoverned(current, seededRecords, await recordsOf(tenant.id, 'admin-action-log'), later);
    expect(await recordsOf(tenant.id, 'admin-action-log')).toHaveLength(3 * (AGES.length - 1));
  });

  it('brings the data back when the policy in force is deployed again after a reconciliation away from it completed without coming into force', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const filedBefore = (await bucketsOf(tenant.id, 'admin-action-log')).map((b) => b.dueSk).sort();
    const inForceBefore = await current.state().inForce();
    const longer = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 365 }));
    expect(await longer.reconcileFully(now)).toMatchObject({ status: 'completed' });
    // As if that run had ended before it set its policy in force.
    await current.state().setInForce(inForceBefore as { version: string; since: string });
    const back = await current.reconcileFully(plus(now, 0, 5));
    expect(back).toMatchObject({ status: 'completed', job: { from: [current.version, longer.version] } });
    expect((await bucketsOf(tenant.id, 'admin-action-log')).map((b) => b.dueSk).sort()).toEqual(filedBefore);
    expect(await current.state().inForce()).toMatchObject({ version: current.version });
  });

  it('re-files receipts and released legal holds under their changed rules', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t, [1]));
    expect(await current.terminate(tenant.id, 'ciam', now, now)).toBe('completed');
    await current.holds().place({
      tenantId: tenant.id,
      holdId: 'case-2',
      categories: ['admin-action-log'],
      reason: 'CASE-2031-8',
      placedBy: 'operator',
      placedAt: now.toISOString(),
    });
    await current.holds().release(tenant.id, 'case-2', now, 'operator');
    const next = await worldUnder(
      cloud,
      policyWith((p) => {
        Object.assign(p.operational, {
          'deletion-receipt': { ...p.operational['deletion-receipt'], rule: { kind: 'fixed', days: 30 } },
          'legal-hold': { ...p.operational['legal-hold'], rule: { kind: 'fixed', days: 10 } },
        });
      }),
    );
    const outcome = await next.reconcileFully(plus(now, 0, 10));
    expect(countsOf(outcome, 'deletion-receipt')).toMatchObject({ entriesRefiled: 1 });
    expect(countsOf(outcome, 'legal-hold')).toMatchObject({ entriesRefiled: 1 });
    await next.sweep(plus(now, 11));
    expect(await next.holds().list(tenant.id, plus(now, 11))).toEqual([]);
    expect((await bucketListing(cloud, 'receipts/')).length).toBe(1);
    await next.sweep(plus(now, 31));
    expect(await bucketListing(cloud, 'receipts/')).toEqual([]);
  });

  it('leaves a receipt per reconciliation and a status operators read, with versions and counts and no ids', async () => {
    const { now, tenant } = await seeded((t) => history('admin.action', t));
    const next = await worldUnder(cloud, withRule('admin-action-log', { kind: 'fixed', days: 90 }));
    const { job } = (await next.reconcileFully(now)) as { job: ReconciliationJob };
    const [receipt] = await bucketListing(cloud, 'policy-receipts/');
    expect(receipt?.key).toBe(job.receiptKey);
    const body = JSON.parse(String(receipt?.body));
    expect(body).toMatchObject({ kind: 'policy-reconciliation', from: [current.version], to: next.version });
    expect(body.counts['admin-action-log']).toMatchObject({ bucketsRefiled: AGES.length });
    expect(String(receipt?.body)).not.toContain(tenant.id);
    const api = await loadHttpFunctions(cloud);
    const status = await api.tenantsApi({
      method: 'GET',
      route: '/v1/ops/reconciliations',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      inForce: { version: next.version },
      reconciliations: [
        { to: next.version, status: 'completed', tenants: { total: 1, done: 1, remaining: 0 } },
      ],
    });
    expect(status.body.reconciliations[0]).not.toHaveProperty('pending');
    // The status of a completed reconciliation is what the API document says it is.
    const doc = load(readFileSync(resolve(import.meta.dirname, '../../docs/openapi.yaml'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    ajv.addSchema(doc as object, 'openapi');
    const validate = ajv.getSchema(
      'openapi#/paths/~1v1~1ops~1reconciliations/get/responses/200/content/application~1json/schema',
    );
    expect(validate?.(status.body), JSON.stringify(validate?.errors)).toBe(true);
  });

  it('costs the same read units with ten times as many records the change does not touch', async () => {
    const change = withRule('admin-action-log', { kind: 'fixed', days: 90 });
    const unitsWith = async (target: IsolatedCloud, others: number) => {
      const world = await worldUnder(target);
      if (target !== cloud) await world.reconcile(plus(T0, -400));
      const tenant = await world.registerTenant(plus(T0, -400), '00000000-0000-4000-8000-000000000001');
      const admin = history('admin.action', T0);
      const unaffected = ['user.login', 'security.product_config'].flatMap((type) =>
        Array.from({ length: others / 2 }, () => history(type, T0)).flat(),
      );
      // The same ids in both tables, so the same records fall in the same shards.
      await world.capture(tenant.id, admin, { idPrefix: 'admin' });
      if (unaffected.length) await world.capture(tenant.id, unaffected, { idPrefix: 'other' });
      const { job } = (await (await worldUnder(target, change)).reconcileFully(T0)) as {
        job: ReconciliationJob;
      };
      return { readUnits: job.readUnits, counts: job.counts };
    };
    const bigger = await isolatedCloud();
    try {
      const lean = await unitsWith(cloud, 0);
      const crowded = await unitsWith(bigger, 10);
      expect(crowded).toEqual(lean);
      expect(lean.readUnits).toBeGreaterThan(0);
    } finally {
      bigger.destroy();
    }
  });

  type ArchivedRecord = { id: string; category: string; occurredAt: string };
  /** Every record in an archive in the bucket now. */
  async function archived(): Promise<ArchivedRecord[]> {
    const records = (await bucketListing(cloud, 'archives/')).flatMap((o) =>
      o.body
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ArchivedRecord),
    );
    return records;
  }
});
