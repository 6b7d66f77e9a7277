import { describe, expect, it } from 'vitest';
import { InvalidInput } from '#shared/errors';
import type { Tenant, TenantStore } from '#store/ports';
import { listTenants, tenantListQuery } from '../../../functions/tenantsApi/list.ts';

/** The two reads the list makes, over ids kept in order as the registry keeps them. */
function storeOf(ids: string[]): TenantStore {
  const sorted = [...ids].sort();
  const tenant = (id: string): Tenant => ({
    id,
    name: `t-${id.slice(0, 4)}`,
    modules: ['ciam'],
    maxUsers: 10,
    region: 'DE',
    openedAt: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'active',
    terminations: {},
  });
  return {
    get: async (id: string) => (sorted.includes(id) ? tenant(id) : undefined),
    tenantIdsAfter: async (after: string | undefined, limit: number) =>
      sorted.filter((id) => after === undefined || id > after).slice(0, limit),
  } as unknown as TenantStore;
}

const ids = [
  '0a1b2c3d-0000-4000-8000-000000000001',
  '0a1b2c3d-0000-4000-8000-000000000002',
  '0a1c0000-0000-4000-8000-000000000003',
  '5f000000-0000-4000-8000-000000000004',
  'ffffffff-0000-4000-8000-000000000005',
];

describe('GET /v1/tenants', () => {
  it('walks every tenant once, in id order, page by page', async () => {
    const store = storeOf(ids);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTenants(tenantListQuery({ limit: '2', ...(cursor ? { cursor } : {}) }), store);
      seen.push(...page.tenants.map((t) => t.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('finds the tenants whose id starts with a prefix, and pages through them', async () => {
    const store = storeOf(ids);
    const first = await listTenants(tenantListQuery({ idPrefix: '0A1B', limit: '1' }), store);
    expect(first.tenants.map((t) => t.id)).toEqual([ids[0]]);
    const second = await listTenants(
      tenantListQuery({ idPrefix: '0a1b', limit: '1', cursor: first.nextCursor }),
      store,
    );
    expect(second.tenants.map((t) => t.id)).toEqual([ids[1]]);
    expect(second.nextCursor).toBeUndefined();
    expect((await listTenants(tenantListQuery({ idPrefix: ids[3] as string }), store)).tenants).toHaveLength(
      1,
    );
    expect((await listTenants(tenantListQuery({ idPrefix: '0' }), store)).tenants).toHaveLength(3);
    expect((await listTenants(tenantListQuery({ idPrefix: 'e' }), store)).tenants).toEqual([]);
  });

  it('shows no key, and refuses a bad limit, cursor or prefix naming the parameter', async () => {
    const page = await listTenants(tenantListQuery({}), storeOf(ids));
    expect(Object.keys(page.tenants[0] ?? {})).not.toContain('keys');
    expect(JSON.stringify(page)).not.toMatch(/keyHash|apiKey/);
    for (const [query, pointer] of [
      [{ limit: '0' }, '?limit'],
      [{ limit: '101' }, '?limit'],
      [{ cursor: '!' }, '?cursor'],
      [{ cursor: Buffer.from('x#y').toString('base64url') }, '?cursor'],
      [{ idPrefix: 'xyz' }, '?idPrefix'],
      [{ idPrefix: '' }, '?idPrefix'],
    ] as const) {
      const error = (() => {
        try {
          tenantListQuery(query);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidInput);
      expect(JSON.stringify(error)).toContain(pointer);
    }
  });
});
