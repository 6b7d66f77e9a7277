import { POLICY_VERSION } from '#policy/index';
import type { DueEntry } from '#store/due-index';
import type { PlannedChange } from '#store/policy-state';
import { createBuckets, createMarkerBuckets, refileBuckets } from './reconcile-buckets.ts';
import { refileEntries, regroup, regroupArchives } from './reconcile-entries.ts';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { Decided, Pending, StepContext } from './reconcile-types.ts';

// One step of the reconciliation for one owner (a tenant, or the project's own objects) decides a
// page of work: which items get which deadline, counted. The job saves that decision before it is
// applied (a write-ahead list), so a crash at any point resumes with the same writes and counts.

export type { Pending } from './reconcile-types.ts';

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
