import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionLogger } from '#http/handler';
import { documentClient, sqsClient } from '#shared/aws';
import { positiveIntEnv, requireEnv } from '#shared/config';
import { countryDatabase, parseCognitoPools, readSetting } from '#shared/sources/index';
import { DynamoApplicationStore } from '#store/applications';
import { NamedQueue } from '#store/queue';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { cognitoTrigger, type TriggerDeps } from './trigger.ts';

const logger = functionLogger();
let deps: TriggerDeps | undefined;

/**
 * Built on the first event, not at import: a missing or wrong setting must not fail the container's
 * start (Cognito would fail every sign-in), it is logged by the trigger and the event returned.
 */
function wired(): TriggerDeps {
  if (deps) return deps;
  const pools = readSetting(requireEnv('COGNITO_POOLS'), 'COGNITO_POOLS', parseCognitoPools);
  // Few, short attempts: the time bound, not the SDK's back-off, decides when to hand over to the queue.
  const db = documentClient(new DynamoDBClient({ maxAttempts: 2 }));
  const records = requireEnv('RECORDS_TABLE');
  deps = {
    pools: () => pools,
    countries: countryDatabase,
    tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
    capture: {
      records: new DynamoRecordStore(db, records),
      applications: new DynamoApplicationStore(db, records),
      // Cognito records never carry a q-token (user operations only), so no key is ever read.
      qTokenHashKey: () => Promise.reject(new Error('the Cognito trigger stores no q-token')),
      now: () => new Date(),
    },
    queue: new NamedQueue(sqsClient(), requireEnv('CAPTURE_QUEUE_NAME')),
    captureBudgetMs: positiveIntEnv('CAPTURE_BUDGET_MS', 1000),
    queueBudgetMs: positiveIntEnv('QUEUE_BUDGET_MS', 1500),
    now: () => new Date(),
  };
  return deps;
}

/** Cognito PostAuthentication / PostConfirmation trigger: captures the sign-in or sign-up, returns the event unchanged. */
export const handler = cognitoTrigger(wired, logger);
