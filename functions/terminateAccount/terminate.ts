import {
  archiveDeletionDate,
  archiveWindowOf,
  categoriesOf,
  type ModuleId,
  POLICY_VERSION,
  retentionDeadline,
  terminationActionFor,
} from '#policy/index';
import { type Held, heldBy, isHeld } from '#shared/holds';
import { finishExports, refOf } from '#shared/jobs/exports';
import { allModulesTerminated, openTermination } from '#shared/jobs/open-termination';
import { heldByTermination, heldNoLonger } from '#shared/jobs/reopen';
import { finishPending, handOver, SAFETY_MS, walkPass } from '#shared/jobs/walk';
import { PoisonMessage, type TerminationHook } from '#shared/messages';
import { pool } from '#shared/pool';
import { LeaseLost } from '#store/jobs';
import { terminationReceiptKey } from '#store/keys';
import type {
  ArchiveGroup,
  ExportFiles,
  HoldStore,
  Item,
  ItemKey,
  LogExports,
  ObjectArchive,
  Partition,
  TenantData,
  TenantStore,
  TerminationCounts,
  TerminationJob,
  TerminationJobs,
} from '#store/ports';
import { moduleExports } from '../exportLogs/removal.ts';

export interface TerminateDeps {
  tenants: TenantStore;
  jobs: TerminationJobs;
  data: TenantData;
  objects: ObjectArchive;
  holds: Pick<HoldStore, 'list'>;
  exports: Pick<LogExports, 'list'>;
  exportFiles: Pick<ExportFiles, 'remove'>;
  now: () => Date;
  /** Longest any writer that started before the termination can still write: the second pass waits this long. */
  lateWriterMs: number;
  /** Milliseconds this invocation may still use. */
  remainingMs: () => number;
  /** Hands the rest to a later delivery of the hook, after `seconds` (the consumer re-sends it). */
  retryLater?: (seconds: number) => Promise<void>;
}

/** `continue`: handed over to a later delivery; `busy`: another run holds the job. */
export type TerminationOutcome = 'completed' | 'already-completed' | 'continue' | 'busy';

const ARCHIVE_WRITES_IN_FLIGHT = 8;
/** How long a delivery that found another run holding the job waits before it comes back. */
const BUSY_RETRY_SECONDS = 60;

/**
 * Carries out one module's termination for one tenant, exactly as the policy says: delete, archive
 * to S3 (deletion date recorded), or keep to the record's own deadline. Resumable (the shared job
 * skeleton). Two passes: the second, once every writer that could have started before the
 * termination must have finished, removes what they wrote late.
 */
export async function terminate(hook: TerminationHook, deps: TerminateDeps): Promise<TerminationOutcome> {
  const tenant = await deps.tenants.get(hook.tenantId);
  if (!tenant) throw new PoisonMessage(`termination hook for tenant ${hook.tenantId}, which does not exist`);
  if (!tenant.modules.includes(hook.module))
    throw new PoisonMessage(`tenant ${hook.tenantId} does not use ${hook.module}`);
  // The hook may come from any system: open the termination here too (the first request wins).
  const job = await openTermination(tenant, hook.module, hook.requestedAt, deps.jobs);
  if (job.status === 'completed') return 'already-completed';
  const now = deps.now();
  if (!(await deps.jobs.lease(job, now, new Date(now.getTime() + deps.remainingMs())))) {
    await deps.retryLater?.(BUSY_RETRY_SECONDS);
    return 'busy';
  }
  try {
    return await carryOut(job, tenant.modules, now, deps);
  } catch (error) {
    // This run outlived its lease and another has taken the job over: it stops, writing nothing more.
    if (!(error instanceof LeaseLost)) throw error;
    await deps.retryLater?.(BUSY_RETRY_SECONDS);
    return 'busy';
  }
}

/** Walks both passes, removes the exports, completes; throws `LeaseLost` once another run holds the job. */
async function carryOut(
  job: TerminationJob,
  modules: ModuleId[],
  now: Date,
  deps: TerminateDeps,
): Promise<'completed' | 'continue'> {
  const save = () => deps.jobs.save(job);
  const walk = { data: deps.data, save, remainingMs: deps.remainingMs };
  const terminatedAt = new Date(job.requestedAt);
  job.status = 'running';
  job.startedAt ??= now.toISOString();
  job.checkpoint ??= { pass: 1 };
  await finishPending(job, walk);

  const partitions = await deps.data.partitions(job.tenantId, job.module);
  // Read once per invocation: a hold placed meanwhile is seen by the next delivery, released by a re-run.
  const held = heldBy(await deps.holds.list(job.tenantId, now));
  const act = (items: Item[], partition: Partition) => actOn(items, partition, job, terminatedAt, held, deps);
  while (job.checkpoint.pass <= 2) {
    if (job.checkpoint.pass === 2) {
      const waitMs = terminatedAt.getTime() + deps.lateWriterMs - deps.now().getTime();
      if (waitMs > 0 && waitMs > deps.remainingMs() - SAFETY_MS) {
        await handOver(job, save);
        // The wait decides the delay (at most SQS's 900 s; a longer wait takes several deliveries).
        await deps.retryLater?.(Math.ceil(waitMs / 1000));
        return 'continue';
      }
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    }
    if (
      (await walkPass(job as TerminationJob & { checkpoint: object }, partitions, act, walk)) === 'continue'
    ) {
      await handOver(job, save);
      await deps.retryLater?.(0);
      return 'continue';
    }
  }
  if (job.checkpoint.pass === 3) {
    // After the second pass: every export worker that could have started before the termination
    // has finished by then (their timeout is within lateWriterMs), and later ones do not start.
    const decided = moduleExports(await deps.exports.list(job.tenantId), job.module, held);
    // Added to what an earlier run removed (a re-run after a hold's release decides again).
    job.counts['log-export'] = {
      deleted: (job.counts['log-export']?.deleted ?? 0) + decided.remove.length,
      archived: 0,
      kept: 0,
      ...(decided.held > 0 ? { held: decided.held } : {}),
    };
    job.exportsPending = decided.remove.map(refOf);
    job.checkpoint = { pass: 4 };
    await save();
  }
  await finishExports(job, deps.exportFiles, save);
  // Saved before the holds are read again: a release after that read finds what was held counted
  // here and re-opens the job, taking this run's lease (it stops at the save of its completion).
  await save();
  const released = await heldNoLonger(
    heldByTermination(job),
    job.counts['log-export']?.held ?? 0,
    await deps.holds.list(job.tenantId, deps.now()),
    async (held) => moduleExports(await deps.exports.list(job.tenantId), job.module, held).held,
  );
  if (released) {
    // A hold released while this run was under way: what it kept for that hold is walked again.
    await deps.jobs.reopen(job);
    await deps.retryLater?.(0);
    return 'continue';
  }
  await complete(job, modules, deps);
  return 'completed';
}

async function complete(job: TerminationJob, modules: ModuleId[], deps: TerminateDeps): Promise<void> {
  // Saved (lease checked) right before the receipt: a run whose job was re-opened or taken over
  // stops here and writes no receipt over the one of the run that completes it.
  await deps.jobs.save(job);
  const completedAt = deps.now().toISOString();
  const receiptKey = terminationReceiptKey(job.tenantId, job.module, job.requestedAt);
  await deps.objects.putReceipt(
    job.tenantId,
    receiptKey,
    {
      kind: 'termination-receipt',
      tenantId: job.tenantId,
      module: job.module,
      policyVersion: POLICY_VERSION,
      requestedAt: job.requestedAt,
      completedAt,
      categories: job.counts,
    },
    new Date(completedAt),
  );
  Object.assign(job, { status: 'completed', completedAt, receiptKey });
  delete job.leaseUntil;
  delete job.checkpoint;
  await deps.jobs.save(job);
  const tenant = await deps.tenants.get(job.tenantId);
  const jobs = await deps.jobs.jobs(job.tenantId);
  if (tenant && allModulesTerminated({ ...tenant, modules }, jobs)) {
    // The day markers only serve a live tenant; buckets of what is kept to its date stay for the sweep.
    await removeDayMarkers(job.tenantId, deps);
    await deps.tenants.setStatus(job.tenantId, 'terminated');
  }
}

async function removeDayMarkers(tenantId: string, deps: TerminateDeps): Promise<void> {
  const registry = (await deps.data.partitions(tenantId, 'ciam')).find((p) => p.holds === 'index');
  if (!registry) return;
  let after: ItemKey | undefined;
  do {
    const page = await deps.data.page(registry.pk, after, 1000);
    const markers = page.items.filter((i) => i.kind !== 'day-bucket');
    await deps.data.deleteAll(markers.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
    after = page.next;
  } while (after);
}

/** Decides each item's fate, archives what must be archived, counts, and returns the keys to delete. */
async function actOn(
  items: Item[],
  partition: Partition,
  job: TerminationJob,
  terminatedAt: Date,
  held: Held,
  deps: TerminateDeps,
): Promise<ItemKey[]> {
  const mine = new Set<string>(categoriesOf(job.module).map((c) => c.id));
  const toDelete: ItemKey[] = [];
  const archives = new Map<string, ArchiveGroup>();
  const now = deps.now();
  for (const item of items) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    const named = item.kind === 'day-bucket' ? item.bucketCategory : item.category;
    const category = typeof named === 'string' ? named : undefined;
    if (category && isHeld(held, category)) {
      // A legal hold covers it: kept, and said so in the receipt; a re-run on release finishes it.
      if (partition.holds !== 'index' && job.checkpoint?.pass === 1)
        countsOf(job.counts, category).held = (countsOf(job.counts, category).held ?? 0) + 1;
      continue;
    }
    if (partition.holds === 'module') {
      // Derived data of the module (applications, statistics): deleted, counted by category.
      toDelete.push(key);
      countsOf(job.counts, category ?? 'unknown').deleted += 1;
      continue;
    }
    if (!category || !(mine.has(category) || (item.module === job.module && category === 'idempotency-key')))
      continue; // another module's, or a day marker (removed once every module has terminated)
    const action = terminationActionFor(category);
    if (partition.holds === 'index') {
      // A day bucket: no longer needed once its records go; kept while they are kept (the sweep's).
      if (action !== 'keepUntilDeadline') toDelete.push(key);
      continue;
    }
    const counted = category !== 'idempotency-key';
    const recordTime = new Date(String(item.occurredAt));
    const state = { status: 'terminated', terminatedAt } as const;
    const deadline = action === 'keepUntilDeadline' ? retentionDeadline(category, recordTime, state) : null;
    if (action === 'delete' || (deadline && deadline <= now)) {
      // Deleted now: what the policy deletes at termination, and anything already past its deadline.
      toDelete.push(key);
      if (counted) countsOf(job.counts, category).deleted += 1;
    } else if (action === 'keepUntilDeadline') {
      if (!counted || job.checkpoint?.pass !== 1) continue;
      const counts = countsOf(job.counts, category);
      counts.kept += 1;
      if (deadline && (!counts.keptUntil || deadline.toISOString() > counts.keptUntil))
        counts.keptUntil = deadline.toISOString();
    } else {
      addToArchive(archives, item, key, category, recordTime, terminatedAt);
      const counts = countsOf(job.counts, category);
      counts.archived += 1;
      const deleteAt = archiveDeletionDate(category, recordTime, terminatedAt).toISOString();
      if (!counts.keptUntil || deleteAt > counts.keptUntil) counts.keptUntil = deleteAt;
    }
  }
  const groups = [...archives.values()];
  // A chunk's objects are written a few at a time; none of its records is deleted before all are.
  await pool(groups.length, ARCHIVE_WRITES_IN_FLIGHT, (i) =>
    deps.objects.archive(job.tenantId, groups[i] as ArchiveGroup),
  );
  for (const group of groups) toDelete.push(...group.keys);
  return toDelete;
}

/** Groups archived records per category and window of deletion dates (the policy's archive window). */
function addToArchive(
  archives: Map<string, ArchiveGroup>,
  item: Item,
  key: ItemKey,
  category: string,
  recordTime: Date,
  terminatedAt: Date,
): void {
  const deleteAt = archiveDeletionDate(category, recordTime, terminatedAt);
  const window = archiveWindowOf(deleteAt);
  const group = archives.get(`${category}#${window}`) ?? {
    category,
    window,
    records: [],
    keys: [],
    first: key,
    latestRecordAt: recordTime,
    terminatedAt,
    deleteAt,
  };
  if (deleteAt > group.deleteAt) group.deleteAt = deleteAt;
  if (recordTime > group.latestRecordAt) group.latestRecordAt = recordTime;
  group.records.push(archivedForm(item));
  group.keys.push(key);
  archives.set(`${category}#${window}`, group);
}

function countsOf(counts: TerminationCounts, category: string) {
  counts[category] ??= { deleted: 0, archived: 0, kept: 0 };
  return counts[category];
}

/** The archived form of a record: its data and times, without storage or index keys. */
function archivedForm(item: Item): Item {
  const { pk: _pk, sk: _sk, dayPk: _dp, daySk: _ds, fingerprint: _f, ...record } = item;
  return record;
}
