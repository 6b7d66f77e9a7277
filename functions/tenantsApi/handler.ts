import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { requireOperator } from '#http/auth';
import { readJsonBody } from '#http/body';
import { problemErrors } from '#http/errors';
import { json, notFound } from '#http/problem';
import { requireEnv } from '#shared/config';
import { secretFromEnv } from '#shared/secrets';
import { NamedQueue } from '#store/queue';
import { DynamoSweepLog } from '#store/sweeps';
import { TenantDataStore } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import { DynamoTerminationStore } from '#store/terminations';
import { recentSweeps } from './sweeps.ts';
import { createTenant, readTenant, revokeKey, rotateKey } from './tenants.ts';
import { requestTermination, terminationStatus } from './terminations.ts';

const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const tenants = new DynamoTenantStore(db, requireEnv('TENANTS_TABLE'));
const terminationDeps = {
  tenants,
  terminations: new DynamoTerminationStore(db, requireEnv('TENANTS_TABLE')),
  // Requests go to the configured SQS endpoint, not to the queue URL's host (same in AWS).
  hooks: new NamedQueue(
    new SQSClient({ useQueueUrlAsEndpoint: false }),
    requireEnv('TERMINATION_QUEUE_NAME'),
  ),
  receipts: new TenantDataStore(
    db,
    requireEnv('RECORDS_TABLE'),
    new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }),
    requireEnv('DATA_BUCKET'),
  ),
};
const sweeps = new DynamoSweepLog(db, requireEnv('TENANTS_TABLE'));
const operatorKey = secretFromEnv('OPERATOR_KEY');

type Event = APIGatewayProxyEventV2;
/** Longest id the API ever issues, with room to spare: a longer one names nothing (and exceeds key limits). */
const MAX_ID_BYTES = 256;
const param = (event: Event, name: string) => {
  const value = event.pathParameters?.[name] ?? '';
  if (Buffer.byteLength(value) > MAX_ID_BYTES)
    throw notFound(`No ${name} is longer than ${MAX_ID_BYTES} bytes.`);
  return value;
};

const routes: Array<Route<Event, APIGatewayProxyResultV2>> = [
  {
    method: 'POST',
    path: '/v1/tenants',
    handler: async (event: Event) => {
      const created = await createTenant(readJsonBody(event), tenants, new Date());
      logger.info('tenant created', { tenantId: created.id, modules: created.modules });
      return json(201, created, { location: `/v1/tenants/${created.id}` });
    },
  },
  {
    method: 'GET',
    path: '/v1/tenants/{id}',
    handler: async (event: Event) => json(200, await readTenant(param(event, 'id'), tenants)),
  },
  {
    method: 'POST',
    path: '/v1/tenants/{id}/keys',
    handler: async (event: Event) => {
      const key = await rotateKey(param(event, 'id'), tenants, new Date());
      logger.info('api key issued', { tenantId: key.tenantId, keyId: key.keyId });
      return json(201, key);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/tenants/{id}/keys/{keyId}',
    handler: async (event: Event) => {
      await revokeKey(param(event, 'id'), param(event, 'keyId'), tenants);
      logger.info('api key revoked', { tenantId: param(event, 'id'), keyId: param(event, 'keyId') });
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    },
  },
  {
    method: 'POST',
    path: '/v1/tenants/{id}/termination',
    handler: async (event: Event) => {
      const requested = await requestTermination(
        param(event, 'id'),
        readJsonBody(event),
        terminationDeps,
        new Date(),
      );
      logger.info('termination requested', {
        tenantId: requested.tenantId,
        modules: requested.modules.map((m) => m.module),
      });
      return json(202, requested);
    },
  },
  {
    method: 'GET',
    path: '/v1/tenants/{id}/termination',
    handler: async (event: Event) =>
      json(200, await terminationStatus(param(event, 'id'), terminationDeps, new Date())),
  },
  {
    method: 'GET',
    path: '/v1/ops/sweeps',
    handler: async (event: Event) =>
      json(200, await recentSweeps(event.queryStringParameters, sweeps, new Date())),
  },
];

/** The operator's API (tenants, terminations, sweep status): every route needs the operator key. */
export const handler = middy<Event, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .before(async (request) => {
    logger.appendKeys({ requestId: request.event.requestContext?.requestId });
    requireOperator(request.event, await operatorKey());
  })
  .handler(
    httpRouterHandler<Event, APIGatewayProxyResultV2>({
      routes,
      notFoundResponse: ({ method, path }) => {
        throw notFound(`No route ${method} ${path}.`);
      },
    }),
  );
