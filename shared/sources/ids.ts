import { createHash } from 'node:crypto';
import type { CountryLookup } from './country.ts';
import { isCaptureId, usableIp } from './vendor-shapes.ts';

// Idempotency ids and the location fields shared by every source.

/** Prefixes that keep each source's ids apart from each other and from ids clients choose. */
export const ID_PREFIX = { cognito: 'cg-', keycloak: 'kc-', auth0: 'a0-' } as const;

/** A stable digest of `parts` (joined unambiguously), as 43 base64url characters. */
export function stableDigest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * The capture id of a vendor event: `prefix` + the vendor's own id when it makes a valid capture
 * id, else `prefix` + "h-" + a digest of the vendor id or, without one, of the fields that
 * identify the event (never of free text such as details).
 */
export function eventId(
  prefix: string,
  vendorId: string | null | undefined,
  identity: readonly unknown[],
): string {
  if (vendorId && isCaptureId(`${prefix}${vendorId}`)) return `${prefix}${vendorId}`;
  const parts = vendorId
    ? ['id', vendorId]
    : identity.map((part) => (part === undefined || part === null ? '' : String(part)));
  return `${prefix}h-${stableDigest(parts)}`;
}

export interface UserLocation {
  clientIp?: string;
  country?: string;
}

/**
 * The client IP and its country for a user-operation record: the vendor's own country when it
 * gives a valid one, else the database's; nothing when the IP is missing or not an address.
 */
export function userLocation(ip: unknown, countries: CountryLookup, vendorCountry?: unknown): UserLocation {
  const clientIp = usableIp(ip);
  if (!clientIp) return {};
  const given =
    typeof vendorCountry === 'string' && /^[A-Z]{2}$/.test(vendorCountry) ? vendorCountry : undefined;
  const country = given ?? countries.countryOf(clientIp);
  return country ? { clientIp, country } : { clientIp };
}
