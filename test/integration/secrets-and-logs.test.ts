import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '#shared/auth/api-keys';
import { lambdaContext } from '#test/api-events';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  loadEraseUser,
  loadHttpFunctions,
  loadTerminateAccount,
  OPERATOR_KEY,
  tableSnapshot,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { teeStdout } from '#test/logs';
import { validRecord } from '#test/records';

// Every function's JSON logs, over a tenant's whole life (creation, key rotation, capture, a refused
// request, statistics, erasure, termination, a sweep), hold no personal data and no secret; and no
// table, object or log holds an API key, the operator key or a q-token in the clear.
describe('secrets and logs', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  const lines: string[] = [];
  let restoreStdout: () => void;

  beforeAll(async () => {
    cloud = await isolatedCloud();
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    api = await loadHttpFunctions(cloud);
    restoreStdout = teeStdout(lines);
  });
  afterAll(() => {
    restoreStdout();
    cloud.destroy();
  });

  /** Delivers what is on a queue to its consumer, as the SQS event source would. */
  async function deliver(
    queue: { url: string; arn: string },
    consumer: (event: SQSEvent) => Promise<SQSBatchResponse>,
  ): Promise<number> {
    let delivered = 0;
    for (;;) {
      const { Messages = [] } = await cloud.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return delivered;
      const event = {
        Records: Messages.map((m) => ({
          messageId: m.MessageId as string,
          receiptHandle: m.ReceiptHandle as string,
          body: m.Body as string,
          attributes: {} as never,
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: queue.arn,
          awsRegion: 'eu-central-1',
        })),
      } as SQSEvent;
      expect((await consumer(event)).batchItemFailures).toEqual([]);
      delivered += Messages.length;
    }
  }

  it('hold no personal data, key or q-token, in the logs or at rest', async () => {
    const userId = `user-secret-${randomUUID().slice(0, 8)}`;
    const erasedUser = `user-erased-${randomUUID().slice(0, 8)}`;
    const qToken = `qtoken-secret-${randomUUID()}`;
    const tenant = await createTenant(api, { name: 'Secretive GmbH' });
    const rotated = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/keys',
      pathParameters: { id: tenant.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(rotated.status).toBe(201);
    const events = [
      validRecord('user.registered', { userId, clientIp: '203.0.113.91', country: 'DE' }),
      validRecord('user.login', { userId: erasedUser, clientIp: '2001:db8::91', country: 'FR' }),
      validRecord('admin.action', {
        clientIp: '198.51.100.91',
        camContext: { clientIp: '192.0.2.91', qToken },
      }),
      validRecord('api.invocation', { requestIp: '198.51.100.92' }),
      validRecord('security.asset', { serverIp: '10.9.9.91' }),
    ];
    expect((await capture(api, rotated.body.apiKey, { events })).status).toBe(202);
    expect(
      (await capture(api, tenant.apiKey, validRecord('user.login', { userId, clientIp: '1.2.3.999' })))
        .status,
    ).toBe(400);
    expect((await capture(api, `${tenant.apiKey}x`, events[0])).status).toBe(401);
    const stats = await api.statsApi({
      method: 'GET',
      route: '/v1/stats',
      query: { date: '2026-01-01' },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(stats.status).toBe(404);
    const erasure = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: erasedUser },
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(erasure.status).toBe(202);
    expect(await deliver(cloud.queues.ErasureQueue as never, await loadEraseUser())).toBe(1);
    const terminated = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      body: { modules: ['ciam', 'container-security'] },
    });
    expect(terminated.status).toBe(202);
    expect(await deliver(cloud.queues.TerminationQueue as never, await loadTerminateAccount())).toBe(2);
    const { handler: sweep } = await import('../../functions/sweepExpired/handler.ts');
    await (sweep as unknown as (e: unknown, c: Context) => Promise<unknown>)(
      {},
      lambdaContext('sweepExpired', 300_000),
    );

    const logs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The logs were captured from every stage (so the scan below has something to scan).
    const messages = new Set(logs.map((l) => l.message));
    for (const m of [
      'tenant created',
      'api key issued',
      'captured',
      'request refused',
      'erasure requested',
      'erasure step',
      'termination requested',
      'termination step',
      'sweep finished',
    ])
      expect(messages).toContain(m);

    const personal = [
      userId,
      erasedUser,
      '203.0.113.91',
      '2001:db8::91',
      '198.51.100.91',
      '192.0.2.91',
      '198.51.100.92',
      '10.9.9.91',
      '1.2.3.999',
    ];
    const secrets = [
      tenant.apiKey,
      rotated.body.apiKey,
      `${tenant.apiKey}x`,
      OPERATOR_KEY,
      qToken,
      'test-qtoken-hash-key',
    ];
    const logText = lines.join('');
    for (const value of [...personal, ...secrets]) expect(logText).not.toContain(value);

    // At rest: keys only as hashes, the q-token only as its keyed hash.
    const stored = [
      ...(await tableSnapshot(cloud, cloud.tables.TenantsTable as string)),
      ...(await tableSnapshot(cloud, cloud.tables.RecordsTable as string)),
      ...(await bucketListing(cloud)).map((o) => `${o.key}\n${o.body}\n${JSON.stringify(o.metadata)}`),
    ].join('\n');
    for (const value of secrets) expect(stored).not.toContain(value);
    expect(stored).toContain(hashApiKey(tenant.apiKey));
    // The receipts name no one.
    for (const receipt of await bucketListing(cloud, `receipts/${tenant.id}/`))
      for (const value of personal) expect(receipt.body).not.toContain(value);
  });
});
