import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsPoller } from '#local/sqs-consumer';
import { type IsolatedCloud, isolatedCloud, queueDepth } from '#test/local-cloud';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The local stand-in for Lambda's SQS event source mapping, against fauxqs's real queues.
describe('the local SQS consumer', () => {
  let cloud: IsolatedCloud;
  let queue: { url: string; arn: string };
  let dlq: { url: string; arn: string };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    const q = cloud.queues.TerminationQueue;
    const d = cloud.queues.TerminationDLQ;
    if (!q || !d) throw new Error('termination queues missing');
    queue = q;
    dlq = d;
    // Same queues and redrive as the template; a 1 s visibility timeout keeps the test short.
    await cloud.clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '1' } }),
    );
  });
  afterAll(() => cloud.destroy());

  const poller = (invoke: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>, report = true) =>
    new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: 'eu-central-1',
      batchSize: 10,
      reportBatchItemFailures: report,
      invoke,
    });
  const send = (body: unknown) =>
    cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(body) }),
    );
  const depth = (url: string) => queueDepth(cloud, url);

  it('delivers the real SQS event shape and deletes a batch that succeeded', async () => {
    await send({ tenantId: 't-1', module: 'ciam', requestedAt: '2026-11-22T00:00:00.000Z' });
    const events: SQSEvent[] = [];
    const result = await poller(async (event) => {
      events.push(event);
      return { batchItemFailures: [] };
    }).pollOnce(1);

    expect(result).toEqual({ received: 1, deleted: 1, retried: 0 });
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'eu-central-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(JSON.parse(record?.body ?? '{}')).toMatchObject({ tenantId: 't-1' });
    expect(record?.receiptHandle).toBeTruthy();
    expect(await depth(queue.url)).toBe(0);
  });

  it('retries only the messages named in batchItemFailures, after the visibility timeout', async () => {
    await send({ n: 1 });
    await send({ n: 2 });
    const failing = poller(async (event) => ({
      batchItemFailures: event.Records.filter((r) => JSON.parse(r.body).n === 2).map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    let settled = { received: 0, deleted: 0, retried: 0 };
    while (settled.received < 2) {
      const r = await failing.pollOnce(1);
      settled = {
        received: settled.received + r.received,
        deleted: settled.deleted + r.deleted,
        retried: settled.retried + r.retried,
      };
    }
    expect(settled).toEqual({ received: 2, deleted: 1, retried: 1 });

    await sleep(1_200);
    const redelivered: Array<{ body: unknown; count: string }> = [];
    await poller(async (event) => {
      for (const r of event.Records)
        redelivered.push({ body: JSON.parse(r.body), count: r.attributes.ApproximateReceiveCount });
      return { batchItemFailures: [] };
    }).pollOnce(2);
    expect(redelivered).toEqual([{ body: { n: 2 }, count: '2' }]);
    expect(await depth(queue.url)).toBe(0);
  });

  it('keeps the whole batch when the invocation itself fails', async () => {
    await send({ n: 3 });
    const result = await poller(async () => {
      throw new Error('function crashed');
    }).pollOnce(1);
    expect(result).toEqual({ received: 1, deleted: 0, retried: 1 });
    await sleep(1_200);
    const after = await poller(async () => ({ batchItemFailures: [] })).pollOnce(2);
    expect(after).toEqual({ received: 1, deleted: 1, retried: 0 });
  });

  it('moves a poison message to the DLQ after maxReceiveCount without blocking good ones', async () => {
    await send({ poison: true });
    await send({ good: 1 });
    const handled: unknown[] = [];
    const consumer = poller(async (event) => ({
      batchItemFailures: event.Records.flatMap((r) => {
        const body = JSON.parse(r.body);
        if (body.poison) return [{ itemIdentifier: r.messageId }];
        handled.push(body);
        return [];
      }),
    }));
    consumer.start();
    const deadline = Date.now() + 30_000;
    while ((await depth(dlq.url)) === 0 && Date.now() < deadline) await sleep(250);
    await consumer.stop();

    expect(handled).toEqual([{ good: 1 }]);
    expect(await depth(dlq.url)).toBe(1);
    expect(await depth(queue.url)).toBe(0);
  });
});
