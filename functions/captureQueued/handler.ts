import { functionLogger } from '#http/handler';
import { documentClient, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { sqsConsumer } from '#shared/consumer';
import { parseQueuedCapture } from '#shared/messages';
import { DynamoApplicationStore } from '#store/applications';
import { NamedQueue } from '#store/queue';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { storeQueuedCapture } from './store.ts';

const logger = functionLogger();
const db = documentClient();
const records = requireEnv('RECORDS_TABLE');
const deps = {
  tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
  records: new DynamoRecordStore(db, records),
  applications: new DynamoApplicationStore(db, records),
  // Queued captures come from the Cognito trigger: user operations, never a q-token.
  qTokenHashKey: () => Promise.reject(new Error('queued captures carry no q-token')),
  now: () => new Date(),
};

/** Consumes the captures the Cognito trigger could not finish in time; each message settled alone. */
export const handler = sqsConsumer(
  logger,
  async (record) => {
    const message = parseQueuedCapture(record.body, new Date());
    const outcome = await storeQueuedCapture(message, deps);
    logger.info('queued capture', { tenantId: message.tenantId, outcome });
  },
  new NamedQueue(sqsClient(), requireEnv('CAPTURE_DLQ_NAME')),
);
