import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, sweepEveryMinutes } from '#policy/index';
import { userStatKey } from '#store/keys';
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
import { stallAt } from '#test/stall';
import { aggregationDeps, eraseDeps, terminateDeps } from '#test/stores';
import { recordsListing, runSweep, storeHistory, sweepStores } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { eraseUser } from '../../functions/eraseUser/erase.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

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

  /** A tenant with three sign-ins (two users), a hold on its operation logs, and (when `leaving`) its termination requested. */
  async function heldTenant({ leaving }: { leaving: boolean }) {
    const tenant = await createTenant(api, { modules: ['ciam'] });
    const events = [
      validRecord('user.login', { userId: 'held-user' }),
      validRecord('user.login', { userId: 'held-user' }),
      validRecord('user.login', { userId: 'other' }),
    ];
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    const placed = await holds(tenant.id, 'POST', {
      categories: ['user-operation-log'],
      reason: 'case 12',
      placedBy: 'ops',
    });
    expect(placed.status).toBe(201);
    const requested = leaving
      ? await api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: tenant.id },
          headers: operator,
          body: { modules: ['ciam'] },
        })
      : undefined;
    if (requested) expect(requested.status).toBe(202);
    const hook = {
      tenantId: tenant.id,
      module: 'ciam' as const,
      requestedAt: requested?.body.modules[0].requestedAt as string,
    };
    const operationLogs = async () =>
      (await recordsListing(cloud)).filter(
        (i) => i.tenantId === tenant.id && i.category === 'user-operation-log',
      );
    const release = async () =>
      expect((await holds(tenant.id, 'DELETE', { releasedBy: 'ops' }, placed.body.holdId)).status).toBe(200);
    const receipt = async () =>
      (await bucketListing(cloud, `receipts/${tenant.id}/ciam-`)).map((o) => JSON.parse(o.body))[0];
    return { tenant, hook, operationLogs, release, receipt };
  }

  it('walks a termination again when the hold it read is released while it runs, and keeps nothing for it', async () => {
    const { hook, operationLogs, release, receipt } = await heldTenant({ leaving: true });
    const deps = terminateDeps(cloud);
    // The run reads the holds (one stands), then stalls at its first read of the tenant's data.
    const stall = stallAt(deps.data, 'page');
    const first = terminate(hook, { ...deps, data: stall.store });
    expect(await stall.paused()).toBe(true);
    await release();
    stall.resume();
    // It finds the release before it completes, and hands the job to a walk with the holds as they stand.
    expect(await first).toBe('continue');
    expect(await terminate(hook, deps)).toBe('completed');
    expect(await operationLogs()).toEqual([]);
    expect((await receipt()).categories['user-operation-log']).toEqual(
      expect.objectContaining({ deleted: 3, kept: 0 }),
    );
    expect((await receipt()).categories['user-operation-log'].held).toBeUndefined();
  });

  it('stops a termination that is completing when the hold it kept data for is released, and walks again', async () => {
    const { hook, operationLogs, release, receipt } = await heldTenant({ leaving: true });
    const deps = terminateDeps(cloud);
    // The run has read the holds again (still standing) and stalls at its receipt.
    const stall = stallAt(deps.objects, 'putReceipt');
    const first = terminate(hook, { ...deps, objects: stall.store });
    expect(await stall.paused()).toBe(true);
    // The release finds the job with what it held counted, re-opens it and takes the run's lease.
    await release();
    stall.resume();
    expect(await first).toBe('busy');
    expect(await terminate(hook, deps)).toBe('completed');
    expect(await operationLogs()).toEqual([]);
    expect((await receipt()).categories['user-operation-log'].held).toBeUndefined();
  });

  it('erases again what a hold kept when the hold is released while the erasure runs', async () => {
    const { tenant, operationLogs, release } = await heldTenant({ leaving: false });
    const requested = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: 'held-user' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(requested.status).toBe(202);
    const request = {
      kind: 'erasure' as const,
      erasureId: requested.body.erasureId as string,
      tenantId: tenant.id,
      userId: 'held-user',
      requestedAt: requested.body.requestedAt as string,
    };
    const deps = eraseDeps(cloud);
    const stall = stallAt(deps.data, 'page');
    const first = eraseUser(request, { ...deps, data: stall.store });
    expect(await stall.paused()).toBe(true);
    await release();
    stall.resume();
    expect(await first).toBe('continue');
    expect(await eraseUser(request, deps)).toBe('completed');
    expect((await operationLogs()).map((i) => i.data)).toEqual([
      expect.objectContaining({ userId: 'other' }),
    ]);
    const [receipt] = (await bucketListing(cloud, requested.body.receipt)).map((o) => JSON.parse(o.body));
    expect(receipt.erasedRecords).toEqual({ 'user-operation-log': 2 });
    expect(receipt.heldByLegalHold).toBeUndefined();
  });

  it('keeps a user’s statistics state under a hold on statistics, says so instead of claiming it erased, and erases it on release', async () => {
    const tenant = await createTenant(api, {
      modules: ['ciam'],
      openedAt: new Date(Date.now() - 3 * DAY_MS).toISOString(),
    });
    const day = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
    const events = [
      validRecord('user.login', { userId: 'counted', occurredAt: `${day}T10:00:00.000Z` }),
      validRecord('user.login', { userId: 'other', occurredAt: `${day}T11:00:00.000Z` }),
    ];
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    await aggregateTenantDay(tenant.id, day, aggregationDeps(cloud));
    const state = async () => {
      const key = userStatKey(tenant.id, 'counted');
      return (await recordsListing(cloud)).filter((i) => i.pk === key.pk && i.sk === key.sk);
    };
    expect(await state()).toHaveLength(1);
    const placed = await holds(tenant.id, 'POST', {
      categories: ['statistical-data'],
      reason: 'audit 3',
      placedBy: 'ops',
    });
    expect(placed.status).toBe(201);
    const erasure = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: 'counted' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    await drain('ErasureQueue', await loadEraseUser());
    const receipt = async () =>
      (await bucketListing(cloud, erasure.body.receipt)).map((o) => JSON.parse(o.body))[0];
    expect(await receipt()).toMatchObject({
      erasedRecords: { 'user-operation-log': 1 },
      heldByLegalHold: { 'statistical-data': 1 },
    });
    expect(await receipt()).not.toHaveProperty('erasedAlso');
    expect(await state()).toHaveLength(1);

    await holds(tenant.id, 'DELETE', { releasedBy: 'ops' }, placed.body.holdId);
    await drain('ErasureQueue', await loadEraseUser());
    expect(await state()).toEqual([]);
    expect(await receipt()).toMatchObject({ erasedAlso: [expect.stringContaining('statistical-data')] });
    expect(await receipt()).not.toHaveProperty('heldByLegalHold');
  });

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
