import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type RouteKey, selectRoute } from '../../functions/routeNotFound/routes.ts';
import {
  decodedPath,
  type GatewayAnswer,
  gatewayAnswer,
  gatewayError,
  gatewayEvent,
} from './gateway-event.ts';

/** A route of the local HTTP API and the function behind it (`*` `*` is `$default`). */
export interface GatewayRoute extends RouteKey {
  functionName: string;
}

/** What invoking a function gave: its result, or a failure of the invocation itself. */
export type Invocation = { result: unknown } | { failed: 'function-error' };

export interface GatewayOptions {
  host: string;
  port: number;
  routes: GatewayRoute[];
  /** Invokes a function with an event; rejects with an AbortError once `signal` fires. */
  invoke(functionName: string, event: APIGatewayProxyEventV2, signal: AbortSignal): Promise<Invocation>;
  log?: (line: string) => void;
}

// HTTP API quotas: payloads up to 10 MB; an integration gets at most 30 s (osls sets
// TimeoutInMillis 30000 on every integration).
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * The local stand-in for API Gateway's HTTP API in front of serverless-offline's Lambda endpoint.
 * serverless-offline's own HTTP server re-parses JSON bodies (a JSON string body reaches the
 * handler as the document it holds), decodes invalid UTF-8 to U+FFFD, keeps only the last of
 * duplicate headers and answers a failed or timed-out function with 200; this gateway builds the
 * event from the raw bytes as payload 2.0 documents it and answers failures as API Gateway does:
 * - the function failed (an exception, or it hit its own timeout, which Lambda reports as an
 *   Unhandled function error): 500 {"message":"Internal Server Error"} (HTTP API troubleshooting
 *   guide, "My API with a Lambda integration returns {"message":"Internal Server Error"}"; a Lambda
 *   timeout surfaces the same way, e.g. denoland/deno_registry2#87);
 * - no answer within the 30 s integration timeout: 503 {"message":"Service Unavailable"}
 *   (serverless/serverless#11222: an HTTP API whose integration times out answers 503; REST APIs 504).
 */
export function startGateway(options: GatewayOptions): Promise<Server> {
  const server = createServer((request, response) => {
    void serve(options, request, response).catch((error) => {
      options.log?.(`gateway: ${String(error)}`);
      if (!response.headersSent) send(response, gatewayError(500, 'Internal Server Error'));
    });
  });
  // Clients of API Gateway keep connections open; so may ours, but never past a stop.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

async function serve(options: GatewayOptions, request: IncomingMessage, response: ServerResponse) {
  const raw = await readBody(request);
  if (!raw) {
    // The rest of the body is not read: the connection is closed after the answer.
    const tooLarge = gatewayError(413, 'Request Entity Too Large');
    return send(response, { ...tooLarge, headers: { ...tooLarge.headers, connection: 'close' } });
  }
  const method = request.method ?? 'GET';
  const path = decodedPath((request.url ?? '/').split('?')[0] ?? '/');
  const chosen = selectRoute(options.routes, method, path);
  const route = chosen?.route ?? options.routes.find((r) => r.path === '*');
  if (!route) return send(response, gatewayError(404, 'Not Found'));
  const event = gatewayEvent(request, raw, {
    routeKey: chosen ? `${route.method} ${route.path}` : '$default',
    ...(chosen && Object.keys(chosen.params).length > 0 ? { pathParameters: chosen.params } : {}),
  });
  const functionName = (route as GatewayRoute).functionName;
  const signal = AbortSignal.timeout(INTEGRATION_TIMEOUT_MS);
  try {
    const outcome = await options.invoke(functionName, event, signal);
    if ('failed' in outcome) return send(response, gatewayError(500, 'Internal Server Error'));
    return send(response, gatewayAnswer(outcome.result));
  } catch (error) {
    if (signal.aborted) return send(response, gatewayError(503, 'Service Unavailable'));
    throw error;
  }
}

/** The whole request body, or undefined when it is over API Gateway's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, answer: GatewayAnswer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.byteLength });
  response.end(answer.body);
}
