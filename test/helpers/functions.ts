import { DeleteItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { type ApiRequest, type ApiResponse, apiEvent, lambdaContext, readResponse } from './api-events.ts';
import type { IsolatedCloud } from './isolated-cloud.ts';

export const OPERATOR_KEY = 'test-operator-key';
export const QTOKEN_HASH_KEY = 'test-qtoken-hash-key';
export const LOGS_CURSOR_KEY = 'test-logs-cursor-key';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * Points the functions' configuration at a test file's own tables (as serverless.yml does in AWS)
 * and loads the HTTP handlers; a test file runs in its own worker, so modules load once per file.
 */
export async function loadHttpFunctions(cloud: IsolatedCloud) {
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: cloud.endpoints.awsEndpoint,
    AWS_ENDPOINT_URL_SQS: cloud.endpoints.awsEndpoint,
    TENANTS_TABLE: cloud.tables.TenantsTable,
    RECORDS_TABLE: cloud.tables.RecordsTable,
    STATS_QUEUE_NAME: cloud.queues.StatsQueue?.name,
    TERMINATION_QUEUE_NAME: cloud.queues.TerminationQueue?.name,
    TERMINATION_DLQ_NAME: cloud.queues.TerminationDLQ?.name,
    ERASURE_QUEUE_NAME: cloud.queues.ErasureQueue?.name,
    ERASURE_DLQ_NAME: cloud.queues.ErasureDLQ?.name,
    STATS_DLQ_NAME: cloud.queues.StatsDLQ?.name,
    CAPTURE_QUEUE_NAME: cloud.queues.CaptureQueue?.name,
    CAPTURE_DLQ_NAME: cloud.queues.CaptureDLQ?.name,
    EXPORT_QUEUE_NAME: cloud.queues.ExportQueue?.name,
    EXPORT_DLQ_NAME: cloud.queues.ExportDLQ?.name,
    DATA_BUCKET: cloud.buckets.DataBucket,
    S3_FORCE_PATH_STYLE: 'true',
    LATE_WRITER_SECONDS: '0',
    OPERATOR_KEY,
    QTOKEN_HASH_KEY,
    LOGS_CURSOR_KEY,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  });
  const capture = (await import('../../functions/captureEvents/handler.ts'))
    .handler as unknown as HttpHandler;
  const tenantsApi = (await import('../../functions/tenantsApi/handler.ts'))
    .handler as unknown as HttpHandler;
  const statsApi = (await import('../../functions/statsApi/handler.ts')).handler as unknown as HttpHandler;
  const erasureApi = (await import('../../functions/erasureApi/handler.ts'))
    .handler as unknown as HttpHandler;
  const policyApi = (await import('../../functions/policyApi/handler.ts')).handler as unknown as HttpHandler;
  const logsApi = (await import('../../functions/logsApi/handler.ts')).handler as unknown as HttpHandler;
  const call = (handler: HttpHandler) => async (request: ApiRequest) =>
    readResponse(await handler(apiEvent(request), lambdaContext()));
  return {
    capture: call(capture),
    tenantsApi: call(tenantsApi),
    statsApi: call(statsApi),
    erasureApi: call(erasureApi),
    policyApi: call(policyApi),
    logsApi: call(logsApi),
  };
}

export type Api = Awaited<ReturnType<typeof loadHttpFunctions>>;

/** The termination consumer (after loadHttpFunctions has pointed the configuration at the cloud). */
export async function loadTerminateAccount() {
  const { handler } = await import('../../functions/terminateAccount/handler.ts');
  return (event: SQSEvent) =>
    (handler as unknown as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>)(
      event,
      lambdaContext('terminateAccount', 120_000),
    );
}

/** The log export worker (after loadHttpFunctions has pointed the configuration at the cloud). */
export async function loadExportLogs() {
  const { handler } = await import('../../functions/exportLogs/handler.ts');
  return (event: SQSEvent) =>
    (handler as unknown as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>)(
      event,
      lambdaContext('exportLogs', 120_000),
    );
}

/** The erasure consumer (after loadHttpFunctions has pointed the configuration at the cloud). */
export async function loadEraseUser() {
  const { handler } = await import('../../functions/eraseUser/handler.ts');
  return (event: SQSEvent) =>
    (handler as unknown as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>)(
      event,
      lambdaContext('eraseUser', 120_000),
    );
}

/** The statistics functions (after loadHttpFunctions has pointed the configuration at the cloud). */
export async function loadStatsFunctions() {
  const enqueue = (await import('../../functions/aggregateDailyStats/handler.ts')).handler;
  const worker = (await import('../../functions/aggregateTenantDay/handler.ts')).handler;
  return {
    enqueue: (event: { date?: string; tenantIds?: string[] }) =>
      (enqueue as unknown as (e: unknown, c: Context) => Promise<{ date: string; enqueued: number }>)(
        event,
        lambdaContext('aggregateDailyStats'),
      ),
    worker: (event: SQSEvent) =>
      (worker as unknown as (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>)(
        event,
        lambdaContext('aggregateTenantDay'),
      ),
  };
}

/**
 * Creates a tenant through the operator API and returns it with its API key. Unless a test says
 * otherwise, the tenant opened long before any record a test sends (capture refuses records from
 * before the service opened) and subscribes to a hosting service (Container Security needs one).
 */
export async function createTenant(api: Api, overrides: Record<string, unknown> = {}) {
  const response: ApiResponse = await api.tenantsApi({
    method: 'POST',
    route: '/v1/tenants',
    headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    body: {
      name: 'Acme',
      modules: ['ciam', 'container-security'],
      maxUsers: 1000,
      region: 'DE',
      hostingServices: ['cvm'],
      openedAt: new Date(Date.now() - 400 * 86_400_000).toISOString(),
      ...overrides,
    },
  });
  if (response.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; apiKey: string; keyId: string };
}

/**
 * Asks for a user's erasure with a tenant key and carries it out at once: eraseUser is handed the
 * request as the erasure queue would deliver it (the message the API sent stays on the queue).
 */
export async function eraseUserNow(api: Api, apiKey: string, userId: string) {
  const asked = await api.erasureApi({
    method: 'POST',
    route: '/v1/users/{userId}/erasure',
    pathParameters: { userId },
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (asked.status !== 202) throw new Error(`erasure not requested: ${JSON.stringify(asked.body)}`);
  const { tenantId, erasureId, requestedAt } = asked.body as Record<string, string>;
  const body = JSON.stringify({ kind: 'erasure', erasureId, tenantId, userId, requestedAt });
  const record = {
    messageId: erasureId,
    receiptHandle: erasureId,
    body,
    attributes: {},
    messageAttributes: {},
  };
  const outcome = await (await loadEraseUser())({
    Records: [
      { ...record, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: '', awsRegion: 'eu-central-1' },
    ],
  } as unknown as SQSEvent);
  if (outcome.batchItemFailures.length) throw new Error(`erasure ${erasureId} failed`);
  return asked.body as { tenantId: string; erasureId: string; subject: string; receipt: string };
}

/** Sends records to capture with a tenant key. */
export function capture(api: Api, apiKey: string, body: unknown, headers: Record<string, string> = {}) {
  return api.capture({
    method: 'POST',
    route: '/v1/events',
    headers: { authorization: `Bearer ${apiKey}`, ...headers },
    body: typeof body === 'string' ? body : (body as object),
  });
}

/** Every object of the data bucket under a prefix, with its content and metadata, sorted by key. */
export async function bucketListing(cloud: IsolatedCloud, prefix = '') {
  const bucket = cloud.buckets.DataBucket as string;
  const objects: Array<{ key: string; body: string; metadata: Record<string, string> }> = [];
  for await (const page of paginateListObjectsV2(
    { client: cloud.clients.s3 },
    { Bucket: bucket, Prefix: prefix },
  )) {
    for (const { Key } of page.Contents ?? []) {
      const object = await cloud.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.push({
        key: Key as string,
        body: (await object.Body?.transformToString()) ?? '',
        metadata: object.Metadata ?? {},
      });
    }
  }
  return objects.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Every item of a table, sorted: for "nothing changed" comparisons (a test-only full read). */
export async function tableSnapshot(cloud: IsolatedCloud, table: string): Promise<string[]> {
  const items: string[] = [];
  for await (const page of paginateScan(
    { client: cloud.clients.dynamodb },
    { TableName: table, ConsistentRead: true },
  )) {
    for (const item of page.Items ?? []) items.push(canonical(item));
  }
  return items.sort();
}

/** Removes every item of a table (test isolation between cases of one file). */
export async function clearTable(cloud: IsolatedCloud, table: string): Promise<void> {
  for await (const page of paginateScan(
    { client: cloud.clients.dynamodb },
    { TableName: table, ProjectionExpression: 'pk, sk' },
  )) {
    for (const Key of page.Items ?? [])
      await cloud.clients.dynamodb.send(new DeleteItemCommand({ TableName: table, Key }));
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
