import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '#policy/index';
import { applicationKey } from '#store/keys';
import {
  type Api,
  capture,
  createTenant,
  loadHttpFunctions,
  OPERATOR_KEY,
  tableSnapshot,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { aggregationDeps } from '#test/stores';
import { recordsListing } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';

// The exactness defects found by trying the product from outside, each at the level where it shows:
// the HTTP answer, and what is at rest in DynamoDB Local afterwards.
const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const YESTERDAY = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const at = (hour: number, day = YESTERDAY) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const DAY_BEFORE = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);

describe('exactness', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const records = () => cloud.tables.RecordsTable as string;
  const snapshot = () => tableSnapshot(cloud, records());
  const statsOf = async (apiKey: string, date = YESTERDAY) =>
    (
      await api.statsApi({
        method: 'GET',
        route: '/v1/stats',
        query: { date },
        headers: { authorization: `Bearer ${apiKey}` },
      })
    ).body;

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('stores an id once whatever day or type it is resent with: other content is a 409 naming the id', async () => {
    const tenant = await createTenant(api);
    const first = validRecord('user.login', { id: 'evt-same', occurredAt: '2026-11-28T10:00:00Z' });
    expect((await capture(api, tenant.apiKey, first)).status).toBe(202);
    const before = await snapshot();
    for (const other of [
      { ...first, occurredAt: '2026-11-29T10:00:00Z' },
      { ...first, type: 'user.login_failed', result: 'failure' },
      { ...first, country: 'FR' },
    ]) {
      const response = await capture(api, tenant.apiKey, other);
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body.issues).toEqual([expect.objectContaining({ id: 'evt-same', pointer: '/id' })]);
    }
    // The same instant written another way is the same content.
    const same = await capture(api, tenant.apiKey, { ...first, occurredAt: '2026-11-28T11:00:00+01:00' });
    expect(same.body.results).toEqual([{ id: 'evt-same', outcome: 'duplicate' }]);
    expect(await snapshot()).toEqual(before);
    const stored = (await recordsListing(cloud)).filter(
      (i) => i.tenantId === tenant.id && i.id === 'evt-same',
    );
    expect(stored).toHaveLength(1);
  });

  it('counts the users the directory holds, those known only from sign-ins too, and never below zero', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: at(0, DAY_BEFORE) });
    const events = [
      ...['a', 'b', 'c', 'd'].map((u, i) => validRecord('user.login', { userId: u, occurredAt: at(1 + i) })),
      // A deletion repeated, a deletion of a user never seen, an application deleted never created.
      validRecord('user.deleted', { userId: 'a', occurredAt: at(8) }),
      validRecord('user.deleted', { userId: 'a', occurredAt: at(9) }),
      validRecord('user.deleted', { userId: 'ghost', occurredAt: at(10) }),
      validRecord('app.deleted', { appId: 'never-created', occurredAt: at(11) }),
    ];
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    expect((await aggregateTenantDay(tenant.id, YESTERDAY, aggregationDeps(cloud))).status).toBe('computed');
    const stats = await statsOf(tenant.apiKey);
    expect(stats.totalUsers).toBe(3);
    expect(stats.totalApplications).toBe(0);
    expect(stats.userDistribution).toEqual([{ country: 'DE', users: 3 }]);
  });

  it('refuses records from before the service opened, and says so for the statistics of those days', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: at(12) });
    const before = await snapshot();
    for (const occurredAt of [at(11), '0001-01-01T00:00:00Z']) {
      const response = await capture(api, tenant.apiKey, validRecord('user.login', { occurredAt }));
      expect(response.status).toBe(422);
      expect(response.body.issues[0]).toMatchObject({
        pointer: '/occurredAt',
        detail: expect.stringContaining("before the tenant's service opened"),
      });
    }
    expect(await snapshot()).toEqual(before);
    const stats = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date: DAY_BEFORE },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(stats.status).toBe(404);
    expect(stats.body.detail).toContain(`opened on ${YESTERDAY}`);
  });

  it('deletes the application data with the application, leaving only a marker of its id and times', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const created = validRecord('app.created', { appId: 'app-gone', appType: 'mini-program-7' });
    expect((await capture(api, tenant.apiKey, created)).status).toBe(202);
    expect(
      (await capture(api, tenant.apiKey, validRecord('app.deleted', { appId: 'app-gone' }))).status,
    ).toBe(202);
    const all = (await snapshot()).join('\n');
    expect(all).not.toContain('mini-program-7');
    const app = (await recordsListing(cloud)).find(
      (i) =>
        i.pk === applicationKey(tenant.id, 'app-gone').pk &&
        i.sk === applicationKey(tenant.id, 'app-gone').sk,
    );
    expect(app).toMatchObject({ category: 'directory-deletion-marker', appId: 'app-gone' });
    expect(app).not.toHaveProperty('appType');
    // A late creation event cannot bring it back.
    const late = validRecord('app.created', {
      appId: 'app-gone',
      appType: 'mini-program-7',
      occurredAt: at(1),
    });
    expect((await capture(api, tenant.apiKey, late)).status).toBe(202);
    expect((await snapshot()).join('\n')).not.toContain('mini-program-7');
  });

  it.each([2 ** 53, 1e16, 1e200, 1e-200, 5e-324, 0.0005, -1])(
    'refuses logStorageGb %s before writing anything (400)',
    async (logStorageGb) => {
      const tenant = await createTenant(api);
      const before = await snapshot();
      const response = await capture(api, tenant.apiKey, {
        events: [validRecord('user.login'), validRecord('security.business_report', { logStorageGb })],
      });
      expect(response.status).toBe(400);
      expect(response.body.issues[0]).toMatchObject({ pointer: '/events/1/logStorageGb' });
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each(['ZZ', 'EU', 'UK'])(
    'refuses the country %s, which names no ISO 3166-1 country (400)',
    async (country) => {
      const tenant = await createTenant(api);
      const response = await capture(api, tenant.apiKey, validRecord('user.login', { country }));
      expect(response.status).toBe(400);
      expect(response.body.issues[0]).toMatchObject({ pointer: '/country' });
    },
  );

  it('accepts Container Security records only with a hosting subscription, and its end terminates the module', async () => {
    const tenant = await createTenant(api, { hostingServices: [] });
    const refused = await capture(api, tenant.apiKey, validRecord('security.asset'));
    expect(refused.status).toBe(422);
    expect(refused.body.issues[0].detail).toContain('Cloud Virtual Machine');
    const route = (method: string, service: string) =>
      api.tenantsApi({
        method,
        route: '/v1/tenants/{id}/hosting/{service}',
        pathParameters: { id: tenant.id, service },
        headers: operator,
      });
    expect((await route('PUT', 'lighthouse')).body).toEqual({
      tenantId: tenant.id,
      hostingServices: ['lighthouse'],
    });
    expect((await capture(api, tenant.apiKey, validRecord('security.asset'))).status).toBe(202);
    const ended = await route('DELETE', 'lighthouse');
    expect(ended.status).toBe(200);
    expect(ended.body.termination.modules).toEqual([
      expect.objectContaining({ module: 'container-security', status: 'pending' }),
    ]);
    expect((await capture(api, tenant.apiKey, validRecord('security.asset'))).status).toBe(410);
    expect((await capture(api, tenant.apiKey, validRecord('user.login'))).status).toBe(202);
  });
});
