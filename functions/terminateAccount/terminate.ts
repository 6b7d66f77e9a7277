import {
  archiveDeletionDate,
  archiveWindowOf,
  type ModuleId,
  POLICY_VERSION,
  retentionDeadline,
  ruleOf,
  type TerminationAction,
  terminationPlan,
} from '#policy/index';
import { pool } from '#shared/pool';
import { dayPartitions } from '#store/record-keys';
import { type Item, type ItemKey, type TenantDataStore, tenantPartitions } from '#store/tenant-data';
import type { TenantStore } from '#store/tenants';
import type { DynamoTerminationStore, TerminationCounts, TerminationJob } from '#store/terminations';

export interface TerminateDeps {
  tenants: TenantStore;
  terminations: DynamoTerminationStore;
  data: TenantDataStore;
  now: () => Date;
  /** Longest a capture request can run: the second pass starts this long after the request. */
  captureSettleMs: number;
  /** Milliseconds this invocation may still use. */
  remainingMs: () => number;
}

export type TerminationOutcome = 'completed' | 'already-completed' | 'continue' | 'busy';

/** Items of consecutive partitions acted on together; `after` is where the last one resumes. */
type Chunk = { slices: Array<{ step: Step; items: Item[] }>; after: ItemKey | undefined };

/** A partition to clean, and whether its items are records (acted on by category) or all derived data. */
type Step = { pk: string; records: boolean };

const SAFETY_MS = 15_000;
const ARCHIVE_WRITES_IN_FLIGHT = 8;
/** Items acted on (and checkpointed as the write-ahead list) at once; partitions read ahead at once. */
const CHUNK_ITEMS = 500;
const READ_AHEAD = 16;

/**
 * Carries out one module's termination for one tenant, exactly as the policy says: delete, archive
 * to S3 (deletion date recorded), or keep to the record's own deadline. Resumable: every page is
 * checkpointed with the keys it is about to delete (a write-ahead list), so a crash or a timeout
 * resumes where it stopped and counts nothing twice. Two passes: the second, after any capture
 * request that started before the termination must have finished, removes what arrived late.
 */
export async function terminate(
  hook: { tenantId: string; module: ModuleId; requestedAt: string },
  deps: TerminateDeps,
): Promise<TerminationOutcome> {
  const tenant = await deps.tenants.get(hook.tenantId);
  if (!tenant) throw new Error(`termination hook for unknown tenant ${hook.tenantId}`);
  if (!tenant.modules.includes(hook.module))
    throw new Error(`tenant ${hook.tenantId} does not use ${hook.module}`);
  // The hook may come from any system: mark the termination here too (first request wins).
  const job = await deps.terminations.request(tenant, hook.module, hook.requestedAt);
  if (job.status === 'completed') return 'already-completed';
  const now = deps.now();
  if (!(await deps.terminations.lease(job, now, new Date(now.getTime() + deps.remainingMs())))) return 'busy';

  const terminatedAt = new Date(job.requestedAt);
  const actions = new Map(terminationPlan(hook.module).map((p) => [p.category as string, p.action]));
  job.status = 'running';
  job.startedAt ??= now.toISOString();
  job.checkpoint ??= { pass: 1 };
  if (job.pending?.length) await finishPending(job, deps);

  while (job.checkpoint.pass <= 2) {
    if (job.checkpoint.pass === 2 && deps.now().getTime() < terminatedAt.getTime() + deps.captureSettleMs) {
      const wait = terminatedAt.getTime() + deps.captureSettleMs - deps.now().getTime();
      if (wait > deps.remainingMs() - SAFETY_MS) return save(job, deps, 'continue');
      await new Promise((r) => setTimeout(r, wait));
    }
    const steps = await stepsOf(hook.tenantId, hook.module, deps.data);
    const at = job.checkpoint.pk ? steps.findIndex((s) => s.pk === job.checkpoint?.pk) : -1;
    // Resume inside the checkpointed partition, or after it once it was finished.
    let index = at < 0 ? 0 : job.checkpoint.done ? at + 1 : at;
    let after: ItemKey | undefined = at >= 0 && !job.checkpoint.done ? job.checkpoint.after : undefined;
    let reading: Promise<Chunk> | undefined =
      index < steps.length ? nextChunk(steps, index, after, deps.data) : undefined;
    while (reading) {
      if (deps.remainingMs() < SAFETY_MS) {
        reading.catch(() => undefined);
        return save(job, deps, 'continue');
      }
      const chunk: Chunk = await reading;
      index += chunk.slices.length - (chunk.after ? 1 : 0);
      after = chunk.after;
      // The next chunk is read while this one is settled: reads never depend on these deletions.
      reading = index < steps.length ? nextChunk(steps, index, after, deps.data) : undefined;
      reading?.catch(() => undefined);
      const toDelete: ItemKey[] = [];
      for (const { step, items } of chunk.slices)
        toDelete.push(...(await actOnPage(items, step, job, actions, terminatedAt, deps)));
      const last = chunk.slices.at(-1)?.step as Step;
      job.checkpoint = {
        pass: job.checkpoint.pass,
        pk: last.pk,
        ...(chunk.after ? { after: chunk.after } : { done: true }),
      };
      // Nothing to delete (most of the second pass): no write. A crash re-reads from the last saved
      // checkpoint and counts again from the counts saved with it; a hand-over saves this one.
      if (toDelete.length === 0) continue;
      job.pending = toDelete;
      await deps.terminations.save(job);
      await finishPending(job, deps);
    }
    job.checkpoint = { pass: (job.checkpoint.pass + 1) as 1 | 2 };
    await deps.terminations.save(job);
  }

  const completedAt = deps.now().toISOString();
  const receiptKey = `receipts/${hook.tenantId}/${hook.module}-${job.requestedAt.replaceAll(':', '')}.json`;
  await deps.data.putReceipt(
    hook.tenantId,
    receiptKey,
    {
      kind: 'termination-receipt',
      tenantId: hook.tenantId,
      module: hook.module,
      policyVersion: POLICY_VERSION,
      requestedAt: job.requestedAt,
      completedAt,
      categories: job.counts,
    },
    new Date(completedAt),
  );
  // The days registry only serves terminations: the last module to finish removes it.
  const others = (await deps.terminations.jobs(hook.tenantId)).filter((j) => j.module !== hook.module);
  if (
    tenant.modules.every(
      (m) => m === hook.module || others.some((j) => j.module === m && j.status === 'completed'),
    )
  ) {
    await removeDayRegistry(hook.tenantId, deps.data);
  }
  Object.assign(job, { status: 'completed', completedAt, receiptKey });
  delete job.leaseUntil;
  await deps.terminations.save(job);
  await deps.terminations.markTenantTerminatedIfDone({
    ...tenant,
    terminations: { ...tenant.terminations, [hook.module]: job.requestedAt },
  });
  return 'completed';
}

/**
 * The next items to act on, in partition order: the current partition from `after`, and the first
 * pages of the partitions after it read at the same time (most partitions of a tenant are small, and
 * one round trip each would dominate). Taken whole while they fit in one chunk; the partition where
 * the chunk ends is resumed after its last item. What was read beyond is read again next time.
 */
async function nextChunk(
  steps: Step[],
  index: number,
  after: ItemKey | undefined,
  data: TenantDataStore,
): Promise<Chunk> {
  const wave = steps.slice(index, index + READ_AHEAD);
  const pages = await Promise.all(
    wave.map((step, i) => data.page(step.pk, i === 0 ? after : undefined, CHUNK_ITEMS)),
  );
  const slices: Array<{ step: Step; items: Item[] }> = [];
  let total = 0;
  for (const [i, page] of pages.entries()) {
    if (i > 0 && total + page.items.length > CHUNK_ITEMS) break;
    slices.push({ step: wave[i] as Step, items: page.items });
    total += page.items.length;
    if (page.next) return { slices, after: page.next };
  }
  return { slices, after: undefined };
}

async function save(
  job: TerminationJob,
  deps: TerminateDeps,
  outcome: TerminationOutcome,
): Promise<TerminationOutcome> {
  delete job.leaseUntil;
  await deps.terminations.save(job);
  return outcome;
}

async function finishPending(job: TerminationJob, deps: TerminateDeps): Promise<void> {
  await deps.data.deleteAll(job.pending ?? []);
  delete job.pending;
  await deps.terminations.save(job);
}

async function removeDayRegistry(tenantId: string, data: TenantDataStore): Promise<void> {
  const { days } = tenantPartitions(tenantId);
  for (
    let page = await data.page(days, undefined, 1000);
    page.items.length > 0;
    page = await data.page(days, undefined, 1000)
  ) {
    await data.deleteAll(page.items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
  }
}

/** The module's partitions: its day partitions, and for CIAM the directory and the statistics. */
async function stepsOf(tenantId: string, module: ModuleId, data: TenantDataStore): Promise<Step[]> {
  const partitions = tenantPartitions(tenantId);
  const days: string[] = [];
  let after: ItemKey | undefined;
  do {
    const page = await data.page(partitions.days, after, 1000);
    days.push(...page.items.map((i) => String(i.sk)));
    after = page.next;
  } while (after);
  const steps: Step[] = days
    .sort()
    .flatMap((day) => dayPartitions(tenantId, day).map((pk) => ({ pk, records: true })));
  if (module === 'ciam') {
    for (const pk of [...partitions.directory, ...partitions.userStats, partitions.stats])
      steps.push({ pk, records: false });
  }
  return steps;
}

/** Decides each item's fate, archives what must be archived, counts, and returns the keys to delete. */
async function actOnPage(
  items: Item[],
  step: Step,
  job: TerminationJob,
  actions: Map<string, TerminationAction>,
  terminatedAt: Date,
  deps: TerminateDeps,
): Promise<ItemKey[]> {
  const toDelete: ItemKey[] = [];
  const archives = new Map<string, ArchiveGroup>();
  const now = deps.now();
  for (const item of items) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    const category = String(item.category);
    const action = step.records ? actions.get(category) : 'delete';
    if (!action) continue; // another module's record
    const counts = countsOf(job.counts, category);
    const recordTime = new Date(String(item.occurredAt));
    const state = { status: 'terminated', terminatedAt } as const;
    const deadline = action === 'keepUntilDeadline' ? retentionDeadline(category, recordTime, state) : null;
    if (action === 'delete' || (deadline && deadline <= now)) {
      // Deleted now: what the policy deletes at termination, and anything already past its deadline.
      toDelete.push(key);
      counts.deleted += 1;
    } else if (action === 'keepUntilDeadline') {
      if (job.checkpoint?.pass !== 1) continue;
      counts.kept += 1;
      if (deadline && (!counts.keptUntil || deadline.toISOString() > counts.keptUntil))
        counts.keptUntil = deadline.toISOString();
    } else {
      const deleteAt = archiveDeletionDate(category, recordTime, terminatedAt);
      // One object per category and window of deletion dates (the policy's archive window).
      const window = `${category}#${archiveWindowOf(deleteAt)}`;
      const group = archives.get(window) ?? {
        category,
        deleteAt,
        latestRecordAt: recordTime,
        records: [],
        keys: [],
      };
      if (deleteAt > group.deleteAt) group.deleteAt = deleteAt;
      if (recordTime > group.latestRecordAt) group.latestRecordAt = recordTime;
      group.records.push(archivedForm(item));
      group.keys.push(key);
      archives.set(window, group);
      counts.archived += 1;
      if (!counts.keptUntil || deleteAt.toISOString() > counts.keptUntil)
        counts.keptUntil = deleteAt.toISOString();
    }
  }
  const groups = [...archives.values()];
  // A page's objects are written a few at a time; none of its records is deleted before all are.
  await pool(groups.length, ARCHIVE_WRITES_IN_FLIGHT, (i) => {
    const group = groups[i] as ArchiveGroup;
    const first = group.keys[0] as ItemKey;
    const window = archiveWindowOf(group.deleteAt).replace(':', '');
    // Deterministic key (partition, first record): a retried page writes the same object again.
    const objectKey = `archives/${group.category}/${job.tenantId}/${window}/${encodeURIComponent(first.pk)}-${encodeURIComponent(first.sk)}.ndjson`;
    return deps.data.archive(job.tenantId, objectKey, group.records, { ...group, terminatedAt });
  });
  for (const group of groups) toDelete.push(...group.keys);
  return toDelete;
}

interface ArchiveGroup {
  category: string;
  deleteAt: Date;
  latestRecordAt: Date;
  records: Item[];
  keys: ItemKey[];
}

function countsOf(counts: TerminationCounts, category: string) {
  ruleOf(category); // an undeclared category here is a bug: fail loudly
  counts[category] ??= { deleted: 0, archived: 0, kept: 0 };
  return counts[category];
}

/** The archived form of a record: its data and times, without storage keys. */
function archivedForm(item: Item): Item {
  const { pk: _pk, sk: _sk, duePk: _dp, dueSk: _ds, expiresAt: _e, ...record } = item;
  return record;
}
