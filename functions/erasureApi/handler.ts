import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { authenticateTenant } from '#http/auth';
import { problemErrors } from '#http/errors';
import { badRequest, json } from '#http/problem';
import { requireEnv } from '#shared/config';
import { NamedQueue } from '#store/queue';
import { DynamoTenantStore } from '#store/tenants';
import { subjectOf } from '../terminateAccount/erase.ts';

const logger = new Logger();
const tenants = new DynamoTenantStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  requireEnv('TENANTS_TABLE'),
);
// Requests go to the configured SQS endpoint, not to the queue URL's host (same in AWS).
const hooks = new NamedQueue(
  new SQSClient({ useQueueUrlAsEndpoint: false }),
  requireEnv('TERMINATION_QUEUE_NAME'),
);
/** A user id as capture accepts it: 1 to 128 characters, none of them a control character. */
const isUserId = (id: string) =>
  id.length >= 1 && id.length <= 128 && [...id].every((c) => c.charCodeAt(0) >= 0x20);

/** A percent-encoded path segment, decoded; undefined when its encoding is not valid UTF-8. */
function decodedPathParameter(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * POST /v1/users/{userId}/erasure (tenant key): erase one user's personal data. The work goes
 * through the termination queue; the answer names the erasure only by a hash of the user id.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(problemErrors(logger))
  .handler(async (event) => {
    const tenant = await authenticateTenant(event, tenants);
    const userId = decodedPathParameter(event.pathParameters?.userId ?? '');
    if (userId === undefined || !isUserId(userId)) {
      throw badRequest('userId must be 1 to 128 characters without control characters.', {
        issues: [{ pointer: '/userId', detail: 'invalid user id' }],
      });
    }
    const requestedAt = new Date().toISOString();
    await hooks.sendAll([{ kind: 'erasure', tenantId: tenant.id, userId, requestedAt }]);
    const subject = subjectOf(tenant.id, userId);
    logger.info('erasure requested', { tenantId: tenant.id, subject });
    return json(202, {
      tenantId: tenant.id,
      subject,
      requestedAt,
      receipt: `receipts/${tenant.id}/erasure-${subject}.json`,
    });
  });
