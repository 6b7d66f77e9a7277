import { functionLogger, httpFunction } from '#http/handler';
import { notFound } from '#http/problem';
import { POLICY_VERSION } from '#policy/index';
import { publishedPolicy } from '#policy/publish';
import { methodNotAllowed, policyResponse } from './respond.ts';

const PATH = '/v1/policy';
// The document changes only with a deploy: built once per container, its version is its ETag.
const body = JSON.stringify(publishedPolicy());

/** The policy in force, public (GET /v1/policy): conditional on its version, cacheable between deploys. */
export const handler = httpFunction(functionLogger(), async (event) => {
  const { method, path } = event.requestContext.http;
  if (path !== PATH) throw notFound(`No route ${method} ${path}.`);
  if (method !== 'GET') return methodNotAllowed(method, path, event.requestContext.requestId);
  return policyResponse(body, POLICY_VERSION, event.headers?.['if-none-match']);
});
