import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient, s3Client } from '#shared/aws';
import { positiveIntEnv, requireEnv, secondsEnv } from '#shared/config';
import { DynamoDueIndex } from '#store/due-index';
import { DynamoHoldStore } from '#store/holds';
import { S3ObjectArchive, S3ObjectStore } from '#store/objects';
import { DynamoPolicyState } from '#store/policy-state';
import { DynamoReconcileIndex } from '#store/reconcile-index';
import { DynamoSweepLog, type SweepRun } from '#store/sweeps';
import { DynamoTenantStore } from '#store/tenants';
import { type ReconcileOutcome, reconcilePolicy } from './reconcile.ts';
import { DEFAULT_SWEEP_LIMITS, type SweepLimits, type SweepOutcome, sweepExpired } from './sweep.ts';

const logger = new Logger();
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ciam-data-lifecycle' });
const db = documentClient();
const [recordsTable, tenantsTable, dataBucket] = [
  requireEnv('RECORDS_TABLE'),
  requireEnv('TENANTS_TABLE'),
  requireEnv('DATA_BUCKET'),
];
const stores = {
  index: new DynamoDueIndex(db, recordsTable),
  objects: new S3ObjectStore(s3Client(), dataBucket),
  log: new DynamoSweepLog(db, tenantsTable),
  holds: new DynamoHoldStore(db, recordsTable),
};
const reconciliation = {
  index: new DynamoReconcileIndex(db, recordsTable),
  due: stores.index,
  archive: new S3ObjectArchive(db, recordsTable, s3Client(), dataBucket),
  objects: stores.objects,
  state: new DynamoPolicyState(db, tenantsTable),
  tenants: new DynamoTenantStore(db, tenantsTable),
  // A capture, hook, termination or sweep started before a deploy ends by its own timeout.
  lateWriterMs: (secondsEnv('LATE_WRITER_SECONDS') + 5) * 1000,
  reserveMs: 15_000,
};

const limits: SweepLimits = {
  maxItems: positiveIntEnv('SWEEP_MAX_ITEMS', DEFAULT_SWEEP_LIMITS.maxItems),
  pageSize: positiveIntEnv('SWEEP_PAGE_SIZE', DEFAULT_SWEEP_LIMITS.pageSize),
  backlogCap: positiveIntEnv('SWEEP_BACKLOG_CAP', DEFAULT_SWEEP_LIMITS.backlogCap),
  reserveMs: DEFAULT_SWEEP_LIMITS.reserveMs,
};

/**
 * Scheduled: first brings stored data under the deployed policy if it changed (reconcile.ts, with
 * at most half of the invocation's time), then one sweep of everything due (sweep.ts), so what a
 * changed policy makes due is deleted in the same run.
 */
export const handler = middy<
  unknown,
  SweepOutcome & { reconciliation?: ReconcileOutcome['status'] },
  Error,
  Context
>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (_event, context) => {
    const until = Date.now() + context.getRemainingTimeInMillis() / 2;
    const reconciled = await reconcilePolicy({
      ...reconciliation,
      now: () => new Date(),
      remainingMs: () => until - Date.now(),
    });
    if (reconciled.status !== 'in-force')
      logger.info('policy reconciliation', {
        status: reconciled.status,
        ...('job' in reconciled
          ? { to: reconciled.job.to, pass: reconciled.job.pass, tenants: reconciled.job.tenants }
          : {}),
      });
    const outcome = await sweepExpired({
      ...stores,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      runId: randomUUID(),
      limits,
    });
    if (outcome.status === 'busy') {
      logger.info('another sweep holds the lease; nothing done', { runId: outcome.runId });
      return { ...outcome, reconciliation: reconciled.status };
    }
    publish(outcome);
    logger.info('sweep finished', { ...outcome });
    return { ...outcome, reconciliation: reconciled.status };
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
