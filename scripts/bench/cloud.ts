import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '#local/emulators';
import { type ResolvedService, resolveService } from '#local/template';
import { type IsolatedCloud, isolatedCloudOn } from '#test/isolated-cloud';
import { type Capacity, meterCapacity } from './measure.ts';

/** The emulators of one bench run, and a way to get a fresh copy of every table, bucket and queue. */
export interface BenchCloud {
  service: ResolvedService;
  endpoints: { dynamodbEndpoint: string; awsEndpoint: string };
  /** A fresh, suffixed copy of the template's resources on the same emulators. */
  copy(): Promise<IsolatedCloud>;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and fauxqs on free ports, as the integration tests do. */
export async function startBenchCloud(): Promise<BenchCloud> {
  const [service, emulators] = await Promise.all([resolveService('test'), startEmulators()]);
  const endpoints = { dynamodbEndpoint: emulators.dynamodbEndpoint, awsEndpoint: emulators.awsEndpoint };
  const copies: IsolatedCloud[] = [];
  return {
    service,
    endpoints,
    async copy() {
      const cloud = await isolatedCloudOn(endpoints, service.resources);
      copies.push(cloud);
      return cloud;
    },
    async stop() {
      for (const cloud of copies) cloud.destroy();
      await emulators.stop();
    },
  };
}

/**
 * A document client configured as the functions configure theirs (own connection pool, undefined
 * attributes dropped), with a capacity meter on it. Each side of a comparison gets its own.
 */
export function benchDb(endpoint: string): {
  db: DynamoDBDocumentClient;
  capacity: { total: Capacity; reset(): Capacity };
} {
  const client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint });
  const capacity = meterCapacity(client);
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { db, capacity };
}

/** Copies every item of one table into another (so the raw side sees the same tenants). */
export async function copyTable(db: DynamoDBDocumentClient, from: string, to: string): Promise<void> {
  for await (const page of paginateScan({ client: db }, { TableName: from })) {
    for (const Item of page.Items ?? []) await db.send(new PutCommand({ TableName: to, Item }));
  }
}

/** The environment the functions read, pointed at one copy (as serverless.yml sets it in AWS). */
export function functionEnv(cloud: IsolatedCloud): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: cloud.endpoints.awsEndpoint,
    AWS_ENDPOINT_URL_SQS: cloud.endpoints.awsEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    TENANTS_TABLE: cloud.tables.TenantsTable as string,
    RECORDS_TABLE: cloud.tables.RecordsTable as string,
    DATA_BUCKET: cloud.buckets.DataBucket as string,
    STATS_QUEUE_NAME: cloud.queues.StatsQueue?.name ?? '',
    TERMINATION_QUEUE_NAME: cloud.queues.TerminationQueue?.name ?? '',
    ERASURE_QUEUE_NAME: cloud.queues.ErasureQueue?.name ?? '',
    STATS_DLQ_NAME: cloud.queues.StatsDLQ?.name ?? '',
    TERMINATION_DLQ_NAME: cloud.queues.TerminationDLQ?.name ?? '',
    ERASURE_DLQ_NAME: cloud.queues.ErasureDLQ?.name ?? '',
    CAPTURE_TIMEOUT_SECONDS: '0',
    OPERATOR_KEY: 'bench-operator-key',
    QTOKEN_HASH_KEY: 'bench-qtoken-hash-key',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}
