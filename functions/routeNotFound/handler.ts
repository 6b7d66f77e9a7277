import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpProblem, notFound, problemResponse } from '#http/problem';
import { requireEnv } from '#shared/config';
import { allowedMethods, parseRouteKeys, type RouteKey } from './routes.ts';

let routes: RouteKey[] | undefined;

const shown = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * The HTTP API's `$default` route: what no other route takes. A path the API has with other methods
 * is answered 405 with `Allow`; any other path 404; both as problem+json, like every other refusal.
 * The route table is `HTTP_ROUTES`, which serverless.yml computes from its own `httpApi` events.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  routes ??= parseRouteKeys(requireEnv('HTTP_ROUTES'));
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? '/';
  const requestId = event.requestContext?.requestId;
  const allow = allowedMethods(routes, path);
  if (allow.length === 0) {
    return problemResponse(
      notFound(`The API has no route for ${shown(path)}; its routes are described in docs/openapi.yaml.`),
      requestId,
    );
  }
  const problem = new HttpProblem(
    405,
    'method-not-allowed',
    'The method is not allowed here',
    `${shown(path)} does not take ${method.slice(0, 20)}; it takes ${allow.join(', ')}.`,
  );
  const response = problemResponse(problem, requestId) as { headers: Record<string, string> };
  response.headers.allow = allow.join(', ');
  return response as APIGatewayProxyResultV2;
}
