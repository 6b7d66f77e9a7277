import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { localFunctionEnv } from './cloud.ts';

// While `npm start` runs, this file says where its emulators are, so `osls invoke local` (through
// scripts/infra/local-cloud-plugin.cjs) runs a function against them rather than against AWS.
// `LOCAL_CLOUD_RUNNING_FILE` names another file, for more than one local cloud on a machine.
const RUNNING_FILE =
  process.env.LOCAL_CLOUD_RUNNING_FILE ?? join(import.meta.dirname, '../../.local-cloud/running.json');

/** Records the running local cloud's stage and the environment a function needs to reach it. */
export async function writeRunningFile(
  stage: string,
  endpoints: { dynamodbEndpoint: string; awsEndpoint: string },
  ports: { http: number; lambda: number },
): Promise<void> {
  await mkdir(dirname(RUNNING_FILE), { recursive: true });
  const body = {
    stage,
    pid: process.pid,
    ...endpoints,
    httpEndpoint: `http://127.0.0.1:${ports.http}`,
    lambdaEndpoint: `http://127.0.0.1:${ports.lambda}`,
    functionEnv: localFunctionEnv(endpoints),
  };
  await writeFile(RUNNING_FILE, `${JSON.stringify(body, null, 2)}\n`);
}

/** What `writeRunningFile` recorded. */
export interface RunningCloud {
  stage: string;
  dynamodbEndpoint: string;
  awsEndpoint: string;
  httpEndpoint: string;
  lambdaEndpoint: string;
}

/** The local cloud `npm start` is running, or undefined when none is. */
export async function readRunningFile(): Promise<RunningCloud | undefined> {
  const text = await readFile(RUNNING_FILE, 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as RunningCloud) : undefined;
}

/** Forgets the local cloud when it stops (unless another one has taken the file over since). */
export async function removeRunningFile(): Promise<void> {
  const text = await readFile(RUNNING_FILE, 'utf8').catch(() => undefined);
  if (text && (JSON.parse(text) as { pid?: number }).pid === process.pid)
    await rm(RUNNING_FILE, { force: true });
}
