import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { hashApiKey, secretsEqual } from '../auth/api-keys.ts';
import type { Tenant, TenantStore } from '../store/tenants.ts';
import { gone, unauthorized } from './problem.ts';

/** The bearer token of a request, if it has one; 401 when it carries more than one credential. */
export function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  // API Gateway (payload 2.0) joins duplicate headers with commas, and no key holds a comma: a
  // comma means two Authorization headers, and neither is picked over the other.
  if (header?.includes(','))
    throw unauthorized(
      'Send exactly one Authorization header; this request carries more than one credential.',
    );
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Admits the operator (constant-time comparison with the configured key) or throws 401. */
export function requireOperator(event: APIGatewayProxyEventV2, operatorKey: string): void {
  const token = bearerToken(event);
  if (!token || !secretsEqual(token, operatorKey))
    throw unauthorized('An operator key is required: Authorization: Bearer <key>.');
}

/** The tenant a request's API key belongs to; 401 for a missing or unknown key, 410 once terminated. */
export async function authenticateTenant(
  event: APIGatewayProxyEventV2,
  tenants: TenantStore,
): Promise<Tenant> {
  const token = bearerToken(event);
  if (!token) throw unauthorized('A tenant API key is required: Authorization: Bearer <key>.');
  const tenant = await tenants.findByKeyHash(hashApiKey(token));
  if (!tenant) throw unauthorized('The API key is not valid.');
  if (tenant.status !== 'active')
    throw gone(`Tenant ${tenant.id} is ${tenant.status}; no data is accepted any more.`);
  return tenant;
}
