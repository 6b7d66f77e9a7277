import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '#policy/index';
import type { StatsStore } from '#store/ports';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  loadEraseUser,
  loadHttpFunctions,
  loadStatsFunctions,
  loadTerminateAccount,
  OPERATOR_KEY,
  tableSnapshot,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud, queueDepth } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { aggregationDeps, eraseDeps, storesOf, terminateDeps } from '#test/stores';
import { recordsListing } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { eraseUser } from '../../functions/eraseUser/erase.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

// The queue consumers, as found from outside: what a message can make them do, and what a late
// writer can leave behind.
const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const DAY = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);

describe('the queue consumers', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const queue = (name: string) => cloud.queues[name] as { url: string; arn: string };
  const everything = async () => ({
    tenants: await tableSnapshot(cloud, cloud.tables.TenantsTable as string),
    records: await tableSnapshot(cloud, cloud.tables.RecordsTable as string),
    bucket: await bucketListing(cloud),
  });
  /** One message through a consumer, as the SQS event source delivers it. */
  const deliver = (consumer: (e: SQSEvent) => Promise<SQSBatchResponse>, name: string, body: string) =>
    consumer({
      Records: [
        {
          messageId: `m-${Math.random()}`,
          receiptHandle: 'r',
          body,
          attributes: {} as never,
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: queue(name).arn,
          awsRegion: 'eu-central-1',
        },
      ],
    });
  const deadLetters = async (name: string) => {
    const { Messages = [] } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue(name).url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages.map((m) => ({ body: m.Body, reason: m.MessageAttributes?.reason?.StringValue }));
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('sends messages for tenants that do not exist, or that are not messages at all, to the DLQ and writes nothing', async () => {
    const [terminateAccount, eraseUserHandler, { worker }] = [
      await loadTerminateAccount(),
      await loadEraseUser(),
      await loadStatsFunctions(),
    ];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const now = new Date().toISOString();
    const before = await everything();
    for (const body of [
      JSON.stringify({ tenantId: '../../x', module: 'ciam', requestedAt: now }),
      JSON.stringify({ tenantId: unknown, module: 'ciam', requestedAt: now }),
      JSON.stringify({
        tenantId: unknown,
        module: 'ciam',
        requestedAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ])
      expect((await deliver(terminateAccount, 'TerminationQueue', body)).batchItemFailures).toEqual([]);
    for (const body of [
      JSON.stringify({
        kind: 'erasure',
        erasureId: 'e1',
        tenantId: '../../x',
        userId: 'u',
        requestedAt: now,
      }),
      JSON.stringify({ kind: 'erasure', erasureId: 'e2', tenantId: unknown, userId: 'u', requestedAt: now }),
    ])
      expect((await deliver(eraseUserHandler, 'ErasureQueue', body)).batchItemFailures).toEqual([]);
    for (const date of ['2026-02-30', '0000-00-00', '2026-13-45'])
      expect(
        (await deliver(worker, 'StatsQueue', JSON.stringify({ tenantId: unknown, date }))).batchItemFailures,
      ).toEqual([]);
    expect(await everything()).toEqual(before);
    const terminations = await deadLetters('TerminationDLQ');
    expect(terminations).toHaveLength(3);
    expect(terminations.map((m) => m.reason)).toEqual([
      expect.stringContaining('tenantId'),
      expect.stringContaining('does not exist'),
      expect.stringContaining('future'),
    ]);
    expect(await deadLetters('ErasureDLQ')).toHaveLength(2);
    expect((await deadLetters('StatsDLQ')).map((m) => m.reason)).toEqual(
      Array(3).fill(expect.stringContaining('date')),
    );
  });

  it('refuses a backfill for a day that does not exist, naming the field, and enqueues nothing', async () => {
    const { enqueue } = await loadStatsFunctions();
    await expect(enqueue({ date: '2026-13-45' })).rejects.toThrow(/date/);
    await expect(enqueue({ tenantIds: ['../../x'] } as never)).rejects.toThrow(/tenant id/);
    expect(await queueDepth(cloud, queue('StatsQueue').url)).toBe(0);
  });

  it('waits for late writers by handing the rest over with a delay, never by spinning', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const requestedAt = new Date().toISOString();
    await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: operator,
      body: { modules: ['ciam'] },
    });
    const delays: number[] = [];
    const deps = terminateDeps(cloud, {
      lateWriterMs: 600_000,
      retryLater: async (seconds) => {
        delays.push(seconds);
      },
    });
    const job = await storesOf(cloud).terminations.job(tenant.id, 'ciam');
    expect(
      await terminate(
        { tenantId: tenant.id, module: 'ciam', requestedAt: job?.requestedAt ?? requestedAt },
        deps,
      ),
    ).toBe('continue');
    // Handed over once, to come back when the wait is nearly over (SQS delays at most 900 s).
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(590);
    expect(delays[0]).toBeLessThanOrEqual(600);
  });

  it('removes statistics an aggregation that started before the termination writes while it runs', async () => {
    const tenant = await createTenant(api, {
      modules: ['ciam'],
      openedAt: new Date(Date.now() - 20 * DAY_MS).toISOString(),
    });
    await capture(api, tenant.apiKey, validRecord('user.login', { occurredAt: `${DAY}T10:00:00.000Z` }));
    const profile = await storesOf(cloud).tenants.get(tenant.id);
    // The aggregation read the tenant while it was active, and writes its 20 days slowly.
    const slow = aggregationDeps(cloud);
    const stats = new Proxy(slow.stats, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (name !== 'saveDay') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<StatsStore['saveDay']>) => {
          await new Promise((r) => setTimeout(r, 60));
          return target.saveDay(...args);
        };
      },
    });
    // A writer whose invocation times out after 8 s: it begins no day it could not finish by then.
    const timesOutAt = Date.now() + 8_000;
    const late = aggregateTenantDay(tenant.id, DAY, {
      ...slow,
      stats,
      remainingMs: () => timesOutAt - Date.now(),
      tenants: { ...slow.tenants, get: async () => profile } as never,
    });
    const requested = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: operator,
      body: { modules: ['ciam'] },
    });
    const terminated = terminate(
      { tenantId: tenant.id, module: 'ciam', requestedAt: requested.body.modules[0].requestedAt },
      terminateDeps(cloud, { lateWriterMs: 8_000 }),
    );
    expect((await late).status).toMatch(/computed/);
    expect(await terminated).toBe('completed');
    const left = (await recordsListing(cloud)).filter(
      (i) => i.tenantId === tenant.id && i.category === 'statistical-data',
    );
    expect(left).toEqual([]);
  });

  it('carries out every erasure request as its own job, and an id with %, /, # or beyond ASCII is erased as delivered', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const ids = ['50%off', 'a%41', 'x#y', 'Zoë-ß', 'a/b'];
    await capture(api, tenant.apiKey, { events: ids.map((userId) => validRecord('user.login', { userId })) });
    const requested = [];
    for (const userId of ids) {
      const response = userId.includes('/')
        ? await api.erasureApi({
            method: 'POST',
            route: '/v1/erasures',
            headers: { authorization: `Bearer ${tenant.apiKey}` },
            body: { userId },
          })
        : await api.erasureApi({
            method: 'POST',
            route: '/v1/users/{userId}/erasure',
            pathParameters: { userId },
            headers: { authorization: `Bearer ${tenant.apiKey}` },
          });
      expect(response.status).toBe(202);
      requested.push({ kind: 'erasure' as const, ...response.body, userId });
    }
    for (const request of requested) expect(await eraseUser(request, eraseDeps(cloud))).toBe('completed');
    const userIds = () =>
      recordsListing(cloud).then((items) =>
        items
          .filter((i) => i.tenantId === tenant.id && i.data)
          .map((i) => (i.data as { userId?: string }).userId),
      );
    expect(await userIds()).toEqual([]);
    // Not `aA`: the path parameter was taken as delivered, not decoded once more.
    // A new sign-in after the erasure, and the erasure asked again: a new job, and the new record goes.
    await capture(api, tenant.apiKey, validRecord('user.login', { userId: '50%off' }));
    expect(await userIds()).toEqual(['50%off']);
    const again = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: '50%off' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(again.body.erasureId).not.toBe(requested[0]?.erasureId);
    expect(await eraseUser({ kind: 'erasure', ...again.body, userId: '50%off' }, eraseDeps(cloud))).toBe(
      'completed',
    );
    expect(await userIds()).toEqual([]);
    expect(await bucketListing(cloud, `receipts/${tenant.id}/erasure-`)).toHaveLength(ids.length + 1);
  });
});
