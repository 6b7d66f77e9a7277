import { add, type DueEntry, type DynamoDueIndex, indexedDeadline } from '#store/due-index';
import { storedDeadline } from '#store/expiry';
import type { S3ObjectStore } from '#store/objects';
import { duePartitions } from '#store/record-keys';
import { type DynamoSweepLog, newRun, type SweepRun } from '#store/sweeps';

export interface SweepDeps {
  index: DynamoDueIndex;
  objects: S3ObjectStore;
  log: DynamoSweepLog;
  now: () => Date;
  /** Milliseconds this invocation may still use. */
  remainingMs: () => number;
  runId: string;
  limits: SweepLimits;
}

export interface SweepLimits {
  /** Entries one run examines at most (like a janitor's --limit); the next run continues. */
  maxItems: number;
  /** Entries read and settled per page (like --batch-size). */
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

export type SweepOutcome = SweepRun | { status: 'busy'; runId: string };

/**
 * A run in progress. Shards are read in parallel from one item budget: `taken` counts entries read,
 * `reserved` the pages being read, so the limit holds exactly and no shard starves behind pages
 * that come back short.
 */
type Progress = SweepRun & { taken: number; reserved: number; reads: Set<Promise<unknown>> };

/**
 * Deletes everything the policy has made due, in DynamoDB and S3, found through the due-date
 * index: its cost follows what is due, not what is stored. One run at a time (a lease that a
 * crashed run holds only until its own time was up); each run re-checks every deadline with the
 * policy, deletes only what was due a clock-skew margin ago, stops at its limits and leaves the
 * rest to the next run, and records what it did.
 */
export async function sweepExpired(deps: SweepDeps): Promise<SweepOutcome> {
  const startedAt = deps.now();
  const run: Progress = {
    ...newRun(deps.runId, startedAt),
    taken: 0,
    reserved: 0,
    reads: new Set(),
  };
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

/** Settles a shard's due entries page by page, oldest first, until none is left or a limit is hit. */
async function drain(shard: string, cutoff: Date, run: Progress, deps: SweepDeps): Promise<void> {
  let after: Record<string, unknown> | undefined;
  for (;;) {
    if (deps.remainingMs() < deps.limits.reserveMs) {
      run.stoppedBy = 'time';
      return;
    }
    const budget = Math.min(deps.limits.pageSize, deps.limits.maxItems - run.taken - run.reserved);
    if (budget <= 0) {
      if (run.reads.size === 0) {
        run.stoppedBy = 'item-limit';
        return;
      }
      // Pages being read may come back short and give part of their reservation back.
      await Promise.race(run.reads).catch(() => undefined);
      continue;
    }
    // Reserved and registered in one step, so `reserved > 0` always has a read to wait for; both
    // counters change together, before anyone waiting on this read sees it settle.
    run.reserved += budget;
    const read: Promise<Awaited<ReturnType<DynamoDueIndex['page']>>> = deps.index
      .page(shard, cutoff, after, budget)
      .then((page) => {
        run.taken += page.entries.length;
        return page;
      })
      .finally(() => {
        run.reads.delete(read);
        run.reserved -= budget;
      });
    run.reads.add(read);
    const page = await read;
    add(run, page.cost);
    await settle(page.entries, cutoff, run, deps);
    after = page.next;
    if (!after) return;
  }
}

/** Deletes the entries the policy confirms are due; files the others under their new deadline. */
async function settle(entries: DueEntry[], cutoff: Date, run: Progress, deps: SweepDeps): Promise<void> {
  const records: DueEntry[] = [];
  const markers: DueEntry[] = [];
  const objects: DueEntry[] = [];
  for (const entry of entries) {
    const deadline = storedDeadline(entry);
    if (!deadline || deadline > cutoff) {
      // Never early: the index is only a hint, the policy decides.
      if (await deps.index.refile(entry, deadline)) run.refiled += 1;
    } else if (entry.pk.endsWith('#OBJECTS')) objects.push(entry);
    else if (entry.pk.includes('#DIR#')) markers.push(entry);
    else records.push(entry);
  }

  // Captured records never change once written: batched deletes.
  await deps.index.deleteAll(records);
  for (const entry of records) count(run, entry, 1);

  // A deletion marker can be renewed by a later deletion: deleted only if still filed as seen.
  const markerResults = await Promise.all(markers.map((entry) => deps.index.deleteIfUnchanged(entry)));
  markers.forEach((entry, i) => {
    if (markerResults[i]) count(run, entry, 1);
  });

  // The object first, then its entry: an entry left behind is retried; an object never is orphaned.
  if (objects.length === 0) return;
  const failures = new Set((await deps.objects.deleteAll(objects.map((o) => o.sk))).map((f) => f.key));
  const gone = objects.filter((o) => !failures.has(o.sk));
  await deps.index.deleteAll(gone);
  run.failed += failures.size;
  run.objectsDeleted += gone.length;
  for (const entry of gone) count(run, entry, entry.records ?? 1);
}

function count(run: Progress, entry: DueEntry, records: number): void {
  const category = entry.category ?? 'unknown';
  run.deleted[category] = (run.deleted[category] ?? 0) + records;
}

/** The backlog a stopped run leaves, and the age of the oldest record still stored past its deadline. */
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
  for (const { entry, cost } of oldest) {
    add(run, cost);
    if (entry) {
      const overdue = Math.floor((now.getTime() - indexedDeadline(entry).getTime()) / 1000);
      run.oldestOverdueSeconds = Math.max(run.oldestOverdueSeconds, overdue);
    }
  }
}

function statusOf(run: Progress): SweepRun {
  const { taken: _taken, reserved: _reserved, reads: _reads, ...status } = run;
  return status;
}
