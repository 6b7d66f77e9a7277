import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, POLICY_VERSION } from '#policy/index';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  loadHttpFunctions,
  OPERATOR_KEY,
  tableSnapshot,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { stallAt } from '#test/stall';
import { aggregationDeps, eraseDeps, terminateDeps } from '#test/stores';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/** Records of every category, some fresh, some old, so every rule and deadline shows. */
function workload(modules: string[] = ['ciam', 'container-security']): Array<Record<string, unknown>> {
  const records: Array<Record<string, unknown>> = [];
  for (const [n, age] of [
    [1, 0.1],
    [2, 20],
    [3, 100],
    [4, 170],
  ] as const) {
    records.push(
      validRecord('user.registered', { userId: `u-${n}`, occurredAt: ago(age) }),
      validRecord('user.login', { userId: `u-${n}`, occurredAt: ago(age) }),
      validRecord('message.sms_sent', { userId: `u-${n}`, occurredAt: ago(age) }),
      validRecord('admin.action', { occurredAt: ago(age) }),
      validRecord('api.invocation', { occurredAt: ago(age) }),
      validRecord('app.created', { appId: `app-${n}`, occurredAt: ago(age) }),
      validRecord('security.asset', { serverId: `srv-${n}`, occurredAt: ago(age) }),
      validRecord('security.container_event', { occurredAt: ago(age) }),
      validRecord('security.business_report', { occurredAt: ago(age) }),
      validRecord('security.product_config', { occurredAt: ago(age) }),
      validRecord('security.version', { occurredAt: ago(age) }),
    );
  }
  return records.filter((r) =>
    modules.includes(String(r.type).startsWith('security.') ? 'container-security' : 'ciam'),
  );
}

describe('termination', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let deps: Parameters<typeof terminate>[1];
  const records = () => cloud.tables.RecordsTable as string;
  const itemsOf = async (tenantId: string) =>
    (await tableSnapshot(cloud, records())).filter((i) => i.includes(tenantId));

  const request = (tenantId: string, modules: string[]) =>
    api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenantId },
      headers: operator,
      body: { modules },
    });
  /** A tenant with the full workload captured, and its termination requested. */
  async function leavingTenant(modules = ['ciam', 'container-security']) {
    const tenant = await createTenant(api, { openedAt: ago(200), modules });
    const sent = await capture(api, tenant.apiKey, { events: workload(modules) });
    expect(sent.status).toBe(202);
    const requested = await request(tenant.id, modules);
    expect(requested.status).toBe(202);
    return { ...tenant, requestedAt: requested.body.modules[0].requestedAt as string };
  }
  const run = (
    tenantId: string,
    module: 'ciam' | 'container-security',
    requestedAt: string,
    overrides: Partial<typeof deps> = {},
  ) => terminate({ tenantId, module, requestedAt }, { ...deps, ...overrides });

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    deps = terminateDeps(cloud, { lateWriterMs: 200 });
  });
  afterAll(() => cloud.destroy());

  it('leaves only what the policy keeps, archives with their dates, a receipt, and other tenants untouched', async () => {
    const bystander = await createTenant(api, { openedAt: ago(200) });
    await capture(api, bystander.apiKey, { events: workload() });
    const bystanderBefore = await itemsOf(bystander.id);
    const tenant = await leavingTenant();

    expect(await run(tenant.id, 'ciam', tenant.requestedAt)).toBe('completed');
    expect(await run(tenant.id, 'container-security', tenant.requestedAt)).toBe('completed');

    const items = (await itemsOf(tenant.id)).map((i) => JSON.parse(i));
    // The tenant's S3 objects each have an entry that files the object under its deadline for the
    // sweep; everything else left is a record the policy keeps past termination.
    const objectsPk = `T#${tenant.id}#OBJECTS`;
    const entries = items.filter((i) => i.pk.S === objectsPk);
    // The day buckets that file what is kept for the sweep stay too, and only theirs.
    const registryPk = `T#${tenant.id}#DAYS`;
    const buckets = items.filter((i) => i.pk.S === registryPk);
    expect([...new Set(buckets.map((b) => b.bucketCategory?.S))].sort()).toEqual([
      'admin-action-log',
      'product-configuration-data',
      'version-management-data',
    ]);
    const left = items.filter((i) => i.pk.S !== objectsPk && i.pk.S !== registryPk);
    const categories = left.map((i) => i.category.S).sort();
    expect([...new Set(categories)].sort()).toEqual([
      'admin-action-log',
      'product-configuration-data',
      'version-management-data',
    ]);
    expect(categories.filter((c) => c === 'admin-action-log')).toHaveLength(4);
    const objectKeys = [
      ...(await bucketListing(cloud, 'archives/')).filter((o) => o.key.includes(tenant.id)),
      ...(await bucketListing(cloud, `receipts/${tenant.id}/`)),
    ].map((o) => o.key);
    expect(entries.map((e) => e.sk.S).sort()).toEqual(objectKeys.sort());
    expect([...new Set(entries.map((e) => e.category.S))].sort()).toEqual([
      'asset-management-data',
      'business-operation-data',
      'container-security-data',
      'deletion-receipt',
    ]);
    for (const entry of entries) expect(entry.duePk?.S).toMatch(/^DUE#\d+$/);

    const archives = await bucketListing(cloud, 'archives/');
    const mine = archives.filter((o) => o.key.includes(tenant.id));
    const archived = mine.flatMap((o) => o.body.split('\n').map((line) => JSON.parse(line)));
    expect(archived.map((r) => r.category).sort()).toEqual(
      [
        ...Array(4).fill('asset-management-data'),
        ...Array(4).fill('business-operation-data'),
        ...Array(4).fill('container-security-data'),
      ].sort(),
    );
    for (const object of mine) {
      const deleteAt = Date.parse(object.metadata['delete-at'] as string);
      for (const line of object.body.split('\n')) {
        const record = JSON.parse(line);
        const due = Math.max(
          Date.parse(tenant.requestedAt) + 30 * DAY_MS,
          Date.parse(record.occurredAt) + 180 * DAY_MS,
        );
        expect(deleteAt).toBeGreaterThanOrEqual(due);
        expect(deleteAt - due).toBeLessThan(3_600_000);
      }
    }

    const receipts = (await bucketListing(cloud, `receipts/${tenant.id}/`)).map((o) => JSON.parse(o.body));
    expect(receipts).toHaveLength(2);
    const ciam = receipts.find((r) => r.module === 'ciam');
    expect(ciam).toMatchObject({
      tenantId: tenant.id,
      policyVersion: POLICY_VERSION,
      requestedAt: tenant.requestedAt,
    });
    expect(ciam.categories['user-operation-log'].deleted).toBe(12);
    expect(ciam.categories['api-invocation-log'].deleted).toBe(4);
    expect(ciam.categories['admin-action-log']).toMatchObject({ kept: 4, deleted: 0 });
    const security = receipts.find((r) => r.module === 'container-security');
    expect(security.categories['asset-management-data']).toMatchObject({ archived: 4 });
    expect(JSON.stringify(receipts)).not.toMatch(/u-1|198\.51|srv-1/);

    expect(await itemsOf(bystander.id)).toEqual(bystanderBefore);
    const status = await api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: operator,
    });
    expect(status.body).toMatchObject({ status: 'completed' });
    expect(status.body.receipts.map((r: { module: string }) => r.module).sort()).toEqual([
      'ciam',
      'container-security',
    ]);
    expect(status.body.receipts).toEqual(expect.arrayContaining(receipts));
    const profile = await api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}',
      pathParameters: { id: tenant.id },
      headers: operator,
    });
    expect(profile.body.status).toBe('terminated');
    expect((await capture(api, tenant.apiKey, validRecord('user.login'))).status).toBe(410);
  });

  it('ends in the same state when it crashes after every I/O step and the hook comes back', async () => {
    const steady = await leavingTenant(['ciam']);
    expect(await run(steady.id, 'ciam', steady.requestedAt)).toBe('completed');
    const crashing = await leavingTenant(['ciam']);

    let budget = 0;
    // Every I/O step of the job's data and objects (archives, receipts) can be the last one.
    const flaky = <T extends object>(store: T) =>
      new Proxy(store, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (budget-- <= 0) throw new Error('injected crash');
            return value.apply(target, args);
          };
        },
      });
    const crashingStores = { data: flaky(deps.data), objects: flaky(deps.objects) };
    let outcome: string | undefined;
    for (let crashes = 0; outcome !== 'completed'; crashes++) {
      budget = crashes; // a crash after 0, 1, 2, … successful I/O steps, on every redelivery
      outcome = await run(crashing.id, 'ciam', crashing.requestedAt, crashingStores).catch(() => 'crashed');
      // A crashed run's lease lapses before the message comes back.
      const job = await deps.jobs.job(crashing.id, 'ciam');
      if (job?.leaseUntil) await deps.jobs.save({ ...job, leaseUntil: new Date(0).toISOString() });
      expect(crashes).toBeLessThan(200);
    }
    const normalise = (items: string[], id: string) =>
      items
        .map((i) =>
          i
            .replaceAll(id, 'T')
            .replace(
              /"(requestedAt|capturedAt|occurredAt|deadline|dueSk|duePk|dayPk|daySk|fingerprint|expiresAt|id|sk|pk)":\{"[SN]":"[^"]*"\}/g,
              '',
            ),
        )
        .sort();
    expect(normalise(await itemsOf(crashing.id), crashing.id)).toEqual(
      normalise(await itemsOf(steady.id), steady.id),
    );
    // The same counts; the kept-until instants differ by the milliseconds between the two workloads.
    const receipt = async (id: string) =>
      (await bucketListing(cloud, `receipts/${id}/`)).map((o) =>
        Object.fromEntries(
          Object.entries(JSON.parse(o.body).categories as Record<string, { keptUntil?: string }>).map(
            ([c, { keptUntil: _k, ...n }]) => [c, n],
          ),
        ),
      );
    expect(await receipt(crashing.id)).toEqual(await receipt(steady.id));
  });

  it('hands the rest to a fresh invocation when time runs short, and finishes the same', async () => {
    const steady = await leavingTenant(['ciam']);
    expect(await run(steady.id, 'ciam', steady.requestedAt)).toBe('completed');
    const slow = await leavingTenant(['ciam']);
    // Each invocation has time for one chunk only (a chunk spans many small partitions).
    let outcome: string | undefined;
    let invocations = 0;
    while (outcome !== 'completed') {
      invocations++;
      let left = 2;
      outcome = await run(slow.id, 'ciam', slow.requestedAt, {
        remainingMs: () => (left-- > 0 ? 60_000 : 1_000),
      });
      expect(invocations).toBeLessThan(200);
    }
    expect(invocations).toBeGreaterThan(2);
    const counts = async (id: string) =>
      (await bucketListing(cloud, `receipts/${id}/`)).map((o) =>
        Object.entries(JSON.parse(o.body).categories as Record<string, { deleted: number; kept: number }>)
          .map(([c, n]) => [c, n.deleted, n.kept])
          .sort(),
      );
    expect(await counts(slow.id)).toEqual(await counts(steady.id));
    expect((await itemsOf(slow.id)).length).toBe((await itemsOf(steady.id)).length);
  });

  it('runs once when the same hook arrives twice at the same time, with one receipt', async () => {
    const tenant = await leavingTenant(['ciam']);
    const outcomes = await Promise.all([
      run(tenant.id, 'ciam', tenant.requestedAt),
      run(tenant.id, 'ciam', tenant.requestedAt),
    ]);
    expect(outcomes.sort()).toEqual(['busy', 'completed']);
    expect(await run(tenant.id, 'ciam', tenant.requestedAt)).toBe('already-completed');
    expect(await bucketListing(cloud, `receipts/${tenant.id}/`)).toHaveLength(1);
  });

  /** An hour ago: a run that believes it is then takes a lease that has run out by now. */
  const anHourAgo = () => new Date(Date.now() - 3_600_000);

  it('stops a run that outlived its lease once another run has taken the job over, leaving that run’s job and receipt as they are', async () => {
    const tenant = await leavingTenant(['ciam']);
    const stall = stallAt(deps.data, 'page');
    // Leased for a minute from an hour ago, it stalls at its first read; a run now takes the job over.
    const first = run(tenant.id, 'ciam', tenant.requestedAt, { data: stall.store, now: anHourAgo });
    expect(await stall.paused()).toBe(true);
    expect(await run(tenant.id, 'ciam', tenant.requestedAt)).toBe('completed');
    const job = await deps.jobs.job(tenant.id, 'ciam');
    const receipts = await bucketListing(cloud, `receipts/${tenant.id}/`);
    const items = await itemsOf(tenant.id);
    expect(job).toMatchObject({ status: 'completed' });
    stall.resume();
    expect(await first).toBe('busy');
    expect(await deps.jobs.job(tenant.id, 'ciam')).toEqual(job);
    expect(await bucketListing(cloud, `receipts/${tenant.id}/`)).toEqual(receipts);
    expect(await itemsOf(tenant.id)).toEqual(items);
  });

  it('removes a record that a capture in flight writes after the cleanup passed it', async () => {
    const tenant = await leavingTenant(['ciam']);
    let injected = false;
    const racing = new Proxy(deps.data, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        // Methods run on the store itself (its private fields are not the proxy's).
        if (name !== 'deleteAll') return value.bind(target);
        return async (...args: unknown[]) => {
          const result = await value.apply(target, args);
          if (!injected) {
            injected = true;
            // A capture that authenticated before the termination writes its record now.
            const { DynamoRecordStore } = await import('#store/records');
            const store = new DynamoRecordStore(
              DynamoDBDocumentClient.from(cloud.clients.dynamodb),
              records(),
            );
            const at = new Date();
            await store.storeAll(
              [
                {
                  tenantId: tenant.id,
                  id: 'late-1',
                  type: 'user.login',
                  category: 'user-operation-log',
                  module: 'ciam',
                  occurredAt: at,
                  fields: { userId: 'late' },
                  fingerprint: 'late',
                  policyVersion: POLICY_VERSION,
                  capturedAt: at,
                },
              ],
              [
                {
                  tenantId: tenant.id,
                  day: at.toISOString().slice(0, 10),
                  due: null,
                  policyVersion: POLICY_VERSION,
                },
              ],
            );
          }
          return result;
        };
      },
    });
    expect(await run(tenant.id, 'ciam', tenant.requestedAt, { data: racing })).toBe('completed');
    expect(injected).toBe(true);
    const left = (await itemsOf(tenant.id))
      .map((i) => JSON.parse(i))
      .filter((i) => i.pk.S !== `T#${tenant.id}#OBJECTS` && i.kind?.S !== 'day-bucket')
      .map((i) => i.category.S);
    expect(new Set(left)).toEqual(new Set(['admin-action-log']));
  });

  it('erases one user: their records, directory entry, statistics state and place in recent lists, with a receipt', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: ago(3) });
    const day = ago(1).slice(0, 10);
    const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00.000Z`;
    await capture(api, tenant.apiKey, {
      events: [
        validRecord('user.registered', { userId: 'erase-me', occurredAt: at(1) }),
        validRecord('user.login', { userId: 'erase-me', occurredAt: at(2) }),
        validRecord('message.sms_sent', { userId: 'erase-me', occurredAt: at(3) }),
        validRecord('user.registered', { userId: 'keep-me', occurredAt: at(4) }),
        validRecord('user.login', { userId: 'keep-me', occurredAt: at(5) }),
        validRecord('admin.action', { occurredAt: at(6) }),
      ],
    });
    const { aggregateTenantDay } = await import('../../functions/aggregateTenantDay/aggregate.ts');
    await aggregateTenantDay(tenant.id, day, aggregationDeps(cloud));
    const stats = async () =>
      (
        await api.statsApi({
          method: 'GET',
          route: '/v1/stats',
          query: { date: day },
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        })
      ).body;
    const before = await stats();
    expect(before.recentLogins.map((u: { userId: string }) => u.userId)).toEqual(['keep-me', 'erase-me']);

    const requested = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: 'erase-me' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(requested.status).toBe(202);
    const { eraseUser } = await import('../../functions/eraseUser/erase.ts');
    const hook = {
      kind: 'erasure' as const,
      erasureId: requested.body.erasureId,
      tenantId: tenant.id,
      userId: 'erase-me',
      requestedAt: requested.body.requestedAt,
    };
    expect(await eraseUser(hook, eraseDeps(cloud))).toBe('completed');
    expect(await eraseUser(hook, eraseDeps(cloud))).toBe('already-completed');

    const everything = (await itemsOf(tenant.id)).join('\n');
    expect(everything).not.toContain('erase-me');
    expect(everything).toContain('keep-me');
    const after = await stats();
    expect(after.recentLogins.map((u: { userId: string }) => u.userId)).toEqual(['keep-me']);
    expect({ ...after, recentLogins: [], recentRegistrations: [] }).toEqual({
      ...before,
      recentLogins: [],
      recentRegistrations: [],
    });
    const [receipt] = (await bucketListing(cloud, requested.body.receipt)).map((o) => JSON.parse(o.body));
    expect(receipt).toMatchObject({
      kind: 'erasure-receipt',
      subject: requested.body.subject,
      erasedRecords: { 'user-operation-log': 3 },
    });
    expect(JSON.stringify(receipt)).not.toContain('erase-me');
  });

  /** A tenant with one user's records, and that user's erasure requested: the hook a consumer gets. */
  async function erasureOf(userId: string) {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: ago(3) });
    await capture(api, tenant.apiKey, {
      events: [
        validRecord('user.registered', { userId, occurredAt: ago(2) }),
        validRecord('user.login', { userId, occurredAt: ago(1) }),
        validRecord('user.login', { userId: 'someone-else', occurredAt: ago(1) }),
      ],
    });
    const requested = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(requested.status).toBe(202);
    const hook = {
      kind: 'erasure' as const,
      erasureId: requested.body.erasureId as string,
      tenantId: tenant.id,
      userId,
      requestedAt: requested.body.requestedAt as string,
    };
    return { tenant, hook, receipt: requested.body.receipt as string };
  }

  it('stops an erasure run that outlived its lease once another run has taken it over, leaving that run’s job and receipt as they are', async () => {
    const { eraseUser } = await import('../../functions/eraseUser/erase.ts');
    const { tenant, hook, receipt } = await erasureOf('erase-me');
    const stall = stallAt(eraseDeps(cloud).data, 'page');
    const first = eraseUser(hook, eraseDeps(cloud, { data: stall.store, now: anHourAgo }));
    expect(await stall.paused()).toBe(true);
    expect(await eraseUser(hook, eraseDeps(cloud))).toBe('completed');
    const erasures = eraseDeps(cloud).jobs;
    const job = await erasures.job(tenant.id, hook.erasureId);
    const receipts = await bucketListing(cloud, receipt);
    expect(receipts.map((o) => JSON.parse(o.body).erasedRecords)).toEqual([{ 'user-operation-log': 2 }]);
    stall.resume();
    expect(await first).toBe('busy');
    expect(await erasures.job(tenant.id, hook.erasureId)).toEqual(job);
    expect(await bucketListing(cloud, receipt)).toEqual(receipts);
  });

  it('runs an erasure once when its request arrives twice at the same time', async () => {
    const { eraseUser } = await import('../../functions/eraseUser/erase.ts');
    const { tenant, hook, receipt } = await erasureOf('twice');
    // Both deliveries look for the job before either records it, and the later one records its job
    // only once the earlier has taken the lease: its record must not replace the leased job.
    const jobs = eraseDeps(cloud).jobs;
    let looking = 0;
    let writes = 0;
    let bothLooked = () => {};
    let leased = () => {};
    const barrier = new Promise<void>((done) => {
      bothLooked = done;
    });
    const firstLease = new Promise<void>((done) => {
      leased = done;
    });
    const racing = new Proxy(jobs, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (name === 'create' || name === 'save') if (++writes === 2) await firstLease;
          const result = await value.apply(target, args);
          if (name === 'lease' && result) leased();
          if (name === 'job') {
            if (++looking === 2) bothLooked();
            if (looking <= 2) await barrier;
          }
          return result;
        };
      },
    });
    const outcomes = await Promise.all([
      eraseUser(hook, eraseDeps(cloud, { jobs: racing })),
      eraseUser(hook, eraseDeps(cloud, { jobs: racing })),
    ]);
    expect(looking).toBeGreaterThanOrEqual(2);
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(outcomes.sort()).toEqual(['busy', 'completed']);
    expect(await eraseUser(hook, eraseDeps(cloud))).toBe('already-completed');
    const receipts = (await bucketListing(cloud, receipt)).map((o) => JSON.parse(o.body).erasedRecords);
    expect(receipts).toEqual([{ 'user-operation-log': 2 }]);
    expect((await itemsOf(tenant.id)).join('\n')).not.toContain('"twice"');
  });
});
