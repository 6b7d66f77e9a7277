import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepEveryMinutes } from '#policy/index';
import { processesMatching, READY_WITHIN_MS, startLocalCloud } from '#test/local-cloud-process';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

// `npm start` is the product's front door: the whole local cloud up, every endpoint printed, the
// bundled functions served over HTTP, the console working in a real browser, and nothing left
// running after Ctrl-C. The cases run in order on one local cloud.
describe('npm start', () => {
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  beforeAll(async () => {
    cloud = await startLocalCloud();
  }, READY_WITHIN_MS + 30_000);
  afterAll(() => cloud?.kill());

  it('prints every endpoint', () => {
    const { ports } = cloud;
    const output = cloud.output();
    expect(output).toContain(`HTTP API        http://127.0.0.1:${ports.http}`);
    for (const route of ['GET    ', 'POST   '])
      expect(output).toContain(`${route}http://127.0.0.1:${ports.http}/v1/`);
    expect(output).toContain(`GET    http://127.0.0.1:${ports.http}/v1/health`);
    expect(output).toContain(`GET    http://127.0.0.1:${ports.http}/console`);
    expect(output).toContain(`DynamoDB Local  http://127.0.0.1:${ports.dynamodb}`);
    expect(output).toContain(`S3 + SQS        http://127.0.0.1:${ports.aws}`);
    expect(output).toMatch(/queue http:\/\/\S+termination\b/);
    expect(output).toMatch(/queue consumer: \S+-stats -> aggregateTenantDay/);
    expect(output).toContain('schedule cron(15 0 * * ? *) -> aggregateDailyStats');
    expect(output).toContain(`schedule rate(${sweepEveryMinutes()} minutes) -> sweepExpired`);
    expect(processesMatching(`-port ${ports.dynamodb}`)).toHaveLength(1);
  });

  it('serves the bundled functions over HTTP', async () => {
    const health = await fetch(`${cloud.base}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', policyVersion: expect.stringMatching(/^p-/) });

    const operatorKey = cloud.output().match(/operator key\s+(\S+)/)?.[1];
    expect(operatorKey).toBe('local-operator-key');
    const created = await fetch(`${cloud.base}/v1/tenants`, {
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
      fetch(`${cloud.base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(login),
      });
    expect(await (await send()).json()).toMatchObject({ results: [{ id: 'http-1', outcome: 'stored' }] });
    expect(await (await send()).json()).toMatchObject({ results: [{ id: 'http-1', outcome: 'duplicate' }] });
    const refused = await fetch(`${cloud.base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
  });

  it('runs the bundled sweep, whose run the operator then sees over HTTP', async () => {
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${cloud.ports.lambda}`,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'ciam-data-lifecycle-local-sweepExpired',
        Payload: Buffer.from('{}'),
      }),
    );
    expect(out.FunctionError).toBeUndefined();
    const run = JSON.parse(Buffer.from(out.Payload ?? []).toString());
    expect(run).toMatchObject({ status: 'completed', backlog: 0, failed: 0 });
    const sweeps = await fetch(`${cloud.base}/v1/ops/sweeps?limit=1`, {
      headers: { authorization: 'Bearer local-operator-key' },
    });
    expect(sweeps.status).toBe(200);
    expect(((await sweeps.json()) as { runs: unknown[] }).runs).toEqual([
      expect.objectContaining({ runId: run.runId, status: 'completed' }),
    ]);
  });

  it('seeds a demo tenant with `npm run seed`, and the console in Chromium shows what the API says', async () => {
    const { stdout } = await run('npm', ['run', 'seed', '--silent'], {
      cwd: root,
      env: cloud.env,
      timeout: 120_000,
    });
    const apiKey = stdout.match(/apiKey:\s+(\S+)/)?.[1] as string;
    expect(stdout).toMatch(/capturing \d+\/\d+ records/);
    expect(stdout).toContain(`console:  ${cloud.base}/console`);
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const api: any = await (
      await fetch(`${cloud.base}/v1/stats?date=${date}`, { headers: { authorization: `Bearer ${apiKey}` } })
    ).json();
    expect(api.totalUsers).toBeGreaterThan(50);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${cloud.base}/console`);
      await page.fill('input[name="apiKey"]', apiKey);
      await page.fill('input[name="date"]', date);
      await page.locator('form#load').evaluate((form: HTMLFormElement) => form.requestSubmit());
      await page.waitForSelector(`body[data-loaded="${date}"]`, { timeout: 20_000 });

      const stat = (name: string) => page.locator(`[data-stat="${name}"]`).first().textContent();
      const expected: Record<string, unknown> = {
        totalUsers: api.totalUsers,
        totalApplications: api.totalApplications,
        logins7d: api.logins7d,
        registrations7d: api.registrations7d,
        failedLogins7d: api.failedLogins7d,
        'smsSent.day': api.smsSent.day,
        'smsSent.d7': api.smsSent.d7,
        'smsSent.d30': api.smsSent.d30,
        'emailsSent.day': api.emailsSent.day,
        'emailsSent.d7': api.emailsSent.d7,
        'emailsSent.d30': api.emailsSent.d30,
        'userGrowth.yesterday': api.userGrowth.yesterday,
        'userGrowth.d7': api.userGrowth.d7,
        'userGrowth.d30': api.userGrowth.d30,
        monthlyActiveUsers: api.resourceUsage.monthlyActiveUsers,
        maxUsers: api.resourceUsage.maxUsers,
        usageStatus: api.resourceUsage.usageStatus,
      };
      for (const [name, value] of Object.entries(expected))
        expect([name, (await stat(name))?.trim()]).toEqual([name, String(value)]);

      const countries = await page.locator('[data-country]').evaluateAll((rows) =>
        rows.map((row) => ({
          country: row.getAttribute('data-country'),
          users: Number(row.querySelector('[data-users]')?.textContent),
        })),
      );
      expect(countries).toEqual(api.userDistribution);
      for (const list of ['recentLogins', 'recentRegistrations']) {
        const users = await page
          .locator(`[data-list="${list}"] [data-user]`)
          .evaluateAll((items) => items.map((i) => i.getAttribute('data-user')));
        expect(users).toEqual(api[list].map((u: { userId: string }) => u.userId));
      }
      expect(await page.locator('#growth-chart canvas').count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      mkdirSync(resolve(root, 'test/artifacts'), { recursive: true });
      await page.screenshot({ path: resolve(root, 'test/artifacts/console.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('stops everything on Ctrl-C and leaves no process behind', async () => {
    const { ports } = cloud;
    // npm itself may end by the same signal; what matters is that the local cloud shut down in order.
    const { code, signal } = await cloud.interrupt();
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(cloud.output()).toContain('[local-cloud] stopping');
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMatching(`-port ${ports.dynamodb}`)).toEqual([]);
    // serverless-offline: its HTTP server listens on a private port, its Lambda endpoint on this one.
    expect(processesMatching(`--lambdaPort ${ports.lambda}`)).toEqual([]);
    await expect(fetch(`${cloud.base}/v1/health`)).rejects.toThrow();
  });
});
