import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { badRequest, notFound, type ProblemIssue, unprocessable } from '#http/problem';
import { isAvailable, type ModuleId, POLICY } from '#policy/index';
import { generateApiKey } from '#shared/auth/api-keys';
import { parseTimestamp } from '#shared/timestamp';
import { type Tenant, TenantNotFoundError, type TenantStore } from '#store/tenants';

const moduleIds = Object.keys(POLICY.modules) as [ModuleId, ...ModuleId[]];

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
    ),
  ),
});

/** A tenant as the API shows it: never a key or a key hash. */
export type TenantView = Omit<Tenant, never>;

/** Creates a tenant and its first API key; the key is returned here and never again. */
export async function createTenant(body: unknown, tenants: TenantStore, now: Date) {
  const parsed = v.safeParse(NewTenant, body);
  if (!parsed.success) {
    const issues: ProblemIssue[] = parsed.issues.map((issue) => ({
      pointer: `/${(issue.path ?? []).map((p) => String(p.key)).join('/')}`.replace(/\/$/, ''),
      detail: issue.message,
    }));
    throw badRequest('The tenant is invalid; nothing was created.', { issues });
  }
  const input = parsed.output;
  const unavailable = input.modules.filter((m) => !isAvailable(m, input.region));
  if (unavailable.length > 0) {
    throw unprocessable(`The ${unavailable.join(', ')} module is not available in region ${input.region}.`, {
      issues: [
        { pointer: '/modules', detail: `not available in ${input.region}: ${unavailable.join(', ')}` },
      ],
    });
  }
  const tenant: Tenant = {
    id: randomUUID(),
    name: input.name,
    modules: input.modules,
    maxUsers: input.maxUsers,
    region: input.region,
    openedAt: (input.openedAt ? (parseTimestamp(input.openedAt) as Date) : now).toISOString(),
    createdAt: now.toISOString(),
    status: 'active',
    terminations: {},
  };
  const { apiKey, keyId, keyHash } = generateApiKey();
  await tenants.create(tenant, { keyId, keyHash, createdAt: tenant.createdAt });
  return { ...tenant, apiKey, keyId };
}

/** Reads a tenant (404 if there is none). */
export async function readTenant(id: string, tenants: TenantStore): Promise<Tenant> {
  const tenant = await tenants.get(id);
  if (!tenant) throw notFound(`There is no tenant ${id}.`);
  return tenant;
}

/** Issues an additional API key; older keys stay valid until revoked. */
export async function rotateKey(tenantId: string, tenants: TenantStore, now: Date) {
  const { apiKey, keyId, keyHash } = generateApiKey();
  try {
    await tenants.addKey(tenantId, { keyId, keyHash, createdAt: now.toISOString() });
  } catch (error) {
    if (error instanceof TenantNotFoundError)
      throw notFound(`There is no active tenant ${tenantId}.`, undefined, { cause: error });
    throw error;
  }
  return { tenantId, keyId, apiKey, createdAt: now.toISOString() };
}

/** Revokes one API key of a tenant. */
export async function revokeKey(tenantId: string, keyId: string, tenants: TenantStore): Promise<void> {
  if (!(await tenants.revokeKey(tenantId, keyId))) throw notFound(`Tenant ${tenantId} has no key ${keyId}.`);
}
