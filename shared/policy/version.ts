import { createHash } from 'node:crypto';
import { POLICY, type PolicyDeclarations } from './declarations.ts';

/** JSON with object keys sorted, so equal declarations always hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The version of a set of declarations: a short content hash, so any change yields a new version. */
export function policyVersionOf(declarations: PolicyDeclarations): string {
  return `p-${createHash('sha256').update(canonicalJson(declarations)).digest('hex').slice(0, 16)}`;
}

/** The version every stored record and every receipt carries. */
export const POLICY_VERSION = policyVersionOf(POLICY);
