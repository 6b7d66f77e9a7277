import * as v from 'valibot';
import { ConfigError } from '#shared/config';
import type { SourceProblem } from './mapping.ts';
import { problemsOf, vendorText } from './vendor-shapes.ts';

// Per-deployment settings the vendor payloads cannot carry: which tenant a Cognito user pool
// belongs to, and the account facts an admin-action record needs that Keycloak and Auth0 do not
// send (the account id and region of the tenant's identity deployment).

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: SourceProblem[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cognitoPool = v.strictObject(
  {
    userPoolId: v.pipe(
      vendorText(55),
      v.regex(
        /^[\w-]+_[0-9a-zA-Z]+$/,
        'must be a Cognito user pool id, <region>_<id>, e.g. eu-central-1_AbC123',
      ),
    ),
    tenantId: v.pipe(vendorText(36), v.regex(UUID, 'must be a tenant id (a lower-case UUID)')),
    // Opt-in: the clientMetadata key under which the tenant's backend passes the user's IP.
    clientIpMetadataKey: v.optional(vendorText(64)),
  },
  (issue) =>
    issue.input === undefined
      ? 'is required'
      : issue.expected === 'never'
        ? 'is not a setting of a user pool (userPoolId, tenantId, clientIpMetadataKey)'
        : 'must be an object {userPoolId, tenantId, clientIpMetadataKey?}',
);

export type CognitoPool = v.InferOutput<typeof cognitoPool>;

/** The configured user pools, by user pool id. */
export type CognitoPools = ReadonlyMap<string, CognitoPool>;

/** Parses `[{userPoolId, tenantId, clientIpMetadataKey?}, ...]`; each pool at most once. */
export function parseCognitoPools(input: unknown): Parsed<CognitoPools> {
  const parsed = v.safeParse(v.array(cognitoPool, 'must be an array of user pools'), input);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.issues, '') };
  const pools = new Map<string, CognitoPool>();
  const problems: SourceProblem[] = [];
  parsed.output.forEach((pool, index) => {
    if (pools.has(pool.userPoolId)) {
      problems.push({ pointer: `/${index}/userPoolId`, detail: 'userPoolId appears twice' });
    }
    pools.set(pool.userPoolId, pool);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: pools };
}

const adminAccount = v.strictObject(
  {
    uin: vendorText(64),
    region: vendorText(64),
    apiVersion: v.optional(vendorText(32)),
  },
  (issue) =>
    issue.input === undefined
      ? 'is required'
      : issue.expected === 'never'
        ? 'is not a setting of an admin account (uin, region, apiVersion)'
        : 'must be an object {uin, region, apiVersion?}',
);

/** The account facts admin-action records of a tenant's Keycloak or Auth0 carry. */
export type AdminAccount = v.InferOutput<typeof adminAccount>;

/** Parses `{uin, region, apiVersion?}`. */
export function parseAdminAccount(input: unknown): Parsed<AdminAccount> {
  const parsed = v.safeParse(adminAccount, input);
  return parsed.success
    ? { ok: true, value: parsed.output }
    : { ok: false, problems: problemsOf(parsed.issues, '') };
}

/** Parses a JSON setting with `parse`, throwing a ConfigError that names the variable and every problem. */
export function readSetting<T>(text: string, variable: string, parse: (input: unknown) => Parsed<T>): T {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new ConfigError(`${variable} is not valid JSON`);
  }
  const parsed = parse(input);
  if (parsed.ok) return parsed.value;
  const list = parsed.problems.map((p) => `${p.pointer || '/'}: ${p.detail}`).join('; ');
  throw new ConfigError(`${variable} is not valid: ${list}`);
}
