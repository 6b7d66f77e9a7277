import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveService } from '#local/template';
import { apiEvent } from '#test/api-events';
import { bucketListing, tableSnapshot } from '#test/functions';
import { hostileCorpus, hostileHttpRequests } from '#test/hostile';
import { listeningAddresses } from '#test/listening';
import { queueDepth } from '#test/local-cloud';
import { processesMatching, READY_WITHIN_MS, startLocalCloud } from '#test/local-cloud-process';
import { asRawHttp, expressibleOverHttp, type RawHttpResponse, sendRaw } from '#test/raw-http';
import { validRecord } from '#test/records';
import { runningCloud } from '#test/running-cloud';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const OPERATOR = 'local-operator-key';
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

// The local cloud as a client meets it: over HTTP, through `npm start` of this checkout. Its HTTP
// layer must shape requests as API Gateway does, and the framework's own local commands must reach it.
describe('the local cloud over HTTP', () => {
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  let data: Awaited<ReturnType<typeof runningCloud>>;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  const runningFile = join(mkdtempSync(join(tmpdir(), 'ciam-running-')), 'running.json');

  const send = (method: string, path: string, headers: Array<[string, string]> = [], body?: unknown) =>
    sendRaw(cloud.base, {
      name: path,
      method,
      path,
      headers: body === undefined ? headers : [...headers, ['content-type', 'application/json']],
      ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
    });
  const createTenant = async (modules = ['ciam']) => {
    // A function's first invocation loads its bundle in a fresh worker, and serverless-offline counts
    // that against the 10 s timeout; on a busy machine it can run out, now answered 500: once more.
    const create = () =>
      send('POST', '/v1/tenants', [['authorization', `Bearer ${OPERATOR}`]], {
        name: 'HTTP',
        modules,
        maxUsers: 100,
        region: 'DE',
        openedAt: new Date(Date.parse(`${yesterday()}T00:00:00Z`)).toISOString(),
      });
    let created = await create();
    if (created.status === 500) created = await create();
    expect(created.status, created.text).toBe(201);
    return JSON.parse(created.text) as { id: string; apiKey: string };
  };
  const listings = async () => ({
    // The sweep's schedule (every 15 minutes) records its runs under pk SWEEP on its own, whatever
    // requests come in: those items are not the requests' doing.
    tenants: (await tableSnapshot(data, data.tables.TenantsTable as string)).filter(
      (item) => !item.includes('"pk":{"S":"SWEEP"}'),
    ),
    records: await tableSnapshot(data, data.tables.RecordsTable as string),
    bucket: await bucketListing(data),
    queued: await Promise.all(Object.values(data.queues).map((q) => queueDepth(data, q.url))),
  });
  const isProblem = (r: RawHttpResponse) => {
    const body = (() => {
      try {
        return JSON.parse(r.text);
      } catch {
        return undefined;
      }
    })();
    return (
      r.headers['content-type'] === 'application/problem+json' &&
      body?.status === r.status &&
      typeof body?.detail === 'string'
    );
  };
  const osls = (args: string[], timeout = 90_000) =>
    run(process.execPath, ['node_modules/osls/bin/serverless.js', ...args], {
      cwd: root,
      env: { ...cloud.env, LOCAL_CLOUD_RUNNING_FILE: runningFile },
      timeout,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
      (error: { code?: number; stdout?: string; stderr?: string; killed?: boolean }) => ({
        code: error.killed ? 'killed' : (error.code ?? 1),
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );

  beforeAll(async () => {
    cloud = await startLocalCloud({ LOCAL_CLOUD_RUNNING_FILE: runningFile });
    data = await runningCloud(cloud.ports);
    tenant = await createTenant();
    other = await createTenant();
    for (const t of [tenant, other]) {
      const sent = await send('POST', '/v1/events', [['authorization', `Bearer ${t.apiKey}`]], {
        events: [validRecord('user.registered'), validRecord('user.login'), validRecord('admin.action')],
      });
      expect(sent.status).toBe(202);
    }
    // Every HTTP function once, so no first-invocation load (see createTenant) falls in a test.
    for (const [method, path] of [
      ['GET', '/v1/stats?date=2026-01-01'],
      ['POST', '/v1/users/u-1/erasure'],
      ['GET', '/v1/nowhere'],
    ] as const) {
      if ((await send(method, path)).status === 500) await send(method, path);
    }
  }, READY_WITHIN_MS + 90_000);
  afterAll(() => cloud?.kill());

  it('listens on loopback only: HTTP API, Lambda endpoint, serverless-offline, DynamoDB Local, S3/SQS', () => {
    const offline = processesMatching(`--lambdaPort ${cloud.ports.lambda}`).join(' ');
    const offlineHttp = Number(offline.match(/--httpPort (\d+)/)?.[1]);
    const ports = { ...cloud.ports, offlineHttp };
    for (const [part, port] of Object.entries(ports)) {
      const addresses = listeningAddresses(port);
      expect([part, addresses.length > 0]).toEqual([part, true]);
      expect([part, addresses.filter((a) => a !== '127.0.0.1')]).toEqual([part, []]);
    }
  });

  it('answers every hostile request, sent over real HTTP, with a 4xx problem+json and changes nothing', async () => {
    const keys = {
      tenantKey: tenant.apiKey,
      operatorKey: OPERATOR,
      tenantId: tenant.id,
      otherTenantId: other.id,
    };
    const requests = [
      ...hostileCorpus(keys).filter(expressibleOverHttp).map(asRawHttp),
      ...hostileHttpRequests(keys),
    ];
    expect(requests.length).toBeGreaterThanOrEqual(300);
    const before = await listings();
    const wrong: string[] = [];
    const statuses = new Set<number>();
    for (const request of requests) {
      const response = await sendRaw(cloud.base, request);
      statuses.add(response.status);
      if (response.status < 400 || response.status > 499 || !isProblem(response))
        wrong.push(`${request.name} -> ${response.status} ${response.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 404, 413, 415, 422]));
    expect(await listings()).toEqual(before);
  }, 300_000);

  it('takes a Keycloak event and an Auth0 log stream over HTTP, with the country from the packaged IP database', async () => {
    const stamp = Date.now();
    const keycloak = [
      {
        id: `http-${stamp}`,
        time: stamp - 60_000,
        type: 'LOGIN',
        userId: 'u-http-kc',
        ipAddress: '85.214.132.117',
      },
    ];
    const auth0 = JSON.stringify({
      log_id: `http${stamp}`,
      data: {
        date: new Date(stamp - 60_000).toISOString(),
        type: 's',
        user_id: 'auth0|http',
        ip: '81.2.69.160',
      },
    });
    const post = async (path: string, headers: Array<[string, string]>, body: string) => {
      const request = { name: path, method: 'POST', path, headers, body: Buffer.from(body) };
      // The function's first invocation loads its bundle (see createTenant): once more on a 500.
      let response = await sendRaw(cloud.base, request);
      if (response.status >= 500) response = await sendRaw(cloud.base, request);
      return response;
    };
    const kc = await post(
      '/v1/sources/keycloak/events',
      [
        ['authorization', `Bearer ${tenant.apiKey}`],
        ['content-type', 'application/json'],
      ],
      JSON.stringify(keycloak),
    );
    expect(kc.status, kc.text).toBe(202);
    const a0 = await post(
      '/v1/sources/auth0/logs',
      [
        ['authorization', tenant.apiKey],
        ['content-type', 'application/x-ndjson'],
      ],
      `${auth0}\n`,
    );
    expect(a0.status, a0.text).toBe(202);
    const stored = (await tableSnapshot(data, data.tables.RecordsTable as string)).filter(
      (item) =>
        item.includes(`"sk":{"S":"kc-http-${stamp}"}`) || item.includes(`"sk":{"S":"a0-http${stamp}"}`),
    );
    expect(stored).toHaveLength(2);
    expect(stored.find((item) => item.includes('kc-http'))).toContain('"country":{"S":"DE"}');
    expect(stored.find((item) => item.includes('a0-http'))).toContain('"country":{"S":"GB"}');
  });

  it('answers an unknown path 404 and a wrong method 405 with Allow, as problem+json', async () => {
    const cases: Array<[string, string, number, string | undefined]> = [
      ['GET', '/v2/nothing', 404, undefined],
      ['GET', '/', 404, undefined],
      ['DELETE', '/v1/events', 405, 'POST'],
      ['PUT', '/v1/tenants/t-1', 405, 'GET'],
      ['OPTIONS', '/v1/health', 405, 'GET'],
      ['GET', '/v1/users/u-1/erasure', 405, 'POST'],
      ['GET', '/v1/%zz', 404, undefined],
      ['GET', '/v1/%E0%A4%A', 404, undefined],
    ];
    for (const [method, path, status, allow] of cases) {
      const response = await send(method, path);
      expect([method, path, response.status, response.headers.allow]).toEqual([method, path, status, allow]);
      expect(isProblem(response)).toBe(true);
    }
    const head = await send('HEAD', '/v1/health');
    expect([head.status, head.headers.allow, head.headers['content-type']]).toEqual([
      405,
      'GET',
      'application/problem+json',
    ]);
  });

  it('runs every function with `osls invoke local` against the running local cloud, and exits', async () => {
    const service = await resolveService('local');
    const dir = mkdtempSync(join(tmpdir(), 'ciam-invoke-'));
    for (const [name, fn] of Object.entries(service.functions)) {
      const events = fn.events ?? [];
      const http = events.find((e) => e.httpApi)?.httpApi as { method?: string; path?: string } | undefined;
      const event = http
        ? apiEvent({
            method: http.method ?? 'GET',
            route: http.path && http.path !== '*' ? http.path.replace(/\{\w+\}/g, 'x') : '/nowhere',
            headers: { authorization: `Bearer ${OPERATOR}` },
          })
        : events.some((e) => e.sqs)
          ? { Records: [] }
          : { date: yesterday(), tenantIds: [] };
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(event));
      const { code, output } = await osls([
        'invoke',
        'local',
        '--stage',
        'local',
        '-f',
        name,
        '--path',
        path,
      ]);
      expect([name, code]).toEqual([name, 0]);
      // The function's result is the last pretty-printed JSON document; its logs come before it.
      const lines = output.split('\n');
      const start = lines.lastIndexOf('{');
      const result = JSON.parse(lines.slice(start, lines.indexOf('}', start) + 1).join('\n'));
      if (http) expect([name, result.statusCode < 500]).toEqual([name, true]);
    }
  }, 600_000);

  it('computes a day with `npm run aggregate` and prints the outcome per tenant', async () => {
    const date = yesterday();
    const { stdout } = await run(
      'npm',
      ['run', 'aggregate', '--silent', '--', '--date', date, '--tenant', tenant.id],
      {
        cwd: root,
        env: { ...cloud.env, LOCAL_CLOUD_RUNNING_FILE: runningFile },
        timeout: 150_000,
      },
    );
    expect(stdout).toContain(`${tenant.id}  computed`);
    const stats = await send('GET', `/v1/stats?date=${date}`, [['authorization', `Bearer ${tenant.apiKey}`]]);
    expect(stats.status).toBe(200);
    const refused = await run('npm', ['run', 'aggregate', '--silent', '--', '--date', '2026-02-30'], {
      cwd: root,
      env: { ...cloud.env, LOCAL_CLOUD_RUNNING_FILE: runningFile },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--date "2026-02-30" is not a calendar day'),
    });
  }, 180_000);

  it('previews a policy change against the stage with `npm run policy -- diff HEAD --stage local`, writing nothing', async () => {
    const env = { ...cloud.env, LOCAL_CLOUD_RUNNING_FILE: runningFile };
    const before = await listings();
    const { stdout } = await run(
      'npm',
      ['run', 'policy', '--silent', '--', 'diff', 'HEAD', '--stage', 'local'],
      {
        cwd: root,
        env,
        timeout: 150_000,
      },
    );
    // The working tree's policy is the committed one: the dry run walks every tenant and finds nothing to do.
    expect(stdout).toMatch(
      /Dry run on stage local: its data is under p-[0-9a-f]{16}; reconciling it to p-[0-9a-f]{16} would, across \d+ tenants?:\n {2}- change nothing stored\n/,
    );
    expect(stdout).toMatch(/\(read \d+(\.\d+)? read units; nothing was written\)/);
    expect(await listings()).toEqual(before);
    const stopped = await run(
      'npm',
      ['run', 'policy', '--silent', '--', 'diff', 'HEAD', '--stage', 'local'],
      {
        cwd: root,
        env: { ...env, LOCAL_CLOUD_RUNNING_FILE: join(tmpdir(), 'no-such-cloud', 'running.json') },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(stopped).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the local cloud is not running; start it with `npm start`'),
    });
  }, 180_000);

  it('answers a capture that hits the Lambda timeout with 5xx, and the handler writes nothing afterwards', async () => {
    const [java] = processesMatching(`-port ${cloud.ports.dynamodb}`);
    const pid = Number(java?.trim().split(/\s+/)[0]);
    const ids = Array.from({ length: 50 }, (_, i) => `timeout-${i}`);
    const batch = { events: ids.map((id) => ({ ...validRecord('user.login'), id })) };
    // DynamoDB Local paused: every store call of the capture hangs until the function's timeout.
    process.kill(pid, 'SIGSTOP');
    let response: RawHttpResponse;
    try {
      response = await send('POST', '/v1/events', [['authorization', `Bearer ${tenant.apiKey}`]], batch);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect([500, 503]).toContain(response.status);
    const stored = async () =>
      (await tableSnapshot(data, data.tables.RecordsTable as string)).filter((item) =>
        item.includes('timeout-'),
      );
    await new Promise((r) => setTimeout(r, 3_000));
    const soon = await stored();
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await stored()).toEqual(soon);
    expect(soon).toEqual([]);
  }, 60_000);

  it('stops, and then the framework commands say that they need `npm start` instead of hanging', async () => {
    await cloud.interrupt();
    // (--data: without it, osls reads the event from a stdin that is not a terminal.)
    const invoked = await osls(
      ['invoke', 'local', '--stage', 'local', '-f', 'health', '--data', '{}'],
      60_000,
    );
    expect(invoked).toMatchObject({
      code: 1,
      output: expect.stringContaining('start it first with `npm start`'),
    });
    const offline = await osls(['offline', 'start', '--stage', 'local'], 60_000);
    expect(offline).toMatchObject({ code: 1, output: expect.stringContaining('Run `npm start` instead') });
  }, 150_000);
});
