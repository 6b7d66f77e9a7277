import { ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsPoller } from '#local/sqs-consumer';
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
import { type IsolatedCloud, isolatedCloud, queueDepth } from '#test/local-cloud';
import { validRecord } from '#test/records';

// The termination hook path as deployed: the API sends hooks, the SQS consumer settles each message
// alone, and a poison message goes to the DLQ at once without holding back the others.
describe('the termination queue', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('completes a requested termination and an erasure, and moves a poison message to the DLQ', async () => {
    const queue = cloud.queues.TerminationQueue as { url: string; arn: string };
    const dlq = cloud.queues.TerminationDLQ as { url: string };
    await cloud.clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '1' } }),
    );
    const tenant = await createTenant(api, { modules: ['ciam'] });
    await capture(api, tenant.apiKey, { events: [validRecord('user.login'), validRecord('admin.action')] });
    await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"tenantId": 42}' }),
    );
    const other = await createTenant(api, { modules: ['ciam'] });
    await capture(api, other.apiKey, validRecord('user.login', { userId: 'gone-user' }));
    const erasure = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId: 'gone-user' },
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(erasure.status).toBe(202);
    const requested = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      body: { modules: ['ciam'] },
    });
    expect(requested.status).toBe(202);

    const poller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: 'eu-central-1',
      batchSize: 1,
      reportBatchItemFailures: true,
      invoke: await loadTerminateAccount(),
    });
    // Erasure requests have a queue and consumer of their own.
    const erasures = cloud.queues.ErasureQueue as { url: string; arn: string };
    const erasurePoller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: erasures.url,
      queueArn: erasures.arn,
      region: 'eu-central-1',
      batchSize: 1,
      reportBatchItemFailures: true,
      invoke: await loadEraseUser(),
    });
    const depth = (url: string) => queueDepth(cloud, url);
    poller.start();
    erasurePoller.start();
    const deadline = Date.now() + 45_000;
    while ((await depth(dlq.url)) === 0 || (await depth(queue.url)) > 0 || (await depth(erasures.url)) > 0) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await poller.stop();
    await erasurePoller.stop();

    const { Messages = [] } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => m.Body)).toEqual(['{"tenantId": 42}']);
    expect(await depth(queue.url)).toBe(0);
    const status = await api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(status.body).toMatchObject({
      status: 'completed',
      receipts: [{ module: 'ciam', tenantId: tenant.id }],
    });
    expect(await bucketListing(cloud, `receipts/${tenant.id}/`)).toHaveLength(1);
    // The erasure went through its own consumer.
    expect(await bucketListing(cloud, erasure.body.receipt)).toHaveLength(1);
  });
});
