import type { Auth0Log } from './auth0.ts';
import type { AdminAccount } from './config.ts';
import { captureRecord, emptyMapping, type SourceMapping } from './mapping.ts';
import { hasNoControlCharacters, usableIp } from './vendor-shapes.ts';

// Auth0 Management API operations (sapi, fapi, mgmt_api_read) → admin.action. They are the
// tenant administrators' (or their machine clients') control-plane calls, so the admin action log
// (security audits) is their category, not the API invocation log of end users' API calls.
//
// Field by field: clientIp ← data.ip (Auth0: "the IP of the admin"); appId ← data.client_id (the
// application that called); apiVersion ← the version in details.request.path (/api/v2/…);
// subAccountUin ← details.request.auth.user.user_id (the administrator, when a person);
// requestSource ← the dashboard or the API, from details.request.channel; requestId ← log_id;
// uin and region ← the tenant's configured account (Auth0 sends neither). The request's query,
// body and response, the description and the administrator's name and e-mail are not collected.

function field(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>(
    (at, key) =>
      typeof at === 'object' && at !== null && !Array.isArray(at)
        ? (at as Record<string, unknown>)[key]
        : undefined,
    value,
  );
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= max && hasNoControlCharacters(value)
    ? value
    : undefined;

/** The records of one Management API log (already validated), at `index` of the payload. */
export function mapAuth0Admin(
  log: Auth0Log,
  id: string,
  occurredAt: Date,
  index: number,
  account: AdminAccount | undefined,
): SourceMapping {
  const mapping = emptyMapping();
  const details = log.data.details;
  const path = field(details, 'request', 'path');
  const apiVersion = typeof path === 'string' ? /^\/api\/(v\d+)(?:\/|$)/.exec(path)?.[1] : undefined;
  const clientIp = usableIp(log.data.ip);
  const appId = text(log.data.client_id, 128);
  const missing = [
    !account && 'the tenant has no admin account configured (uin, region)',
    !apiVersion && 'details.request.path names no API version (/api/v2/…)',
    !clientIp && 'data.ip is not an IP address',
    !appId && 'data.client_id is missing',
  ].filter((reason): reason is string => typeof reason === 'string');
  if (!account || !apiVersion || !clientIp || !appId) {
    mapping.ignored.push({ index, reason: `no admin.action record: ${missing.join('; ')}` });
    return mapping;
  }
  const channel = field(details, 'request', 'channel');
  const fromDashboard = typeof channel === 'string' && /^https:\/\/manage\.auth0\.com(\/|$)/.test(channel);
  mapping.records.push(
    captureRecord('admin.action', id, occurredAt, {
      region: account.region,
      apiVersion,
      appId,
      uin: account.uin,
      subAccountUin: text(field(details, 'request', 'auth', 'user', 'user_id'), 64),
      clientIp,
      requestSource: fromDashboard ? 'auth0-dashboard' : 'auth0-management-api',
      requestId: log.log_id,
    }),
  );
  return mapping;
}
