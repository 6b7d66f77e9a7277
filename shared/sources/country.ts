import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList } from 'node:net';
import { Reader, type Response } from 'mmdb-lib';
import { usableIp } from './vendor-shapes.ts';

// Country from IP, for sources that give an IP but no country (SPEC §9). The data is the
// "GeoFeed + Whois + ASN" country database of the ip-location-db project, shipped in the npm
// package @ip-location-db/geo-whois-asn-country-mmdb (data CC BY 4.0 by the NRO; see
// docs/sources.md). It is read once per container, on first use, and kept: ~8 MB, ~20 ms.

/** Looks up the ISO 3166-1 alpha-2 country of an IP address. */
export interface CountryLookup {
  /** The country of `ip`, or undefined when the address has none (private, reserved) or is unknown. */
  countryOf(ip: string): string | undefined;
}

/** The database file inside the npm package (also where a Lambda package must carry it). */
export const COUNTRY_DATABASE_MODULE =
  '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

// Special-purpose addresses (RFC 6890 and its successors) belong to no country. The database
// answers for some of them anyway (in the pinned version 203.0.113.0/24, a documentation range,
// is "AU"), so they are excluded before the lookup rather than trusted.
const SPECIAL_PURPOSE: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 127, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['3fff::', 20, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const specialPurpose = new BlockList();
for (const [network, prefix, family] of SPECIAL_PURPOSE) specialPurpose.addSubnet(network, prefix, family);

/** Whether `ip` (a valid address) is a special-purpose one that has no country. */
export function isSpecialPurpose(ip: string): boolean {
  return specialPurpose.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
}

/** A country lookup over an MMDB file whose records carry `country_code` (read synchronously, once). */
export function openCountryDatabase(path: string): CountryLookup {
  // The records of this database are {country_code}, not one of MaxMind's own response shapes.
  const reader = new Reader<Response>(readFileSync(path));
  return {
    countryOf(value) {
      const ip = usableIp(value);
      // mmdb-lib answers for strings that are no address at all ("190.257.209.19"), hence the check.
      if (!ip || isSpecialPurpose(ip)) return undefined;
      const record: unknown = reader.get(ip);
      const code =
        typeof record === 'object' && record !== null ? Reflect.get(record, 'country_code') : undefined;
      return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : undefined;
    },
  };
}

/** Where the packaged database is: resolved like a module, so a Lambda package carries it under node_modules. */
export function packagedDatabasePath(): string {
  return createRequire(import.meta.url).resolve(COUNTRY_DATABASE_MODULE);
}

let shared: CountryLookup | undefined;

/** The container's country lookup over the packaged database, opened on first call and kept. */
export function countryDatabase(): CountryLookup {
  shared ??= openCountryDatabase(packagedDatabasePath());
  return shared;
}
