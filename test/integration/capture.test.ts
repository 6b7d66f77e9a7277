import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedFields, categoryOf, DAY_MS, dayDueWindow, POLICY_VERSION, recordTypes } from '#policy/index';
import { applicationKey, dayBucketKey, dueKey, recordKey } from '#store/keys';
import { type Api, capture, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';

const leafPaths = (value: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );

describe('capture', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let tenant: { id: string; apiKey: string };
  const records = () => cloud.tables.RecordsTable as string;
  const storedItem = (tenantId: string, record: Record<string, unknown>) =>
    itemAt(recordKey(tenantId, String(record.id)));
  const itemAt = async (key: { pk: string; sk: string }) => {
    const { Item } = await cloud.clients.dynamodb.send(
      new GetItemCommand({
        TableName: records(),
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    return Item ? unmarshall(Item) : undefined;
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    tenant = await createTenant(api);
  });
  afterAll(() => cloud.destroy());

  it.each(recordTypes())(
    'stores a %s record with its deadline and only the fields its category allows',
    async (type) => {
      const record = validRecord(type);
      const response = await capture(api, tenant.apiKey, record);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        policyVersion: POLICY_VERSION,
        results: [{ id: record.id, outcome: 'stored' }],
      });

      const item = await storedItem(tenant.id, record);
      const category = categoryOf(type).id;
      const application = type.startsWith('app.');
      // An application event keeps only its id (and a hash of its content) as a record; the
      // application itself holds its data.
      expect(item).toMatchObject({
        tenantId: tenant.id,
        id: record.id,
        type,
        category: application ? 'idempotency-key' : category,
        policyVersion: POLICY_VERSION,
      });
      if (application) {
        // What the application item keeps beside its bookkeeping (key, guards, times) is application data.
        const app = await itemAt(applicationKey(tenant.id, String(record.appId)));
        const bookkeeping = [
          'pk',
          'sk',
          'tenantId',
          'category',
          'occurredAt',
          'createdKey',
          'deletedKey',
          'deletedAt',
        ];
        const kept = Object.keys(app ?? {}).filter((k) => !bookkeeping.includes(k));
        expect(allowedFields('application-data')).toEqual(expect.arrayContaining(kept));
        expect(app?.appId).toBe(record.appId);
      } else {
        for (const path of leafPaths(item?.data ?? {})) expect(allowedFields(category)).toContain(path);
      }
      // No item carries a TTL: a deadline is the policy's, found through the day's bucket.
      expect(item).not.toHaveProperty('expiresAt');
      expect(item).not.toHaveProperty('duePk');
      const day = String(record.occurredAt).slice(0, 10);
      const window = dayDueWindow(category, day);
      const bucket = await itemAt(dayBucketKey(tenant.id, category, day));
      if (window) {
        const key = dayBucketKey(tenant.id, category, day);
        expect(bucket).toMatchObject({
          kind: 'day-bucket',
          bucketCategory: category,
          dueSk: dueKey(window.from, key).dueSk,
        });
      } else {
        expect(bucket).toBeUndefined();
      }
    },
  );

  it('never stores the q-token raw, only its keyed hash', async () => {
    const record = validRecord('admin.action', {
      camContext: { clientIp: '192.0.2.8', qToken: 'q-token-secret-value' },
    });
    expect((await capture(api, tenant.apiKey, record)).status).toBe(202);
    const item = await storedItem(tenant.id, record);
    expect(item?.data.camContext.qToken).toMatch(/^hmac-sha256:[\w-]{43}$/);
    expect(JSON.stringify(await tableSnapshot(cloud, records()))).not.toContain('q-token-secret-value');
  });

  it('stores a batch and answers per record', async () => {
    const batch = [validRecord('user.registered'), validRecord('user.login'), validRecord('api.invocation')];
    const response = await capture(api, tenant.apiKey, { events: batch });
    expect(response.status).toBe(202);
    expect(response.body.results).toEqual(batch.map((r) => ({ id: r.id, outcome: 'stored' })));
  });

  it('answers duplicate for an id sent again, and changes nothing', async () => {
    const record = validRecord('user.login');
    await capture(api, tenant.apiKey, record);
    const before = await tableSnapshot(cloud, records());
    const again = await capture(api, tenant.apiKey, {
      events: [record, validRecord('user.login', { id: record.id })],
    });
    expect(again.status).toBe(400); // the same id twice in one request is refused as a whole
    const resent = await capture(api, tenant.apiKey, record);
    expect(resent.body.results).toEqual([{ id: record.id, outcome: 'duplicate' }]);
    expect(await tableSnapshot(cloud, records())).toEqual(before);
  });

  describe('refusals, each leaving every table unchanged', () => {
    const expectRefused = async (
      status: number,
      send: () => Promise<{ status: number; headers: Record<string, string>; body: any }>,
    ) => {
      const before = [
        await tableSnapshot(cloud, records()),
        await tableSnapshot(cloud, cloud.tables.TenantsTable as string),
      ];
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({
        status,
        type: expect.stringMatching(/^\/problems\//),
        title: expect.any(String),
      });
      expect([
        await tableSnapshot(cloud, records()),
        await tableSnapshot(cloud, cloud.tables.TenantsTable as string),
      ]).toEqual(before);
      return response.body;
    };

    it('malformed JSON (400)', async () => {
      await expectRefused(400, () =>
        capture(api, tenant.apiKey, '{"id": "x", "type":', { 'content-type': 'application/json' }),
      );
    });

    it('an unknown type, naming it (400)', async () => {
      const body = await expectRefused(400, () =>
        capture(api, tenant.apiKey, validRecord('user.teleported')),
      );
      expect(body.issues[0]).toMatchObject({
        pointer: '/type',
        detail: expect.stringContaining('user.teleported'),
      });
    });

    it('a missing field, naming it (400)', async () => {
      const { userId: _, ...record } = validRecord('user.login');
      const body = await expectRefused(400, () => capture(api, tenant.apiKey, record));
      expect(body.issues[0].pointer).toBe('/userId');
    });

    it('a wrong field in the second record of a batch, storing none of the batch (400)', async () => {
      const body = await expectRefused(400, () =>
        capture(api, tenant.apiKey, {
          events: [validRecord('user.login'), validRecord('user.login', { clientIp: '999.0.0.1' })],
        }),
      );
      expect(body.issues[0]).toMatchObject({ index: 1, pointer: '/events/1/clientIp' });
    });

    it('a field no category collects, such as an e-mail address or a tenant id (400)', async () => {
      const body = await expectRefused(400, () =>
        capture(
          api,
          tenant.apiKey,
          validRecord('user.registered', { email: 'a@example.com', tenantId: 'other' }),
        ),
      );
      expect(body.issues.map((i: { pointer: string }) => i.pointer).sort()).toEqual(['/email', '/tenantId']);
    });

    it('no key, an unknown key or another scheme (401)', async () => {
      await expectRefused(401, () =>
        api.capture({ method: 'POST', route: '/v1/events', body: validRecord('user.login') }),
      );
      await expectRefused(401, () => capture(api, 'cdl_unknown', validRecord('user.login')));
      await expectRefused(401, () =>
        api.capture({
          method: 'POST',
          route: '/v1/events',
          headers: { authorization: `Basic ${tenant.apiKey}` },
          body: validRecord('user.login'),
        }),
      );
    });

    it('a body over the documented limit, and a batch of more than 100 records (413)', async () => {
      await expectRefused(413, () =>
        capture(api, tenant.apiKey, validRecord('user.login', { userId: 'x'.repeat(300_000) })),
      );
      const events = Array.from({ length: 101 }, () => validRecord('user.login'));
      await expectRefused(413, () => capture(api, tenant.apiKey, { events }));
    });

    it('a body that is not JSON (415)', async () => {
      await expectRefused(415, () =>
        capture(api, tenant.apiKey, 'id=1&type=user.login', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      );
    });

    it('a record already past its retention deadline (422)', async () => {
      const old = new Date(Date.now() - 181 * DAY_MS).toISOString();
      const body = await expectRefused(422, () =>
        capture(api, tenant.apiKey, validRecord('admin.action', { occurredAt: old })),
      );
      expect(body.issues[0]).toMatchObject({
        pointer: '/occurredAt',
        detail: expect.stringContaining('retention'),
      });
    });

    it('a record more than five minutes in the future (422), while four minutes of skew are accepted', async () => {
      const ahead = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
      await expectRefused(422, () =>
        capture(api, tenant.apiKey, validRecord('user.login', { occurredAt: ahead(6) })),
      );
      expect(
        (await capture(api, tenant.apiKey, validRecord('user.login', { occurredAt: ahead(4) }))).status,
      ).toBe(202);
    });

    it('a Container Security record for a tenant in Russia (422)', async () => {
      const russian = await createTenant(api, { modules: ['ciam'], region: 'RU' });
      const body = await expectRefused(422, () =>
        capture(api, russian.apiKey, validRecord('security.asset')),
      );
      expect(body.issues[0].detail).toMatch(/not available.*RU/);
    });

    it('a record of a module the tenant does not use (422)', async () => {
      const ciamOnly = await createTenant(api, { modules: ['ciam'] });
      await expectRefused(422, () => capture(api, ciamOnly.apiKey, validRecord('security.version')));
    });

    it('anything for a tenant whose termination has begun (410)', async () => {
      const leaving = await createTenant(api, { modules: ['ciam'] });
      await cloud.clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: cloud.tables.TenantsTable,
          Key: { pk: { S: `TENANT#${leaving.id}` }, sk: { S: 'PROFILE' } },
          UpdateExpression: 'SET #s = :t, terminations = :m',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':t': { S: 'terminating' },
            ':m': { M: { ciam: { S: new Date().toISOString() } } },
          },
        }),
      );
      await expectRefused(410, () => capture(api, leaving.apiKey, validRecord('user.login')));
    });
  });

  it('keeps tenants apart: the same ids under another key are that tenant’s own records', async () => {
    const other = await createTenant(api);
    const record = validRecord('user.login');
    await capture(api, tenant.apiKey, record);
    const mine = await storedItem(tenant.id, record);
    const theirs = await capture(api, other.apiKey, record);
    expect(theirs.body.results).toEqual([{ id: record.id, outcome: 'stored' }]);
    expect(await storedItem(other.id, record)).toMatchObject({ tenantId: other.id });
    expect(await storedItem(tenant.id, record)).toEqual(mine);
  });
});
