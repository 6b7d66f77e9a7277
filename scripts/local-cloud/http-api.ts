import type { Server } from 'node:http';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { routeKeyOf } from '../../functions/routeNotFound/routes.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';
import { type GatewayRoute, startGateway } from './gateway.ts';
import type { ResolvedService } from './template.ts';

/** The HTTP API's routes as serverless.yml declares them, each with its deployed function name. */
export function gatewayRoutes(service: ResolvedService): GatewayRoute[] {
  return Object.entries(service.functions).flatMap(([name, fn]) =>
    (fn.events ?? []).flatMap((event) => {
      const route = routeKeyOf(event.httpApi);
      return route ? [{ ...route, functionName: `${service.service}-${service.stage}-${name}` }] : [];
    }),
  );
}

/**
 * Serves the HTTP API on `host:port` through the gateway, invoking each route's function on
 * serverless-offline's Lambda endpoint, which runs the bundled handler in a worker thread and
 * terminates that worker when the function's timeout is up (so a timed-out invocation stops).
 */
export function startHttpApi(
  service: ResolvedService,
  options: { host: string; port: number; lambdaPort: number; log: (line: string) => void },
): Promise<Server> {
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${options.lambdaPort}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // API Gateway invokes once; an SDK retry would run the function a second time.
    maxAttempts: 1,
  });
  return startGateway({
    host: options.host,
    port: options.port,
    routes: gatewayRoutes(service),
    log: options.log,
    async invoke(functionName, event, signal) {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
        { abortSignal: signal },
      );
      if (out.FunctionError) return { failed: 'function-error' };
      const text = out.Payload ? Buffer.from(out.Payload).toString() : '';
      return { result: text ? JSON.parse(text) : null };
    },
  });
}
