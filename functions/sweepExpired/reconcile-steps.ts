import {
  archiveWindowOf,
  category as categoryDeclaration,
  dayDueWindow,
  isDeclared,
  latestDueRecordTime,
  POLICY_VERSION,
  recordDeadline,
  stateOf,
  storedDeadline,
  type TenantModuleState,
} from '#policy/index';
import { pool } from '#shared/pool';
import type { DueEntry } from '#store/due-index';
import type { ItemKey } from '#store/keys';
import type { ChangeCounts, PlannedChange } from '#store/policy-state';
import type { ArchiveGroup, Tenant } from '#store/ports';
import type { StoredBucket } from '#store/reconcile-index';
import type { ReconcileStores } from './reconcile-stores.ts';

// One step of the reconciliation for one owner (a tenant, or the project's own objects) decides a
// page of work: which items get which deadline, counted. The job saves that decision before it is
// applied (a write-ahead list), so a crash at any point resumes with the same writes and counts.

/** A bucket as it is to be written: JSON, so it can wait in the job as a pending write. */
interface BucketWrite {
  tenantId: string;
  day: string;
  category: string;
  module?: string;
  due: string;
  terminatedAt?: string;
}

/** Writes decided and counted, not yet confirmed. */
export type Pending =
  | { kind: 'buckets'; puts: BucketWrite[]; removals: ItemKey[] }
  | { kind: 'refile'; entries: Array<ItemKey & { dueSk: string; deadline: string | null }> }
  | { kind: 'regroup'; tenantId: string; entry: ItemKey; category: string; terminatedAt: string };

export interface StepContext {
  /** Undefined for the project's own objects. */
  tenant?: Tenant;
  cutoff: Date;
  counts: ChangeCounts;
}

export interface Decided {
  pending?: Pending;
  /** Where the step continues; undefined once it is done for this owner. */
  next?: string;
  readUnits: number;
}

const moduleOf = (id: string, stored?: string) => {
  try {
    return categoryDeclaration(id).module as string;
  } catch {
    return stored;
  }
};

/** The state of a tenant's module, as the policy needs it for a deadline. */
function moduleState(tenant: Tenant | undefined, module: string | undefined): TenantModuleState {
  const at = module ? (tenant?.terminations as Record<string, string | undefined>)?.[module] : undefined;
  return stateOf(at);
}

/** The bucket a day of `id` needs under the policy now; null when its records have no deadline. */
function bucketFor(tenant: Tenant, id: string, day: string, module?: string): BucketWrite | null {
  const owner = moduleOf(id, module);
  const state = moduleState(tenant, owner);
  const window = dayDueWindow(id, day, state);
  if (!window) return null;
  return {
    tenantId: tenant.id,
    day,
    category: id,
    ...(owner ? { module: owner } : {}),
    due: window.from.toISOString(),
    ...(state.status === 'terminated' ? { terminatedAt: state.terminatedAt.toISOString() } : {}),
  };
}

const isCurrent = (bucket: StoredBucket, target: BucketWrite) =>
  bucket.policyVersion === POLICY_VERSION &&
  bucket.due === target.due &&
  (bucket.terminatedAt ?? '') === (target.terminatedAt ?? '');

/** Counts the records of a day the new rule finds past their deadline (the sweep deletes them next). */
async function countDueAtOnce(
  stores: ReconcileStores,
  ctx: StepContext,
  writes: readonly BucketWrite[],
): Promise<number> {
  let readUnits = 0;
  const due = writes.filter((w) => new Date(w.due) <= ctx.cutoff);
  await pool(due.length, 8, async (i) => {
    const write = due[i] as BucketWrite;
    const upTo = latestDueRecordTime(write.category, ctx.cutoff, stateOf(write.terminatedAt));
    if (!upTo) return;
    const counted = await stores.index.countUpTo(write.tenantId, write.day, write.category, upTo);
    ctx.counts.dueAtOnce += counted.count;
    readUnits += counted.readUnits;
  });
  return readUnits;
}

/** Every existing bucket of the changed category gets the new rule's deadline (or goes, when there is none). */
async function refileBuckets(
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const found = await stores.index.buckets(tenant.id, change.id, page);
  const puts: BucketWrite[] = [];
  const removals: ItemKey[] = [];
  for (const bucket of found.items) {
    const target = bucketFor(tenant, change.id, bucket.day, bucket.module);
    if (!target) {
      removals.push({ pk: bucket.pk, sk: bucket.sk });
      ctx.counts.bucketsRemoved += 1;
    } else if (!isCurrent(bucket, target)) {
      puts.push(target);
      ctx.counts.bucketsRefiled += 1;
    }
  }
  const readUnits =
    found.readUnits +
    (change.id === 'directory-deletion-marker' ? 0 : await countDueAtOnce(stores, ctx, puts));
  return decided(puts, removals, found.next, readUnits);
}

/** Days with records of the category and no bucket yet (their rule gave them no deadline before) get one. */
async function createBuckets(
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const days = await stores.index.days(tenant.id, page, 50);
  const have = await stores.index.daysWithBucket(tenant.id, change.id, days.items);
  const puts: BucketWrite[] = [];
  let readUnits = days.readUnits;
  await pool(days.items.length, 8, async (i) => {
    const day = days.items[i] as string;
    const target = have.has(day) ? null : bucketFor(tenant, change.id, day);
    if (!target) return;
    const records = await stores.index.hasRecords(tenant.id, day, change.id);
    readUnits += records.readUnits;
    if (records.found) puts.push(target);
  });
  ctx.counts.bucketsCreated += puts.length;
  readUnits += await countDueAtOnce(stores, ctx, puts);
  return decided(puts, [], days.next, readUnits);
}

/** Days on which applications were deleted get a bucket for their markers. */
async function createMarkerBuckets(
  change: PlannedChange,
  ctx: StepContext,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const { markers, cost } = await stores.due.markers(tenant.id);
  const days = [...new Set(markers.map((m) => m.deletedAt.toISOString().slice(0, 10)))];
  const have = await stores.index.daysWithBucket(tenant.id, change.id, days);
  const puts = days.flatMap((day) => {
    const target = have.has(day) ? null : bucketFor(tenant, change.id, day, moduleOf('application-data'));
    return target ? [target] : [];
  });
  ctx.counts.bucketsCreated += puts.length;
  return decided(puts, [], undefined, cost.readUnits);
}

function decided(
  puts: BucketWrite[],
  removals: ItemKey[],
  next: string | undefined,
  readUnits: number,
): Decided {
  return {
    ...(puts.length || removals.length ? { pending: { kind: 'buckets', puts, removals } } : {}),
    ...(next ? { next } : {}),
    readUnits,
  };
}

/** Where a step's entries are registered. */
function whereOf(work: string, tenant: Tenant | undefined) {
  if (work === 'refile-ops-objects') return { kind: 'ops' } as const;
  const tenantId = (tenant as Tenant).id;
  return { kind: work === 'refile-holds' ? 'holds' : 'objects', tenantId } as const;
}

const filedUnder = (entry: { dueSk?: unknown }, deadline: string) =>
  typeof entry.dueSk === 'string' && entry.dueSk.startsWith(deadline);

/** Filed entries of the changed id (receipts, released holds) get the deadline the policy gives them now. */
async function refileEntries(
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
async function regroupArchives(
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

/** Decides one page of one step. */
export function decide(
  work: string,
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  switch (work) {
    case 'refile-buckets':
      return refileBuckets(change, ctx, page, stores);
    case 'create-buckets':
      return createBuckets(change, ctx, page, stores);
    case 'create-marker-buckets':
      return createMarkerBuckets(change, ctx, stores);
    case 'regroup-archives':
      return regroupArchives(change, ctx, page, stores);
    default:
      return refileEntries(work, change, ctx, page, stores);
  }
}

/** Carries out decided writes; applying them again changes nothing. */
export async function apply(pending: Pending, stores: ReconcileStores): Promise<void> {
  if (pending.kind === 'buckets') {
    const puts = pending.puts.map(({ terminatedAt, due, ...w }) => ({
      ...w,
      due: new Date(due),
      policyVersion: POLICY_VERSION,
      ...(terminatedAt ? { terminatedAt: new Date(terminatedAt) } : {}),
    }));
    await stores.index.writeBuckets(puts, pending.removals);
    return;
  }
  if (pending.kind === 'refile') {
    for (const entry of pending.entries)
      await stores.due.refile(entry as unknown as DueEntry, entry.deadline ? new Date(entry.deadline) : null);
    return;
  }
  const records = await stores.archive.archived(pending.entry.sk);
  if (!records) return; // rewritten and removed before a crash
  const groups = regroup(pending, records);
  for (const group of groups) await stores.archive.archive(pending.tenantId, group);
  // The new objects first, then the old one and its entry: no record is ever without an object.
  const failures = await stores.objects.deleteAll([pending.entry.sk]);
  if (failures.length) throw new Error(`S3 refused to delete a regrouped archive: ${failures[0]?.code}`);
  await stores.due.deleteAll([pending.entry]);
}
