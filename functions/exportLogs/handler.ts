import { functionLogger } from '#http/handler';
import { documentClient, s3Client, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { sqsConsumer } from '#shared/consumer';
import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DynamoLogReader } from '#store/log-reads';
import { NamedQueue } from '#store/queue';
import { DynamoTenantStore } from '#store/tenants';
import { parseExportMessage, runExport } from './export.ts';

const logger = functionLogger();
const db = documentClient();
const records = requireEnv('RECORDS_TABLE');
const deps = {
  tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
  exports: new DynamoLogExports(db, records),
  files: new S3ExportFiles(db, records, s3Client(), requireEnv('DATA_BUCKET')),
  reader: new DynamoLogReader(db, records),
  now: () => new Date(),
};

/** Writes log exports to S3, one message (one export) at a time. */
export const handler = sqsConsumer(
  logger,
  async (record) => {
    const message = parseExportMessage(record.body);
    const outcome = await runExport(message, deps);
    logger.info('log export', { tenantId: message.tenantId, exportId: message.exportId, ...outcome });
  },
  new NamedQueue(sqsClient(), requireEnv('EXPORT_DLQ_NAME')),
);
