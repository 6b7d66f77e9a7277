import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { POLICY_VERSION } from '#policy/index';

/** Liveness of the HTTP API: answers without touching storage, and names the policy version in force. */
export const handler = middy<unknown, APIGatewayProxyResultV2>()
  .use(httpErrorHandler({ fallbackMessage: 'Internal error' }))
  .handler(async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status: 'ok', policyVersion: POLICY_VERSION }),
  }));
