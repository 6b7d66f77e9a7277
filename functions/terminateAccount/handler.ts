import { functionLogger } from '#http/handler';
import { documentClient, s3Client, sqsClient } from '#shared/aws';
import { requireEnv, secondsEnv } from '#shared/config';
import { sqsConsumer } from '#shared/consumer';
import { parseTerminationHook } from '#shared/messages';
import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DynamoHoldStore } from '#store/holds';
import { DynamoTerminationJobs } from '#store/jobs';
import { S3ObjectArchive } from '#store/objects';
import { NamedQueue } from '#store/queue';
import { DynamoTenantData } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import { terminate } from './terminate.ts';

const logger = functionLogger();
const db = documentClient();
const sqs = sqsClient();
const s3 = s3Client();
const bucket = requireEnv('DATA_BUCKET');
const [tenantsTable, recordsTable] = [requireEnv('TENANTS_TABLE'), requireEnv('RECORDS_TABLE')];
const hooks = new NamedQueue(sqs, requireEnv('TERMINATION_QUEUE_NAME'));
const stores = {
  tenants: new DynamoTenantStore(db, tenantsTable),
  jobs: new DynamoTerminationJobs(db, tenantsTable),
  data: new DynamoTenantData(db, recordsTable),
  objects: new S3ObjectArchive(db, recordsTable, s3, bucket),
  holds: new DynamoHoldStore(db, recordsTable),
  exports: new DynamoLogExports(db, recordsTable),
  exportFiles: new S3ExportFiles(db, recordsTable, s3, bucket),
  // Every function that writes tenant data stops by its own timeout; the clocks may differ a little.
  lateWriterMs: (secondsEnv('LATE_WRITER_SECONDS') + 5) * 1000,
};

/** Consumes termination hooks {tenantId, module, requestedAt}; each message is settled alone. */
export const handler = sqsConsumer(
  logger,
  async (record, context) => {
    const hook = parseTerminationHook(record.body, new Date());
    const outcome = await terminate(hook, {
      ...stores,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      // Not finished in this invocation, another run holds the job, or the second pass must wait:
      // a later delivery continues, delayed by as long as there is to wait (SQS: at most 900 s).
      retryLater: (seconds) => hooks.sendAll([hook], seconds),
    });
    logger.info('termination step', { tenantId: hook.tenantId, module: hook.module, outcome });
  },
  new NamedQueue(sqs, requireEnv('TERMINATION_DLQ_NAME')),
);
