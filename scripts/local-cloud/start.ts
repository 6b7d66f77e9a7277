import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSBatchResponse } from 'aws-lambda';
import { bindHost } from './bind.ts';
import { localClients, localFunctionEnv } from './cloud.ts';
import { JavaMissingError, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from './emulators.ts';
import type { GatewayRoute } from './gateway.ts';
import { gatewayRoutes, startHttpApi } from './http-api.ts';
import { freePort } from './ports.ts';
import { stopChild } from './processes.ts';
import { provision } from './provision.ts';
import { removeRunningFile, writeRunningFile } from './running.ts';
import { SqsPoller } from './sqs-consumer.ts';
import { oslsEnv, type ResolvedService, resolveService } from './template.ts';

// `npm start`: the whole local cloud in one process tree. Ctrl-C stops every part of it.
const { values: flags } = parseArgs({
  options: {
    persist: { type: 'string' },
    stage: { type: 'string', default: process.env.STAGE ?? 'local' },
  },
});
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ports = {
  http: port('HTTP_PORT', 3000),
  lambda: port('LAMBDA_PORT', 3002),
  dynamodb: port('DYNAMODB_PORT', 8000),
  aws: port('AWS_PORT', 4566),
};
const dataDir = flags.persist ?? process.env.LOCAL_CLOUD_DATA_DIR;
const projectRoot = resolve(import.meta.dirname, '../..');
const started = Date.now();
const log = (line: string) => console.log(`[local-cloud] ${line}`);

const stops: Array<() => Promise<void>> = [];
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log('stopping…');
    for (const stop of stops.reverse()) await stop().catch((e) => log(`stop failed: ${String(e)}`));
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

try {
  const [service, emulators] = await Promise.all([
    resolveService(flags.stage),
    startEmulators({ dynamodbPort: ports.dynamodb, awsPort: ports.aws, ...(dataDir ? { dataDir } : {}) }),
  ]);
  stops.push(() => emulators.stop());
  const clients = localClients(emulators);
  const cloud = await provision(service.resources, clients);

  // serverless-offline's own HTTP server listens on a private port nobody is told about: the HTTP
  // API is the gateway (gateway.ts), which invokes the functions through serverless-offline's Lambda
  // endpoint as API Gateway would.
  const offlineHttpPort = await freePort();
  const offline = startOffline(service, localFunctionEnv(emulators), offlineHttpPort);
  stops.push(() => stopChild(offline, 'SIGINT', 5_000));
  await waitForPort(ports.lambda, offline);
  const httpApi = await startHttpApi(service, {
    host: bindHost(),
    port: ports.http,
    lambdaPort: ports.lambda,
    log,
  });
  stops.push(() => new Promise((done) => httpApi.close(() => done())));
  stops.push(async () => void httpApi.closeAllConnections());

  const consumers = startSqsConsumers(service, cloud.queues, clients.sqs);
  stops.push(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
  });

  await writeRunningFile(service.stage, emulators, ports);
  stops.push(removeRunningFile);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (stage ${service.stage})`);
  log(`HTTP API        http://127.0.0.1:${ports.http}`);
  for (const route of httpRoutes(service)) log(`  ${route}`);
  const operatorKey = Object.values(service.functions).find((fn) => fn.environment?.OPERATOR_KEY)?.environment
    ?.OPERATOR_KEY;
  if (operatorKey)
    log(`operator key    ${String(operatorKey)}  (Authorization: Bearer …; set OPERATOR_KEY to change)`);
  log(`Lambda invoke   http://127.0.0.1:${ports.lambda}`);
  log(`DynamoDB Local  ${emulators.dynamodbEndpoint}  tables: ${Object.values(cloud.tables).join(', ')}`);
  log(`S3 + SQS        ${emulators.awsEndpoint}  buckets: ${Object.values(cloud.buckets).join(', ')}`);
  for (const queue of Object.values(cloud.queues)) log(`  queue ${queue.url}`);
  for (const line of scheduleLines(service)) log(`  ${line}`);
  log(`data: ${dataDir ? `kept on disk in ${dataDir}` : 'in memory (use --persist <dir> to keep it)'}`);
  log('Ctrl-C stops everything.');
} catch (error) {
  if (error instanceof JavaMissingError) console.error(`\n${error.message}\n`);
  else console.error('[local-cloud] failed to start:', error);
  await shutdown(1);
}

function startOffline(service: ResolvedService, env: Record<string, string>, httpPort: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      resolve(projectRoot, 'node_modules/osls/bin/serverless.js'),
      'offline',
      'start',
      '--stage',
      service.stage,
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(ports.lambda),
      '--host',
      bindHost(),
    ],
    { cwd: projectRoot, env: oslsEnv({ ...env, CIAM_LOCAL_CLOUD: '1' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its own HTTP server's banner (a box of routes on its private port) is left out: the routes
  // printed when ready are the gateway's. Everything else it prints, function logs included, passes.
  pipeLines(child.stdout, process.stdout, (line) => !/^[│┌└]|^Server ready: /.test(line));
  pipeLines(child.stderr, process.stderr, () => true);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`serverless-offline exited (${code ?? signal}); stopping the local cloud`);
      void shutdown(1);
    }
  });
  return child;
}

function startSqsConsumers(
  service: ResolvedService,
  queues: Record<string, { url: string; arn: string }>,
  sqs: ReturnType<typeof localClients>['sqs'],
): SqsPoller[] {
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${ports.lambda}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const pollers: SqsPoller[] = [];
  for (const [name, fn] of Object.entries(service.functions)) {
    for (const event of fn.events ?? []) {
      const sqsEvent = event.sqs as
        | { arn: { 'Fn::GetAtt'?: [string, string] }; batchSize?: number; functionResponseType?: string }
        | undefined;
      const queueId = sqsEvent?.arn?.['Fn::GetAtt']?.[0];
      const queue = queueId ? queues[queueId] : undefined;
      if (!sqsEvent || !queue) continue;
      const functionName = `${service.service}-${service.stage}-${name}`;
      const poller = new SqsPoller(sqs, {
        queueUrl: queue.url,
        queueArn: queue.arn,
        region: LOCAL_REGION,
        batchSize: sqsEvent.batchSize ?? 10,
        reportBatchItemFailures: sqsEvent.functionResponseType === 'ReportBatchItemFailures',
        invoke: async (payload) => {
          const out = await lambda.send(
            new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
          );
          const text = out.Payload ? Buffer.from(out.Payload).toString() : '';
          if (out.FunctionError) throw new Error(`${functionName} failed: ${text}`);
          return text ? (JSON.parse(text) as SQSBatchResponse | null) : undefined;
        },
        onError: (error) => log(`queue consumer ${name}: ${String(error)}`),
      });
      poller.start();
      log(`queue consumer: ${queue.url} -> ${name}`);
      pollers.push(poller);
    }
  }
  return pollers;
}

function httpRoutes(service: ResolvedService): string[] {
  const name = (route: GatewayRoute) => route.functionName.split('-').pop();
  return gatewayRoutes(service).map((route) =>
    route.path === '*'
      ? `ANY    http://127.0.0.1:${ports.http}/…  any other route ($default: ${name(route)})`
      : `${route.method.padEnd(6)} http://127.0.0.1:${ports.http}${route.path}  (${name(route)})`,
  );
}

function scheduleLines(service: ResolvedService): string[] {
  return Object.entries(service.functions).flatMap(([name, fn]) =>
    (fn.events ?? []).flatMap((event) => {
      const schedule = event.schedule as { rate: string | string[] } | string | undefined;
      if (!schedule) return [];
      const rate = typeof schedule === 'string' ? schedule : [schedule.rate].flat().join(', ');
      return [`schedule ${rate} -> ${name}`];
    }),
  );
}

function waitForPort(portNumber: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error('serverless-offline exited before listening'));
      const socket = connect(portNumber, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolvePort();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listens on port ${portNumber} after ${timeoutMs} ms`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/** Copies `from` to `to` line by line, keeping the lines `keep` accepts. */
function pipeLines(from: Readable | null, to: Writable, keep: (line: string) => boolean): void {
  let rest = '';
  from?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (keep(line)) to.write(`${line}\n`);
  });
  from?.on('end', () => {
    if (rest && keep(rest)) to.write(rest);
  });
}
