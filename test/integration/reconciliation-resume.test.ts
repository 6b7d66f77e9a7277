import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { DAY_MS, POLICY, type PolicyDeclarations } from '#policy/index';
import { reconciliationKey } from '#store/keys';
import type { ChangeCounts, ReconciliationJob } from '#store/policy-state';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { type World, worldUnder } from '#test/policy-world';
import { documentClient, recordsListing } from '#test/sweep';

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
  let before: World;
  let next: World;
  const seed = (id: string) =>
    before.capture(
      id,
      AGES.flatMap((age, i) =>
        [0, 7, 19].map((hour) => ({ type: 'admin.action', occurredAt: at(-age, hour * 60 + i) })),
      ),
    );

  beforeEach(async () => {
    cloud = await isolatedCloud();
    before = await worldUnder(cloud);
    expect(await before.reconcile(at(-400))).toEqual({ status: 'baseline' });
    tenantId = (await before.registerTenant(at(-400))).id;
    await seed(tenantId);
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
    expect(left).toBeDefined();
    expect(left?.leaseUntil).toBeUndefined();
    expect(countsOf(left)?.bucketsRefiled ?? 0).toBe(0);
    // Its cursor is still at the failed step (the project's own objects done), nothing pending.
    expect(left?.cursor).toEqual({ afterTenant: '', tenantId, step: 0 });
    expect(left?.pending).toBeUndefined();

    const outcome = await next.reconcileFully(T0);
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(countsOf((outcome as { job: ReconciliationJob }).job)).toMatchObject({
      bucketsRefiled: AGES.length,
      dueAtOnce: OLDER_THAN_90,
    });
  });

  it('applies the one pending decision a job of the code before this one left (a bucket named twice in it), then goes on past it', async () => {
    // The code before this one opened the job, decided the tenant's buckets (one page), saved the
    // decision with its counts and the cursor past it, and stopped before writing them (its
    // write-ahead list one decision, not a list).
    expect(await next.reconcile(T0, { remainingMs: () => 0, reserveMs: 1 })).toMatchObject({
      status: 'continue',
    });
    const job = (await next.state().job(next.version)) as ReconciliationJob;
    const stored = (await recordsListing(cloud)).filter(
      (item) => item.tenantId === tenantId && item.bucketCategory === CATEGORY,
    ) as unknown as Array<{ day: string; module: string }>;
    expect(stored).toHaveLength(AGES.length);
    const single = {
      kind: 'buckets',
      puts: stored.map(({ day, module }) => {
        const window = next.policy.dayDueWindow(CATEGORY, day, next.policy.stateOf(undefined));
        return {
          tenantId,
          day,
          category: CATEGORY,
          module,
          due: (window as { from: Date }).from.toISOString(),
        };
      }),
      removals: [],
    };
    const planned = single.puts.map((p) => p.due).sort();
    // The code before this one merged decisions without looking at keys, so a saved batch may name
    // a bucket twice (a BatchWriteItem refuses that): it is still applied, each bucket once.
    single.puts.push({ ...(single.puts[0] as (typeof single.puts)[number]) });
    const decided: ChangeCounts = {
      bucketsRefiled: AGES.length,
      bucketsRemoved: 0,
      bucketsCreated: 0,
      dueAtOnce: OLDER_THAN_90,
      entriesRefiled: 0,
      archivesRegrouped: 0,
    };
    // Saved as that code saved a job: the pending writes a plain attribute of the item.
    const db = documentClient(cloud);
    await db.send(
      new PutCommand({
        TableName: cloud.tables.TenantsTable as string,
        Item: {
          ...reconciliationKey(next.version),
          ...job,
          cursor: { afterTenant: '', tenantId, step: 1 },
          pending: single,
          counts: { ...job.counts, [CATEGORY]: decided },
        },
      }),
    );
    expect((await next.state().job(next.version))?.pending).toEqual(single);

    const outcome = await next.reconcileFully(T0);
    expect(outcome).toMatchObject({ status: 'completed' });
    const done = (outcome as { job: ReconciliationJob }).job;
    // Applied on resume: the first pass went on past it, and the second found every bucket right.
    expect(countsOf(done)).toMatchObject({ bucketsRefiled: AGES.length, dueAtOnce: OLDER_THAN_90 });
    expect(done.lateCounts[CATEGORY]).toMatchObject({ bucketsRefiled: 0 });
    expect(done.pending).toBeUndefined();
    const buckets = (await recordsListing(cloud)).filter(
      (item) => item.tenantId === tenantId && item.bucketCategory === CATEGORY,
    );
    expect(buckets.map((b) => b.policyVersion)).toEqual(buckets.map(() => next.version));
    expect(buckets.map((b) => String(b.dueSk).slice(0, 24)).sort()).toEqual(planned);
  });

  it('keeps the pending writes of a saved job deflated in its item, and reads them back as they were', async () => {
    expect(await next.reconcile(T0, { remainingMs: () => 0, reserveMs: 1 })).toMatchObject({
      status: 'continue',
    });
    const job = (await next.state().job(next.version)) as ReconciliationJob;
    const pending = [
      {
        kind: 'buckets',
        puts: AGES.map((age) => ({
          tenantId,
          day: at(-age).toISOString().slice(0, 10),
          category: CATEGORY,
          module: 'ciam',
          due: at(90 - age).toISOString(),
        })),
        removals: [{ pk: `T#${tenantId}#DAYS`, sk: `${CATEGORY}#2030-01-01` }],
      },
    ];
    await next.state().save({ ...job, pending });
    const { Item } = await documentClient(cloud).send(
      new GetCommand({
        TableName: cloud.tables.TenantsTable as string,
        Key: reconciliationKey(next.version),
      }),
    );
    expect(Item).not.toHaveProperty('pending');
    const deflated = Item?.pendingDeflated as Uint8Array;
    expect(deflated).toBeInstanceOf(Uint8Array);
    expect(deflated.length).toBeLessThan(JSON.stringify(pending).length / 3);
    expect((await next.state().job(next.version))?.pending).toEqual(pending);
    // Code from before the deflated list carries it along unread when it saves the job (here
    // further on, with a pending list of its own, then with none): the stale list is not replayed.
    const table = cloud.tables.TenantsTable as string;
    const older = { ...Item, cursor: { afterTenant: tenantId } };
    const own = [{ ...pending[0], removals: [] }];
    await documentClient(cloud).send(new PutCommand({ TableName: table, Item: { ...older, pending: own } }));
    expect((await next.state().job(next.version))?.pending).toEqual(own);
    await documentClient(cloud).send(new PutCommand({ TableName: table, Item: older }));
    expect((await next.state().job(next.version))?.pending).toBeUndefined();
    // Saved with nothing pending, the item holds none.
    await next.state().save(job);
    const { Item: empty } = await documentClient(cloud).send(
      new GetCommand({
        TableName: cloud.tables.TenantsTable as string,
        Key: reconciliationKey(next.version),
      }),
    );
    expect(empty).not.toHaveProperty('pendingDeflated');
  });

  it('stops a run whose lease ran out once another run has taken the job over, writing nothing over that run’s job', async () => {
    const clients = localClients(cloud.endpoints);
    let paused = false;
    let resume = () => {};
    const gate = new Promise<void>((done) => {
      resume = done;
    });
    // The first run stops at its first read of buckets until the test lets it go on.
    clients.dynamodb.middlewareStack.add(
      (nextHandler) => async (args) => {
        const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
        if (
          !paused &&
          JSON.stringify(input.ExpressionAttributeValues?.[':prefix'])?.includes(`"${CATEGORY}#"`)
        ) {
          paused = true;
          await gate;
        }
        return nextHandler(args);
      },
      { step: 'initialize', name: 'pauseFirstBucketRead' },
    );
    // Leased for a minute from T0, it stalls past that; a run an hour later takes the job over.
    const first = next.reconcile(T0, { clients, remainingMs: () => 60_000 });
    for (let waited = 0; !paused && waited < 5000; waited += 10)
      await new Promise((done) => setTimeout(done, 10));
    expect(paused).toBe(true);
    expect(await next.reconcileFully(at(0, 60))).toMatchObject({ status: 'completed' });
    const completed = await next.state().job(next.version);
    resume();
    expect(await first).toEqual({ status: 'busy' });
    clients.dynamodb.destroy();
    clients.s3.destroy();
    expect(await next.state().job(next.version)).toEqual(completed);
    expect(countsOf(completed)).toMatchObject({ bucketsRefiled: AGES.length, dueAtOnce: OLDER_THAN_90 });
  });

  it('lets the batch in flight land before a run whose next decision failed ends, and resumes to the counts of a run without the failure', async () => {
    const ids = [tenantId];
    for (let t = 0; t < 2; t++) {
      const id = (await before.registerTenant(at(-400))).id;
      await seed(id);
      ids.push(id);
    }
    // The tenant walked second (tenants are walked in id order).
    const second = ids.sort()[1] as string;
    const clients = localClients(cloud.endpoints);
    let batchesInFlight = 0;
    let inFlightAtFailure = -1;
    let ended = false;
    let writesAfterEnd = 0;
    clients.dynamodb.middlewareStack.add(
      (nextHandler) => async (args) => {
        const input = args.input as {
          ExpressionAttributeValues?: Record<string, unknown>;
          RequestItems?: unknown;
        };
        if (input.RequestItems) {
          // Every batch of bucket writes takes a while: the next tenant is decided meanwhile.
          batchesInFlight += 1;
          try {
            await new Promise((done) => setTimeout(done, 300));
            return await nextHandler(args);
          } finally {
            batchesInFlight -= 1;
            if (ended) writesAfterEnd += 1;
          }
        }
        // The second tenant's read of its buckets (read ahead while the first is decided) fails
        // once the first tenant's batch is being written.
        if (
          JSON.stringify(input.ExpressionAttributeValues?.[':prefix'])?.includes(`"${CATEGORY}#"`) &&
          JSON.stringify(input.ExpressionAttributeValues?.[':pk'])?.includes(second)
        ) {
          for (let waited = 0; batchesInFlight === 0 && waited < 5000; waited += 10)
            await new Promise((done) => setTimeout(done, 10));
          inFlightAtFailure = batchesInFlight;
          throw Object.assign(new Error('Service unavailable (injected)'), { name: 'ServiceUnavailable' });
        }
        return nextHandler(args);
      },
      { step: 'initialize', name: 'slowWritesFailSecondTenant' },
    );
    await expect(next.reconcile(T0, { clients })).rejects.toThrow('injected');
    ended = true;
    await new Promise((done) => setTimeout(done, 700));
    clients.dynamodb.destroy();
    clients.s3.destroy();
    expect(inFlightAtFailure).toBeGreaterThan(0);
    // Nothing of the failed run was still writing once it had ended (and let its lease go).
    expect(writesAfterEnd).toBe(0);
    const left = await next.state().job(next.version);
    expect(left?.leaseUntil).toBeUndefined();
    // The first tenant's batch landed, so it left the write-ahead list; its counts stay.
    expect(left?.pending).toBeUndefined();
    expect(countsOf(left)).toMatchObject({ bucketsRefiled: AGES.length });

    const outcome = await next.reconcileFully(T0);
    expect(outcome).toMatchObject({ status: 'completed' });
    const done = (outcome as { job: ReconciliationJob }).job;
    expect(countsOf(done)).toMatchObject({ bucketsRefiled: 3 * AGES.length, dueAtOnce: 3 * OLDER_THAN_90 });
    expect(done.lateCounts[CATEGORY]).toMatchObject({ bucketsRefiled: 0 });
    const buckets = (await recordsListing(cloud)).filter((item) => item.bucketCategory === CATEGORY);
    expect(buckets).toHaveLength(3 * AGES.length);
    expect(buckets.map((b) => b.policyVersion)).toEqual(buckets.map(() => next.version));
  });
});
