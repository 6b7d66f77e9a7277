import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { problemErrors } from '#http/errors';
import { json } from '#http/problem';
import { POLICY_VERSION } from '#policy/index';
import { type CaptureDeps, captureEvents } from './capture.ts';

/** The HTTP adapter of capture: one record or { events: [...] } in, per-record outcomes out (202). */
export function captureHttpHandler(deps: CaptureDeps, logger: Logger) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemErrors(logger))
    .handler(async (event) => {
      logger.appendKeys({ requestId: event.requestContext?.requestId });
      const { tenantId, results } = await captureEvents(event, deps);
      logger.info('captured', {
        tenantId,
        stored: results.filter((r) => r.outcome === 'stored').length,
        duplicates: results.filter((r) => r.outcome === 'duplicate').length,
      });
      return json(202, { policyVersion: POLICY_VERSION, results });
    });
}
