import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyedHash } from '#shared/auth/api-keys';
import {
  type Api,
  capture,
  createTenant,
  loadHttpFunctions,
  OPERATOR_KEY,
  QTOKEN_HASH_KEY,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import {
  DAY_MS,
  expectedIds,
  filterValue,
  LOG_FILTERS,
  LOG_OF_TYPE,
  logHistory,
  type SentRecord,
} from '#test/log-history';
import { prng } from '#test/prng';
import { encodeCursor, filtersDigest } from '../../functions/logsApi/cursor.ts';

const LOGS = Object.keys(LOG_FILTERS);
const end = new Date(Date.now() - 60_000);
const from = new Date(end.getTime() - 15 * DAY_MS);
const to = new Date(end.getTime() + 1);

// The logs API over a generated multi-tenant history on the local cloud, against the brute-force
// answer computed from every record sent: same items, same order, pages concatenating to the whole.
describe('log queries', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const keys: Record<string, string> = {};
  let history: SentRecord[];

  const get = (key: string, log: string, query: Record<string, string>) =>
    api.logsApi({
      method: 'GET',
      route: `/v1/logs/${log}`,
      query,
      headers: { authorization: `Bearer ${key}` },
    });

  /** Every page of a query, followed through its cursors. */
  const allPages = async (tenant: string, log: string, query: Record<string, string>, limit: number) => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await get(keys[tenant] as string, log, {
        ...query,
        limit: String(limit),
        ...(cursor ? { cursor } : {}),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...response.body.items);
      cursor = response.body.cursor;
      pages += 1;
      expect(pages).toBeLessThan(500);
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    for (const name of ['a', 'b', 'c']) keys[name] = (await createTenant(api)).apiKey;
    history = logHistory(['a', 'b', 'c'], 260, 14, end, 16);
    for (const tenant of ['a', 'b', 'c']) {
      const sent = history
        .filter((r) => r.tenant === tenant)
        .map((r) => ({ id: r.id, type: r.type, occurredAt: r.occurredAt, ...r.fields }));
      for (let i = 0; i < sent.length; i += 100) {
        const response = await capture(api, keys[tenant] as string, { events: sent.slice(i, i + 100) });
        expect(response.status, JSON.stringify(response.body)).toBe(202);
      }
    }
  });
  afterAll(() => cloud.destroy());
  afterEach(() => vi.useRealTimers());

  it('returns exactly the brute-force answer for every filter combination of every log', async () => {
    const random = prng(7);
    for (const log of LOGS) {
      const filters = LOG_FILTERS[log] as string[];
      for (let mask = 0; mask < 1 << filters.length; mask++) {
        const tenant = random.pick(['a', 'b', 'c']);
        // Values taken from records of the log (of any tenant), so most combinations match something.
        const ofLog = history.filter((r) => LOG_OF_TYPE[r.type]?.log === log);
        const query: Record<string, string> = {};
        filters.forEach((name, bit) => {
          if (!(mask & (1 << bit))) return;
          const values = ofLog
            .map((r) => filterValue(r, name))
            .filter((x): x is string => typeof x === 'string');
          query[name] = random.pick(values);
        });
        const limit = random.pick([7, 33, 100]);
        const got = await allPages(
          tenant,
          log,
          { ...query, from: from.toISOString(), to: to.toISOString() },
          limit,
        );
        const want = expectedIds(history, { tenant, log, from, to, filters: query });
        expect(
          got.map((item) => item.id),
          `${log} ${JSON.stringify(query)} limit ${limit}`,
        ).toEqual(want);
      }
    }
  });

  it('serves narrower windows exactly, with to exclusive and from inclusive', async () => {
    const random = prng(3);
    const some = history.filter((r) => r.tenant === 'b');
    for (let i = 0; i < 12; i++) {
      const record = random.pick(some);
      const log = LOG_OF_TYPE[record.type]?.log as string;
      const start = new Date(record.occurredAt);
      const stop = new Date(start.getTime() + random.int(1, 3) * DAY_MS);
      const window = { from: start.toISOString(), to: stop.toISOString() };
      const got = await allPages('b', log, window, 10);
      expect(got.map((item) => item.id)).toEqual(
        expectedIds(history, { tenant: 'b', log, from: start, to: stop, filters: {} }),
      );
      expect(got.map((item) => item.id)).toContain(record.id);
      // The same instant as `to`: excluded.
      const before = await allPages(
        'b',
        log,
        { from: new Date(start.getTime() - DAY_MS).toISOString(), to: window.from },
        50,
      );
      expect(before.map((item) => item.id)).not.toContain(record.id);
    }
  });

  it('shows each record as stored, the q-token only as its hash, with the deadline the policy gives', async () => {
    const [admin] = await allPages(
      'a',
      'admin-actions',
      { from: from.toISOString(), to: to.toISOString() },
      1,
    ).then((x) => x.slice(0, 1));
    const sent = history.find((r) => r.tenant === 'a' && r.id === admin?.id) as SentRecord;
    expect(admin).toMatchObject({
      id: sent.id,
      type: 'admin.action',
      category: 'admin-action-log',
      occurredAt: sent.occurredAt,
    });
    const data = admin?.data as Record<string, { qToken?: string }>;
    expect(data.camContext?.qToken).toBe(keyedHash('secret-token', QTOKEN_HASH_KEY));
    expect(JSON.stringify(admin)).not.toContain('secret-token');
    expect(admin?.deadline).toBe(new Date(Date.parse(sent.occurredAt) + 180 * DAY_MS).toISOString());
    const [operation] = await allPages(
      'a',
      'user-operations',
      { from: from.toISOString(), to: to.toISOString() },
      100,
    );
    expect(operation).toBeDefined();
    expect(operation).not.toHaveProperty('deadline');
  });

  it('never returns a record at or past its deadline, though it is still stored', async () => {
    // 172 days later: the admin actions older than 8 days then are past their 180 days; the sweep has not run.
    const later = new Date(end.getTime() + 172 * DAY_MS);
    vi.useFakeTimers({ toFake: ['Date'], now: later });
    const got = await allPages('c', 'admin-actions', { from: from.toISOString(), to: to.toISOString() }, 9);
    const readable = (r: SentRecord) => Date.parse(r.occurredAt) + 180 * DAY_MS > later.getTime();
    const want = expectedIds(history, { tenant: 'c', log: 'admin-actions', from, to, filters: {}, readable });
    const all = expectedIds(history, { tenant: 'c', log: 'admin-actions', from, to, filters: {} });
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.length);
    expect(got.map((item) => item.id)).toEqual(want);
    // Kept until termination: every user operation is still there.
    const operations = await allPages(
      'c',
      'user-operations',
      { from: from.toISOString(), to: to.toISOString() },
      100,
    );
    expect(operations.map((item) => item.id)).toEqual(
      expectedIds(history, { tenant: 'c', log: 'user-operations', from, to, filters: {} }),
    );
  });

  it('defaults to the last seven days, newest first, 50 a page', async () => {
    const response = await get(keys.a as string, 'user-operations', {});
    expect(response.status).toBe(200);
    const now = Date.now();
    const want = expectedIds(history, {
      tenant: 'a',
      log: 'user-operations',
      from: new Date(now - 7 * DAY_MS),
      to: new Date(now),
      filters: {},
    });
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual(want.slice(0, 50));
  });

  it('refuses an altered, forged, foreign or mismatched cursor with a 400 problem and reads nothing', async () => {
    const window = { from: from.toISOString(), to: to.toISOString() };
    const first = await get(keys.a as string, 'user-operations', { ...window, limit: '5' });
    const cursor = first.body.cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = encodeCursor(
      { log: 'user-operations', ...window, filters: filtersDigest({}), position: `${to.toISOString()}#zzz` },
      'a',
      'not-the-key',
    );
    const attempts: Array<[string, string, string, Record<string, string>]> = [
      ['altered payload', keys.a as string, 'user-operations', { cursor: flip(cursor, 3) }],
      ['altered signature', keys.a as string, 'user-operations', { cursor: flip(cursor, cursor.length - 2) }],
      ['another tenant', keys.b as string, 'user-operations', { cursor }],
      ['forged', keys.a as string, 'user-operations', { cursor: forged }],
      ['another log', keys.a as string, 'api-invocations', { cursor }],
      ['other filters', keys.a as string, 'user-operations', { cursor, userId: 'u-1' }],
      [
        'another window',
        keys.a as string,
        'user-operations',
        { cursor, from: new Date(from.getTime() + 1).toISOString() },
      ],
      ['garbage', keys.a as string, 'user-operations', { cursor: '..' }],
      ['too long', keys.a as string, 'user-operations', { cursor: 'a'.repeat(2000) }],
    ];
    for (const [name, key, log, query] of attempts) {
      const response = await get(key, log, query);
      expect(response.status, name).toBe(400);
      expect(response.headers['content-type'], name).toBe('application/problem+json');
      expect(response.body.issues?.[0]?.pointer, name).toBe('?cursor');
    }
    // The cursor still works for its own tenant and query, without repeating the window.
    const second = await get(keys.a as string, 'user-operations', { cursor, limit: '5' });
    expect(second.status).toBe(200);
    const want = expectedIds(history, { tenant: 'a', log: 'user-operations', from, to, filters: {} });
    expect([...first.body.items, ...second.body.items].map((item: { id: string }) => item.id)).toEqual(
      want.slice(0, 10),
    );
  });

  it('refuses unknown filters, bad values, oversize or reversed windows and bad limits', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['admin-actions', { userId: 'u-1' }, '?userId'],
      ['user-operations', { severity: 'high' }, '?severity'],
      ['user-operations', { result: 'maybe' }, '?result'],
      ['user-operations', { type: 'admin.action' }, '?type'],
      ['security', { category: 'asset-management-data' }, '?category'],
      ['api-invocations', { requestIp: '999.1.1.1' }, '?requestIp'],
      ['user-operations', { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, '?to'],
      ['user-operations', { from: '2026-03-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, '?from'],
      ['user-operations', { from: '2026-02-30T00:00:00Z' }, '?from'],
      ['user-operations', { to: 'yesterday' }, '?to'],
      ['user-operations', { limit: '0' }, '?limit'],
      ['user-operations', { limit: '101' }, '?limit'],
      ['user-operations', { limit: '1e1' }, '?limit'],
      ['user-operations', { constructor: 'x' }, '?constructor'],
    ];
    for (const [log, query, pointer] of cases) {
      const response = await get(keys.a as string, log, query);
      expect(response.status, `${log} ${JSON.stringify(query)}`).toBe(400);
      expect(response.body.issues?.[0]?.pointer).toBe(pointer);
    }
  });

  it('refuses a log of a module the tenant does not use (422) or has terminated (410)', async () => {
    const ciamOnly = await createTenant(api, { modules: ['ciam'], hostingServices: [] });
    const security = await get(ciamOnly.apiKey, 'security', {});
    expect(security.status).toBe(422);
    expect(security.headers['content-type']).toBe('application/problem+json');
    const leaving = await createTenant(api);
    const termination = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: leaving.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      body: { modules: ['ciam'] },
    });
    expect(termination.status).toBe(202);
    expect((await get(leaving.apiKey, 'user-operations', {})).status).toBe(410);
    expect((await get(leaving.apiKey, 'admin-actions', {})).status).toBe(410);
    expect((await get(leaving.apiKey, 'security', {})).status).toBe(200);
    expect((await get('cdl_unknown', 'security', {})).status).toBe(401);
  });
});
