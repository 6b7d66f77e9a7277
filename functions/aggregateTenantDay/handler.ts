import { functionLogger } from '#http/handler';
import { documentClient, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { sqsConsumer } from '#shared/consumer';
import { parseStatsJob } from '#shared/messages';
import { DynamoApplicationStore } from '#store/applications';
import { NamedQueue } from '#store/queue';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { aggregateTenantDay } from './aggregate.ts';

const logger = functionLogger();
const db = documentClient();
const sqs = sqsClient();
const records = requireEnv('RECORDS_TABLE');
const jobs = new NamedQueue(sqs, requireEnv('STATS_QUEUE_NAME'));
const stores = {
  tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
  stats: new DynamoStatsStore(db, records),
  applications: new DynamoApplicationStore(db, records),
};

/** Consumes the statistics queue: one tenant and day per message, each retried alone. */
export const handler = sqsConsumer(
  logger,
  async (record, context) => {
    const job = parseStatsJob(record.body);
    const outcome = await aggregateTenantDay(job.tenantId, job.date, {
      ...stores,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    logger.info('tenant aggregated', { ...outcome });
    // A long backfill continues in a fresh invocation from the latest rollup it wrote.
    if (outcome.status === 'partly-computed') await jobs.sendAll([job]);
  },
  new NamedQueue(sqs, requireEnv('STATS_DLQ_NAME')),
);
