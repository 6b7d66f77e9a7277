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
import { validRecord } from '#test/records';

const OPERATOR_KEY = 'local-operator-key';

// The operator console on a platform that starts empty: no tenants at all reads clearly, then a
// tenant's erasures appear in flight or completed, with counts and receipts as the API says.
describe('operator console: the empty platform, and erasures with their receipts', () => {
  let cloud: Awaited<ReturnType<typeof startLocalCloud>>;
  let browser: Browser;

  const call = (path: string, key: string, init?: { method?: string; body?: unknown }) =>
    callApi(cloud.base, path, key, init);
  const openOps = async (page: Page) => {
    await page.goto(`${cloud.base}/ops`);
    await page.fill('input[name="operatorKey"]', OPERATOR_KEY);
    await page.locator('form#load').evaluate((form: HTMLFormElement) => form.requestSubmit());
    await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
  };

  beforeAll(async () => {
    cloud = await startLocalCloud();
    browser = await launchChromium();
  }, READY_WITHIN_MS + 30_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.kill();
  });

  it('reads clearly with no tenants at all, on a desktop and a phone', async () => {
    expect((await call('/v1/tenants', OPERATOR_KEY)).body.tenants).toEqual([]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    await openOps(page);
    expect(await page.locator('[data-tenants] tr[data-tenant]').count()).toBe(0);
    expect(await page.locator('[data-tenants] tbody').textContent()).toContain('No tenants yet.');
    expect(await page.locator('[data-error]').textContent()).toBe('');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await atPhoneWidth(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a tenant's completed erasure with the API's counts, and its receipt in a disclosure opened by keyboard", async () => {
    const created = await call('/v1/tenants', OPERATOR_KEY, {
      method: 'POST',
      body: {
        name: 'Erasing',
        modules: ['ciam'],
        maxUsers: 10,
        region: 'DE',
        openedAt: '2024-01-01T00:00:00Z',
      },
    });
    expect(created.status).toBe(201);
    const tenant = created.body as { id: string; apiKey: string };
    const events = [
      validRecord('user.login', { userId: 'leaving' }),
      validRecord('user.login', { userId: 'leaving' }),
      validRecord('user.registered', { userId: 'leaving' }),
      validRecord('user.login', { userId: 'staying' }),
    ];
    expect((await call('/v1/events', tenant.apiKey, { method: 'POST', body: { events } })).status).toBe(202);
    const asked = await call('/v1/users/leaving/erasure', tenant.apiKey, { method: 'POST' });
    expect(asked.status).toBe(202);
    // eraseUser, the erasure queue's consumer in `npm start`, carries it out.
    await expect
      .poll(
        async () =>
          (await call(`/v1/tenants/${tenant.id}/erasures`, OPERATOR_KEY)).body.erasures.map(
            (e: { status: string }) => e.status,
          ),
        { timeout: 60_000, interval: 1_000 },
      )
      .toEqual(['completed']);
    const [erasure] = (await call(`/v1/tenants/${tenant.id}/erasures`, OPERATOR_KEY)).body.erasures;
    expect(erasure.erasureId).toBe(asked.body.erasureId);
    expect(erasure.erased).toEqual({ 'user-operation-log': 3 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    await openOps(page);
    await page.click(`tr[data-tenant="${tenant.id}"] button`);
    await page.waitForSelector(`[data-detail][data-detail-loaded="${tenant.id}"]`);
    const shown = page.locator(`[data-erasures="completed"] li[data-erasure="${erasure.erasureId}"]`);
    expect(await shown.getAttribute('data-status')).toBe('completed');
    expect(await page.locator('[data-erasures="running"]').count()).toBe(0);
    const counts = (kind: string) =>
      page
        .locator(`[data-erasure="${erasure.erasureId}"] [data-${kind}]`)
        .evaluateAll(
          (bs, k) => Object.fromEntries(bs.map((b) => [b.getAttribute(`data-${k}`), Number(b.textContent)])),
          kind,
        );
    expect(await counts('erased')).toEqual(erasure.erased);
    expect(await counts('held')).toEqual(erasure.held);

    // The receipt opens from the keyboard and says what the stored receipt says.
    const summary = shown.locator('[data-erasure-receipt] summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await shown.locator('[data-erasure-receipt]').getAttribute('open')).not.toBeNull();
    expect(await counts('receipt-erased')).toEqual(erasure.receipt.erasedRecords);
    expect(JSON.parse((await shown.locator('[data-erasure-receipt] pre').textContent()) ?? '')).toEqual(
      erasure.receipt,
    );
    expect(await page.locator('[data-detail]').textContent()).not.toContain('leaving');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await atPhoneWidth(page);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The termination status answers 404 for a tenant that never asked for one (the page says so).
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await page.close();
  }, 120_000);
});
