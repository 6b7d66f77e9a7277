import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH0_LOG_TYPES } from '../../../shared/sources/auth0-types.ts';
import { KEYCLOAK_EVENT_TYPES } from '../../../shared/sources/keycloak-types.ts';

// docs/sources.md holds the Keycloak tables, the README's "Event sources" the Auth0 one.
const doc = ['../../../docs/sources.md', '../../../README.md']
  .map((path) => readFileSync(new URL(path, import.meta.url), 'utf8'))
  .join('\n');

/** The type codes a table row of the document lists in its first column. */
function documentedCodes(): Set<string> {
  const codes = new Set<string>();
  for (const line of doc.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const match of first.matchAll(/`([A-Za-z0-9_]+)`/g)) codes.add(match[1] as string);
  }
  return codes;
}

describe('the type tables of docs/sources.md and the README', () => {
  it('list every Keycloak event type the mapper maps or ignores', () => {
    const documented = documentedCodes();
    expect(Object.keys(KEYCLOAK_EVENT_TYPES).filter((type) => !documented.has(type))).toEqual([]);
  });

  it('list every Auth0 log type code the mapper maps or ignores', () => {
    const documented = documentedCodes();
    expect(Object.keys(AUTH0_LOG_TYPES).filter((code) => !documented.has(code))).toEqual([]);
  });
});
