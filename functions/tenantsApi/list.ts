import { InvalidInput } from '#shared/errors';
import type { Tenant, TenantStore } from '#store/ports';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
/** Tenant ids are UUIDs: a search is a prefix of one (case-insensitive). */
const ID_PREFIX = /^[0-9a-f-]{1,36}$/;
/** A cursor is the last id of the previous page, base64url-encoded: at most a UUID's 36 characters. */
const CURSOR = /^[A-Za-z0-9_-]{1,48}$/;

export interface TenantListQuery {
  limit: number;
  after?: string;
  idPrefix?: string;
}

const refuse = (name: string, detail: string, message: string) =>
  new InvalidInput(message, [{ pointer: `?${name}`, detail }]);

/** The query of GET /v1/tenants: limit 1–100 (default 20), an opaque cursor, an id prefix to search. */
export function tenantListQuery(query: Record<string, string | undefined> | undefined): TenantListQuery {
  const raw = query?.limit;
  const limit = raw === undefined ? DEFAULT_PAGE : Number(raw);
  if (!/^\d+$/.test(raw ?? String(DEFAULT_PAGE)) || limit < 1 || limit > MAX_PAGE)
    throw refuse(
      'limit',
      `expected 1–${MAX_PAGE}, got ${JSON.stringify(raw)}`,
      `limit must be a whole number from 1 to ${MAX_PAGE}.`,
    );
  const out: TenantListQuery = { limit };
  if (query?.cursor !== undefined) {
    const after = CURSOR.test(query.cursor) ? Buffer.from(query.cursor, 'base64url').toString('utf8') : '';
    if (!ID_PREFIX.test(after))
      throw refuse(
        'cursor',
        'the nextCursor of an earlier page',
        'cursor must be the nextCursor of an earlier page.',
      );
    out.after = after;
  }
  if (query?.idPrefix !== undefined) {
    const prefix = query.idPrefix.toLowerCase();
    if (!ID_PREFIX.test(prefix))
      throw refuse(
        'idPrefix',
        'the start of a tenant id (hex digits and dashes)',
        'idPrefix must be the start of a tenant id: 1–36 hex digits and dashes.',
      );
    out.idPrefix = prefix;
  }
  return out;
}

/** The largest string below every id that starts with `prefix` (so "ids after it" begin with them). */
function justBefore(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(last - 1)}\u{10ffff}`;
}

/** The plan usage of a tenant's latest computed day (the statistics' `resourceUsage`), if any. */
export interface PlanUsage {
  date: string;
  monthlyActiveUsers: number;
  usageStatus: 'normal' | 'warning' | 'exceeded';
}

/** What the operator's tenant list shows of a tenant: never a key or its hash. */
function listed(tenant: Tenant, usage: PlanUsage | undefined) {
  return {
    id: tenant.id,
    name: tenant.name,
    modules: tenant.modules,
    maxUsers: tenant.maxUsers,
    region: tenant.region,
    openedAt: tenant.openedAt,
    createdAt: tenant.createdAt,
    status: tenant.status,
    terminations: tenant.terminations,
    ...(tenant.hostingServices ? { hostingServices: tenant.hostingServices } : {}),
    ...(usage ? { usage } : {}),
  };
}

/**
 * One page of tenants in id order, optionally those whose id starts with a prefix; `nextCursor`
 * continues after the page's last tenant and is absent on the last page.
 */
export async function listTenants(
  query: TenantListQuery,
  tenants: TenantStore,
  usageOf: (tenant: Tenant) => Promise<PlanUsage | undefined> = async () => undefined,
) {
  const { limit, idPrefix } = query;
  let after = query.after ?? (idPrefix ? justBefore(idPrefix) : undefined);
  if (idPrefix && query.after !== undefined && query.after < idPrefix) after = justBefore(idPrefix);
  // One more than a page tells whether another page follows.
  const ids = await tenants.tenantIdsAfter(after, limit + 1);
  const matching = idPrefix ? ids.filter((id) => id.startsWith(idPrefix)) : ids;
  const page = matching.slice(0, limit);
  const found = await Promise.all(
    page.map(async (id) => {
      const tenant = await tenants.get(id);
      return tenant ? listed(tenant, await usageOf(tenant)) : undefined;
    }),
  );
  const more = matching.length > limit;
  const last = page.at(-1);
  return {
    tenants: found.flatMap((t) => (t ? [t] : [])),
    ...(more && last ? { nextCursor: Buffer.from(last, 'utf8').toString('base64url') } : {}),
  };
}
