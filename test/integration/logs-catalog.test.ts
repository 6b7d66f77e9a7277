import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createTenant, loadHttpFunctions, OPERATOR_KEY } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { LOG_FILTERS } from '#test/log-history';

type Catalog = {
  logs: Array<{ log: string; module: string; filters: Array<{ name: string; options?: string[] }> }>;
};

// GET /v1/logs names the logs a tenant may read and their filters: exactly what the query routes
// accept, and only the logs of modules the tenant uses and has not terminated.
describe("the catalog of a tenant's logs", () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const catalog = async (apiKey: string) =>
    (await api.logsApi({ method: 'GET', route: '/v1/logs', headers: { authorization: `Bearer ${apiKey}` } }))
      .body as Catalog;
  const query = (apiKey: string, log: string, filters: Record<string, string>) =>
    api.logsApi({
      method: 'GET',
      route: `/v1/logs/${log}`,
      query: filters,
      headers: { authorization: `Bearer ${apiKey}` },
    });

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('names every log of both modules with the filters its query route accepts, each offered value accepted', async () => {
    const tenant = await createTenant(api);
    const { logs } = await catalog(tenant.apiKey);
    expect(logs.map((l) => l.log).sort()).toEqual(Object.keys(LOG_FILTERS).sort());
    for (const { log, filters } of logs) {
      expect([log, filters.map((f) => f.name).sort()]).toEqual([log, [...(LOG_FILTERS[log] ?? [])].sort()]);
      for (const { name, options } of filters)
        for (const value of options ?? [])
          expect([log, name, value, (await query(tenant.apiKey, log, { [name]: value })).status]).toEqual([
            log,
            name,
            value,
            200,
          ]);
      // A filter with options accepts nothing else.
      for (const { name } of filters.filter((f) => f.options))
        expect((await query(tenant.apiKey, log, { [name]: 'not-an-option' })).status).toBe(400);
    }
  });

  it('leaves out the security log of a tenant without Container Security, and once it is terminated', async () => {
    const ciamOnly = await createTenant(api, { modules: ['ciam'] });
    expect((await catalog(ciamOnly.apiKey)).logs.map((l) => l.log)).not.toContain('security');
    expect((await catalog(ciamOnly.apiKey)).logs).toHaveLength(3);

    const both = await createTenant(api);
    const terminated = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: both.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      body: { modules: ['container-security'] },
    });
    expect(terminated.status).toBe(202);
    const { logs } = await catalog(both.apiKey);
    expect(logs.map((l) => [l.log, l.module])).toEqual([
      ['admin-actions', 'ciam'],
      ['user-operations', 'ciam'],
      ['api-invocations', 'ciam'],
    ]);
  });
});
