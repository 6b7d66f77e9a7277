import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '#shared/config';
import { secretFromEnv } from '#shared/secrets';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { captureHttpHandler } from './http.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** POST /v1/events, wired to DynamoDB and the configured q-token hash key. */
export const handler = captureHttpHandler(
  {
    tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
    records: new DynamoRecordStore(db, requireEnv('RECORDS_TABLE')),
    qTokenHashKey: secretFromEnv('QTOKEN_HASH_KEY'),
    now: () => new Date(),
  },
  new Logger(),
);
