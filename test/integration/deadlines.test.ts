import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, POLICY, readable, storedDeadline, sweepCutoff } from '#policy/index';
import type { SweepRun } from '#store/sweeps';
import { type Api, capture, createTenant, loadHttpFunctions, OPERATOR_KEY } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { aggregationDeps } from '#test/stores';
import { recordsListing, runSweep, storeHistory, sweepStores } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';

const MINUTE = 60_000;
const margin = POLICY.enforcement.clockSkewMarginMinutes * MINUTE;
// Simulated times lie far in the real future, so DynamoDB Local's own TTL never acts in these tests.
const BASE = Date.now() + 2000 * DAY_MS;
const TYPES = ['admin.action', 'security.product_config', 'security.version', 'user.deleted', 'app.deleted'];

describe('deadlines against the local cloud', () => {
  let cloud: IsolatedCloud;
  let api: Api;

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('for random records and sweep clocks: nothing deleted before its deadline, nothing due left, nothing due readable', async () => {
    let sweepAt = BASE;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ type: fc.constantFrom(...TYPES), age: fc.integer({ min: 0, max: 400 * DAY_MS }) }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: -margin, max: margin }),
        fc.integer({ min: 0, max: 400 * DAY_MS }),
        async (records, skew, readAfter) => {
          // Each run lies later than the last, so earlier runs' records are simply more overdue.
          sweepAt += 500 * DAY_MS;
          const trueNow = new Date(sweepAt);
          const tenantId = `t-${sweepAt}`;
          await storeHistory(
            cloud,
            tenantId,
            records.map(({ type, age }) => ({ type, occurredAt: new Date(sweepAt - age) })),
          );
          const before = (await recordsListing(cloud)).filter((i) =>
            String(i.pk).startsWith(`T#${tenantId}#`),
          );
          const run = (await runSweep(sweepStores(cloud), new Date(sweepAt + skew))) as SweepRun;
          expect(run.status).toBe('completed');
          const after = (await recordsListing(cloud)).filter((i) =>
            String(i.pk).startsWith(`T#${tenantId}#`),
          );
          const kept = new Set(after.map((i) => `${i.pk}|${i.sk}`));
          for (const item of before) {
            const deadline = storedDeadline(item);
            if (!kept.has(`${item.pk}|${item.sk}`)) {
              // Deleted: it was due by the true clock (never early, whatever the sweep's skew).
              expect(deadline?.getTime()).toBeLessThanOrEqual(trueNow.getTime());
            } else if (deadline) {
              // Kept: not due at the sweep's cutoff, so it is late by at most the margin and a cadence.
              expect(deadline.getTime()).toBeGreaterThan(sweepCutoff(new Date(sweepAt + skew)).getTime());
            }
          }
          // Whatever is still stored is never served once its deadline has passed.
          const readAt = new Date(sweepAt + readAfter);
          for (const item of readable(after, readAt)) {
            const deadline = storedDeadline(item);
            if (deadline) expect(deadline.getTime()).toBeGreaterThan(readAt.getTime());
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('no longer serves a tenant’s statistics once its CIAM module is terminated, though it keeps other modules', async () => {
    const tenant = await createTenant(api, { openedAt: new Date(Date.now() - 3 * DAY_MS).toISOString() });
    const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
    expect(
      (
        await capture(
          api,
          tenant.apiKey,
          validRecord('user.registered', { occurredAt: `${yesterday}T12:00:00Z` }),
        )
      ).status,
    ).toBe(202);
    const computed = await aggregateTenantDay(tenant.id, yesterday, aggregationDeps(cloud));
    expect(computed.status).toBe('computed');
    const read = () =>
      api.statsApi({
        method: 'GET',
        route: '/v1/stats',
        query: { date: yesterday },
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      });
    expect((await read()).status).toBe(200);
    const requested = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenant.id },
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      body: { modules: ['ciam'] },
    });
    expect(requested.status).toBe(202);
    // Statistics are kept until termination: from its first moment they are past their deadline,
    // even before terminateAccount has deleted them.
    const response = await read();
    expect(response.status).toBe(410);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });
});
