import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsPoller } from '#local/sqs-consumer';
import { type Api, capture, createTenant, loadHttpFunctions, loadStatsFunctions } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { truthOf } from '#test/stats-truth';
import { demoTraffic } from '../../scripts/demo/traffic.ts';

const DAY_MS = 86_400_000;
const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const daysBefore = (n: number) =>
  new Date(Date.parse(`${yesterday}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

// Capture -> scheduled fan-out -> per-tenant workers -> statsApi, on the local cloud, against the
// statistics computed directly from every event.
describe('console statistics over a 35-day history', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let stats: Awaited<ReturnType<typeof loadStatsFunctions>>;
  let poller: SqsPoller;
  const history = demoTraffic(yesterday, 35, 11);
  const openedAt = `${daysBefore(34)}T00:00:00.000Z`;
  let tenant: { id: string; apiKey: string };

  const sendAll = async (key: string, records: object[]) => {
    const outcomes: string[] = [];
    for (let i = 0; i < records.length; i += 100) {
      const response = await capture(api, key, { events: records.slice(i, i + 100) });
      expect(response.status).toBe(202);
      outcomes.push(...response.body.results.map((r: { outcome: string }) => r.outcome));
    }
    return outcomes;
  };
  /** Runs the statistics queue until it is empty, as Lambda's event source mapping would. */
  const drain = async () => {
    let settled = { received: 0, deleted: 0, retried: 0 };
    for (let empty = 0; empty < 2; ) {
      const r = await poller.pollOnce(0);
      if (r.received === 0) empty++;
      settled = {
        received: settled.received + r.received,
        deleted: settled.deleted + r.deleted,
        retried: settled.retried + r.retried,
      };
    }
    return settled;
  };
  const snapshot = async (date: string, key = tenant.apiKey) => {
    const response = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date },
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const { tenantId: _t, final: _f, ...numbers } = response.body;
    return numbers;
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    stats = await loadStatsFunctions();
    const queue = cloud.queues.StatsQueue;
    if (!queue) throw new Error('stats queue missing');
    poller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: 'eu-central-1',
      batchSize: 5,
      reportBatchItemFailures: true,
      invoke: stats.worker,
    });
    tenant = await createTenant(api, { modules: ['ciam'], maxUsers: 200, openedAt });
    expect(new Set(await sendAll(tenant.apiKey, history))).toEqual(new Set(['stored']));
  });
  afterAll(() => cloud.destroy());

  it('computes every tenant of the day that ended through the queue, every number equal to the truth', async () => {
    const quiet = await createTenant(api, { modules: ['ciam'], openedAt: `${yesterday}T00:00:00Z` });
    const { enqueued } = await stats.enqueue({ date: yesterday });
    expect(enqueued).toBe(2);
    expect(await drain()).toMatchObject({ received: 2, deleted: 2, retried: 0 });

    const plan = { maxUsers: 200, openedAt };
    for (const date of [daysBefore(6), daysBefore(2), daysBefore(1), yesterday]) {
      expect(await snapshot(date)).toEqual(truthOf(history, date, plan));
    }
    // The month boundary inside the history resets monthly active users.
    for (let n = 0; n < 35; n++) {
      const date = daysBefore(n);
      if (date.endsWith('-01') || date.endsWith('-02'))
        expect(await snapshot(date)).toEqual(truthOf(history, date, plan));
    }
    expect(await snapshot(yesterday, quiet.apiKey)).toMatchObject({
      totalUsers: 0,
      logins7d: 0,
      userDistribution: [],
    });
  });

  it('changes no number when every event is delivered again and the day is run again', async () => {
    const before = await snapshot(yesterday);
    const again = await sendAll(tenant.apiKey, [...history].reverse());
    expect(new Set(again)).toEqual(new Set(['duplicate']));
    await stats.enqueue({ date: yesterday, tenantIds: [tenant.id] });
    expect(await drain()).toMatchObject({ received: 1, deleted: 1 });
    expect(await snapshot(yesterday)).toEqual(before);
    await stats.enqueue({ date: daysBefore(3), tenantIds: [tenant.id] });
    await drain();
    expect(await snapshot(daysBefore(3))).toEqual(
      truthOf(history, daysBefore(3), { maxUsers: 200, openedAt }),
    );
    expect(await snapshot(yesterday)).toEqual(before);
  });

  it('enqueues nothing for an empty tenant list and refuses a backfill it cannot honour, naming the field', async () => {
    expect(await stats.enqueue({ date: yesterday, tenantIds: [] })).toEqual({ date: yesterday, enqueued: 0 });
    await expect(stats.enqueue({ date: '2026-02-30' })).rejects.toThrow(/date must be a calendar date/);
    await expect(stats.enqueue({ tenantIds: ['not-a-uuid'] })).rejects.toThrow(/tenant id must be a UUID/);
    expect(await drain()).toMatchObject({ received: 0 });
  });

  it('sends a job that can never run straight to the DLQ, without holding back the others', async () => {
    const queue = cloud.queues.StatsQueue as { url: string };
    await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"tenant":"?"}' }),
    );
    await stats.enqueue({ date: yesterday, tenantIds: [tenant.id] });
    const first = await poller.pollOnce(1);
    const second = first.received < 2 ? await poller.pollOnce(1) : { received: 0, deleted: 0, retried: 0 };
    // Both settled at once: the good job done, the poison one moved to the DLQ (no futile retries).
    expect(first.deleted + second.deleted).toBe(2);
    expect(first.retried + second.retried).toBe(0);
    const dlq = cloud.queues.StatsDLQ as { url: string };
    const { Messages = [] } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages.map((m) => m.Body)).toEqual(['{"tenant":"?"}']);
    expect(Messages[0]?.MessageAttributes?.reason?.StringValue).toMatch(/tenantId/);
  });
});
