import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '#local/ports';

const root = resolve(import.meta.dirname, '../..');

/** Processes (pid + command line) whose command line mentions `needle`. */
export function processesMatching(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

export const READY_WITHIN_MS = 150_000;

/** `npm start` on free ports, in its own process group as a terminal's foreground job would be. */
export async function startLocalCloud(extraEnv: Record<string, string> = {}): ReturnType<typeof startOnce> {
  // Ports found free may be taken before the local cloud binds them: then try fresh ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(extraEnv);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

async function startOnce(extraEnv: Record<string, string> = {}) {
  const ports = {
    http: await freePort(),
    lambda: await freePort(),
    dynamodb: await freePort(),
    aws: await freePort(),
  };
  const env = {
    ...process.env,
    HTTP_PORT: String(ports.http),
    LAMBDA_PORT: String(ports.lambda),
    DYNAMODB_PORT: String(ports.dynamodb),
    AWS_PORT: String(ports.aws),
    // Each cloud its own running file: test files run in parallel, and a script given this env
    // (`npm run seed`, `npm run aggregate`) must reach this cloud, not the one started last.
    LOCAL_CLOUD_RUNNING_FILE: join(mkdtempSync(join(tmpdir(), 'ciam-running-')), 'running.json'),
    ...extraEnv,
  };
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const started = Date.now();
  while (!output.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    // The first start on a fresh clone resolves serverless.yml and bundles every function; on a
    // busy 2-core machine that has taken over 45 s.
    if (Date.now() - started > READY_WITHIN_MS)
      throw new Error(`npm start not ready after ${READY_WITHIN_MS / 1000} s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    ports,
    env,
    /** The process group of the local cloud (npm and everything it started). */
    pid: child.pid,
    base: `http://127.0.0.1:${ports.http}`,
    output: () => output,
    /** Ctrl-C, as a terminal sends it: SIGINT to the whole process group. */
    interrupt(): Promise<{ code: number | null; signal: string | null }> {
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.once('exit', (code, signal) => r({ code, signal })),
      );
      if (child.pid && running()) process.kill(-child.pid, 'SIGINT');
      return exited;
    },
    kill() {
      if (child.pid && running()) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/** One JSON request to a running local cloud's API with a bearer key (a tenant's or the operator's). */
export async function callApi(
  base: string,
  path: string,
  key: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${key}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}
