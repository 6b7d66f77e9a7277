import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/ports';

const root = resolve(import.meta.dirname, '../..');

/** Processes (pid + command line) whose command line mentions `needle`. */
function processesMatching(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

// `npm start` is the product's front door: the whole local cloud up, every endpoint printed, and
// nothing left running after Ctrl-C.
describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    // Whatever happens, take the whole process group down with the test.
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
  });

  it('prints the endpoints, serves the bundled functions over HTTP and leaves no process behind after Ctrl-C', async () => {
    const ports = {
      http: await freePort(),
      lambda: await freePort(),
      dynamodb: await freePort(),
      aws: await freePort(),
    };
    child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        ...process.env,
        HTTP_PORT: String(ports.http),
        LAMBDA_PORT: String(ports.lambda),
        DYNAMODB_PORT: String(ports.dynamodb),
        AWS_PORT: String(ports.aws),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, like a terminal's foreground job, so Ctrl-C can be sent as a terminal does.
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
      if (Date.now() - started > 45_000) throw new Error(`npm start not ready after 45 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    expect(output).toContain(`HTTP API        http://127.0.0.1:${ports.http}`);
    expect(output).toContain(`GET    http://127.0.0.1:${ports.http}/v1/health`);
    expect(output).toContain(`DynamoDB Local  http://127.0.0.1:${ports.dynamodb}`);
    expect(output).toContain(`S3 + SQS        http://127.0.0.1:${ports.aws}`);
    expect(output).toMatch(/queue http:\/\/\S+termination\b/);

    const response = await fetch(`http://127.0.0.1:${ports.http}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      policyVersion: expect.stringMatching(/^p-/),
    });
    expect(processesMatching(`-port ${ports.dynamodb}`)).toHaveLength(1);

    // The bundled functions, through serverless-offline's HTTP API, against the local cloud.
    const base = `http://127.0.0.1:${ports.http}`;
    const operatorKey = output.match(/operator key\s+(\S+)/)?.[1];
    expect(operatorKey).toBe('local-operator-key');
    const created = await fetch(`${base}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', modules: ['ciam'], maxUsers: 10, region: 'DE' }),
    });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    const login = {
      id: 'http-1',
      type: 'user.login',
      occurredAt: new Date().toISOString(),
      userId: 'u',
      clientIp: '192.0.2.1',
      country: 'DE',
    };
    const send = () =>
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(login),
      });
    const first = await send();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ results: [{ id: 'http-1', outcome: 'stored' }] });
    expect(await (await send()).json()).toMatchObject({ results: [{ id: 'http-1', outcome: 'duplicate' }] });
    const refused = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');

    // Ctrl-C in a terminal signals the whole foreground process group.
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      child?.once('exit', (code, signal) => r({ code, signal })),
    );
    if (!child.pid) throw new Error('npm start has no pid');
    process.kill(-child.pid, 'SIGINT');
    // npm itself may end by the same signal; what matters is that the local cloud shut down in order.
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(output).toContain('[local-cloud] stopping');
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMatching(`-port ${ports.dynamodb}`)).toEqual([]);
    expect(processesMatching(`--httpPort ${ports.http}`)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${ports.http}/v1/health`)).rejects.toThrow();
  });
});
