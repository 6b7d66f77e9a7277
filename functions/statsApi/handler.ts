import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { problemErrors } from '#http/errors';
import { json, notFound } from '#http/problem';
import { requireEnv } from '#shared/config';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { consolePage } from './console.ts';
import { statsOfDay, statsOfRange } from './stats.ts';

type Event = APIGatewayProxyEventV2;
const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const deps = {
  tenants: new DynamoTenantStore(db, requireEnv('TENANTS_TABLE')),
  stats: new DynamoStatsStore(db, requireEnv('RECORDS_TABLE')),
  now: () => new Date(),
};

const routes: Array<Route<Event, APIGatewayProxyResultV2>> = [
  {
    method: 'GET',
    path: '/v1/stats',
    handler: async (event: Event) => json(200, await statsOfDay(event, deps)),
  },
  {
    method: 'GET',
    path: '/v1/stats/range',
    handler: async (event: Event) => json(200, await statsOfRange(event, deps)),
  },
  { method: 'GET', path: '/console', handler: async () => consolePage() },
];

/** The tenant's console statistics (tenant key). */
export const handler = middy<Event, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .before(async (request) => {
    logger.appendKeys({ requestId: request.event.requestContext?.requestId });
  })
  .handler(
    httpRouterHandler<Event, APIGatewayProxyResultV2>({
      routes,
      notFoundResponse: ({ method, path }) => {
        throw notFound(`No route ${method} ${path}.`);
      },
    }),
  );
