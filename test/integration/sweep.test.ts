import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDeletionDate, DAY_MS, fixedDays, POLICY, storedDeadline } from '#policy/index';
import type { SweepRun } from '#store/sweeps';
import { bucketListing, createTenant, loadHttpFunctions } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { prng } from '#test/prng';
import { terminateDeps } from '#test/stores';
import { recordsListing, runSweep, type StoredItem, storeHistory, sweepStores } from '#test/sweep';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const { clockSkewMarginMinutes, archiveWindowMinutes, maxLatenessMinutes } = POLICY.enforcement;
const margin = clockSkewMarginMinutes * MINUTE;
const window = archiveWindowMinutes * MINUTE;

// The simulated present lies 400 days ahead of the real clock, so every simulated deadline is in
// the real future and DynamoDB Local's own TTL (which runs on the real clock) never acts here:
// whatever disappears, the sweep deleted.
const T0 = new Date(Math.ceil((Date.now() + 400 * DAY_MS) / HOUR) * HOUR + 7 * MINUTE);
const daysBefore = (days: number, hours = 0) => new Date(T0.getTime() - days * DAY_MS + hours * HOUR);

type ArchivedRecord = { category: string; occurredAt: string };
type ArchiveObject = { key: string; records: ArchivedRecord[] };

describe('sweepExpired over 400 simulated days', () => {
  let cloud: IsolatedCloud;
  let stores: ReturnType<typeof sweepStores>;
  let terminatedAt: Date;
  const archives = new Map<string, ArchiveObject>();
  const keyOf = (i: StoredItem) => `${i.pk}|${i.sk}`;

  /** Archive objects still in the bucket (bodies read once: an object never changes). */
  async function storedArchives(): Promise<ArchiveObject[]> {
    const out: ArchiveObject[] = [];
    let token: string | undefined;
    do {
      const page = await cloud.clients.s3.send(
        new ListObjectsV2Command({
          Bucket: cloud.buckets.DataBucket,
          Prefix: 'archives/',
          ContinuationToken: token,
        }),
      );
      for (const { Key } of page.Contents ?? []) {
        const known = archives.get(Key as string);
        if (known) out.push(known);
        else throw new Error(`an archive appeared after the termination: ${Key}`);
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }

  const archivedDeadline = (r: ArchivedRecord) =>
    archiveDeletionDate(r.category, new Date(r.occurredAt), terminatedAt);

  beforeAll(async () => {
    cloud = await isolatedCloud();
    const api = await loadHttpFunctions(cloud);
    const random = prng(400);
    const ciam = await createTenant(api, { modules: ['ciam'] });
    const security = await createTenant(api, { modules: ['container-security'] });
    terminatedAt = daysBefore(29, -18); // its oldest archives fall due 6 h after T0

    const ciamHistory = [];
    const securityHistory = [];
    for (let day = 400; day > 0; day -= 2) {
      const at = () => daysBefore(day, random.next() * 24);
      ciamHistory.push(
        { type: 'admin.action', occurredAt: at() },
        { type: 'admin.action', occurredAt: at() },
        { type: random.pick(['user.login', 'api.invocation']), occurredAt: at() },
      );
      // Deleted applications leave markers (30 days) from the last 40 days.
      if (day <= 40) {
        ciamHistory.push({
          type: 'app.created',
          occurredAt: daysBefore(day + 1),
          fields: { appId: `gone-${day}` },
        });
        ciamHistory.push({ type: 'app.deleted', occurredAt: at(), fields: { appId: `gone-${day}` } });
      }
      // The security tenant's history is sparser, yet archived in many objects (one per deletion window).
      if (daysBefore(day, 24) < terminatedAt) {
        for (const type of [
          'security.asset',
          random.pick(['security.container_event', 'security.business_report']),
        ])
          securityHistory.push({ type, occurredAt: at() });
        securityHistory.push({
          type: random.pick(['security.product_config', 'security.version']),
          occurredAt: at(),
        });
      }
    }
    // Admin logs due minutes before and after each of the hourly sweeps of the second test: a sweep
    // whose clock runs ahead must leave those that are not yet due in true time.
    const adminDays = fixedDays('admin-action-log');
    for (let hour = 1; hour <= 48; hour++)
      for (const minutes of [-7, -1, 1, 4])
        ciamHistory.push({ type: 'admin.action', occurredAt: daysBefore(adminDays, hour + minutes / 60) });
    await storeHistory(cloud, ciam.id, ciamHistory);
    await storeHistory(
      cloud,
      security.id,
      securityHistory.filter((r) => r.occurredAt < terminatedAt),
    );
    const outcome = await terminate(
      { tenantId: security.id, module: 'container-security', requestedAt: terminatedAt.toISOString() },
      terminateDeps(cloud, {
        now: () => new Date(terminatedAt.getTime() + MINUTE),
        lateWriterMs: 0,
        remainingMs: () => 600_000,
      }),
    );
    expect(outcome).toBe('completed');
    for (const object of await bucketListing(cloud, 'archives/')) {
      archives.set(object.key, {
        key: object.key,
        records: object.body.split('\n').map((l) => JSON.parse(l)),
      });
    }
    expect(archives.size).toBeGreaterThan(100);
    stores = sweepStores(cloud);
  }, 300_000);
  afterAll(() => cloud.destroy());

  /**
   * Runs a sweep whose clock reads `trueTime + skew` and checks the two promises against the
   * listing before and after: nothing deleted before its deadline (in true time), and, once a run
   * completes, nothing left that was due at the run's cutoff (archived records: the cutoff minus
   * their grouping window). In true time that is at most margin − skew (≤ 2 margins) past the
   * deadline, plus the window for archived records — within one interval of these hourly sweeps
   * and within the policy's `maxLatenessMinutes`.
   */
  async function sweepAndCheck(trueTime: Date, skew: number, limits = {}) {
    const before = await recordsListing(cloud);
    const archivesBefore = await storedArchives();
    const run = (await runSweep(stores, new Date(trueTime.getTime() + skew), { limits })) as SweepRun;
    expect(run.status).not.toBe('busy');
    const after = await recordsListing(cloud);
    const archivesAfter = await storedArchives();

    const left = new Set(after.map(keyOf));
    for (const gone of before.filter((i) => !left.has(keyOf(i)))) {
      const deadline = storedDeadline(gone);
      expect(deadline, `${gone.pk} ${gone.sk} deleted without a deadline`).not.toBeNull();
      expect((deadline as Date).getTime(), `${gone.sk} deleted early`).toBeLessThanOrEqual(
        trueTime.getTime(),
      );
    }
    const objectsLeft = new Set(archivesAfter.map((o) => o.key));
    for (const gone of archivesBefore.filter((o) => !objectsLeft.has(o.key))) {
      for (const record of gone.records)
        expect(archivedDeadline(record).getTime(), `${gone.key} deleted early`).toBeLessThanOrEqual(
          trueTime.getTime(),
        );
    }

    if (run.status === 'completed') {
      const cutoff = new Date(run.cutoff).getTime();
      for (const item of after) {
        const deadline = storedDeadline(item);
        if (!deadline) continue;
        expect(deadline.getTime(), `${item.sk} outlived the run`).toBeGreaterThan(cutoff);
        expect(trueTime.getTime() - deadline.getTime()).toBeLessThan(2 * margin);
      }
      for (const object of archivesAfter) {
        for (const record of object.records) {
          expect(archivedDeadline(record).getTime(), `${object.key} outlived the run`).toBeGreaterThan(
            cutoff - window,
          );
          expect(trueTime.getTime() - archivedDeadline(record).getTime()).toBeLessThan(window + 2 * margin);
        }
      }
    }
    return { run, before, after };
  }

  it('drains a backlog of many months over several bounded runs, deleting nothing early', async () => {
    const runs: SweepRun[] = [];
    for (let i = 0; i < 20; i++) {
      const { run } = await sweepAndCheck(T0, 0, { maxItems: 80, pageSize: 10 });
      runs.push(run);
      if (run.status === 'completed') break;
    }
    const stopped = runs.filter((r) => r.status === 'stopped');
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    for (const run of stopped) {
      // The whole run in the message: a run stopped with a backlog and no limit hit is a defect to read.
      expect(run.stoppedBy, JSON.stringify(run)).toBe('item-limit');
      expect(run.backlog).toBeGreaterThan(0);
      expect(Object.values(run.deleted).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(80);
      expect(run.oldestOverdueSeconds).toBeGreaterThan(0);
    }
    const last = runs.at(-1) as SweepRun;
    expect(last.status).toBe('completed');
    expect(last.backlog).toBe(0);
    expect(last.oldestOverdueSeconds).toBeLessThanOrEqual(margin / 1000);
    // Backlogs shrink run after run, and every due category was deleted by someone.
    const backlogs = runs.map((r) => r.backlog);
    expect(backlogs).toEqual([...backlogs].sort((a, b) => b - a));
    const deleted = runs.reduce<Record<string, number>>((sum, r) => {
      for (const [category, n] of Object.entries(r.deleted)) sum[category] = (sum[category] ?? 0) + n;
      return sum;
    }, {});
    expect(Object.keys(deleted).sort()).toEqual(
      [
        'admin-action-log',
        'directory-deletion-marker',
        'product-configuration-data',
        'version-management-data',
      ].sort(),
    );
  }, 300_000);

  it('after every hourly sweep for two days, nothing is stored past its deadline and nothing went early', async () => {
    const operationLogs = (items: StoredItem[]) =>
      items.filter((i) => i.category === 'user-operation-log' || i.category === 'api-invocation-log').length;
    // The worst lateness sweepAndCheck allows fits in one interval of these hourly sweeps.
    expect(window + 2 * margin).toBeLessThanOrEqual(Math.min(HOUR, maxLatenessMinutes * MINUTE));
    const startLogs = operationLogs(await recordsListing(cloud));
    const deletedPerRun: number[] = [];
    // The sweep's clock is sometimes behind, sometimes ahead of the true time by up to the margin.
    const skews = [0, margin, -margin, margin / 2];
    for (let hour = 1; hour <= 48; hour++) {
      const { run } = await sweepAndCheck(
        new Date(T0.getTime() + hour * HOUR),
        skews[hour % skews.length] as number,
      );
      expect(run.status).toBe('completed');
      deletedPerRun.push(Object.values(run.deleted).reduce((a, b) => a + b, 0));
    }
    // Things fell due during these days (admin logs, markers, the first archives), and were taken.
    expect(deletedPerRun.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect((await storedArchives()).length).toBeLessThan(archives.size);
    // Records kept while the tenant uses the feature were never touched.
    expect(operationLogs(await recordsListing(cloud))).toBe(startLogs);
  }, 600_000);
});
