import { readFileSync } from 'node:fs';
import { parseBatch } from '../../../functions/captureEvents/validate.ts';
import { parseCognitoPools } from '../../../shared/sources/config.ts';
import { countryDatabase } from '../../../shared/sources/country.ts';
import type { CaptureRecord } from '../../../shared/sources/mapping.ts';

// Shared pieces of the source-mapping tests: the vendor fixtures, the configured tenant and the
// real country database (its pinned version makes every lookup of the fixtures deterministic).

const FIXTURES = new URL('../../fixtures/sources/', import.meta.url);

/** The raw text of a fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** A JSON fixture, parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

export const TENANT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const USER_POOL_ID = 'eu-central-1_AbC123xyz';

/** The one user pool of the tests, opted in to the IP its backend puts under clientMetadata.clientIp. */
export function pools() {
  const parsed = parseCognitoPools([
    { userPoolId: USER_POOL_ID, tenantId: TENANT_ID, clientIpMetadataKey: 'clientIp' },
  ]);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

export const countries = countryDatabase();

export const ADMIN_ACCOUNT = { uin: '100001', region: 'eu-frankfurt', apiVersion: '26.2.0' } as const;

/** What capture's own validation says of `records` sent as one batch. */
export function captureVerdict(records: readonly CaptureRecord[]) {
  return parseBatch({ events: records });
}
