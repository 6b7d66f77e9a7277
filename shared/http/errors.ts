import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { problemOf } from './domain-problems.ts';
import { HttpProblem, problemResponse, unavailable } from './problem.ts';

// SDK error names that mean "the store cannot serve now", not "the request was wrong".
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
]);

function isStoreUnavailable(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return (
    RETRYABLE.has(e?.name ?? '') ||
    RETRYABLE.has(e?.code ?? '') ||
    Boolean(e?.$retryable) ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

/**
 * The HTTP edge of every handler: problems become problem+json; an unavailable store becomes 503
 * with Retry-After; anything else is logged and answered as an opaque 500 that leaks nothing.
 */
export function problemErrors(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const requestId = request.event?.requestContext?.requestId;
      const error = problemOf(request.error) ?? request.error;
      if (error instanceof HttpProblem) {
        logger.info('request refused', { status: error.status, problem: error.slug });
        request.response = problemResponse(error, requestId);
        return;
      }
      if (isStoreUnavailable(error)) {
        logger.warn('store unavailable', { error: error as Error });
        request.response = problemResponse(
          unavailable(
            'The data store did not answer. Send the same request again after Retry-After: records it already stored answer duplicate, so a resend never stores anything twice.',
            {
              retryAfterSeconds: 1,
            },
          ),
          requestId,
        );
        return;
      }
      logger.error('unhandled error', { error: error as Error });
      request.response = problemResponse(
        new HttpProblem(500, 'internal-error', 'Internal error', 'An unexpected error occurred.'),
        requestId,
      );
    },
  };
}
