import {
  archiveWindowOf,
  isDeclared,
  POLICY_VERSION,
  recordDeadline,
  stateOf,
  storedDeadline,
} from '#policy/index';
import type { DueEntry } from '#store/due-index';
import type { ItemKey } from '#store/keys';
import type { PlannedChange } from '#store/policy-state';
import type { ArchiveGroup, Tenant } from '#store/ports';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { Decided, Pending, StepContext } from './reconcile-types.ts';

// Entries filed one by one (S3 archives and receipts, released legal holds): each gets the
// deadline the policy gives it now; an archive whose records now fall due in several windows is
// rewritten as one object per window.

/** Where a step's entries are registered. */
function whereOf(work: string, tenant: Tenant | undefined) {
  if (work === 'refile-ops-objects') return { kind: 'ops' } as const;
  const tenantId = (tenant as Tenant).id;
  const kind = work === 'refile-holds' ? 'holds' : work === 'refile-log-reads' ? 'log-reads' : 'objects';
  return { kind, tenantId } as const;
}

const filedUnder = (entry: { dueSk?: unknown }, deadline: string) =>
  typeof entry.dueSk === 'string' && entry.dueSk.startsWith(deadline);

/** Filed entries of the changed id (receipts, released holds) get the deadline the policy gives them now. */
export async function refileEntries(
  work: string,
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const found = await stores.index.entries(whereOf(work, ctx.tenant), change.id, page);
  const entries: Array<ItemKey & { dueSk: string; deadline: string | null }> = [];
  for (const item of found.items as unknown as DueEntry[]) {
    const deadline = storedDeadline(item)?.toISOString() ?? null;
    if (deadline && filedUnder(item, deadline)) continue;
    entries.push({ pk: item.pk, sk: item.sk, dueSk: item.dueSk, deadline });
    ctx.counts.entriesRefiled += 1;
  }
  return {
    ...(entries.length ? { pending: { kind: 'refile', entries } } : {}),
    ...(found.next ? { next: found.next } : {}),
    readUnits: found.readUnits,
  };
}

/**
 * Archives of the changed category, one per page: an archive whose records now fall due in one
 * window is re-filed; one whose records fall due in several is rewritten as one object per window.
 */
export async function regroupArchives(
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const found = await stores.index.entries({ kind: 'objects', tenantId: tenant.id }, change.id, page, 1);
  const entry = found.items[0] as unknown as DueEntry | undefined;
  const rest = { ...(found.next ? { next: found.next } : {}), readUnits: found.readUnits };
  if (!entry || typeof entry.terminatedAt !== 'string') return rest;
  const groups = regroup(entry, (await stores.archive.archived(entry.sk)) ?? []);
  if (groups.length === 0) return rest;
  if (groups.length === 1) {
    const deadline = (groups[0] as ArchiveGroup).deleteAt.toISOString();
    if (filedUnder(entry, deadline)) return rest;
    ctx.counts.entriesRefiled += 1;
    return {
      pending: { kind: 'refile', entries: [{ pk: entry.pk, sk: entry.sk, dueSk: entry.dueSk, deadline }] },
      ...rest,
    };
  }
  ctx.counts.archivesRegrouped += 1;
  const pending: Pending = {
    kind: 'regroup',
    tenantId: tenant.id,
    entry: { pk: entry.pk, sk: entry.sk },
    category: change.id,
    terminatedAt: entry.terminatedAt,
  };
  return { pending, ...rest };
}

/** An archive's records grouped by the window their deadline now falls in (the policy's archive window). */
export function regroup(
  entry: Pick<DueEntry, 'terminatedAt'> & { category?: string },
  records: Record<string, unknown>[],
): ArchiveGroup[] {
  const terminatedAt = new Date(String(entry.terminatedAt));
  const state = stateOf(entry.terminatedAt);
  const groups = new Map<string, ArchiveGroup>();
  for (const record of records) {
    const category = String(record.category ?? entry.category);
    const time = new Date(String(record.occurredAt));
    const deleteAt = (isDeclared(category) ? recordDeadline(category, time, state) : null) ?? new Date(0);
    const window = archiveWindowOf(deleteAt);
    const group = groups.get(window) ?? {
      category,
      window,
      records: [],
      keys: [],
      first: { pk: 'regrouped', sk: String(record.id) },
      latestRecordAt: time,
      terminatedAt,
      deleteAt,
      variant: POLICY_VERSION,
    };
    if (deleteAt > group.deleteAt) group.deleteAt = deleteAt;
    if (time > group.latestRecordAt) group.latestRecordAt = time;
    group.records.push(record);
    groups.set(window, group);
  }
  return [...groups.values()];
}
