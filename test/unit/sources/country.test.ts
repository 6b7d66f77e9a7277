import { describe, expect, it } from 'vitest';
import {
  countryDatabase,
  isSpecialPurpose,
  openCountryDatabase,
  packagedDatabasePath,
} from '../../../shared/sources/country.ts';
import { userLocation } from '../../../shared/sources/ids.ts';

const db = countryDatabase();

describe('country from IP', () => {
  it.each([
    ['8.8.8.8', 'US'],
    ['85.214.132.117', 'DE'],
    ['81.2.69.160', 'GB'],
    ['133.242.0.1', 'JP'],
    ['2a00:1450:4001:81a::200e', 'IE'],
    ['::ffff:8.8.8.8', 'US'],
  ])('finds the country of %s: %s', (ip, country) => {
    expect(db.countryOf(ip)).toBe(country);
  });

  it.each([
    '203.0.113.7',
    '198.51.100.1',
    '192.0.2.1',
    '2001:db8::1',
    '10.0.0.5',
    '127.0.0.1',
    '::1',
    'fe80::1',
  ])('gives the special-purpose address %s no country (the database would say otherwise for some)', (ip) => {
    expect(isSpecialPurpose(ip)).toBe(true);
    expect(db.countryOf(ip)).toBeUndefined();
  });

  it.each(['190.257.209.19', 'unknown', '', 'fe80::1%eth0', '1.2.3'])(
    'gives %j, which is no address, no country',
    (ip) => {
      expect(db.countryOf(ip)).toBeUndefined();
    },
  );

  it('opens the database once per container', () => {
    expect(countryDatabase()).toBe(db);
  });

  it('finds the database file inside its npm package', () => {
    expect(packagedDatabasePath()).toMatch(
      /@ip-location-db\/geo-whois-asn-country-mmdb\/geo-whois-asn-country\.mmdb$/,
    );
  });

  it('fails loudly when a package lacks the database file', () => {
    expect(() => openCountryDatabase('/nonexistent/geo.mmdb')).toThrow(/ENOENT/);
  });
});

describe('the location of a user operation', () => {
  it('keeps the IP and adds its country', () => {
    expect(userLocation('85.214.132.117', db)).toEqual({ clientIp: '85.214.132.117', country: 'DE' });
  });

  it("prefers the vendor's country when it is a valid code, and ignores one that is not", () => {
    expect(userLocation('85.214.132.117', db, 'AT')).toEqual({ clientIp: '85.214.132.117', country: 'AT' });
    expect(userLocation('85.214.132.117', db, 'Germany')).toEqual({
      clientIp: '85.214.132.117',
      country: 'DE',
    });
  });

  it('keeps an address without a country, and nothing at all for what is no address', () => {
    expect(userLocation('10.1.2.3', db)).toEqual({ clientIp: '10.1.2.3' });
    expect(userLocation('unknown', db, 'DE')).toEqual({});
    expect(userLocation(undefined, db)).toEqual({});
  });
});
