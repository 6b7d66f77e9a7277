import { isExpired } from '#policy/index';
import { InvalidInput } from '#shared/errors';
import type { LogReadAudit, Tenant } from '#store/ports';
import { runsLimit } from './sweeps.ts';

// The operator's view of the audit of a tenant's log reads: newest first, a page at a time, by a
// Query on the tenant's READS partition. The cursor is the sort key of the last read shown
// (a time and a random id, no personal data), checked for its shape before it is used.

const POSITION =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cursorOf = (position: string) => Buffer.from(position).toString('base64url');

function positionOf(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const position = cursor.length <= 200 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!POSITION.test(position) || cursorOf(position) !== cursor)
    throw new InvalidInput('cursor is not one this route returned. Start again without a cursor.', [
      { pointer: '?cursor', detail: 'a cursor from an earlier page of this route' },
    ]);
  return position;
}

/** One page of a tenant's audited log reads, newest first, with the cursor of the next page. */
export async function logReads(
  tenant: Tenant,
  query: Record<string, string | undefined> | undefined,
  store: Pick<LogReadAudit, 'newestFirst'>,
  now: Date,
) {
  const limit = runsLimit(query);
  const page = await store.newestFirst(tenant.id, limit, positionOf(query?.cursor));
  // Nothing past its deadline is shown, whether or not the sweep has deleted it yet.
  const reads = page.reads.filter((r) => !isExpired({ category: 'log-read', occurredAt: r.readAt }, now));
  return { tenantId: tenant.id, reads, ...(page.next ? { cursor: cursorOf(page.next) } : {}) };
}
