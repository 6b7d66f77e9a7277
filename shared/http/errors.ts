import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { problemOf } from './domain-problems.ts';
import { HttpProblem, problemResponse, unavailable } from './problem.ts';

// Whether an error means "the store cannot serve now" (throttled, timed out, unreachable, 5xx) rather
// than "the request was wrong" is the SDK's own retry classification, not a list kept by hand here.
// (`@smithy/service-error-classification` is deprecated in favour of this same module.)
function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(e) || isTransientError(e) || isServerError(e);
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
