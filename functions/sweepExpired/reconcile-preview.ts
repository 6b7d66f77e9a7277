import {
  declarationsFrom,
  POLICY_VERSION,
  type PolicyDeclarations,
  ruleChanges,
  sweepCutoff,
} from '#policy/index';
import type { ChangeCounts, PlannedChange } from '#store/policy-state';
import { addCounts, decideCounted, OPS_OWNER, stepsFor, zero } from './reconcile-owners.ts';
import { planOf } from './reconcile-plan.ts';
import { sourceDeclarations, sourceVersions } from './reconcile-sources.ts';
import type { ReconcileStores } from './reconcile-stores.ts';

/** What a reconciliation to the working policy would do on a stage, counted without writing anything. */
export interface ReconciliationPreview {
  /** The version the stage's data is under (its policy in force), or the given one when it has none. */
  from: string;
  /** Versions some of it may be under too: those of reconciliations cut short (and what they came from). */
  alsoUnder: string[];
  to: string;
  changes: PlannedChange[];
  counts: Record<string, ChangeCounts>;
  tenants: number;
  readUnits: number;
}

/**
 * A dry run of the reconciliation: the same plan from the stage's policy in force (or `fallback`
 * when the stage has none yet) and any a reconciliation cut short left data under, the same walk
 * and the same decisions, none of them applied.
 */
export async function previewReconciliation(
  stores: Pick<ReconcileStores, 'index' | 'due' | 'archive' | 'state' | 'tenants'>,
  now: Date,
  fallback: { version: string; declarations: PolicyDeclarations },
): Promise<ReconciliationPreview> {
  const inForce = await stores.state.inForce();
  const stored = inForce ? await stores.state.declarations(inForce.version) : undefined;
  const before = stored ? declarationsFrom(stored) : fallback;
  // The versions the reconciliation would plan from (the one in force, and any a cut-short one left).
  const alsoUnder = inForce ? sourceVersions(await stores.state.jobs(), inForce).slice(1) : [];
  const changes = planOf(
    ruleChanges([before.declarations, ...(await sourceDeclarations(stores.state, alsoUnder))]),
  );
  const counts: Record<string, ChangeCounts> = {};
  const cutoff = sweepCutoff(now);
  let readUnits = 0;
  let tenants = 0;
  const run = async (owner: string) => {
    const tenant = owner === OPS_OWNER ? undefined : await stores.tenants.get(owner);
    if (owner !== OPS_OWNER && !tenant) return;
    const ctx = { ...(tenant ? { tenant } : {}), cutoff };
    for (const step of stepsFor(changes, owner)) {
      const id = step[0].id;
      counts[id] ??= zero();
      let page: string | undefined;
      do {
        const taken = await decideCounted(step, ctx, page, stores as ReconcileStores);
        addCounts(counts[id] as ChangeCounts, taken.counts);
        readUnits += taken.decided.readUnits;
        page = taken.decided.next;
      } while (page);
    }
  };
  await run(OPS_OWNER);
  let after: string | undefined = OPS_OWNER;
  for (;;) {
    const ids = await stores.tenants.tenantIdsAfter(after, 100);
    for (const id of ids) await run(id);
    tenants += ids.length;
    if (ids.length < 100) break;
    after = ids.at(-1);
  }
  return { from: before.version, alsoUnder, to: POLICY_VERSION, changes, counts, tenants, readUnits };
}
