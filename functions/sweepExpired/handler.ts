import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient, s3Client } from '#shared/aws';
import { positiveIntEnv, requireEnv } from '#shared/config';
import { DynamoDueIndex } from '#store/due-index';
import { DynamoHoldStore } from '#store/holds';
import { S3ObjectStore } from '#store/objects';
import { DynamoSweepLog, type SweepRun } from '#store/sweeps';
import { DEFAULT_SWEEP_LIMITS, type SweepLimits, type SweepOutcome, sweepExpired } from './sweep.ts';

const logger = new Logger();
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ciam-data-lifecycle' });
const db = documentClient();
const stores = {
  index: new DynamoDueIndex(db, requireEnv('RECORDS_TABLE')),
  objects: new S3ObjectStore(s3Client(), requireEnv('DATA_BUCKET')),
  log: new DynamoSweepLog(db, requireEnv('TENANTS_TABLE')),
  holds: new DynamoHoldStore(db, requireEnv('RECORDS_TABLE')),
};

const limits: SweepLimits = {
  maxItems: positiveIntEnv('SWEEP_MAX_ITEMS', DEFAULT_SWEEP_LIMITS.maxItems),
  pageSize: positiveIntEnv('SWEEP_PAGE_SIZE', DEFAULT_SWEEP_LIMITS.pageSize),
  backlogCap: positiveIntEnv('SWEEP_BACKLOG_CAP', DEFAULT_SWEEP_LIMITS.backlogCap),
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
