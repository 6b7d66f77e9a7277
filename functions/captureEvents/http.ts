import type { Logger } from '@aws-lambda-powertools/logger';
import { authenticateTenant } from '#http/auth';
import { readJsonBody } from '#http/body';
import { httpFunction } from '#http/handler';
import { json } from '#http/problem';
import { POLICY_VERSION } from '#policy/index';
import type { TenantStore } from '#store/ports';
import { type CaptureDeps, captureRecords } from './capture.ts';
import { parseCaptureBody } from './validate.ts';

/** The HTTP adapter of capture: the tenant from its key, the records from the body, outcomes out (202). */
export function captureHttpHandler(deps: CaptureDeps & { tenants: TenantStore }, logger: Logger) {
  return httpFunction(logger, async (event) => {
    const tenant = await authenticateTenant(event, deps.tenants);
    const records = parseCaptureBody(readJsonBody(event));
    const { results } = await captureRecords({ tenant, records }, deps);
    logger.info('captured', {
      tenantId: tenant.id,
      stored: results.filter((r) => r.outcome === 'stored').length,
      duplicates: results.filter((r) => r.outcome === 'duplicate').length,
    });
    return json(202, { policyVersion: POLICY_VERSION, results });
  });
}
