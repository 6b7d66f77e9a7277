import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, capture, createTenant, loadHttpFunctions } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { teeStdout } from '#test/logs';
import { validRecord } from '#test/records';

// The functions' JSON logs say who and what (tenant, request, counts), never personal data or secrets.
describe('capture logs', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const lines: string[] = [];
  let restoreStdout: () => void;

  beforeAll(async () => {
    cloud = await isolatedCloud();
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    api = await loadHttpFunctions(cloud);
    restoreStdout = teeStdout(lines);
  });
  afterAll(() => {
    restoreStdout();
    cloud.destroy();
  });

  it('name the tenant and the request, and hold no IP, key, q-token or user id', async () => {
    const tenant = await createTenant(api);
    const records = [
      validRecord('user.login', { userId: 'user-secret-77', clientIp: '203.0.113.77' }),
      validRecord('admin.action', { camContext: { clientIp: '2001:db8::77', qToken: 'qtoken-secret-77' } }),
      validRecord('api.invocation', { requestIp: '198.51.100.77' }),
    ];
    expect((await capture(api, tenant.apiKey, { events: records })).status).toBe(202);
    expect(
      (await capture(api, tenant.apiKey, validRecord('user.login', { clientIp: '999.0.0.77' }))).status,
    ).toBe(400);
    expect((await capture(api, 'cdl_forged-key-77', records[0])).status).toBe(401);

    const logs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const captured = logs.find((l) => l.message === 'captured');
    expect(captured).toMatchObject({
      tenantId: tenant.id,
      stored: 3,
      duplicates: 0,
      requestId: expect.any(String),
    });
    expect(logs.filter((l) => l.message === 'request refused').map((l) => l.status)).toEqual([400, 401]);

    const text = lines.join('');
    for (const secret of [
      '203.0.113.77',
      '2001:db8::77',
      '198.51.100.77',
      '999.0.0.77',
      'qtoken-secret-77',
      'user-secret-77',
      tenant.apiKey,
      'cdl_forged-key-77',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
