import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// The Lambda event API Gateway's HTTP API (payload format 2.0) sends, built from the raw request:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Measured against real HTTP APIs (ministackorg/ministack#766): only these arrive as text; every
// other body (no Content-Type, form-urlencoded, octet-stream …) arrives base64-encoded.
function isTextType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    ['application/json', 'application/xml', 'application/javascript'].includes(type)
  );
}

/**
 * The body as API Gateway hands it over: the bytes as they came, as text when the type is textual
 * and they are valid UTF-8, otherwise base64 (never re-parsed, never "repaired" with U+FFFD).
 */
export function eventBody(raw: Buffer, contentType: string | undefined) {
  if (raw.byteLength === 0) return {};
  if (isTextType(contentType)) {
    try {
      return { body: utf8.decode(raw), isBase64Encoded: false };
    } catch {
      // Not UTF-8 after all: pass the exact bytes on, as for any binary body.
    }
  }
  return { body: raw.toString('base64'), isBase64Encoded: true };
}

/** Header names lower-cased; "Duplicate headers are combined with commas" (payload 2.0). */
export function eventHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Query parameters, duplicates combined with commas, as payload 2.0 does. */
function queryParameters(rawQuery: string): Record<string, string> | undefined {
  if (!rawQuery) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery))
    out[name] = name in out ? `${out[name]},${value}` : value;
  return out;
}

/** The percent-decoded path, as HTTP APIs route and report it; undecodable input stays as sent. */
export function decodedPath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

const clf = (d: Date) => {
  const [, day, month, year, time] = d.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
};

export interface EventRoute {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** The payload 2.0 event for one request routed to `route`. */
export function gatewayEvent(
  request: IncomingMessage,
  raw: Buffer,
  route: EventRoute,
): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const rawPath = decodedPath(queryAt < 0 ? url : url.slice(0, queryAt));
  const { cookie, ...headers } = eventHeaders(request.rawHeaders);
  const host = headers.host ?? 'localhost';
  const now = new Date();
  const query = queryParameters(rawQueryString);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers: {
      ...headers,
      'x-forwarded-for': request.socket.remoteAddress ?? '127.0.0.1',
      'x-forwarded-port': String(request.socket.localPort ?? ''),
      'x-forwarded-proto': 'http',
    },
    ...(query ? { queryStringParameters: query } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: clf(now),
      timeEpoch: now.getTime(),
    },
    ...eventBody(raw, headers['content-type']),
  } as APIGatewayProxyEventV2;
}

/** An HTTP answer: status, headers and body bytes. */
export interface GatewayAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** API Gateway's own error answers (`{"message": …}`), e.g. for a failed or timed-out integration. */
export function gatewayError(status: number, message: string): GatewayAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/**
 * Reads a function's result as payload 2.0 does: `{statusCode, headers, cookies, body,
 * isBase64Encoded}`; a result without `statusCode` is a 200 JSON body of the whole result.
 */
export function gatewayAnswer(result: unknown): GatewayAnswer {
  const shaped = result as {
    statusCode?: unknown;
    headers?: Record<string, unknown>;
    cookies?: string[];
    body?: unknown;
    isBase64Encoded?: boolean;
  } | null;
  if (!shaped || typeof shaped !== 'object' || shaped.statusCode === undefined) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const status = Number(shaped.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599)
    return gatewayError(500, 'Internal Server Error');
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(shaped.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (shaped.cookies?.length) headers['set-cookie'] = shaped.cookies;
  const text = typeof shaped.body === 'string' ? shaped.body : '';
  const body = shaped.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text);
  return { status, headers, body };
}
