import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { requireEnv } from '#shared/config';
import { NamedQueue } from '#store/queue';
import { DynamoTenantStore } from '#store/tenants';
import { dayThatEnded } from './aggregate.ts';

const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tenants = new DynamoTenantStore(db, requireEnv('TENANTS_TABLE'));
// Requests go to the configured SQS endpoint, not to the queue URL's host: identical in AWS, and the
// local emulator's queue URLs (sqs.<region>.localhost) need not resolve.
const queue = new NamedQueue(new SQSClient({ useQueueUrlAsEndpoint: false }), requireEnv('STATS_QUEUE_NAME'));

/** A scheduled run, or a backfill: `{ "date": "2026-11-01", "tenantIds": ["…"] }` (both optional). */
interface AggregationRequest {
  date?: string;
  tenantIds?: string[];
}

/**
 * Daily after 00:00 UTC: one message per tenant for the day that just ended, so workers compute
 * tenants in parallel and a failed tenant is retried alone.
 */
export const handler = middy<AggregationRequest>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(event?.date ?? '')
      ? (event.date as string)
      : dayThatEnded(new Date());
    let enqueued = 0;
    const send = async (ids: string[]) => {
      await queue.sendAll(ids.map((tenantId) => ({ tenantId, date })));
      enqueued += ids.length;
    };
    if (Array.isArray(event?.tenantIds)) await send(event.tenantIds.map(String));
    else for await (const page of tenants.tenantIds()) await send(page);
    logger.info('aggregation enqueued', { date, tenants: enqueued });
    return { date, enqueued };
  });
