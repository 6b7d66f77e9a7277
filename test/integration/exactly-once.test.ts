import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, capture, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';

/** 1,000 records of 100 users over one day: registrations, logins, failures, messages, deletions. */
function workload(): Array<Record<string, unknown>> {
  const start = Date.now() - 20 * 3_600_000;
  const types = [
    'user.login',
    'user.login',
    'user.login_failed',
    'message.sms_sent',
    'message.email_sent',
    'user.login_failed',
  ];
  return Array.from({ length: 1000 }, (_, i) => {
    const user = `user-${i % 100}`;
    const occurredAt = new Date(start + i * 60_000).toISOString();
    const type =
      i < 100 ? 'user.registered' : i >= 980 ? 'user.deleted' : (types[i % types.length] as string);
    const record = validRecord(type, {
      id: `evt-${i}`,
      occurredAt,
      userId: user,
      country: ['DE', 'FR', 'SG'][i % 3],
    });
    if (type === 'user.deleted' || type.startsWith('message.')) {
      delete record.clientIp;
      delete record.country;
    }
    return record;
  });
}

const batches = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('exactly once', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  /** A tenant's items with its id blanked, so two tenants' data can be compared. */
  const itemsOf = async (tenantId: string) =>
    (await tableSnapshot(cloud, cloud.tables.RecordsTable as string))
      .filter((item) => item.includes(tenantId))
      .map((item) =>
        item
          .replaceAll(tenantId, 'TENANT')
          .replace(/"capturedAt":\{"S":"[^"]+"\}/, '')
          // The due-index shard is a hash of the key, which holds the tenant id.
          .replace(/"duePk":\{"S":"DUE#\d+"\},/, ''),
      )
      .sort();

  it('stores 1,000 records sent three times in parallel once, with the directory of a single delivery', async () => {
    const events = workload();
    const once = await createTenant(api, { modules: ['ciam'] });
    const thrice = await createTenant(api, { modules: ['ciam'] });

    for (const batch of batches(events, 100))
      expect((await capture(api, once.apiKey, { events: batch })).status).toBe(202);

    const shuffled = (seed: number) =>
      [...events].sort(
        (a, b) =>
          ((Number(String(a.id).slice(4)) * seed) % 1009) - ((Number(String(b.id).slice(4)) * seed) % 1009),
      );
    const deliveries = [events, shuffled(7), shuffled(13)].flatMap((order) => batches(order, 100));
    // A client as the API asks for: a 503 (store busy; part of the batch may be stored) is resent after Retry-After.
    const attempts: number[] = [];
    const send = async (batch: Array<Record<string, unknown>>) => {
      for (let attempt = 1; ; attempt++) {
        const response = await capture(api, thrice.apiKey, { events: batch });
        if (response.status !== 503 || attempt === 5) {
          attempts.push(attempt);
          return response;
        }
        expect(response.headers['retry-after']).toBe('1');
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const responses = await Promise.all(deliveries.map(send));
    expect(responses.filter((r) => r.status !== 202).map((r) => r.body)).toEqual([]);

    const outcomes = responses.flatMap((r) => r.body.results as Array<{ id: string; outcome: string }>);
    const stored = outcomes.filter((o) => o.outcome === 'stored').map((o) => o.id);
    // Never stored twice; every id answered once per delivery. (Without retries, exactly 1,000 say
    // "stored"; a retried batch answers "duplicate" for what its refused attempt had already stored.)
    expect(new Set(stored).size).toBe(stored.length);
    expect(outcomes).toHaveLength(3000);
    if (attempts.every((n) => n === 1)) expect(stored).toHaveLength(1000);

    const [a, b] = [await itemsOf(once.id), await itemsOf(thrice.id)];
    expect(a.filter((i) => i.includes('"sk":{"S":"user-operation-log#'))).toHaveLength(1000);
    expect(b).toEqual(a);
    const directory = a.filter((i) => i.includes('#DIR#'));
    expect(directory).toHaveLength(100);
    expect(directory.filter((i) => i.includes('"deletedAt"'))).toHaveLength(20);
  });
});
