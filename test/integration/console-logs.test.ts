import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
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
import { DAY_MS, logHistory } from '#test/log-history';

const artifacts = resolve(import.meta.dirname, '../../test/artifacts');
const OPERATOR_KEY = 'local-operator-key';
const end = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
/** What a datetime-local field holds for an instant (UTC, whole seconds), and what the page sends for it. */
const field = (date: Date) => date.toISOString().slice(0, 19);
const sent = (date: Date) => `${field(date)}Z`;
const window = { from: new Date(end.getTime() - 12 * DAY_MS), to: new Date(end.getTime() + 2000) };

type LogPage = {
  items: Array<{ id: string; type: string; occurredAt: string; deadline?: string }>;
  cursor?: string;
};

// The console's Logs view in Debian's Chromium against `npm start`: the rows are the API's page for
// the filters chosen, paging follows the cursor, an export ends in a download link, and the empty,
// error and wrong-module states are shown accessibly; all of it by keyboard too.
describe('the console Logs view in a browser', () => {
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  let browser: Browser;
  let tenant: { id: string; apiKey: string };

  const call = (path: string, key: string, init?: { method?: string; body?: unknown }) =>
    callApi(cloud.base, path, key, init);
  const createTenant = async (modules: string[]) => {
    const created = await call('/v1/tenants', OPERATOR_KEY, {
      method: 'POST',
      body: {
        name: 'Logs',
        modules,
        maxUsers: 100,
        region: 'DE',
        ...(modules.includes('container-security') ? { hostingServices: ['cvm'] } : {}),
        openedAt: new Date(Date.now() - 400 * DAY_MS).toISOString(),
      },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; apiKey: string };
  };
  const openLogs = async (page: Page, key: string) => {
    await page.goto(`${cloud.base}/console`);
    await page.fill('input[name="apiKey"]', key);
    await page.click('nav button[data-view="logs"]');
    await page.waitForSelector('[data-logs-view]:not([data-state="loading"])');
  };
  const query = async (page: Page, log: string, from: Date, to: Date, filters: Record<string, string>) => {
    await page.selectOption('select[name="log"]', log);
    await page.fill('input[name="from"]', field(from));
    await page.fill('input[name="to"]', field(to));
    await page.selectOption('select[name="limit"]', '10');
    for (const [name, value] of Object.entries(filters)) await page.fill(`[data-filter="${name}"]`, value);
    await page.click('form#logs-query button[type="submit"]');
    await page.waitForSelector('[data-logs-view]:not([data-state="loading"])');
  };
  const rows = (page: Page) =>
    page.locator('[data-logs-table] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-item'),
        type: tr.querySelector('[data-field="type"]')?.textContent,
        occurredAt: tr.querySelector('[data-field="occurredAt"] time')?.getAttribute('datetime'),
        deadline: tr.querySelector('[data-field="deadline"] time')?.getAttribute('datetime') ?? undefined,
        readable: tr.querySelector('[data-field="occurredAt"] time')?.textContent,
      })),
    );
  const apiPage = (log: string, params: Record<string, string>) =>
    call(`/v1/logs/${log}?${new URLSearchParams({ limit: '10', ...params })}`, tenant.apiKey);
  const asRows = (page: LogPage) =>
    page.items.map((i) => ({ id: i.id, type: i.type, occurredAt: i.occurredAt, deadline: i.deadline }));

  beforeAll(async () => {
    cloud = await startLocalCloud();
    tenant = await createTenant(['ciam', 'container-security']);
    const history = logHistory(['t'], 240, 10, end, 16);
    const events = history.map((r) => ({ id: r.id, type: r.type, occurredAt: r.occurredAt, ...r.fields }));
    for (let i = 0; i < events.length; i += 100)
      expect(
        (
          await call('/v1/events', tenant.apiKey, {
            method: 'POST',
            body: { events: events.slice(i, i + 100) },
          })
        ).status,
      ).toBe(202);
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  }, READY_WITHIN_MS + 60_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.kill();
  });

  it("shows the API's page for the chosen filters with readable times and deadlines, pages by cursor, and exports", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    await openLogs(page, tenant.apiKey);
    const offered = await page
      .locator('select[name="log"] option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(
      (await call('/v1/logs', tenant.apiKey)).body.logs.map((l: { log: string }) => l.log),
    );
    expect(offered).toContain('security');

    const params = { from: sent(window.from), to: sent(window.to), userId: 'u-1' };
    await query(page, 'user-operations', window.from, window.to, { userId: 'u-1' });
    const first = (await apiPage('user-operations', params)).body as LogPage;
    expect(first.items.length).toBe(10);
    expect(first.cursor).toBeDefined();
    expect(await page.getAttribute('[data-logs-view]', 'data-state')).toBe('ready');
    expect((await rows(page)).map(({ readable: _, ...r }) => r)).toEqual(asRows(first));
    // The user operation log has no deadline before termination: the page says so instead of a date.
    expect(first.items.some((i) => i.deadline)).toBe(false);
    expect(await page.locator('[data-logs-table] [data-field="deadline"]').first().textContent()).toBe(
      'none until termination',
    );
    // Times are written for people ("Tue, 1 Dec 2026, 14:05:09"), the ISO value stays in datetime.
    for (const row of await rows(page))
      expect(row.readable).toMatch(/^\w{3}, \d{1,2} \w{3,4} \d{4}, \d\d:\d\d:\d\d$/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Next page: the API's page after the cursor, with the same filters.
    await page.click('[data-logs-next]');
    await page.waitForSelector('[data-logs-view][data-page="2"]:not([data-state="loading"])');
    const second = (await apiPage('user-operations', { userId: 'u-1', cursor: first.cursor as string }))
      .body as LogPage;
    expect(second.items.length).toBeGreaterThan(0);
    expect((await rows(page)).map(({ readable: _, ...r }) => r)).toEqual(asRows(second));

    // Export of the query: polled until done, then a link to the file, which holds every record.
    let total = 0;
    for (let cursor: string | undefined, n = 0; n === 0 || cursor; n++) {
      const body = (await apiPage('user-operations', cursor ? { userId: 'u-1', cursor } : params))
        .body as LogPage;
      total += body.items.length;
      cursor = body.cursor;
    }
    await page.click('form#logs-export button[type="submit"]');
    await page.waitForSelector('[data-export-status][data-status="completed"]', { timeout: 60_000 });
    expect(await page.getAttribute('[data-export-status]', 'data-records')).toBe(String(total));
    const href = (await page.getAttribute('a[data-export-link]', 'href')) as string;
    const file = await fetch(href);
    expect(file.status).toBe(200);
    const lines = (await file.text()).trim().split('\n');
    expect(lines).toHaveLength(total + 1); // the CSV header and one line per record
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'console-logs-desktop.png'), fullPage: true });

    // A log whose records have deadlines: each row shows the API's deadline, readable.
    await query(page, 'admin-actions', window.from, window.to, {});
    const admin = (await apiPage('admin-actions', { from: sent(window.from), to: sent(window.to) }))
      .body as LogPage;
    expect(admin.items.length).toBeGreaterThan(0);
    expect(admin.items.every((i) => i.deadline)).toBe(true);
    expect((await rows(page)).map(({ readable: _, ...r }) => r)).toEqual(asRows(admin));
    expect(
      await page.locator('[data-logs-table] [data-field="deadline"] time').first().textContent(),
    ).toMatch(/^\w{3}, \d{1,2} \w{3,4} \d{4}, \d\d:\d\d:\d\d$/);

    await atPhoneWidth(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('says so when a window holds nothing, and shows a refused filter, an unreachable API and a bad key as errors', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems = collectProblems(page);
    await openLogs(page, tenant.apiKey);
    const long = new Date(end.getTime() - 60 * DAY_MS);
    await query(page, 'admin-actions', long, new Date(long.getTime() + DAY_MS), {});
    expect(await page.getAttribute('[data-logs-view]', 'data-state')).toBe('empty');
    expect(await page.locator('[data-logs-empty]').isVisible()).toBe(true);
    expect(await page.locator('[data-logs-table]').isHidden()).toBe(true);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A value the API refuses (400 problem+json): the page names the field, as the API does.
    await query(page, 'user-operations', window.from, window.to, { country: 'de' });
    expect(await page.getAttribute('[data-logs-view]', 'data-state')).toBe('error');
    expect(await page.locator('[data-logs-error]').textContent()).toMatch(/country/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The API cannot be reached.
    await page.fill('[data-filter="country"]', '');
    await page.route('**/v1/logs/**', (route) => route.abort());
    await page.click('form#logs-query button[type="submit"]');
    await expect.poll(() => page.locator('[data-logs-error]').textContent()).toMatch(/could not be reached/);
    await page.unroute('**/v1/logs/**');

    // A key that is not valid.
    await openLogs(page, 'cdl_not-a-key');
    expect(await page.getAttribute('[data-logs-view]', 'data-state')).toBe('error');
    expect(await page.locator('[data-logs-error]').textContent()).not.toBe('');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems.filter((p) => !/status of 40\d|ERR_FAILED/.test(p))).toEqual([]);
    await page.close();
  }, 60_000);

  it("offers only the logs of the tenant's modules, and shows the API's refusal of a terminated module", async () => {
    const ciamOnly = await createTenant(['ciam']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openLogs(page, ciamOnly.apiKey);
    const offered = await page
      .locator('select[name="log"] option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['admin-actions', 'user-operations', 'api-invocations']);

    const leaving = await createTenant(['ciam', 'container-security']);
    await openLogs(page, leaving.apiKey);
    await page.selectOption('select[name="log"]', 'security');
    const ended = await call(`/v1/tenants/${leaving.id}/termination`, OPERATOR_KEY, {
      method: 'POST',
      body: { modules: ['container-security'] },
    });
    expect(ended.status).toBe(202);
    await page.click('form#logs-query button[type="submit"]');
    await page.waitForSelector('[data-logs-view][data-state="error"]');
    const refusal = await call(
      `/v1/logs/security?from=${sent(window.from)}&to=${sent(window.to)}`,
      leaving.apiKey,
    );
    expect(refusal.status).toBe(410);
    expect(await page.locator('[data-logs-error]').textContent()).toBe(refusal.body.detail);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('is usable by keyboard alone: every control is reached by Tab and works with Enter', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${cloud.base}/console`);
    await page.focus('input[name="apiKey"]');
    await page.keyboard.type(tenant.apiKey);
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        return e
          ? `${e.tagName.toLowerCase()}${e.getAttribute('name') ? `[name=${e.getAttribute('name')}]` : ''}${e.dataset.view ? `[view=${e.dataset.view}]` : ''}${e.hasAttribute('data-logs-next') ? '[next]' : ''}${e.closest('form')?.id ? ` in ${e.closest('form')?.id}` : ''}`
          : '';
      });
    const tabTo = async (target: string, seen: Set<string>) => {
      for (let i = 0; i < 40; i++) {
        const now = await focused();
        seen.add(now);
        if (now === target) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`${target} not reached by Tab; reached ${[...seen].join(', ')}`);
    };
    const seen = new Set<string>();
    await tabTo('button[view=logs]', seen);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-logs-view][data-state="idle"]');
    // The log picker moves on with the arrow keys: user operations, the log with most records.
    await tabTo('select[name=log] in logs-query', seen);
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('select[name="log"]')).toBe('user-operations');
    await tabTo('button in logs-query', seen);
    for (const control of [
      'select[name=log]',
      'input[name=from]',
      'input[name=to]',
      'select[name=limit]',
      'input[name=filter-userId]',
    ])
      expect([...seen]).toContain(`${control} in logs-query`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-logs-view][data-state="ready"][data-page="1"]');
    await tabTo('button[next]', seen);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-logs-view][data-page="2"]:not([data-state="loading"])');
    await tabTo('button in logs-export', seen);
    expect([...seen]).toContain('select[name=format] in logs-export');
    await page.close();
  }, 60_000);
});
