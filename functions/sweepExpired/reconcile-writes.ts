import { dayBucketKey, keyId } from '#store/keys';
import type { ReconciliationJob } from '#store/policy-state';
import { apply, type Pending } from './reconcile-steps.ts';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { BucketWrite } from './reconcile-types.ts';

// The job's write-ahead list. Every decided write is in `job.pending` from the moment it is decided
// (with the counts and cursor that follow from it) until it is confirmed, so whenever the job is
// saved, a resume replays exactly what was decided and not yet confirmed. Bucket writes of
// consecutive decisions, tenant after tenant, are merged into batches, and each batch is saved and
// started while the batches before it are still landing, so the store's four BatchWriteItem calls
// in flight stay busy while the next decisions are read. A batch waits for any batch in flight
// that names one of its buckets (the later write lands last). A write that is not a bucket write
// waits for everything before it.

/**
 * The most bucket writes one batch gathers (two full BatchWriteItem rounds of 4 × 25). A decision
 * that would take the gathering batch past it starts the next batch instead. A decision holds at
 * most a page (200 buckets; create-marker-buckets, all of a tenant's deletion days at once), so a
 * batch holds at most this many writes or one decision's.
 */
const GATHER_WRITES = 200;

/**
 * The gathered batch starts once fewer writes than this are in flight: enough queued (a batch is
 * counted until all of it has landed, though most of it may have) for the four BatchWriteItem
 * calls to stay busy while the job is saved and the next decision read. A batch leaves the job's
 * pending writes as soon as it has landed, so whenever the job is saved it holds fewer than 600
 * writes in flight (a batch of at most 200 starts while fewer than 400 are) and the gathered batch
 * (at most 200), or one larger decision: under 800 writes, about 120 KB as JSON and a few KB as
 * the policy state keeps them (deflated), far below DynamoDB's 400 KB.
 */
const IN_FLIGHT_WRITES = 400;

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

/** A batch being applied (one that lands leaves at once): the job's pending writes it is, and whether it was refused. */
interface Flight {
  entries: Pending[];
  writes: number;
  keys: Set<string>;
  done: Promise<void>;
  refused: boolean;
}

const keysOf = (p: Pending) =>
  p.kind === 'buckets' ? [...p.puts.map(putKey), ...p.removals.map(keyId)] : [];

export class PendingWrites {
  /** The batches started and not yet dropped from the job's pending writes, in the order started. */
  #flights: Flight[] = [];

  constructor(
    private readonly job: ReconciliationJob,
    private readonly stores: ReconcileStores,
  ) {}

  /**
   * Adds a decided bucket write to the gathering batch (a write that would take it past its size
   * starts that batch, and gathers the next), and starts the gathered batch (saved first) while
   * fewer than `IN_FLIGHT_WRITES` writes are in flight. The decision is in the job's pending writes
   * before anything can fail. Says whether the job was saved.
   */
  async gather(pending: BucketsPending): Promise<boolean> {
    const list = this.#list();
    const gathering = this.#gathering();
    let saved = false;
    if (gathering && size(gathering) + size(pending) > GATHER_WRITES) {
      list.push(pending);
      saved = await this.#launch({ keepLast: true });
    } else if (gathering?.kind === 'buckets') merge(gathering, pending);
    else list.push(pending);
    if (this.#inFlight() < IN_FLIGHT_WRITES) return (await this.#launch({ keepLast: false })) || saved;
    await this.#refused();
    return saved;
  }

  /** Saves a decided write with everything gathered before it, and applies them all now. */
  async now(pending: Pending): Promise<void> {
    this.#list().push(pending);
    await this.drain();
  }

  /** Applies everything decided so far (saved first) and waits until it is confirmed. */
  async drain(): Promise<void> {
    await this.#launch({ keepLast: false });
    for (const flight of [...this.#flights]) await flight.done;
  }

  /**
   * Waits for every batch in flight without failing (for a walk that failed itself): those that
   * landed leave the pending writes; one refused stays in them for the next run to replay.
   */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#flights.map((f) => f.done));
  }

  #list(): Pending[] {
    const list = pendingOf(this.job);
    this.job.pending = list;
    return list;
  }

  /** The job's pending writes not yet started: those after the batches in flight (or refused). */
  #unstarted(): Pending[] {
    return pendingOf(this.job).slice(this.#flights.reduce((n, f) => n + f.entries.length, 0));
  }

  /** The batch gathering behind those in flight, if any. */
  #gathering(): Pending | undefined {
    return this.#unstarted().at(-1);
  }

  #inFlight(): number {
    return this.#flights.reduce((n, f) => n + (f.refused ? 0 : f.writes), 0);
  }

  /**
   * Starts the gathered writes (all but the last decision when `keepLast`, which gathers the next
   * batch) once fewer than `IN_FLIGHT_WRITES` are in flight, no batch in flight names one of their
   * buckets, and (for a write that is not a bucket write) nothing is in flight; the job is saved
   * with them first (and with the batches in flight: applying those again changes nothing). A batch
   * refused since stops it: the walk ends, and what is pending is replayed by the next run. Says
   * whether it saved.
   */
  async #launch({ keepLast }: { keepLast: boolean }): Promise<boolean> {
    await this.#refused();
    const entries = this.#unstarted().slice(0, keepLast ? -1 : undefined);
    if (entries.length === 0) return false;
    const keys = new Set(entries.flatMap(keysOf));
    const inOrder = entries.some((p) => p.kind !== 'buckets');
    for (const flight of this.#flights)
      if (inOrder || this.#inFlight() >= IN_FLIGHT_WRITES || [...flight.keys].some((k) => keys.has(k)))
        await flight.done;
    await this.stores.state.save(this.job);
    const flight: Flight = {
      entries,
      writes: entries.reduce((n, p) => n + size(p), 0),
      keys,
      refused: false,
      done: Promise.resolve(),
    };
    flight.done = (async () => {
      try {
        for (const pending of entries) await apply(pending, this.stores);
        this.#drop(flight);
      } catch (error) {
        flight.refused = true;
        throw error;
      }
    })();
    // Awaited by drain, settle or a later launch; this only keeps a failure from being reported
    // as unhandled meanwhile.
    flight.done.catch(() => undefined);
    this.#flights.push(flight);
    return true;
  }

  /** Fails as the first refused batch did, if one was. */
  async #refused(): Promise<void> {
    const refused = this.#flights.find((f) => f.refused);
    if (refused) await refused.done;
  }

  /** Drops a batch that has landed, and its writes from the job's pending writes. */
  #drop(landed: Flight): void {
    const gone = new Set(landed.entries);
    this.#flights = this.#flights.filter((f) => f !== landed);
    const left = pendingOf(this.job).filter((p) => !gone.has(p));
    if (left.length > 0) this.job.pending = left;
    else delete this.job.pending;
  }
}
