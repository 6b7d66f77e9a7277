import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** One thing wrong with a request, pointing into its JSON body (RFC 6901) where it can. */
export interface ProblemIssue {
  pointer: string;
  detail: string;
  index?: number;
  id?: string;
}

/**
 * An error a client caused (or may retry), carried to the HTTP edge and answered as RFC 9457
 * problem+json. Everything else a handler throws becomes an opaque 500.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: { issues?: ProblemIssue[]; retryAfterSeconds?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

const problem =
  (status: number, slug: string, title: string) =>
  (detail: string, extensions?: HttpProblem['extensions'], options?: { cause?: unknown }) =>
    new HttpProblem(status, slug, title, detail, extensions, options);

export const badRequest = problem(400, 'invalid-request', 'The request is invalid');
export const unauthorized = problem(401, 'unauthorized', 'Missing or unknown credentials');
export const notFound = problem(404, 'not-found', 'No such resource');
export const gone = problem(410, 'tenant-terminated', 'The tenant has terminated the feature');
export const payloadTooLarge = problem(413, 'payload-too-large', 'The request is too large');
export const unsupportedMediaType = problem(415, 'unsupported-media-type', 'The body must be JSON');
export const unprocessable = problem(
  422,
  'unprocessable-record',
  'The request cannot be accepted under the policy',
);
export const unavailable = problem(503, 'store-unavailable', 'The store is unavailable; retry later');

/** The problem+json response for a problem; `instance` is the request id, for support. */
export function problemResponse(p: HttpProblem, instance?: string): APIGatewayProxyResultV2 {
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
  };
  if (p.extensions.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(p.extensions.retryAfterSeconds);
  if (p.status === 401) headers['www-authenticate'] = 'Bearer';
  const body = {
    type: `/problems/${p.slug}`,
    title: p.title,
    status: p.status,
    detail: p.detail,
    ...(instance ? { instance: `urn:request:${instance}` } : {}),
    ...(p.extensions.issues ? { issues: p.extensions.issues } : {}),
  };
  return { statusCode: p.status, headers, body: JSON.stringify(body) };
}

/** A JSON response. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
