import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { isAvailable, type ModuleId, POLICY, requiredHostingServices } from '#policy/index';
import { generateApiKey } from '#shared/auth/api-keys';
import { InvalidInput, NotFound, PolicyRefusal } from '#shared/errors';
import { parseTimestamp } from '#shared/timestamp';
import { issuesOf } from '#shared/validation';
import type { Tenant, TenantStore } from '#store/ports';

const moduleIds = Object.keys(POLICY.modules) as [ModuleId, ...ModuleId[]];
/** Every hosting service any module can require. */
const hostingIds = [...new Set(moduleIds.flatMap((m) => requiredHostingServices(m).map((h) => h.id)))];
/** The largest plan limit accepted: a billion users. */
export const MAX_USERS = 1_000_000_000;
/** The earliest opening accepted: nothing this product keeps is older. */
const EARLIEST_OPENING = '2000-01-01T00:00:00.000Z';

const HostingServices = v.pipe(
  v.array(
    v.picklist(hostingIds, `hostingServices may only contain ${hostingIds.join(', ')}`),
    'hostingServices must be an array',
  ),
  v.check((s) => new Set(s).size === s.length, 'hostingServices must not repeat a service'),
);

const NewTenant = v.strictObject({
  name: v.pipe(
    v.string('name must be a string'),
    v.trim(),
    v.minLength(1, 'name must not be empty'),
    v.maxLength(200, 'name is at most 200 characters'),
  ),
  modules: v.pipe(
    v.array(
      v.picklist(moduleIds, `modules may only contain ${moduleIds.join(', ')}`),
      'modules must be an array',
    ),
    v.minLength(1, 'modules must name at least one module'),
    v.check((m) => new Set(m).size === m.length, 'modules must not repeat a module'),
  ),
  maxUsers: v.pipe(
    v.number('maxUsers must be a number'),
    v.safeInteger('maxUsers must be an integer'),
    v.minValue(1, 'maxUsers must be at least 1'),
    v.maxValue(MAX_USERS, `maxUsers must be at most ${MAX_USERS}`),
  ),
  region: v.pipe(
    v.string('region must be a string'),
    v.regex(/^[A-Z]{2}$/, 'region must be an ISO 3166-1 alpha-2 code such as DE'),
  ),
  openedAt: v.optional(
    v.pipe(
      v.string('openedAt must be a string'),
      // Strict: a date that does not exist (2026-02-30) is refused, not rolled over into March.
      v.check(
        (value) => parseTimestamp(value) !== undefined,
        'openedAt must be an ISO-8601 timestamp with a time zone, of a date that exists',
      ),
      v.check(
        (value) => (parseTimestamp(value)?.toISOString() ?? EARLIEST_OPENING) >= EARLIEST_OPENING,
        `openedAt must not be before ${EARLIEST_OPENING}`,
      ),
    ),
  ),
  hostingServices: v.optional(HostingServices),
});

/** Creates a tenant and its first API key; the key is returned here and never again. */
export async function createTenant(body: unknown, tenants: TenantStore, now: Date) {
  const parsed = v.safeParse(NewTenant, body);
  if (!parsed.success)
    throw new InvalidInput('The tenant is invalid; nothing was created.', issuesOf(parsed.issues));
  const input = parsed.output;
  const unavailable = input.modules.filter((m) => !isAvailable(m, input.region));
  if (unavailable.length > 0) {
    throw new PolicyRefusal(
      `The ${unavailable.join(', ')} module is not available in region ${input.region}.`,
      [{ pointer: '/modules', detail: `not available in ${input.region}: ${unavailable.join(', ')}` }],
    );
  }
  const openedAt = input.openedAt ? (parseTimestamp(input.openedAt) as Date) : now;
  if (openedAt.getTime() > now.getTime())
    throw new InvalidInput('openedAt must not lie in the future.', [
      { pointer: '/openedAt', detail: 'in the future' },
    ]);
  const tenant: Tenant = {
    id: randomUUID(),
    name: input.name,
    modules: input.modules,
    maxUsers: input.maxUsers,
    region: input.region,
    openedAt: openedAt.toISOString(),
    createdAt: now.toISOString(),
    status: 'active',
    terminations: {},
    hostingServices: input.hostingServices ?? [],
  };
  const { apiKey, keyId, keyHash } = generateApiKey();
  await tenants.create(tenant, { keyId, keyHash, createdAt: tenant.createdAt });
  return { ...tenant, apiKey, keyId };
}

/** Reads a tenant (NotFound if there is none). */
export async function readTenant(id: string, tenants: TenantStore): Promise<Tenant> {
  const tenant = await tenants.get(id);
  if (!tenant) throw new NotFound(`There is no tenant ${id}.`);
  return tenant;
}

/** Issues an additional API key; older keys stay valid until revoked. */
export async function rotateKey(tenantId: string, tenants: TenantStore, now: Date) {
  const { apiKey, keyId, keyHash } = generateApiKey();
  if (!(await tenants.addKey(tenantId, { keyId, keyHash, createdAt: now.toISOString() })))
    throw new NotFound(`There is no active tenant ${tenantId}.`);
  return { tenantId, keyId, apiKey, createdAt: now.toISOString() };
}

/** Revokes one API key of a tenant. */
export async function revokeKey(tenantId: string, keyId: string, tenants: TenantStore): Promise<void> {
  if (!(await tenants.revokeKey(tenantId, keyId)))
    throw new NotFound(`Tenant ${tenantId} has no key ${keyId}.`);
}

/** Validates a hosting service named in a path. */
export function hostingServiceOf(raw: string | undefined): string {
  if (!raw || !hostingIds.includes(raw))
    throw new NotFound(`There is no hosting service ${raw}; known: ${hostingIds.join(', ')}.`);
  return raw;
}
