import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { problemErrors } from './errors.ts';
import { notFound } from './problem.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyResultV2;
/** One route of an HTTP function: method, path template, and what answers it. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: (event: HttpEvent) => Promise<HttpResult>;
}
type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

/**
 * Every HTTP function has this shape: the Powertools logger with the request id, the problem+json
 * error edge (domain errors mapped, store outages as 503, the rest an opaque 500), optional
 * middlewares (authentication), then one handler or a route table.
 */
export function httpFunction(
  logger: Logger,
  handle: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  ...middlewares: Middleware[]
) {
  return edge(logger, handle, middlewares);
}

/** An HTTP function serving a route table (unknown routes answer problem+json 404). */
export function httpRoutes(logger: Logger, routes: HttpRoute[], ...middlewares: Middleware[]) {
  return edge(logger, routes, middlewares);
}

function edge(
  logger: Logger,
  handle: ((event: HttpEvent, context: Context) => Promise<HttpResult>) | HttpRoute[],
  middlewares: Middleware[],
) {
  const chain = middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemErrors(logger))
    .use({
      before: async (request) => {
        logger.appendKeys({ requestId: request.event.requestContext?.requestId });
      },
    });
  for (const middleware of middlewares) chain.use(middleware);
  return chain.handler(
    Array.isArray(handle)
      ? httpRouterHandler<HttpEvent, HttpResult>({
          routes: handle as unknown as Array<Route<HttpEvent, HttpResult>>,
          notFoundResponse: ({ method, path }) => {
            throw notFound(`No route ${method} ${path}.`);
          },
        })
      : handle,
  );
}

/** A logger for a function (service name and level from the Powertools environment). */
export const functionLogger = () => new Logger();
