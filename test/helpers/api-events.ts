import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

export interface ApiRequest {
  method: string;
  /** The route template, e.g. /v1/tenants/{id}. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | object;
}

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
export function apiEvent(request: ApiRequest): APIGatewayProxyEventV2 {
  const rawPath = request.route.replace(
    /\{(\w+)\}/g,
    (_, name: string) => request.pathParameters?.[name] ?? '',
  );
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    ...(body !== undefined && typeof request.body === 'object' ? { 'content-type': 'application/json' } : {}),
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.route}`,
    rawPath,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    ...(request.query ? { queryStringParameters: request.query } : {}),
    headers,
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: randomUUID(),
      routeKey: `${request.method} ${request.route}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** A Lambda context good enough for middy and Powertools. */
export function lambdaContext(name = 'test', remainingMs = 10_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Normalises a handler's result (status, lower-case headers, parsed JSON body). */
export function readResponse(result: APIGatewayProxyResultV2): ApiResponse {
  const r = result as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(
    Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  let body: unknown = r.body;
  if (typeof r.body === 'string' && r.body.length > 0 && /json/.test(headers['content-type'] ?? ''))
    body = JSON.parse(r.body);
  return { status: r.statusCode ?? 200, headers, body };
}
