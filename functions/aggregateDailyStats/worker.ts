import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { requireEnv } from '#shared/config';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { aggregateTenantDay } from './aggregate.ts';

const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const deps = {
  tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
  stats: new DynamoStatsStore(db, requireEnv('RECORDS_TABLE')),
  now: () => new Date(),
};
const processor = new BatchProcessor(EventType.SQS);

/** A unit of work: one tenant, one day. A message that is not one is poison (it reaches the DLQ). */
async function aggregateOne(record: SQSRecord): Promise<void> {
  const { tenantId, date } = JSON.parse(record.body) as { tenantId?: unknown; date?: unknown };
  if (typeof tenantId !== 'string' || typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new Error(`message ${record.messageId} is not {tenantId, date}`);
  }
  const outcome = await aggregateTenantDay(tenantId, date, deps);
  logger.info('tenant aggregated', { ...outcome });
}

/** Consumes the statistics queue; each failed tenant is reported alone and retried alone. */
export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => processPartialResponse(event, aggregateOne, processor, { context }));
