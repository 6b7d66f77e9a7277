import type { ReconciliationJob } from '#store/policy-state';
import { apply, type Pending } from './reconcile-steps.ts';
import type { ReconcileStores } from './reconcile-stores.ts';

// The job's write-ahead list. Every decided write is in `job.pending` from the moment it is decided
// (with the counts and cursor that follow from it) until it is confirmed, so whenever the job is
// saved, a resume replays exactly what was decided and not yet confirmed. Bucket writes of
// consecutive decisions, tenant after tenant, are merged and applied together while the next ones
// are decided: one batch in flight, saved (with the batch before it, if that is still in flight)
// before it starts.

/**
 * While a batch is being applied, decided bucket writes gather up to this many before the walk
 * waits for it (two full BatchWriteItem rounds of 4 × 25); it bounds the job item too: the batch in
 * flight and the gathered writes, a few hundred at most, far below DynamoDB's 400 KB.
 */
const GATHER_WRITES = 200;

/** A job's pending writes as stored: one (as runs before merging kept them) or several. */
export const pendingOf = (job: ReconciliationJob): Pending[] =>
  job.pending === undefined ? [] : Array.isArray(job.pending) ? job.pending : [job.pending as Pending];

const size = (p: Pending) => (p.kind === 'buckets' ? p.puts.length + p.removals.length : 1);

export class PendingWrites {
  /** How many of the job's pending writes, from the first, are being applied now. */
  #flying = 0;
  #flight: Promise<void> = Promise.resolve();
  #gathered = 0;
  /** Whether a batch is being applied now (while it is, decided writes gather). */
  #busy = false;

  constructor(
    private readonly job: ReconciliationJob,
    private readonly stores: ReconcileStores,
  ) {}

  /** Adds a decided bucket write; saves and starts the gathered ones when nothing is in flight or enough have gathered. */
  async gather(pending: Pending): Promise<void> {
    const list = this.#list();
    const last = list.length > this.#flying ? list.at(-1) : undefined;
    if (pending.kind === 'buckets' && last?.kind === 'buckets') {
      last.puts.push(...pending.puts);
      last.removals.push(...pending.removals);
    } else list.push(pending);
    this.#gathered += size(pending);
    if (!this.#busy || this.#gathered >= GATHER_WRITES) await this.#launch();
  }

  /** Saves a decided write with everything gathered before it, and applies them all now. */
  async now(pending: Pending): Promise<void> {
    this.#list().push(pending);
    this.#gathered += size(pending);
    await this.drain();
  }

  /** Applies everything decided so far (saved first) and waits until it is confirmed. */
  async drain(): Promise<void> {
    await this.#launch();
    await this.#landed();
  }

  #list(): Pending[] {
    const list = pendingOf(this.job);
    this.job.pending = list;
    return list;
  }

  /**
   * Saves the job with the gathered writes (and the batch in flight: applying it again changes
   * nothing), waits for that batch, then starts the gathered ones.
   */
  async #launch(): Promise<void> {
    if (this.#gathered === 0) return this.#landed();
    await this.stores.state.save(this.job);
    await this.#landed();
    const batch = [...this.#list()];
    this.#flying = batch.length;
    this.#gathered = 0;
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
    await this.#flight;
    const list = this.#list();
    list.splice(0, this.#flying);
    this.#flying = 0;
    if (list.length === 0) delete this.job.pending;
  }
}
