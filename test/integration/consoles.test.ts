import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atPhoneWidth,
  collectProblems,
  launchChromium,
  scrollsSideways,
  seriousAxeViolations,
} from '#test/browser';
import { callApi, READY_WITHIN_MS, startLocalCloud } from '#test/local-cloud-process';

const root = resolve(import.meta.dirname, '../..');
const artifacts = resolve(root, 'test/artifacts');
const run = promisify(execFile);
const DAY_MS = 86_400_000;
const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

// The tenant console in Debian's Chromium against `npm start` with the demo tenant seeded: every
// number shown is the API's, the map colours the seeded countries, range presets re-draw, the phone
// layout holds, and axe-core finds nothing serious in any state.
describe('tenant and operator consoles in a browser', () => {
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  let browser: Browser;
  let apiKey: string;
  const operatorKey = 'local-operator-key';

  const call = (path: string, key: string, init?: { method?: string; body?: unknown }) =>
    callApi(cloud.base, path, key, init);

  const open = async (page: Page, key: string) => {
    await page.goto(`${cloud.base}/console`);
    await page.fill('input[name="apiKey"]', key);
    await page.fill('input[name="date"]', yesterday);
    await page.locator('form#load').evaluate((form: HTMLFormElement) => form.requestSubmit());
  };
  const loaded = (page: Page) =>
    page.waitForSelector(`body[data-loaded="${yesterday}"][data-range-loaded]`, { timeout: 20_000 });

  /** Numbers and names whose box cuts them off (ellipsis or hidden overflow). */
  const truncated = (page: Page) =>
    page.evaluate(() =>
      Array.from(
        document.querySelectorAll('main [data-stat], main [data-users], main td, main th, main .country'),
      )
        .filter((e) => (e as HTMLElement).offsetParent !== null && !e.closest('.visually-hidden'))
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
        .map((e) => e.textContent),
    );

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const { stdout } = await run('npm', ['run', 'seed', '--silent'], {
      cwd: root,
      env: cloud.env,
      timeout: 120_000,
    });
    apiKey = stdout.match(/apiKey:\s+(\S+)/)?.[1] as string;
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  }, READY_WITHIN_MS + 150_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.kill();
  });

  it('serves the page with a CSP that allows nothing external, and no caching of the per-response nonce', async () => {
    const response = await fetch(`${cloud.base}/console`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[^']+'(;|$)/);
    expect(csp).not.toMatch(/https?:|\*/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    // Nothing is fetched from elsewhere: no element names another origin (uPlot's licence comment may).
    expect(html).not.toMatch(/\s(src|href|action)="(?!data:)[^"]*:/);
    expect((html.match(/<path d="/g) ?? []).length).toBeGreaterThan(150);
  });

  it('shows every number of the API, the map of the seeded countries and the activity of each preset', async () => {
    const api = (await call(`/v1/stats?date=${yesterday}`, apiKey)).body;
    expect(api.totalUsers).toBeGreaterThan(50);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    await open(page, apiKey);
    await loaded(page);

    const stat = (name: string) => page.locator(`[data-stat="${name}"]`).first().textContent();
    const expected: Record<string, unknown> = {
      totalUsers: api.totalUsers,
      totalApplications: api.totalApplications,
      logins7d: api.logins7d,
      registrations7d: api.registrations7d,
      failedLogins7d: api.failedLogins7d,
      'smsSent.day': api.smsSent.day,
      'smsSent.d30': api.smsSent.d30,
      'emailsSent.d7': api.emailsSent.d7,
      'userGrowth.yesterday': api.userGrowth.yesterday,
      'userGrowth.d30': api.userGrowth.d30,
      monthlyActiveUsers: api.resourceUsage.monthlyActiveUsers,
      maxUsers: api.resourceUsage.maxUsers,
      usageStatus: api.resourceUsage.usageStatus,
    };
    for (const [name, value] of Object.entries(expected))
      expect([name, (await stat(name))?.trim()]).toEqual([name, String(value)]);

    // The ranked list, the map and the screen-reader table all say the API's distribution.
    const ranked = await page.locator('[data-distribution] [data-country]').evaluateAll((rows) =>
      rows.map((row) => ({
        country: row.getAttribute('data-country'),
        users: Number(row.querySelector('[data-users]')?.textContent),
      })),
    );
    expect(ranked).toEqual(api.userDistribution);
    const mapped = await page.locator('[data-map] path[data-users]').evaluateAll((paths) =>
      paths.map((p) => ({
        country: p.getAttribute('data-iso'),
        users: Number(p.getAttribute('data-users')),
        fill: getComputedStyle(p).fill,
      })),
    );
    const onMap = new Map(mapped.map((m) => [m.country, m]));
    const seeded = (api.userDistribution as Array<{ country: string; users: number }>).filter((c) =>
      onMap.has(c.country),
    );
    expect(seeded.length).toBeGreaterThanOrEqual(Math.min(3, api.userDistribution.length));
    for (const c of seeded) {
      expect(onMap.get(c.country)?.users).toBe(c.users);
      expect(onMap.get(c.country)?.fill).not.toBe('rgb(233, 237, 243)'); // the no-users grey
    }
    const legend = await page.locator('[data-map-legend] li').allTextContents();
    expect(legend.join(' ')).toContain(
      `${Math.max(...api.userDistribution.map((c: { users: number }) => c.users))}`,
    );
    expect(await page.locator('[data-country-table] tbody tr').count()).toBe(api.userDistribution.length);

    // Hover and keyboard focus both tell a country's value.
    const top = api.userDistribution[0] as { country: string; users: number };
    await page.locator(`[data-distribution] [data-country="${top.country}"]`).focus();
    await expect.poll(() => page.locator('[data-tooltip]').textContent()).toContain(`${top.users} user`);

    // Activity: each preset re-draws the range ending on the chosen day, numbers as the API says.
    for (const days of [30, 7, 90]) {
      if (days !== 30) {
        await page.click(`[data-range] button[data-days="${days}"]`);
        await page.waitForSelector(`body[data-range-loaded="${addDays(yesterday, 1 - days)}..${yesterday}"]`);
      }
      const range = (
        await call(`/v1/stats/range?from=${addDays(yesterday, 1 - days)}&to=${yesterday}`, apiKey)
      ).body;
      expect(
        await page.locator(`[data-range] button[data-days="${days}"]`).getAttribute('aria-pressed'),
      ).toBe('true');
      const rows = await page.locator('[data-activity-table] tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          day: tr.getAttribute('data-day'),
          values: Object.fromEntries(
            Array.from(tr.querySelectorAll('[data-field]')).map((td) => [
              td.getAttribute('data-field'),
              Number(td.textContent),
            ]),
          ),
          text: tr.textContent,
        })),
      );
      expect(rows).toHaveLength(days);
      for (const snapshot of range.days) {
        const row = rows.find((r) => r.day === snapshot.date);
        expect(row?.values).toEqual({
          logins: snapshot.dayActivity.logins,
          failedLogins: snapshot.dayActivity.failedLogins,
          registrations: snapshot.dayActivity.registrations,
          dau: snapshot.activeUsers.day,
          wau: snapshot.activeUsers.d7,
          mau: snapshot.activeUsers.d30,
        });
      }
      for (const day of range.beforeServiceOpened ?? [])
        expect(rows.find((r) => r.day === day)?.text).toContain('before the service opened');
      const total = range.days.reduce(
        (sum: number, s: { dayActivity: { logins: number } }) => sum + s.dayActivity.logins,
        0,
      );
      expect(
        await page.locator('[data-activity-legend="events"] [data-series="logins"] b').textContent(),
      ).toBe(new Intl.NumberFormat('en').format(total));
      if (days === 90) expect(range.beforeServiceOpened?.length).toBeGreaterThan(0);
    }
    // Dates are written for people, not as ISO strings.
    expect(await page.locator('[data-range-caption]').textContent()).toMatch(
      /^\w{3}, \d{1,2} \w{3,4} \d{4} to /,
    );

    await page.click('[data-range] button[data-days="30"]');
    await page.waitForSelector(`body[data-range-loaded="${addDays(yesterday, -29)}..${yesterday}"]`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'console-desktop.png'), fullPage: true });

    await atPhoneWidth(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await truncated(page)).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'console-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps an empty tenant readable, and reports errors and a terminated module accessibly', async () => {
    const created = await call('/v1/tenants', operatorKey, {
      method: 'POST',
      body: {
        name: 'Empty',
        modules: ['ciam'],
        maxUsers: 10,
        region: 'DE',
        openedAt: `${yesterday}T00:00:00Z`,
      },
    });
    expect(created.status).toBe(201);
    await run(
      'npm',
      ['run', 'aggregate', '--silent', '--', '--date', yesterday, '--tenant', created.body.id],
      {
        cwd: root,
        env: cloud.env,
        timeout: 120_000,
      },
    );
    await expect
      .poll(async () => (await call(`/v1/stats?date=${yesterday}`, created.body.apiKey)).status, {
        timeout: 60_000,
      })
      .toBe(200);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = collectProblems(page);
    await open(page, created.body.apiKey);
    await loaded(page);
    expect(await page.locator('[data-stat="totalUsers"]').textContent()).toBe('0');
    // The empty lists say so in whole lines, not one word per line.
    for (const none of await page.locator('main .none').all()) {
      const box = await none.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
    }
    const rows = await page.locator('[data-activity-table] tbody tr').allTextContents();
    expect(rows.filter((r) => r.includes('before the service opened'))).toHaveLength(29);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Error: a key that is not valid.
    await open(page, 'cdl_not-a-key');
    await expect.poll(() => page.locator('[data-error]').textContent()).not.toBe('');
    expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Terminated: the module's statistics are gone, and the page says so.
    const terminated = await call(`/v1/tenants/${created.body.id}/termination`, operatorKey, {
      method: 'POST',
      body: { modules: ['ciam'] },
    });
    expect(terminated.status).toBe(202);
    await open(page, created.body.apiKey);
    await expect.poll(() => page.locator('[data-error]').textContent()).toMatch(/terminat/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems.filter((p) => !/status of 40\d|status of 410/.test(p))).toEqual([]);
    await page.close();
  });

  it('operator console: sweep health with the alarm line, tenants with search and paging, receipts, policy, reconciliations', async () => {
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${cloud.ports.lambda}`,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (let i = 0; i < 2; i++) {
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: 'ciam-data-lifecycle-local-sweepExpired',
          Payload: Buffer.from('{}'),
        }),
      );
      expect(out.FunctionError).toBeUndefined();
    }
    // Operator routes refuse a tenant's key.
    for (const path of ['/v1/tenants', '/v1/ops/sweeps', '/v1/ops/reconciliations']) {
      const refused = await call(path, apiKey);
      expect([path, refused.status]).toEqual([path, expect.any(Number)]);
      expect([401, 403]).toContain(refused.status);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const page0 = await fetch(`${cloud.base}/ops`);
    expect(page0.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'nonce-/);
    expect(page0.headers.get('cache-control')).toBe('no-store');

    for (const name of ['Second', 'Third'])
      expect(
        (
          await call('/v1/tenants', operatorKey, {
            method: 'POST',
            body: { name, modules: ['ciam'], maxUsers: 5, region: 'FR' },
          })
        ).status,
      ).toBe(201);
    const all: Array<{ id: string; name: string; status: string }> = [];
    for (let cursor: string | undefined, n = 0; n === 0 || cursor; n++) {
      const listed = (await call(`/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`, operatorKey))
        .body;
      all.push(...listed.tenants);
      cursor = listed.nextCursor;
    }
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all.map((t) => t.id)).toEqual([...all.map((t) => t.id)].sort());
    const leaving = all.find((t) => t.status !== 'active');
    expect(leaving).toBeDefined();
    // terminateAccount (the termination queue's consumer) finishes the empty tenant's termination
    // after its second pass, which waits out the late-writer window (serverless.yml lateWriterSeconds).
    await expect
      .poll(
        async () =>
          (await call(`/v1/tenants/${(leaving as { id: string }).id}/termination`, operatorKey)).body.status,
        { timeout: 200_000, interval: 2_000 },
      )
      .toBe('completed');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    // The page is compared with the API as it stood while the page loaded: when a sweep run lands
    // in between (the two reads differ), the page is loaded again.
    const runsApi = async () => (await call('/v1/ops/sweeps?limit=50', operatorKey)).body;
    let sweeps: Awaited<ReturnType<typeof runsApi>>;
    for (let load = 1; ; load++) {
      const before = await runsApi();
      await page.goto(`${cloud.base}/ops`);
      await page.fill('input[name="operatorKey"]', operatorKey);
      await page.locator('form#load').evaluate((form: HTMLFormElement) => form.requestSubmit());
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      sweeps = await runsApi();
      if (JSON.stringify(before.runs) === JSON.stringify(sweeps.runs) || load === 3) break;
    }

    const runs = await page.locator('[data-runs] tr[data-run]').evaluateAll((trs) =>
      trs.map((tr) => ({
        runId: tr.getAttribute('data-run'),
        status: tr.querySelector('[data-field="status"]')?.getAttribute('data-value'),
        backlog: Number(tr.querySelector('[data-field="backlog"]')?.textContent),
        oldestOverdueSeconds: Number(
          tr.querySelector('[data-field="oldestOverdueSeconds"]')?.getAttribute('data-value'),
        ),
      })),
    );
    expect(runs).toEqual(
      sweeps.runs.map(
        (r: { runId: string; status: string; backlog: number; oldestOverdueSeconds: number }) => ({
          runId: r.runId,
          status: r.status,
          backlog: r.backlog,
          oldestOverdueSeconds: r.oldestOverdueSeconds,
        }),
      ),
    );
    expect(await page.locator('[data-alarm-threshold]').getAttribute('data-seconds')).toBe(
      String(sweeps.alarm.oldestOverdueSeconds),
    );
    expect(await page.locator('#sweep-chart canvas').count()).toBeGreaterThan(0);

    // The first page of tenants as the API lists it; the next page continues it.
    const shown = () =>
      page
        .locator('[data-tenants] tr[data-tenant]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-tenant')));
    expect(await shown()).toEqual(all.slice(0, 20).map((t) => t.id));
    // Plan usage against the plan, as the statistics computed it for the seeded tenant.
    const usage = await page
      .locator('[data-tenants] tr[data-tenant] [data-field="plan"]')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-usage')));
    expect(usage).toEqual(
      all.slice(0, 20).map((t) => {
        const u = (t as { usage?: { monthlyActiveUsers: number; usageStatus: string } }).usage;
        return u ? `${u.monthlyActiveUsers}/${u.usageStatus}` : '';
      }),
    );
    const seededUsage = (await call(`/v1/stats?date=${yesterday}`, apiKey)).body.resourceUsage;
    expect(usage).toContain(`${seededUsage.monthlyActiveUsers}/${seededUsage.usageStatus}`);
    // Search by id prefix.
    const target = all[all.length - 1] as { id: string };
    await page.fill('input[name="idPrefix"]', target.id.slice(0, 8));
    await page.locator('form#search').evaluate((form: HTMLFormElement) => form.requestSubmit());
    await page.waitForSelector(`body[data-tenants-loaded="${target.id.slice(0, 8)}"]`);
    expect(await shown()).toEqual(all.filter((t) => t.id.startsWith(target.id.slice(0, 8))).map((t) => t.id));

    // A terminated tenant's receipts.
    await page.fill('input[name="idPrefix"]', (leaving as { id: string }).id);
    await page.locator('form#search').evaluate((form: HTMLFormElement) => form.requestSubmit());
    await page.waitForSelector(`body[data-tenants-loaded="${(leaving as { id: string }).id}"]`);
    await page.click(`tr[data-tenant="${(leaving as { id: string }).id}"] button`);
    await page.waitForSelector(`[data-detail][data-detail-loaded="${(leaving as { id: string }).id}"]`);
    const status = (await call(`/v1/tenants/${(leaving as { id: string }).id}/termination`, operatorKey))
      .body;
    expect(await page.locator('[data-termination]').getAttribute('data-termination')).toBe(status.status);
    expect(status.receipts?.length).toBeGreaterThan(0);
    expect(await page.locator('[data-detail] [data-receipt]').count()).toBe(status.receipts.length);
    // A receipt opens to show what was deleted, archived or kept.
    await page.click('[data-detail] [data-receipt] summary');
    expect(await page.locator('[data-detail] [data-receipt] pre').first().textContent()).toContain(
      JSON.stringify(status.receipts[0], null, 2).split('\n')[1]?.trim() ?? '',
    );

    const policy = (await call('/v1/policy', operatorKey)).body;
    expect(await page.locator('[data-policy-version]').textContent()).toBe(policy.version);
    expect(await page.locator('[data-categories] tr[data-category]').count()).toBe(
      policy.categories.filter((c: { storage: { stored: boolean } }) => c.storage.stored).length,
    );
    const reconciliations = (await call('/v1/ops/reconciliations', operatorKey)).body;
    expect(await page.locator('[data-reconciliations] [data-reconciliation]').count()).toBe(
      reconciliations.reconciliations.length,
    );

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'ops-desktop.png'), fullPage: true });
    await atPhoneWidth(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'ops-phone.png'), fullPage: true });

    // Error state: a tenant key is not the operator key.
    await page.fill('input[name="operatorKey"]', apiKey);
    await page.locator('form#load').evaluate((form: HTMLFormElement) => form.requestSubmit());
    await expect.poll(() => page.locator('[data-error]').textContent()).not.toBe('');
    expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
    await page.close();
  }, 300_000);
});
