import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '#shared/auth/api-keys';
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

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const login = (id: string) => ({
  id,
  type: 'user.login',
  occurredAt: new Date().toISOString(),
  userId: 'u-1',
  clientIp: '203.0.113.9',
  country: 'DE',
});

describe('the tenants API', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('creates a tenant and returns its API key once', async () => {
    const response = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants',
      headers: operator,
      body: {
        name: 'Acme',
        modules: ['ciam'],
        maxUsers: 500,
        region: 'DE',
        openedAt: '2026-01-01T00:00:00Z',
      },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.any(String),
      apiKey: expect.stringMatching(/^cdl_[\w-]{43}$/),
      name: 'Acme',
      modules: ['ciam'],
      maxUsers: 500,
      region: 'DE',
      openedAt: '2026-01-01T00:00:00.000Z',
      status: 'active',
    });
    expect(response.headers.location).toBe(`/v1/tenants/${response.body.id}`);

    const read = await api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}',
      pathParameters: { id: response.body.id },
      headers: operator,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: response.body.id, name: 'Acme' });
    expect(JSON.stringify(read.body)).not.toContain(response.body.apiKey);
    expect(JSON.stringify(read.body)).not.toContain(hashApiKey(response.body.apiKey));
  });

  it('stores the API key only as its hash', async () => {
    const tenant = await createTenant(api);
    const everything = (await tableSnapshot(cloud, cloud.tables.TenantsTable as string)).join('\n');
    expect(everything).not.toContain(tenant.apiKey);
    const { Item } = await cloud.clients.dynamodb.send(
      new GetItemCommand({
        TableName: cloud.tables.TenantsTable,
        Key: { pk: { S: `APIKEY#${hashApiKey(tenant.apiKey)}` }, sk: { S: 'APIKEY' } },
      }),
    );
    expect(Item?.tenantId?.S).toBe(tenant.id);
  });

  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'Bearer not-the-operator-key' }],
    ['a tenant key', { authorization: 'Bearer cdl_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }],
    ['another scheme', { authorization: `Basic ${OPERATOR_KEY}` }],
  ])('refuses a request with %s (401) and creates nothing', async (_, headers) => {
    const before = await tableSnapshot(cloud, cloud.tables.TenantsTable as string);
    const response = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants',
      headers,
      body: { name: 'Evil', modules: ['ciam'], maxUsers: 1, region: 'DE' },
    });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(await tableSnapshot(cloud, cloud.tables.TenantsTable as string)).toEqual(before);
  });

  it.each([
    [{ modules: ['ciam'], maxUsers: 1, region: 'DE' }, '/name'],
    [{ name: 'A', modules: [], maxUsers: 1, region: 'DE' }, '/modules'],
    [{ name: 'A', modules: ['payroll'], maxUsers: 1, region: 'DE' }, '/modules/0'],
    [{ name: 'A', modules: ['ciam'], maxUsers: 0, region: 'DE' }, '/maxUsers'],
    [{ name: 'A', modules: ['ciam'], maxUsers: 1.5, region: 'DE' }, '/maxUsers'],
    [{ name: 'A', modules: ['ciam'], maxUsers: 1, region: 'Germany' }, '/region'],
    [{ name: 'A', modules: ['ciam'], maxUsers: 1, region: 'DE', openedAt: 'last week' }, '/openedAt'],
    [{ name: 'A', modules: ['ciam'], maxUsers: 1, region: 'DE', apiKey: 'mine' }, '/apiKey'],
  ])('refuses an invalid tenant %j, naming %s (400)', async (body, pointer) => {
    const before = await tableSnapshot(cloud, cloud.tables.TenantsTable as string);
    const response = await api.tenantsApi({ method: 'POST', route: '/v1/tenants', headers: operator, body });
    expect(response.status).toBe(400);
    expect(response.body.issues.map((i: { pointer: string }) => i.pointer)).toContain(pointer);
    expect(await tableSnapshot(cloud, cloud.tables.TenantsTable as string)).toEqual(before);
  });

  it('refuses Container Security for a tenant in Russia (422)', async () => {
    const response = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants',
      headers: operator,
      body: { name: 'A', modules: ['ciam', 'container-security'], maxUsers: 1, region: 'RU' },
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/container-security.*RU/);
  });

  it('answers 404 for an unknown tenant and an unknown route', async () => {
    const missing = await api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}',
      pathParameters: { id: 'nope' },
      headers: operator,
    });
    expect(missing.status).toBe(404);
    const noRoute = await api.tenantsApi({
      method: 'PUT',
      route: '/v1/tenants',
      headers: operator,
      body: {},
    });
    expect(noRoute.status).toBe(404);
  });

  it('rotates keys: a new key works, the old one until it is revoked', async () => {
    const tenant = await createTenant(api);
    const rotated = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/keys',
      pathParameters: { id: tenant.id },
      headers: operator,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.apiKey).not.toBe(tenant.apiKey);

    expect((await capture(api, tenant.apiKey, login('r-1'))).status).toBe(202);
    expect((await capture(api, rotated.body.apiKey, login('r-2'))).status).toBe(202);

    const revoked = await api.tenantsApi({
      method: 'DELETE',
      route: '/v1/tenants/{id}/keys/{keyId}',
      pathParameters: { id: tenant.id, keyId: tenant.keyId },
      headers: operator,
    });
    expect(revoked.status).toBe(204);
    expect((await capture(api, tenant.apiKey, login('r-3'))).status).toBe(401);
    expect((await capture(api, rotated.body.apiKey, login('r-4'))).status).toBe(202);

    const again = await api.tenantsApi({
      method: 'DELETE',
      route: '/v1/tenants/{id}/keys/{keyId}',
      pathParameters: { id: tenant.id, keyId: tenant.keyId },
      headers: operator,
    });
    expect(again.status).toBe(404);
  });

  it('issues no key for a tenant that does not exist', async () => {
    const response = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/keys',
      pathParameters: { id: 'ghost' },
      headers: operator,
    });
    expect(response.status).toBe(404);
  });

  it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
    const malformed = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants',
      headers: { ...operator, 'content-type': 'application/json' },
      body: '{"name": "A",',
    });
    expect(malformed.status).toBe(400);
    const text = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants',
      headers: { ...operator, 'content-type': 'text/plain' },
      body: 'name=A',
    });
    expect(text.status).toBe(415);
  });

  it('requests a termination: capture answers 410 at once, one hook per module is sent, and a repeat changes nothing', async () => {
    const tenant = await createTenant(api, { modules: ['ciam', 'container-security'] });
    const route = '/v1/tenants/{id}/termination';
    const request = () =>
      api.tenantsApi({
        method: 'POST',
        route,
        pathParameters: { id: tenant.id },
        headers: operator,
        body: { modules: ['ciam'] },
      });
    const first = await request();
    expect(first.status).toBe(202);
    const requestedAt = first.body.modules[0].requestedAt;
    expect(first.body.modules).toEqual([{ module: 'ciam', status: 'pending', requestedAt }]);

    expect((await capture(api, tenant.apiKey, login('after-termination'))).status).toBe(410);
    // Container Security goes on until it is terminated too.
    expect((await capture(api, tenant.apiKey, validRecord('security.version'))).status).toBe(202);

    const again = await request();
    expect(again.body.modules).toEqual([{ module: 'ciam', status: 'pending', requestedAt }]);
    const status = await api.tenantsApi({
      method: 'GET',
      route,
      pathParameters: { id: tenant.id },
      headers: operator,
    });
    expect(status.body).toMatchObject({ tenantId: tenant.id, status: 'pending' });

    const queue = cloud.queues.TerminationQueue as { url: string };
    const { Messages = [] } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const hooks = Messages.map((m) => JSON.parse(m.Body ?? '{}')).filter((h) => h.tenantId === tenant.id);
    expect(hooks).toEqual([
      { tenantId: tenant.id, module: 'ciam', requestedAt },
      { tenantId: tenant.id, module: 'ciam', requestedAt },
    ]);
  });
});
