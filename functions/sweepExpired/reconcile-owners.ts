import type { ChangeCounts, PlannedChange } from '#store/policy-state';
import { decide } from './reconcile-steps.ts';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { Decided, StepContext } from './reconcile-types.ts';

// The owners a reconciliation walks (the project's own objects, then each tenant), the steps it
// takes for each, and a step decided with counts of its own.

/** The project's own objects come first (an owner id below every tenant id), then each tenant. */
export const OPS_OWNER = '';

export const zero = (): ChangeCounts => ({
  bucketsRefiled: 0,
  bucketsRemoved: 0,
  bucketsCreated: 0,
  dueAtOnce: 0,
  entriesRefiled: 0,
  archivesRegrouped: 0,
});

export function addCounts(into: ChangeCounts, counts: ChangeCounts): void {
  for (const key of Object.keys(counts) as Array<keyof ChangeCounts>)
    into[key] = (into[key] ?? 0) + counts[key];
}

/** The (change, work) pairs to do for an owner: the project's objects, or a tenant's data. */
export function stepsFor(changes: readonly PlannedChange[], owner: string): Array<[PlannedChange, string]> {
  const ops = (work: string) => work === 'refile-ops-objects';
  return changes.flatMap((change) =>
    change.work
      .filter((work) => (owner === OPS_OWNER ? ops(work) : !ops(work)))
      .map((work) => [change, work] as [PlannedChange, string]),
  );
}

/**
 * The steps that only read and write day buckets. Their writes may wait to be merged with the next
 * owners': no write of another owner, or of an earlier page, changes what they decide. Within an
 * owner, a create step may read a day's bucket before a refile of it has landed; it decides the
 * same either way, since a day whose bucket the refile removes gets none from the same rule. The
 * other steps read what the writes before them changed, so they run with nothing pending.
 */
export const BUCKET_WORK = new Set(['refile-buckets', 'create-buckets', 'create-marker-buckets']);

/** A decision and what it counted (counted apart, added once taken: a step that fails counts nothing). */
export interface Counted {
  decided: Decided;
  counts: ChangeCounts;
}

/** Decides one page of one step with counts of its own. */
export async function decideCounted(
  [change, work]: [PlannedChange, string],
  ctx: Omit<StepContext, 'counts'>,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Counted> {
  const counts = zero();
  const decided = await decide(work, change, { ...ctx, counts }, page, stores);
  return { decided, counts };
}
