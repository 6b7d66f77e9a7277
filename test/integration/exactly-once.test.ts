import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, capture, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { truthOf } from '#test/stats-truth';
import { aggregationDeps } from '#test/stores';
import { recordsListing } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';

const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const OPENED = `${DAY}T00:00:00.000Z`;

/** 1,000 records of 100 users over one day (yesterday): registrations, logins, failures, messages, deletions. */
function workload(): Array<Record<string, unknown>> {
  const start = Date.parse(`${DAY}T02:00:00.000Z`);
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

/** Sends a batch as the API asks clients to: a 503 (store busy, nothing changed) is retried after Retry-After. */
async function sendRetrying(
  api: Api,
  apiKey: string,
  batch: Array<Record<string, unknown>>,
  attempts: number[] = [],
) {
  for (let attempt = 1; ; attempt++) {
    const response = await capture(api, apiKey, { events: batch });
    if (response.status !== 503 || attempt === 5) {
      attempts.push(attempt);
      return response;
    }
    expect(response.headers['retry-after']).toBe('1');
    await new Promise((r) => setTimeout(r, 1000));
  }
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

  /**
   * A tenant's items with its id blanked, so two tenants' data can be compared; the due-index shard
   * is blanked too, as it is a hash of the key, tenant id included.
   */
  const itemsOf = async (tenantId: string) =>
    (await tableSnapshot(cloud, cloud.tables.RecordsTable as string))
      .filter((item) => item.includes(tenantId))
      .map((item) =>
        item
          .replaceAll(tenantId, 'TENANT')
          .replace(/"capturedAt":\{"S":"[^"]+"\}/, '')
          .replace(/"computedAt":\{"S":"[^"]+"\}/, '')
          .replace(/"duePk":\{"S":"DUE#\d+"\}/, '"duePk":{"S":"DUE#SHARD"}'),
      )
      .sort();

  it('stores 1,000 records sent three times in parallel once, with the directory of a single delivery', async () => {
    const events = workload();
    const once = await createTenant(api, { modules: ['ciam'], openedAt: OPENED });
    const thrice = await createTenant(api, { modules: ['ciam'], openedAt: OPENED });

    for (const batch of batches(events, 100))
      expect((await capture(api, once.apiKey, { events: batch })).status).toBe(202);

    const shuffled = (seed: number) =>
      [...events].sort(
        (a, b) =>
          ((Number(String(a.id).slice(4)) * seed) % 1009) - ((Number(String(b.id).slice(4)) * seed) % 1009),
      );
    const deliveries = [events, shuffled(7), shuffled(13)].flatMap((order) => batches(order, 100));
    // A client as the API asks for: a 503 (store busy, nothing changed) is retried after Retry-After.
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
    expect(a.filter((i) => i.includes('"category":{"S":"user-operation-log"}'))).toHaveLength(1000);
    expect(b).toEqual(a);
    // The user directory (the statistics' per-user state, kept by the daily aggregation) is that of
    // a single delivery: 100 users, 20 of them deleted.
    for (const t of [once, thrice]) await aggregateTenantDay(t.id, DAY, aggregationDeps(cloud));
    const [da, db] = [await itemsOf(once.id), await itemsOf(thrice.id)];
    const directory = da.filter((i) => i.includes('#USTAT#'));
    expect(directory).toHaveLength(100);
    expect(directory.filter((i) => i.includes('"deleted":{"S"'))).toHaveLength(20);
    expect(db.filter((i) => i.includes('#USTAT#') || i.includes('#STATS'))).toEqual(
      da.filter((i) => i.includes('#USTAT#') || i.includes('#STATS')),
    );
  });

  it('stores each of 1,000 ids once when three parallel deliveries re-stamp their times and mix their types, and counts what it stored', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'], openedAt: OPENED });
    const events = workload();
    // Each delivery sends the same ids with other content: later times, and failures for sign-ins.
    const delivery = (k: number): Array<Record<string, unknown>> =>
      events.map((e, i) => {
        const restamped = {
          ...e,
          occurredAt: new Date(Date.parse(String(e.occurredAt)) + k * 60_000).toISOString(),
        };
        return k === 2 && e.type === 'user.login' && i % 2 === 0
          ? { ...restamped, type: 'user.login_failed', result: 'failure' }
          : restamped;
      });
    const versions = [0, 1, 2].map(delivery);
    const responses = await Promise.all(
      versions.flatMap((v) => batches(v, 100)).map((batch) => sendRetrying(api, tenant.apiKey, batch)),
    );
    // A batch is stored, or refused with 409 naming the ids another delivery took first.
    expect(responses.filter((r) => r.status !== 202 && r.status !== 409).map((r) => r.body)).toEqual([]);
    expect(responses.some((r) => r.status === 409)).toBe(true);
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.body.issues.length).toBeGreaterThan(0);
      for (const issue of r.body.issues) expect(issue.id).toMatch(/^evt-\d+$/);
    }
    const stored = (await recordsListing(cloud)).filter(
      (i) => i.tenantId === tenant.id && i.category === 'user-operation-log',
    );
    expect(stored).toHaveLength(1000);
    expect(new Set(stored.map((i) => i.id)).size).toBe(1000);
    // Each id holds exactly one delivery's content for it.
    const byId = new Map(stored.map((i) => [String(i.id), i]));
    const kept = events.map((e, i) => {
      const item = byId.get(String(e.id));
      const match = versions
        .map((v) => v[i])
        .find((v) => v?.occurredAt === item?.occurredAt && v?.type === item?.type);
      expect(match, String(e.id)).toBeDefined();
      return match as (typeof events)[number];
    });
    await aggregateTenantDay(tenant.id, DAY, aggregationDeps(cloud));
    const response = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date: DAY },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    const { tenantId: _t, final: _f, ...numbers } = response.body;
    expect(numbers).toEqual(truthOf(kept as never, DAY, { maxUsers: 1000, openedAt: OPENED }));
  });
});
