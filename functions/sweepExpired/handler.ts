import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireEnv } from '#shared/config';
import { DynamoDueIndex } from '#store/due-index';
import { S3ObjectStore } from '#store/objects';
import { DynamoSweepLog, type SweepRun } from '#store/sweeps';
import { DEFAULT_SWEEP_LIMITS, type SweepLimits, type SweepOutcome, sweepExpired } from './sweep.ts';

const logger = new Logger();
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ciam-data-lifecycle' });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const stores = {
  index: new DynamoDueIndex(db, requireEnv('RECORDS_TABLE')),
  objects: new S3ObjectStore(
    new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }),
    requireEnv('DATA_BUCKET'),
  ),
  log: new DynamoSweepLog(db, requireEnv('TENANTS_TABLE')),
};

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const limits: SweepLimits = {
  maxItems: positive('SWEEP_MAX_ITEMS', DEFAULT_SWEEP_LIMITS.maxItems),
  pageSize: positive('SWEEP_PAGE_SIZE', DEFAULT_SWEEP_LIMITS.pageSize),
  backlogCap: positive('SWEEP_BACKLOG_CAP', DEFAULT_SWEEP_LIMITS.backlogCap),
  reserveMs: DEFAULT_SWEEP_LIMITS.reserveMs,
};

/** Scheduled: one sweep of everything due, within this invocation's time; see sweep.ts. */
export const handler = middy<unknown, SweepOutcome, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (_event, context) => {
    const outcome = await sweepExpired({
      ...stores,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      runId: randomUUID(),
      limits,
    });
    if (outcome.status === 'busy') {
      logger.info('another sweep holds the lease; nothing done', { runId: outcome.runId });
      return outcome;
    }
    publish(outcome);
    logger.info('sweep finished', { ...outcome });
    return outcome;
  });

/** The run as CloudWatch metrics (EMF): deleted counts per category, backlog, oldest overdue age. */
function publish(run: SweepRun): void {
  const total = Object.values(run.deleted).reduce((sum, n) => sum + n, 0);
  metrics.addMetric('RecordsDeleted', MetricUnit.Count, total);
  metrics.addMetric('ObjectsDeleted', MetricUnit.Count, run.objectsDeleted);
  metrics.addMetric('SweepBacklog', MetricUnit.Count, run.backlog);
  metrics.addMetric('SweepFailures', MetricUnit.Count, run.failed);
  metrics.addMetric('OldestOverdueSeconds', MetricUnit.Seconds, run.oldestOverdueSeconds);
  for (const [category, deleted] of Object.entries(run.deleted)) {
    const single = metrics.singleMetric();
    single.addDimension('category', category);
    single.addMetric('RecordsDeletedByCategory', MetricUnit.Count, deleted);
  }
}
