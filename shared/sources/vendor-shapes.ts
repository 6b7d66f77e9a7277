import { isIP } from 'node:net';
import * as v from 'valibot';
import { pointerOf, type SourceProblem } from './mapping.ts';

// Leaf schemas for vendor payloads. Their messages name what was expected and the JSON kind that
// was found, never the value: vendor payloads carry e-mail addresses, names and tokens, and a
// problem detail must not become a second copy of them. Objects are loose on purpose: vendors add
// fields (AWS says so of Cognito trigger events), and an unknown extra field must not fail a sign-in.

/** The JSON kind of a value, for a message ("a number", "null", "missing"). */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const expected = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required (${what})` : `must be ${what}, not ${kindOf(issue.input)}`;

/** Whether `text` has no control characters (U+0000 to U+001F). */
export function hasNoControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return false;
  return true;
}

/** The message of an object schema: "is required" when it is missing, else `text`. */
export const objectMessage = (text: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : text;

/** A non-empty string of at most `max` characters without control characters. */
export const vendorText = (max: number) =>
  v.pipe(
    v.string(expected('a string')),
    v.minLength(1, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters long`),
    v.check(hasNoControlCharacters, 'must not contain control characters'),
  );

/** Any string (its content is checked where it is used, if it is used at all). */
export const anyString = () => v.string(expected('a string'));

/** An epoch time in milliseconds, as Keycloak sends it. */
export const epochMillis = v.pipe(
  v.number(expected('a number of milliseconds since 1970')),
  v.safeInteger('must be a whole number of milliseconds since 1970'),
  v.minValue(1, 'must be a positive number of milliseconds since 1970'),
  // The last millisecond of year 9999: later times have no four-digit ISO 8601 year.
  v.maxValue(253_402_300_799_999, 'must be a time before the year 10000'),
);

/** A JSON object with any content (the mapper reads only what it names). */
export const anyObject = () => v.record(v.string(), v.unknown(), expected('an object'));

/**
 * valibot takes an array for an object (missing every key); a vendor event is never an array, so
 * this says so in one problem instead.
 */
export function arrayInsteadOfObject(input: unknown, base: string, what: string): SourceProblem[] {
  const name = base === '' ? 'the payload' : 'this item';
  return Array.isArray(input) ? [{ pointer: base, detail: `${name} must be ${what}, not an array` }] : [];
}

/** Problems for every issue valibot reported, each at its pointer below `base`. */
export function problemsOf(issues: readonly v.BaseIssue<unknown>[], base: string): SourceProblem[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    // Positions stay in the pointer; the name is the field's ("tenantId", not "0.tenantId").
    const names = (issue.path ?? [])
      .filter((item) => typeof item.key === 'string')
      .map((item) => String(item.key));
    const name =
      names.length > 0 ? names.join('.') : base === '' && keys.length === 0 ? 'the payload' : 'this item';
    return { pointer: pointerOf(base, ...keys), detail: `${name} ${issue.message}` };
  });
}

/** An IP address as the capture contract accepts it, or undefined (IPv4-mapped IPv6 becomes IPv4). */
export function usableIp(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 45 || value.includes('%')) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  const ip = mapped ? (mapped[1] as string) : value;
  return isIP(ip) === 0 ? undefined : ip;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether `id` is a capture id (1–128 of A-Za-z0-9._:-). */
export function isCaptureId(id: string): boolean {
  return ID_PATTERN.test(id);
}
