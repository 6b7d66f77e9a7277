import { functionLogger } from '#http/handler';
import { documentClient, s3Client, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { sqsConsumer } from '#shared/consumer';
import { parseErasureRequest } from '#shared/messages';
import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DynamoHoldStore } from '#store/holds';
import { DynamoErasureJobs } from '#store/jobs';
import { S3ObjectArchive } from '#store/objects';
import { NamedQueue } from '#store/queue';
import { DynamoTenantData } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import { eraseUser } from './erase.ts';

const logger = functionLogger();
const db = documentClient();
const sqs = sqsClient();
const s3 = s3Client();
const bucket = requireEnv('DATA_BUCKET');
const [tenantsTable, recordsTable] = [requireEnv('TENANTS_TABLE'), requireEnv('RECORDS_TABLE')];
const requests = new NamedQueue(sqs, requireEnv('ERASURE_QUEUE_NAME'));
const stores = {
  tenants: new DynamoTenantStore(db, tenantsTable),
  jobs: new DynamoErasureJobs(db, tenantsTable),
  data: new DynamoTenantData(db, recordsTable),
  objects: new S3ObjectArchive(db, recordsTable, s3, bucket),
  holds: new DynamoHoldStore(db, recordsTable),
  exports: new DynamoLogExports(db, recordsTable),
  exportFiles: new S3ExportFiles(db, recordsTable, s3, bucket),
};

/** Consumes erasure requests; each is its own job, settled alone. */
export const handler = sqsConsumer(
  logger,
  async (record, context) => {
    const request = parseErasureRequest(record.body, new Date());
    const outcome = await eraseUser(request, {
      ...stores,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    logger.info('erasure step', { tenantId: request.tenantId, erasureId: request.erasureId, outcome });
    if (outcome === 'continue' || outcome === 'busy')
      await requests.sendAll([request], outcome === 'busy' ? 60 : 0);
  },
  new NamedQueue(sqs, requireEnv('ERASURE_DLQ_NAME')),
);
