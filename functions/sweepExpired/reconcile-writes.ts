import { dayBucketKey, keyId } from '#store/keys';
import type { ReconciliationJob } from '#store/policy-state';
import { apply, type Pending } from './reconcile-steps.ts';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { BucketWrite } from './reconcile-types.ts';

// The job's write-ahead list. Every decided write is in `job.pending` from the moment it is decided
// (with the counts and cursor that follow from it) until it is confirmed, so whenever the job is
// saved, a resume replays exactly what was decided and not yet confirmed. Bucket writes of
// consecutive decisions, tenant after tenant, are merged into one batch and applied while the next
// ones are decided: one batch in flight (first in the list) and one gathering behind it, saved
// (with the batch in flight) before it starts. A write that is not a bucket write waits for
// everything before it.

/**
 * The most bucket writes one batch gathers (two full BatchWriteItem rounds of 4 × 25). A decision
 * that would take the gathering batch past it starts the next batch instead. A decision holds at
 * most a page (200 buckets; create-marker-buckets, all of a tenant's deletion days at once), so a
 * batch holds at most this many writes or one decision's, and the job item at most the batch in
 * flight, the gathered one and the decision after it (some 600 writes, about 90 KB, far below
 * DynamoDB's 400 KB).
 */
const GATHER_WRITES = 200;

/** A job's pending writes as stored: one (as runs before merging kept them) or several. */
export const pendingOf = (job: ReconciliationJob): Pending[] =>
  job.pending === undefined ? [] : Array.isArray(job.pending) ? job.pending : [job.pending as Pending];

type BucketsPending = Extract<Pending, { kind: 'buckets' }>;

const size = (p: Pending) => (p.kind === 'buckets' ? p.puts.length + p.removals.length : 1);
const putKey = (w: BucketWrite) => keyId(dayBucketKey(w.tenantId, w.category, w.day));

/**
 * Adds a later decision's bucket writes to a batch. No two steps are known to write one bucket (a
 * refile touches buckets that exist, a create only days that have none), but should they, the
 * bucket keeps the later decision's write only: the batch's puts go before its removals, so a
 * later put after an earlier removal would otherwise be undone.
 */
function merge(into: BucketsPending, later: BucketsPending): void {
  const keys = new Set([...later.puts.map(putKey), ...later.removals.map(keyId)]);
  into.puts = into.puts.filter((w) => !keys.has(putKey(w))).concat(later.puts);
  into.removals = into.removals.filter((k) => !keys.has(keyId(k))).concat(later.removals);
}

export class PendingWrites {
  /** The batch being applied (the first of the job's pending writes until it has landed). */
  #flight: Promise<void> | undefined;
  /** How many of the job's pending writes, from the first, that batch is. */
  #flying = 0;
  /** Whether the batch in flight is still being applied. */
  #busy = false;

  constructor(
    private readonly job: ReconciliationJob,
    private readonly stores: ReconcileStores,
  ) {}

  /**
   * Adds a decided bucket write to the gathering batch, and starts that batch (saved first) when
   * nothing is being applied; a write that would take it past its size gathers the next batch
   * instead, and the gathered one starts once the batch in flight has landed. Says whether the job
   * was saved.
   */
  async gather(pending: BucketsPending): Promise<boolean> {
    const list = this.#list();
    const gathering = this.#gathering();
    if (gathering && size(gathering) + size(pending) > GATHER_WRITES) {
      list.push(pending);
      await this.#launch({ keepLast: true });
      return true;
    }
    if (gathering?.kind === 'buckets') merge(gathering, pending);
    else list.push(pending);
    if (this.#busy) return false;
    await this.#launch({ keepLast: false });
    return true;
  }

  /** Saves a decided write with everything gathered before it, and applies them all now. */
  async now(pending: Pending): Promise<void> {
    this.#list().push(pending);
    await this.drain();
  }

  /** Applies everything decided so far (saved first) and waits until it is confirmed. */
  async drain(): Promise<void> {
    await this.#launch({ keepLast: false });
    await this.#landed();
  }

  /**
   * Waits for the batch in flight without failing (for a walk that failed itself): landed, it
   * leaves the pending writes; refused, it stays in them for the next run to replay.
   */
  async settle(): Promise<void> {
    try {
      await this.#landed();
    } catch {
      // Stays pending; the walk's own failure is the one reported.
    }
  }

  #list(): Pending[] {
    const list = pendingOf(this.job);
    this.job.pending = list;
    return list;
  }

  /** The batch gathering behind the one in flight, if any. */
  #gathering(): Pending | undefined {
    const list = pendingOf(this.job);
    return list.length > this.#flying ? list.at(-1) : undefined;
  }

  /**
   * Saves the job with its pending writes (the batch in flight among them: applying it again
   * changes nothing), waits for that batch, then starts the gathered ones — all but the last
   * decision when `keepLast`, which gathers the next batch.
   */
  async #launch({ keepLast }: { keepLast: boolean }): Promise<void> {
    if (!this.#gathering()) return this.#landed();
    await this.stores.state.save(this.job);
    await this.#landed();
    const list = this.#list();
    const batch = keepLast ? list.slice(0, -1) : [...list];
    if (batch.length === 0) return;
    this.#flying = batch.length;
    this.#busy = true;
    this.#flight = (async () => {
      try {
        for (const pending of batch) await apply(pending, this.stores);
      } finally {
        this.#busy = false;
      }
    })();
    // Awaited by #landed; this only keeps a failure from being reported as unhandled meanwhile.
    this.#flight.catch(() => undefined);
  }

  /** Waits for the batch in flight and drops it from the job's pending writes. */
  async #landed(): Promise<void> {
    if (this.#flight) {
      await this.#flight;
      this.#flight = undefined;
      this.#list().splice(0, this.#flying);
      this.#flying = 0;
    }
    if (pendingOf(this.job).length === 0) delete this.job.pending;
  }
}
