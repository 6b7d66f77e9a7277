import type { Logger } from '@aws-lambda-powertools/logger';
import { authenticateTenant } from '#http/auth';
import { readJsonBody } from '#http/body';
import { type HttpEvent, httpRoutes } from '#http/handler';
import { json, unauthorized } from '#http/problem';
import { holdsLoneSurrogate, readTextBody } from '#http/text-body';
import { POLICY_VERSION } from '#policy/index';
import { hashApiKey } from '#shared/auth/api-keys';
import { InvalidInput, ModuleTerminated } from '#shared/errors';
import { parseAuth0Body } from '#shared/sources/auth0-body';
import { type CountryLookup, mapAuth0LogStream, mapKeycloakEvents } from '#shared/sources/index';
import type { Tenant, TenantStore } from '#store/ports';
import type { CaptureDeps } from '../captureEvents/capture.ts';
import { captureFromSource, type SourceCaptureResult } from '../captureEvents/sources.ts';
import type { AdminAccounts } from './admin-accounts.ts';

export interface SourcesDeps extends CaptureDeps {
  tenants: TenantStore;
  countries: () => CountryLookup;
  adminAccounts: AdminAccounts;
}

/** The largest Auth0 log-stream body accepted: a batch of logs of a few KB each. */
export const MAX_AUTH0_BODY_BYTES = 1024 * 1024;
/** Auth0's "Content Type" setting of a custom webhook stream, for each of its content formats. */
export const AUTH0_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl'];
const MAY_ESCAPE_SURROGATE = /\\u[dD][89a-fA-F]/;

/**
 * The Auth0 stream's tenant: its "Authorization Token" is sent verbatim as the Authorization
 * header, so both `Bearer <key>` and the bare key are the tenant's API key.
 */
async function auth0Tenant(event: HttpEvent, tenants: TenantStore): Promise<Tenant> {
  const header = (event.headers?.authorization ?? '').trim();
  if (header.includes(','))
    throw unauthorized('Send exactly one Authorization header; this request carries more than one.');
  const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? (/^\S+$/.test(header) ? header : undefined);
  if (!key) throw unauthorized("A tenant API key is required as the stream's Authorization Token.");
  const tenant = await tenants.findByKeyHash(hashApiKey(key));
  if (!tenant) throw unauthorized('The API key is not valid.');
  return tenant;
}

function accepted(result: SourceCaptureResult) {
  return json(202, { policyVersion: POLICY_VERSION, results: result.results, ignored: result.ignored });
}

/** POST /v1/sources/keycloak/events and POST /v1/sources/auth0/logs (tenant key). */
export function sourcesHttpHandler(deps: SourcesDeps, logger: Logger) {
  const logOutcome = (source: string, tenantId: string, result: SourceCaptureResult) =>
    logger.info('source captured', {
      source,
      tenantId,
      stored: result.results.filter((r) => r.outcome === 'stored').length,
      duplicates: result.results.filter((r) => r.outcome === 'duplicate').length,
      ignored: result.ignored.length,
    });
  const discarded = (tenant: Tenant, why: string) => {
    logger.info('source dropped for a terminated tenant', { source: 'auth0', tenantId: tenant.id });
    return json(200, {
      policyVersion: POLICY_VERSION,
      discarded: true,
      detail: `Tenant ${tenant.id} ${why}; no log was stored and none will be. Delete the log stream.`,
    });
  };
  return httpRoutes(logger, [
    {
      method: 'POST',
      path: '/v1/sources/keycloak/events',
      handler: async (event) => {
        // 410 for a terminated tenant: the HTTP status for "gone for good; do not send again".
        const tenant = await authenticateTenant(event, deps.tenants);
        const body = readJsonBody(event);
        const mapping = mapKeycloakEvents(body, {
          countries: deps.countries(),
          adminAccount: deps.adminAccounts.get(tenant.id),
        });
        const result = await captureFromSource({ tenant, mapping }, deps);
        logOutcome('keycloak', tenant.id, result);
        return accepted(result);
      },
    },
    {
      method: 'POST',
      path: '/v1/sources/auth0/logs',
      handler: async (event) => {
        const tenant = await auth0Tenant(event, deps.tenants);
        const text = readTextBody(event, { maxBytes: MAX_AUTH0_BODY_BYTES, mediaTypes: AUTH0_MEDIA_TYPES });
        if (MAY_ESCAPE_SURROGATE.test(text) && holdsLoneSurrogate(parseAuth0Body(text).logs)) {
          throw new InvalidInput(
            'The body holds a lone UTF-16 surrogate (such as \\ud800), which is not a character.',
            [{ pointer: '', detail: 'lone surrogate' }],
          );
        }
        // Auth0 retries every answer but a 2xx, for as long as the stream runs: a terminated
        // tenant's logs are acknowledged and dropped, nothing stored, so the stream stops resending.
        if (tenant.status !== 'active') return discarded(tenant, `is ${tenant.status}`);
        const mapping = mapAuth0LogStream(text, {
          countries: deps.countries(),
          adminAccount: deps.adminAccounts.get(tenant.id),
        });
        try {
          const result = await captureFromSource({ tenant, mapping }, deps);
          logOutcome('auth0', tenant.id, result);
          return accepted(result);
        } catch (error) {
          if (error instanceof ModuleTerminated) return discarded(tenant, 'terminated the ciam module');
          throw error;
        }
      },
    },
  ]);
}
