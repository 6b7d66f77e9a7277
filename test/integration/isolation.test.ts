import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryOf, type ModuleId, type RecordType } from '#policy/index';
import { hashApiKey } from '#shared/auth/api-keys';
import { IdConflict } from '#shared/errors';
import type { Tenant } from '#store/ports';
import { bucketListing, clearTable, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { FIELDS } from '#test/records';
import { aggregationDeps, eraseDeps, storesOf, terminateDeps } from '#test/stores';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { captureRecords } from '../../functions/captureEvents/capture.ts';
import { eraseUser } from '../../functions/eraseUser/erase.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

// Random multi-tenant workloads with random terminations and erasures, run twice: in a world with
// tenant X, and in one where X never existed. Every other tenant's data must be the same in both.
// Tenants share user, app and record ids on purpose: nothing may be found by an id alone.

const T0 = new Date('2032-06-15T00:00:00.000Z'); // in the real future: DynamoDB Local's TTL never acts
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const X = 'tenant-x';
const OTHERS = ['tenant-b', 'tenant-c'];
const TYPES: RecordType[] = [
  'user.registered',
  'user.login',
  'user.login_failed',
  'message.sms_sent',
  'user.deleted',
  'admin.action',
  'api.invocation',
  'app.created',
  'security.asset',
  'security.container_event',
  'security.product_config',
];

const event = fc.record({
  tenant: fc.constantFrom(X, ...OTHERS),
  type: fc.constantFrom(...TYPES),
  user: fc.integer({ min: 1, max: 4 }),
  hoursAgo: fc.integer({ min: 1, max: 8 * 24 }),
  id: fc.integer({ min: 1, max: 40 }),
});
const action = fc.oneof(
  fc.record({
    kind: fc.constant('terminate' as const),
    tenant: fc.constantFrom(X, ...OTHERS),
    module: fc.constantFrom<ModuleId>('ciam', 'container-security'),
  }),
  fc.record({
    kind: fc.constant('erase' as const),
    tenant: fc.constantFrom(X, ...OTHERS),
    user: fc.integer({ min: 1, max: 4 }),
  }),
);
type Event = { tenant: string; type: RecordType; user: number; hoursAgo: number; id: number };
type Action =
  | { kind: 'terminate'; tenant: string; module: ModuleId }
  | { kind: 'erase'; tenant: string; user: number };

/** Runs a workload and its actions on a cloud, with pinned clocks, for the given tenants only. */
async function play(cloud: IsolatedCloud, tenants: string[], events: Event[], actions: Action[]) {
  const stores = storesOf(cloud);
  const deps = terminateDeps(cloud, { now: () => at(1), lateWriterMs: 0 });
  const profiles = new Map<string, Tenant>();
  for (const id of tenants) {
    const tenant: Tenant = {
      id,
      name: id,
      modules: ['ciam', 'container-security'],
      maxUsers: 100,
      region: 'DE',
      openedAt: at(-24 * 9).toISOString(),
      createdAt: at(-24 * 9).toISOString(),
      status: 'active',
      terminations: {},
      hostingServices: ['cvm'],
    };
    profiles.set(id, tenant);
    await stores.tenants.create(tenant, {
      keyId: `key-${id}`,
      keyHash: hashApiKey(`cdl_${id}`),
      createdAt: at(-24 * 9).toISOString(),
    });
  }
  for (const e of events.filter((e) => tenants.includes(e.tenant))) {
    const category = categoryOf(e.type);
    const occurredAt = at(-e.hoursAgo);
    const fields: Record<string, unknown> = { ...FIELDS[e.type] };
    if ('userId' in fields) fields.userId = `u-${e.user}`;
    if ('appId' in fields) fields.appId = `app-${e.user}`;
    const record = {
      id: `r-${e.id}`,
      type: e.type,
      category: category.id,
      module: category.module as ModuleId,
      occurredAt,
      fields,
    };
    // Captured at its own time. An id reused for other content is refused (409) in both worlds alike.
    await captureRecords(
      { tenant: profiles.get(e.tenant) as Tenant, records: [record] },
      { ...stores, qTokenHashKey: async () => 'isolation-hash-key', now: () => occurredAt },
    ).catch((error) => {
      if (!(error instanceof IdConflict)) throw error;
    });
  }
  const yesterday = at(-24).toISOString().slice(0, 10);
  for (const id of tenants)
    await aggregateTenantDay(id, yesterday, aggregationDeps(cloud, { now: () => T0 }));
  for (const [n, a] of actions.entries()) {
    if (!tenants.includes(a.tenant)) continue;
    const requestedAt = T0.toISOString();
    if (a.kind === 'terminate') {
      expect(await terminate({ tenantId: a.tenant, module: a.module, requestedAt }, deps)).toMatch(
        /completed/,
      );
    } else {
      const request = {
        kind: 'erasure' as const,
        erasureId: `e-${n}`,
        tenantId: a.tenant,
        userId: `u-${a.user}`,
        requestedAt,
      };
      expect(await eraseUser(request, eraseDeps(cloud, { now: () => at(1) }))).toMatch(/completed/);
    }
  }
}

/** Full listings of both tables and the bucket. */
async function listing(cloud: IsolatedCloud) {
  const bucket = cloud.buckets.DataBucket as string;
  const table = async (name: string) =>
    (await tableSnapshot(cloud, name)).map((item) => item.replaceAll(bucket, '<bucket>'));
  return {
    tenants: await table(cloud.tables.TenantsTable as string),
    records: await table(cloud.tables.RecordsTable as string),
    bucket: (await bucketListing(cloud)).map((o) => ({
      ...o,
      body: o.key.endsWith('.ndjson') ? o.body : JSON.parse(o.body),
    })),
  };
}

async function clear(cloud: IsolatedCloud) {
  await clearTable(cloud, cloud.tables.TenantsTable as string);
  await clearTable(cloud, cloud.tables.RecordsTable as string);
  const { DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const keys = (await bucketListing(cloud)).map((o) => ({ Key: o.key }));
  if (keys.length)
    await cloud.clients.s3.send(
      new DeleteObjectsCommand({ Bucket: cloud.buckets.DataBucket, Delete: { Objects: keys } }),
    );
}

describe('tenant isolation', () => {
  let withX: IsolatedCloud;
  let withoutX: IsolatedCloud;
  beforeAll(async () => {
    [withX, withoutX] = await Promise.all([isolatedCloud(), isolatedCloud()]);
  });
  afterAll(() => {
    withX.destroy();
    withoutX.destroy();
  });

  it('leaves every other tenant exactly as if the terminated or erased tenant had never existed', {
    timeout: 600_000,
  }, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 10, maxLength: 60 }),
        fc.array(action, { minLength: 1, maxLength: 4 }),
        async (events, actions) => {
          await Promise.all([clear(withX), clear(withoutX)]);
          // X is always active in the world that has it: it terminates or erases at least once.
          const xActions: Action[] = [{ kind: 'terminate', tenant: X, module: 'ciam' }, ...actions];
          await play(withX, [X, ...OTHERS], events, xActions);
          await play(withoutX, OTHERS, events, xActions);
          const ofX = (text: string) => text.includes(X) || text.includes(hashApiKey(`cdl_${X}`));
          const world = await listing(withX);
          const counterfactual = await listing(withoutX);
          expect({
            tenants: world.tenants.filter((i) => !ofX(i)),
            records: world.records.filter((i) => !ofX(i)),
            bucket: world.bucket.filter((o) => !ofX(o.key)),
          }).toEqual(counterfactual);
          // And the world did hold X's data: the filter above removed something.
          expect([...world.tenants, ...world.records].some(ofX)).toBe(true);
          checked++;
        },
      ),
      { numRuns: 5 },
    );
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
