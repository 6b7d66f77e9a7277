import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  eraseUserNow,
  loadHttpFunctions,
  OPERATOR_KEY,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

// The operator's view of a tenant's erasures: each job with its counts and, once completed, its
// receipt exactly as stored in the bucket; only the operator key reads it.
describe('GET /v1/tenants/{id}/erasures', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const erasures = (id: string, headers: Record<string, string> = operator) =>
    api.tenantsApi({ method: 'GET', route: '/v1/tenants/{id}/erasures', pathParameters: { id }, headers });

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('lists a tenant without erasures as an empty list', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const listed = await erasures(tenant.id);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ tenantId: tenant.id, erasures: [] });
  });

  it('shows each completed erasure with the counts and the receipt the bucket holds, newest first', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const events = [
      validRecord('user.login', { userId: 'leaving-1' }),
      validRecord('user.login', { userId: 'leaving-1' }),
      validRecord('user.login', { userId: 'leaving-2' }),
      validRecord('user.login', { userId: 'staying' }),
    ];
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    const first = await eraseUserNow(api, tenant.apiKey, 'leaving-1');
    const second = await eraseUserNow(api, tenant.apiKey, 'leaving-2');

    const listed = await erasures(tenant.id);
    expect(listed.status).toBe(200);
    expect(listed.headers['content-type']).toMatch(/application\/json/);
    const body = listed.body as { erasures: Array<Record<string, any>> };
    expect(body.erasures.map((e) => e.erasureId)).toEqual([second.erasureId, first.erasureId]);
    for (const [asked, erased] of [
      [first, 2],
      [second, 1],
    ] as const) {
      const shown = body.erasures.find((e) => e.erasureId === asked.erasureId) as Record<string, any>;
      const [stored] = (await bucketListing(cloud, asked.receipt)).map((o) => JSON.parse(o.body));
      expect(shown).toMatchObject({
        status: 'completed',
        subject: asked.subject,
        erased: { 'user-operation-log': erased },
        held: {},
        receiptKey: asked.receipt,
      });
      expect(shown.receipt).toEqual(stored);
      expect(shown.receipt.erasedRecords).toEqual(shown.erased);
      // The user is named only by the hash: no job field or receipt carries the user id.
      expect(JSON.stringify(shown)).not.toMatch(/leaving-/);
    }
  });

  it('refuses a tenant key and a missing key with problem+json, and answers 404 for an unknown tenant', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const keys: Array<Record<string, string>> = [{ authorization: `Bearer ${tenant.apiKey}` }, {}];
    for (const headers of keys) {
      const refused = await erasures(tenant.id, headers);
      expect([401, 403]).toContain(refused.status);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const unknown = await erasures('no-such-tenant');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.body.detail).toMatch(/no-such-tenant/);
  });
});
