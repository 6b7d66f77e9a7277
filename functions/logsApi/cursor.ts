import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { InvalidInput } from '#shared/errors';
import { parseTimestamp } from '#shared/timestamp';

// A log cursor is opaque and tamper-evident: a JSON state (the query it continues and the position
// of the last record read) with an HMAC-SHA256 over the tenant and that state. A cursor altered in
// any byte, forged without the key, or presented by another tenant fails the check and is a 400;
// it never decides which tenant is read (the API key does).

/** Where a query stops and the next page starts. */
export interface CursorState {
  log: string;
  from: string;
  to: string;
  /** A digest of the filters the query was asked with: a cursor continues that query only. */
  filters: string;
  /** `<occurredAt>#<id>` of the last record read. */
  position: string;
}

/** The longest cursor accepted (ours are a few hundred characters). */
export const MAX_CURSOR_LENGTH = 1024;

const STATE = v.strictObject({
  log: v.string(),
  from: v.string(),
  to: v.string(),
  filters: v.string(),
  position: v.pipe(
    v.string(),
    v.check((p) => p.length > 25 && p[24] === '#' && parseTimestamp(p.slice(0, 24)) !== undefined),
  ),
});

const mac = (key: string, tenantId: string, payload: string) =>
  createHmac('sha256', key).update(`logs-cursor/v1\n${tenantId}\n${payload}`).digest();

/** The digest of a query's filters (names and values, in name order). */
export function filtersDigest(filters: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** The cursor of a state, for one tenant. */
export function encodeCursor(state: CursorState, tenantId: string, key: string): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${mac(key, tenantId, payload).toString('base64url')}`;
}

const refused = (detail: string) =>
  new InvalidInput(`The cursor is not valid: ${detail} Start again without a cursor.`, [
    { pointer: '?cursor', detail: 'a cursor this API returned for this query' },
  ]);

/** The state a cursor carries, or InvalidInput when it was altered, forged or is another tenant's. */
export function decodeCursor(cursor: string, tenantId: string, key: string): CursorState {
  if (cursor.length > MAX_CURSOR_LENGTH) throw refused('it is too long.');
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload + signature))
    throw refused('it is not one this API returned.');
  const expected = mac(key, tenantId, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw refused('it was altered, or it belongs to another API key’s tenant.');
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw refused('it is not one this API returned.');
  }
  const parsed = v.safeParse(STATE, state);
  if (!parsed.success) throw refused('it is not one this API returned.');
  return parsed.output;
}
