import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpProblem, problemResponse } from '#http/problem';

// Caches may keep the policy for five minutes and must then revalidate; revalidation costs a 304
// until the next deploy changes the version, so a new policy is seen at most five minutes late.
const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

/** Whether an If-None-Match header names this ETag (or any, `*`); weak and strong tags alike. */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** 200 with the document, or 304 when the client already holds this version. */
export function policyResponse(body: string, version: string, ifNoneMatch?: string): APIGatewayProxyResultV2 {
  const etag = `"${version}"`;
  const headers = { etag, 'cache-control': CACHE_CONTROL };
  if (matches(ifNoneMatch, etag)) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers: { 'content-type': 'application/json', ...headers }, body };
}

/** 405 problem+json naming the one method the route answers. */
export function methodNotAllowed(method: string, path: string, requestId?: string): APIGatewayProxyResultV2 {
  const problem = new HttpProblem(
    405,
    'method-not-allowed',
    'The method is not allowed',
    `${path} answers GET only, not ${method}.`,
  );
  const response = problemResponse(problem, requestId) as { headers: Record<string, string> };
  return { ...response, headers: { ...response.headers, allow: 'GET' } };
}
