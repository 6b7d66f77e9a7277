import type { Parsed } from '#shared/sources/config';
import { type AdminAccount, parseAdminAccount } from '#shared/sources/index';

/** The admin account of each tenant whose Keycloak or Auth0 sends admin events, by tenant id. */
export type AdminAccounts = ReadonlyMap<string, AdminAccount>;

/**
 * Parses `{"<tenant id>": {uin, region, apiVersion?}, ...}` (the SOURCE_ADMIN_ACCOUNTS setting of a
 * stage): the account facts an admin-action record needs that Keycloak and Auth0 do not send.
 */
export function parseAdminAccounts(input: unknown): Parsed<AdminAccounts> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, problems: [{ pointer: '', detail: 'must be an object keyed by tenant id' }] };
  const accounts = new Map<string, AdminAccount>();
  const problems: Array<{ pointer: string; detail: string }> = [];
  for (const [tenantId, value] of Object.entries(input)) {
    const parsed = parseAdminAccount(value);
    if (parsed.ok) accounts.set(tenantId, parsed.value);
    else problems.push(...parsed.problems.map((p) => ({ ...p, pointer: `/${tenantId}${p.pointer}` })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: accounts };
}
