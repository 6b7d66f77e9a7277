import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startFauxqs } from 'fauxqs';
import { bindHost, listeningOn } from './bind.ts';
import { spawnDynamoDbLocal } from './dynamodb-local.ts';
import { freePort } from './ports.ts';
import { stopChild } from './processes.ts';

/** Endpoints of the running emulators; every AWS SDK client of the project can be pointed at them. */
export interface Emulators {
  dynamodbEndpoint: string;
  awsEndpoint: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  dynamodbPort?: number;
  awsPort?: number;
  /** Keep data on disk under this folder instead of in memory. */
  dataDir?: string;
  /** The address both listen on; loopback unless `LOCAL_CLOUD_HOST` says otherwise. */
  host?: string;
}

/** Thrown when DynamoDB Local cannot start because no Java runtime is installed. */
export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (17 or newer) and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17',
    );
  }
}

/** Local test credentials: DynamoDB Local and fauxqs accept any, the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'eu-central-1';

/** Starts DynamoDB Local (Java, from the npm package) and fauxqs (S3 + SQS, in-process). */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  assertJava();
  // A port found free can be taken by someone else before Java binds it: with ports of our own
  // choosing, try again with fresh ones; a port the user asked for fails at once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({
        ...options,
        dynamodbPort: options.dynamodbPort ?? (await freePort()),
        awsPort: options.awsPort ?? (await freePort()),
      });
    } catch (error) {
      const chosenByUs = options.dynamodbPort === undefined || options.awsPort === undefined;
      if (!chosenByUs || attempt >= 3 || !/Address already in use|EADDRINUSE/.test(String(error)))
        throw error;
    }
  }
}

async function startOnce(
  options: EmulatorOptions & { dynamodbPort: number; awsPort: number },
): Promise<Emulators> {
  const { dynamodbPort, awsPort } = options;
  const host = options.host ?? bindHost();
  if (options.dataDir) mkdirSync(`${options.dataDir}/dynamodb`, { recursive: true });

  const fauxqs = await listeningOn(host, () =>
    startFauxqs({
      port: awsPort,
      logger: false,
      ...(options.dataDir ? { dataDir: `${options.dataDir}/fauxqs` } : {}),
    }),
  );
  const java = spawnDynamoDbLocal({
    host,
    port: dynamodbPort,
    ...(options.dataDir ? { path: `${options.dataDir}/dynamodb` } : {}),
  });
  // Drained so a chatty DynamoDB Local never blocks on a full pipe; stderr is kept for error messages.
  java.stdout?.resume();
  const killJava = () => java.kill('SIGKILL');
  process.once('exit', killJava);

  const dynamodbEndpoint = `http://127.0.0.1:${dynamodbPort}`;
  try {
    await waitForDynamoDb(dynamodbEndpoint, java);
  } catch (error) {
    killJava();
    process.removeListener('exit', killJava);
    await fauxqs.stop();
    throw error;
  }

  return {
    dynamodbEndpoint,
    awsEndpoint: `http://127.0.0.1:${awsPort}`,
    async stop() {
      process.removeListener('exit', killJava);
      await Promise.all([fauxqs.stop(), stopChild(java, 'SIGTERM', 3_000)]);
    },
  };
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

async function waitForDynamoDb(endpoint: string, java: ChildProcess): Promise<void> {
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      if (java.exitCode !== null)
        throw new Error(`DynamoDB Local exited (${java.exitCode}): ${stderr.trim()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer at ${endpoint} within 30 s: ${stderr.trim()}`);
  } finally {
    client.destroy();
  }
}
