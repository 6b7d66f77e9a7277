import type { PlannedChange } from '#store/policy-state';
import type { Tenant } from '#store/ports';
import { BUCKET_WORK, type Counted, decideCounted, OPS_OWNER, stepsFor } from './reconcile-owners.ts';
import type { ReconcileStores } from './reconcile-stores.ts';

// The next owners of a walk, read while the ones before them are decided and written: each
// tenant's record and, when its first step only reads and writes day buckets, that step's first
// decision (no other owner's writes change what it decides: see BUCKET_WORK). Reading ahead
// writes nothing and counts nothing: the walk takes the owners in order, and adds a decision's
// counts only once it takes it. What it has not taken when it stops is dropped.

/** How many owners are read ahead of the one being walked. */
export const READ_AHEAD = 3;

/** An owner as the walk takes it: its tenant record, its steps, and its first decision if read ahead. */
export interface Prepared {
  /** Undefined for the project's own objects, and for a tenant no longer stored. */
  tenant: Tenant | undefined;
  steps: Array<[PlannedChange, string]>;
  /** The decision of the first page of the first step. */
  first?: Counted;
}

export class ReadAhead {
  readonly #ahead = new Map<string, Promise<Prepared>>();

  constructor(
    private readonly changes: readonly PlannedChange[],
    private readonly ctx: { cutoff: Date },
    private readonly stores: ReconcileStores,
  ) {}

  /** Starts reading the first `READ_AHEAD` of the owners that follow, those not read already. */
  prepare(following: readonly string[]): void {
    for (const owner of following.slice(0, READ_AHEAD)) {
      if (this.#ahead.has(owner)) continue;
      const read = this.#read(owner, true);
      // Taken (and its failure reported) by take; this only keeps it from being unhandled meanwhile.
      read.catch(() => undefined);
      this.#ahead.set(owner, read);
    }
  }

  /**
   * An owner, read ahead or read now: from its first step when `fresh` (its first decision
   * included), or only its record and steps when the walk resumes it part-way.
   */
  take(owner: string, fresh: boolean): Promise<Prepared> {
    const read = fresh ? this.#ahead.get(owner) : undefined;
    this.#ahead.delete(owner);
    return read ?? this.#read(owner, fresh);
  }

  /** Drops the owners read ahead and not taken, once their reads have ended; returns the read units they used. */
  async drop(): Promise<number> {
    const reads = await Promise.allSettled(this.#ahead.values());
    this.#ahead.clear();
    return reads.reduce(
      (sum, r) => sum + (r.status === 'fulfilled' ? (r.value.first?.decided.readUnits ?? 0) : 0),
      0,
    );
  }

  async #read(owner: string, decideFirst: boolean): Promise<Prepared> {
    const tenant = owner === OPS_OWNER ? undefined : await this.stores.tenants.get(owner);
    const steps = owner === OPS_OWNER || tenant ? stepsFor(this.changes, owner) : [];
    const first = steps[0];
    if (!decideFirst || !first || !BUCKET_WORK.has(first[1])) return { tenant, steps };
    const ctx = { ...this.ctx, ...(tenant ? { tenant } : {}) };
    return { tenant, steps, first: await decideCounted(first, ctx, undefined, this.stores) };
  }
}
