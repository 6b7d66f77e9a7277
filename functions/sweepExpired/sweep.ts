import {
  dayDueWindow,
  latestDueRecordTime,
  recordDeadline,
  stateOf,
  storedDeadline,
  sweepEveryMinutes,
} from '#policy/index';
import { type Held, heldBy, isHeld } from '#shared/holds';
import { pool } from '#shared/pool';
import {
  add,
  type Bucket,
  DAY_SHARDS,
  type DueEntry,
  indexedDeadline,
  type ReadCost,
} from '#store/due-index';
import { duePartitions } from '#store/keys';
import type { HoldStore, SweepIndex, SweepLog, SweepObjects } from '#store/ports';
import { newRun, type SweepRun } from '#store/sweeps';

export interface SweepDeps {
  index: SweepIndex;
  objects: SweepObjects;
  log: SweepLog;
  holds: Pick<HoldStore, 'list'>;
  now: () => Date;
  /** Milliseconds this invocation may still use. */
  remainingMs: () => number;
  runId: string;
  limits: SweepLimits;
}

export interface SweepLimits {
  /** Entries and records one run examines at most (like a janitor's --limit); the next run continues. */
  maxItems: number;
  /** Entries or records read and settled per page (like --batch-size). */
  pageSize: number;
  /** The backlog is counted up to this many entries. */
  backlogCap: number;
  /** The run stops taking new pages when less time than this is left. */
  reserveMs: number;
}

/** The deployed limits (each overridable by the handler's environment). */
export const DEFAULT_SWEEP_LIMITS: SweepLimits = {
  maxItems: 200_000,
  pageSize: 250,
  backlogCap: 100_000,
  reserveMs: 30_000,
};

/** Day shards of one bucket settled at once (each keeps four delete batches in flight). */
const SHARDS_IN_FLIGHT = 4;

export type SweepOutcome = SweepRun | { status: 'busy'; runId: string };

/**
 * A run in progress. `taken` counts what the run has examined (index entries and records) against
 * its item limit; it is taken after each read and before anything is settled, so the limit holds
 * exactly and whatever a read returned beyond it is simply left for the next run.
 */
type Progress = SweepRun & { taken: number; holds: Map<string, Promise<Held>> };

/**
 * Deletes everything the policy has made due, in DynamoDB and S3, found through the due-date
 * index: its cost follows what is due, not what is stored. The index files one bucket per tenant,
 * day and category (and one entry per S3 object); a bucket's due records are one key range of the
 * day index. One run at a time (a lease); every deadline is the policy's, asked at the time of the
 * run, acted on only a clock-skew margin after it; limits bound each run, and the next continues.
 */
export async function sweepExpired(deps: SweepDeps): Promise<SweepOutcome> {
  const startedAt = deps.now();
  const run: Progress = { ...newRun(deps.runId, startedAt), taken: 0, holds: new Map() };
  const leaseUntil = new Date(startedAt.getTime() + deps.remainingMs());
  if (!(await deps.log.lease(run, startedAt, leaseUntil))) return { status: 'busy', runId: deps.runId };
  try {
    await deps.log.save(statusOf(run));
    const cutoff = new Date(run.cutoff);
    await Promise.all(duePartitions().map((shard) => drain(shard, cutoff, run, deps)));
    await measureWhatIsLeft(run, cutoff, deps);
    await deps.log.purge(cutoff);
    run.status = run.backlog > 0 ? 'stopped' : 'completed';
    if (run.status === 'completed') delete run.stoppedBy;
  } catch (error) {
    run.status = 'failed';
    run.error = (error as Error).name;
    throw error;
  } finally {
    run.endedAt = deps.now().toISOString();
    await deps.log.save(statusOf(run));
    await deps.log.release(run);
  }
  return statusOf(run);
}

/** Whether the run may go on: time left, and room under its item limit (else it says why it stopped). */
function mayContinue(run: Progress, deps: SweepDeps): boolean {
  if (deps.remainingMs() < deps.limits.reserveMs) {
    run.stoppedBy = 'time';
    return false;
  }
  if (run.taken >= deps.limits.maxItems) {
    run.stoppedBy = 'item-limit';
    return false;
  }
  return true;
}

/** Takes up to `n` items under the limit; how many the run may settle. */
function take(run: Progress, deps: SweepDeps, n: number): number {
  const allowed = Math.max(0, Math.min(n, deps.limits.maxItems - run.taken));
  run.taken += allowed;
  if (allowed < n) run.stoppedBy = 'item-limit';
  return allowed;
}

/** The size of the next read: a page, no more than the limit leaves. */
const nextPage = (run: Progress, deps: SweepDeps) =>
  Math.max(1, Math.min(deps.limits.pageSize, deps.limits.maxItems - run.taken));

/** Settles a shard's due entries page by page, oldest first, until none is left or a limit is hit. */
async function drain(shard: string, cutoff: Date, run: Progress, deps: SweepDeps): Promise<void> {
  let after: Record<string, unknown> | undefined;
  for (;;) {
    if (!mayContinue(run, deps)) return;
    const page = await deps.index.page(shard, cutoff, after, nextPage(run, deps));
    add(run, page.cost);
    if (!(await settle(page.entries, cutoff, run, deps))) {
      // The page's last entry may have reached the limit exactly (nothing was refused, so nothing
      // said why the run stops): the limit is why.
      if (run.taken >= deps.limits.maxItems) run.stoppedBy ??= 'item-limit';
      return;
    }
    after = page.next;
    if (!after) return;
  }
}

/** Settles a page of entries: buckets one by one, due objects at once. False when a limit stopped it. */
async function settle(entries: DueEntry[], cutoff: Date, run: Progress, deps: SweepDeps): Promise<boolean> {
  const objects: DueEntry[] = [];
  for (const entry of entries) {
    if (take(run, deps, 1) === 0) break;
    if (entry.kind === 'day-bucket') {
      if (!(await settleBucket(entry, cutoff, run, deps))) return false;
      continue;
    }
    const deadline = storedDeadline(entry);
    // Never early: the index is only a hint, the policy decides.
    if (!deadline || deadline > cutoff) {
      if (await deps.index.refile(entry, deadline)) run.refiled += 1;
    } else if (entry.category && isHeld(await heldFor(String(entry.tenantId), run, deps), entry.category)) {
      await holdBack(entry, entry.category, entry.records ?? 1, cutoff, run, deps);
    } else if (entry.kind === 'item') {
      // An item that is its own entry (a released hold): deleted where it is.
      if (await deps.index.deleteIfUnchanged(entry)) count(run, entry.category, 1);
    } else objects.push(entry);
  }
  if (objects.length === 0) return run.taken < deps.limits.maxItems || entries.length === 0;
  // The object first, then its entry: an entry left behind is retried; an object is never orphaned.
  const failures = new Set((await deps.objects.deleteAll(objects.map((o) => o.sk))).map((f) => f.key));
  const gone = objects.filter((o) => !failures.has(o.sk));
  await deps.index.deleteAll(gone);
  run.failed += failures.size;
  run.objectsDeleted += gone.length;
  for (const entry of gone) count(run, entry.category, entry.records ?? 1);
  return run.taken < deps.limits.maxItems;
}

/**
 * One day's records of one category: deletes those the policy makes due by the cutoff, then files
 * the bucket under the deadline of the next one left — or removes it once its day is past. A bucket
 * the policy no longer gives a deadline is taken out of the index.
 */
async function settleBucket(entry: DueEntry, cutoff: Date, run: Progress, deps: SweepDeps): Promise<boolean> {
  const bucket: Bucket = {
    tenantId: String(entry.tenantId),
    day: String(entry.day),
    category: String(entry.bucketCategory),
  };
  // A bucket of a terminated module names the termination (the reconciliation writes it so when
  // a changed rule makes the termination matter to records kept past it).
  const state = stateOf(entry.terminatedAt);
  const window = dayDueWindow(bucket.category, bucket.day, state);
  const upTo = latestDueRecordTime(bucket.category, cutoff, state);
  if (!window || window.from > cutoff || !upTo) {
    if (await deps.index.refile(entry, window?.from ?? null)) run.refiled += 1;
    return true;
  }
  if (isHeld(await heldFor(bucket.tenantId, run, deps), bucket.category)) {
    let due = 0;
    for (let shard = 0; shard < DAY_SHARDS; shard++) {
      const counted = await deps.index.countDueRecords(bucket, shard, upTo);
      add(run, counted.cost);
      due += counted.count;
    }
    await holdBack(entry, bucket.category, due, cutoff, run, deps);
    return true;
  }
  const next =
    bucket.category === 'directory-deletion-marker'
      ? await settleMarkers(bucket, upTo, run, deps)
      : await settleRecords(bucket, upTo, run, deps);
  if (next === 'stopped') return false;
  const deadline = next ? recordDeadline(bucket.category, next, state) : null;
  if (deadline) await deps.index.refile(entry, deadline);
  else if (cutoff >= window.to) await deps.index.deleteIfUnchanged(entry);
  // Nothing left, but the day's records could still arrive (a very late capture files it earlier).
  else await deps.index.refile(entry, window.to);
  return true;
}

/**
 * Deletes a bucket's due records, a few shards at once (a backlog of one busy tenant-day is one
 * bucket: its shards in turn would leave the table idle between pages); the time of the next
 * record left, `stopped` at a limit.
 */
async function settleRecords(
  bucket: Bucket,
  upTo: Date,
  run: Progress,
  deps: SweepDeps,
): Promise<Date | undefined | 'stopped'> {
  let next: Date | undefined;
  let stopped = false;
  await pool(DAY_SHARDS, SHARDS_IN_FLIGHT, async (shard) => {
    const read = (after?: Record<string, unknown>) => {
      if (stopped || !mayContinue(run, deps)) {
        stopped = true;
        return undefined;
      }
      return deps.index.dueRecords(bucket, shard, upTo, nextPage(run, deps), after);
    };
    let reading = read();
    while (reading) {
      const page = await reading;
      add(run, page.cost);
      const allowed = take(run, deps, page.records.length);
      // The next page is read while this one is deleted: it starts after this page's last key.
      reading = allowed === page.records.length && page.next ? read(page.next) : undefined;
      reading?.catch(() => undefined);
      await deps.index.deleteAll(page.records.slice(0, allowed));
      count(run, bucket.category, allowed);
      if (allowed < page.records.length) stopped = true;
      if (stopped) return;
    }
    if (stopped) return;
    const left = await deps.index.nextRecordTime(bucket, shard, upTo);
    add(run, left.cost);
    if (left.time && (!next || left.time < next)) next = left.time;
  });
  return stopped ? 'stopped' : next;
}

/** Deletes a tenant's application markers of the bucket's day that are due; the time of the next left. */
async function settleMarkers(
  bucket: Bucket,
  upTo: Date,
  run: Progress,
  deps: SweepDeps,
): Promise<Date | undefined> {
  const { markers, cost } = await deps.index.markers(bucket.tenantId);
  add(run, cost);
  let next: Date | undefined;
  for (const marker of markers.filter((m) => m.deletedAt.toISOString().startsWith(bucket.day))) {
    if (marker.deletedAt > upTo) {
      if (!next || marker.deletedAt < next) next = marker.deletedAt;
    } else if (await deps.index.deleteMarker(marker)) count(run, bucket.category, 1);
  }
  return next;
}

/** The standing holds of a tenant, read once per run. */
function heldFor(tenantId: string, run: Progress, deps: SweepDeps): Promise<Held> {
  let held = run.holds.get(tenantId);
  if (!held) {
    held = deps.holds.list(tenantId, deps.now()).then(heldBy);
    run.holds.set(tenantId, held);
  }
  return held;
}

/**
 * A legal hold covers what is due: nothing is deleted, the run reports what it kept, and the entry
 * comes back at the next run, so a released hold lets the deadline apply within one interval.
 */
async function holdBack(
  entry: DueEntry,
  category: string,
  records: number,
  cutoff: Date,
  run: Progress,
  deps: SweepDeps,
): Promise<void> {
  if (records > 0) run.held[category] = (run.held[category] ?? 0) + records;
  await deps.index.refile(entry, new Date(cutoff.getTime() + sweepEveryMinutes() * 60_000));
}

function count(run: Progress, category: string | undefined, records: number): void {
  if (records === 0) return;
  const name = category ?? 'unknown';
  run.deleted[name] = (run.deleted[name] ?? 0) + records;
}

/** The backlog a stopped run leaves, and the age of the oldest entry still filed past its deadline. */
async function measureWhatIsLeft(run: Progress, cutoff: Date, deps: SweepDeps): Promise<void> {
  const now = deps.now();
  const shards = duePartitions();
  const counts = await Promise.all(
    shards.map((shard) => deps.index.count(shard, cutoff, deps.limits.backlogCap)),
  );
  const oldest = await Promise.all(shards.map((shard) => deps.index.oldest(shard, now)));
  for (const { count: n, cost } of counts) {
    run.backlog += n;
    add(run, cost);
  }
  run.backlogCapped = run.backlog >= deps.limits.backlogCap;
  run.backlog = Math.min(run.backlog, deps.limits.backlogCap);
  for (const { entry, cost } of oldest as Array<{ entry?: DueEntry; cost: ReadCost }>) {
    add(run, cost);
    if (entry) {
      const overdue = Math.floor((now.getTime() - indexedDeadline(entry).getTime()) / 1000);
      run.oldestOverdueSeconds = Math.max(run.oldestOverdueSeconds, overdue);
    }
  }
}

function statusOf(run: Progress): SweepRun {
  const { taken: _taken, holds: _holds, ...status } = run;
  return status;
}
