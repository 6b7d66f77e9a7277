import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import type { DayBucket } from '#store/ports';
import { DynamoReconcileIndex } from '#store/reconcile-index';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { recordsListing } from '#test/sweep';

// Bucket writes of the reconciliation's index, on DynamoDB Local, each BatchWriteItem slowed: calls
// running at once share four BatchWriteItem calls in flight (so writes applied one after another
// without waiting keep all four busy), and a call that fails ends only once what it sent has
// answered.

const CATEGORY = 'admin-action-log';
const buckets = (tenantId: string, count: number): DayBucket[] =>
  Array.from({ length: count }, (_, i) => ({
    tenantId,
    day: new Date(Date.UTC(2031, 0, 1 + i)).toISOString().slice(0, 10),
    category: CATEGORY,
    module: 'ciam',
    policyVersion: 'next',
    due: new Date(Date.UTC(2031, 6, 1 + i)),
  }));

describe('bucket writes of the reconciliation index', () => {
  let cloud: IsolatedCloud;
  beforeEach(async () => {
    cloud = await isolatedCloud();
  });
  afterEach(() => cloud.destroy());

  /** An index whose BatchWriteItem calls each take `ms` (a refused one fails at once), counting them in flight by tenant. */
  function slowedIndex(ms: number, refuse: (call: number) => boolean = () => false) {
    const clients = localClients(cloud.endpoints);
    const inFlight = new Map<string, number>();
    const seen = { most: 0, mixed: false, calls: 0, answeredAfterFailure: 0, failed: false };
    const total = () => [...inFlight.values()].reduce((a, b) => a + b, 0);
    clients.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as {
          RequestItems?: Record<string, Array<{ PutRequest?: { Item: { tenantId?: unknown } } }>>;
        };
        if (!input.RequestItems) return next(args);
        const call = ++seen.calls;
        if (refuse(call))
          throw Object.assign(new Error('Service unavailable (injected)'), { name: 'ServiceUnavailable' });
        const tenant = String(Object.values(input.RequestItems)[0]?.[0]?.PutRequest?.Item.tenantId);
        inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
        seen.most = Math.max(seen.most, total());
        if ([...inFlight.values()].filter((n) => n > 0).length > 1) seen.mixed = true;
        try {
          await new Promise((done) => setTimeout(done, ms));
          return await next(args);
        } finally {
          inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);
          if (seen.failed) seen.answeredAfterFailure += 1;
        }
      },
      { step: 'initialize', name: 'slowBatchWrites' },
    );
    const db = DynamoDBDocumentClient.from(clients.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    return { index: new DynamoReconcileIndex(db, cloud.tables.RecordsTable as string), seen, clients };
  }

  it('shares four BatchWriteItem calls in flight between calls running at once, and writes every bucket', async () => {
    const { index, seen, clients } = slowedIndex(40);
    // 150 + 60 buckets: 6 + 3 BatchWriteItem calls. The second call's batches start in the slots
    // the first call's free, beside its last ones, never more than four at once.
    await Promise.all([
      index.writeBuckets(buckets('t1', 150), []),
      index.writeBuckets(buckets('t2', 60), []),
    ]);
    clients.dynamodb.destroy();
    expect(seen.calls).toBe(9);
    expect(seen.most).toBe(4);
    expect(seen.mixed).toBe(true);
    const stored = (await recordsListing(cloud)).filter((item) => item.bucketCategory === CATEGORY);
    expect(stored.filter((item) => item.tenantId === 't1')).toHaveLength(150);
    expect(stored.filter((item) => item.tenantId === 't2')).toHaveLength(60);
  });

  it('ends a call that failed only once every BatchWriteItem it sent has answered, and starts none after the failure', async () => {
    const { index, seen, clients } = slowedIndex(50, (call) => call === 1);
    const failed = index.writeBuckets(buckets('t1', 200), []).catch((error: Error) => {
      seen.failed = true;
      return error;
    });
    expect(await failed).toBeInstanceOf(Error);
    const sentBefore = seen.calls;
    await new Promise((done) => setTimeout(done, 150));
    clients.dynamodb.destroy();
    // The four sent together: one refused, three answered before the call ended; of the eight
    // batches, the four queued behind them were never sent.
    expect(sentBefore).toBe(4);
    expect(seen.answeredAfterFailure).toBe(0);
    expect(seen.calls).toBe(sentBefore);
  });
});
