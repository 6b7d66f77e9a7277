import { functionLogger } from '#http/handler';
import { documentClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { secretFromEnv } from '#shared/secrets';
import { DynamoApplicationStore } from '#store/applications';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { captureHttpHandler } from './http.ts';

const db = documentClient();
const records = requireEnv('RECORDS_TABLE');

/** POST /v1/events, wired to DynamoDB and the configured q-token hash key. */
export const handler = captureHttpHandler(
  {
    tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
    records: new DynamoRecordStore(db, records),
    applications: new DynamoApplicationStore(db, records),
    qTokenHashKey: secretFromEnv('QTOKEN_HASH_KEY'),
    now: () => new Date(),
  },
  functionLogger(),
);
