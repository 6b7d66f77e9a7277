import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, sweepEveryMinutes } from '#policy/index';
import type { SweepRun } from '#store/sweeps';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  loadEraseUser,
  loadHttpFunctions,
  loadTerminateAccount,
  OPERATOR_KEY,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { recordsListing, runSweep, storeHistory, sweepStores } from '#test/sweep';

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const MINUTE = 60_000;

// Legal holds: while one stands, nothing it covers is deleted by the sweep, a termination or an
// erasure, and each says what it kept; on release the deadlines apply again within one interval.
describe('legal holds', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const holds = (tenantId: string, method: string, body?: object, holdId?: string) =>
    api.tenantsApi({
      method,
      route: holdId ? '/v1/tenants/{id}/holds/{holdId}' : '/v1/tenants/{id}/holds',
      pathParameters: { id: tenantId, ...(holdId ? { holdId } : {}) },
      headers: operator,
      ...(body ? { body } : {}),
    });
  const adminLogs = async (tenantId: string) =>
    (await recordsListing(cloud)).filter((i) => i.tenantId === tenantId && i.category === 'admin-action-log');
  /** Delivers what is on a queue to its consumer until it is empty. */
  const drain = async (name: string, consumer: (event: SQSEvent) => Promise<unknown>) => {
    const { ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    const queue = cloud.queues[name] as { url: string; arn: string };
    for (;;) {
      const { Messages = [] } = await cloud.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
      );
      const [message] = Messages;
      if (!message) return;
      await consumer({
        Records: [
          {
            messageId: String(message.MessageId),
            receiptHandle: String(message.ReceiptHandle),
            body: String(message.Body),
            attributes: {} as never,
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: queue.arn,
            awsRegion: 'eu-central-1',
          },
        ],
      });
      await cloud.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('keeps held records through sweeps, says so, and lets them go within one interval of the release', async () => {
    const tenant = await createTenant(api, { openedAt: '2020-01-01T00:00:00Z' });
    const sweepAt = new Date(Date.now() + 400 * DAY_MS);
    const old = (i: number) => new Date(sweepAt.getTime() - 181 * DAY_MS - i * MINUTE);
    await storeHistory(
      cloud,
      tenant.id,
      Array.from({ length: 6 }, (_, i) => ({ type: 'admin.action', occurredAt: old(i) })),
    );
    const placed = await holds(tenant.id, 'POST', {
      categories: ['admin-action-log'],
      reason: 'case 2026-118',
      placedBy: 'legal@ops',
    });
    expect(placed.status).toBe(201);
    for (const minutes of [0, 15, 30]) {
      const run = (await runSweep(
        sweepStores(cloud),
        new Date(sweepAt.getTime() + minutes * MINUTE),
      )) as SweepRun;
      expect(run.status).toBe('completed');
      expect(run.held).toEqual({ 'admin-action-log': 6 });
      expect(run.deleted).toEqual({});
    }
    expect(await adminLogs(tenant.id)).toHaveLength(6);
    // No item carries a TTL, so nothing outside the sweep could delete a held record either.
    for (const item of await adminLogs(tenant.id)) expect(item).not.toHaveProperty('expiresAt');

    const released = await holds(tenant.id, 'DELETE', { releasedBy: 'legal@ops' }, placed.body.holdId);
    expect(released.status).toBe(200);
    expect(released.body.releasedAt).toEqual(expect.any(String));
    // The very next scheduled run, one interval after the last held one, deletes them.
    const next = (await runSweep(
      sweepStores(cloud),
      new Date(sweepAt.getTime() + 30 * MINUTE + sweepEveryMinutes() * MINUTE),
    )) as SweepRun;
    expect(next.deleted).toEqual({ 'admin-action-log': 6 });
    expect(await adminLogs(tenant.id)).toEqual([]);
    const listed = await holds(tenant.id, 'GET');
    expect(listed.body.holds).toEqual([
      expect.objectContaining({ holdId: placed.body.holdId, releasedBy: 'legal@ops' }),
    ]);
  });

  it('leaves held data at termination and erasure, says so in the receipts, and finishes both on release', async () => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const events = [
      validRecord('user.login', { userId: 'kept-user' }),
      validRecord('api.invocation'),
      validRecord('user.login', { userId: 'other' }),
    ];
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    const placed = await holds(tenant.id, 'POST', {
      categories: ['user-operation-log'],
      reason: 'subpoena 7',
      placedBy: 'ops',
    });
    const erasure = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: 'kept-user' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    await drain('ErasureQueue', await loadEraseUser());
    const [erasureReceipt] = (await bucketListing(cloud, erasure.body.receipt)).map((o) =>
      JSON.parse(o.body),
    );
    expect(erasureReceipt.heldByLegalHold).toEqual({ 'user-operation-log': 1 });
    await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: operator,
      body: { modules: ['ciam'] },
    });
    await new Promise((r) => setTimeout(r, 5_500)); // the second pass waits for late writers
    await drain('TerminationQueue', await loadTerminateAccount());
    const receipt = async () =>
      (await bucketListing(cloud, `receipts/${tenant.id}/ciam-`)).map((o) => JSON.parse(o.body))[0];
    expect((await receipt()).categories['user-operation-log']).toMatchObject({ held: 2, deleted: 0 });
    expect((await receipt()).categories['api-invocation-log']).toMatchObject({ deleted: 1 });
    const left = () =>
      recordsListing(cloud).then((items) =>
        items.filter((i) => i.tenantId === tenant.id && i.category === 'user-operation-log'),
      );
    expect(await left()).toHaveLength(2);

    await holds(tenant.id, 'DELETE', { releasedBy: 'ops' }, placed.body.holdId);
    await drain('ErasureQueue', await loadEraseUser());
    await drain('TerminationQueue', await loadTerminateAccount());
    expect(await left()).toEqual([]);
    // The erasure went first and took the user's record; the termination took the other one.
    const [erased] = (await bucketListing(cloud, erasure.body.receipt)).map((o) => JSON.parse(o.body));
    expect(erased.erasedRecords).toEqual({ 'user-operation-log': 1 });
    expect(erased.heldByLegalHold).toBeUndefined();
    expect((await receipt()).categories['user-operation-log']).toMatchObject({ deleted: 1 });
    expect((await receipt()).categories['user-operation-log'].held).toBeUndefined();
  }, 60_000);

  it.each([
    [{ reason: 'x', placedBy: 'ops', categories: ['no-such-category'] }, '/categories/0'],
    [{ reason: '', placedBy: 'ops' }, '/reason'],
    [{ reason: 'r'.repeat(201), placedBy: 'ops' }, '/reason'],
    [{ reason: 'a\u0000b', placedBy: 'ops' }, '/reason'],
    [{ reason: 'case', placedBy: 'ops', extra: 1 }, '/extra'],
    [{ reason: 'case' }, '/placedBy'],
  ])('refuses an invalid hold %j, naming %s (400)', async (body, pointer) => {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const response = await holds(tenant.id, 'POST', body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body.issues.map((i: { pointer: string }) => i.pointer)).toContain(pointer);
    expect((await holds(tenant.id, 'GET')).body.holds).toEqual([]);
  });
});
