import { POLICY_VERSION } from '#policy/index';
import { heldBy, isHeld } from '#shared/holds';
import { finishExports, refOf } from '#shared/jobs/exports';
import { heldByErasure, heldNoLonger } from '#shared/jobs/reopen';
import { finishPending, handOver, walkPass } from '#shared/jobs/walk';
import { type ErasureRequest, PoisonMessage, subjectOf } from '#shared/messages';
import { LeaseLost } from '#store/jobs';
import { erasureReceiptKey, statsPartition, userStatKey } from '#store/keys';
import type {
  ErasureJob,
  ErasureJobs,
  ExportFiles,
  HoldStore,
  Item,
  ItemKey,
  LogExports,
  ObjectArchive,
  Partition,
  TenantData,
  TenantStore,
} from '#store/ports';
import { userExports } from '../exportLogs/removal.ts';

export interface EraseDeps {
  tenants: TenantStore;
  jobs: ErasureJobs;
  data: TenantData;
  objects: ObjectArchive;
  holds: Pick<HoldStore, 'list'>;
  exports: Pick<LogExports, 'list'>;
  exportFiles: Pick<ExportFiles, 'remove'>;
  now: () => Date;
  remainingMs: () => number;
}

export type ErasureOutcome = 'completed' | 'already-completed' | 'continue' | 'busy';

/**
 * Erases one user of a tenant for one request: every record carrying the user id, the user's
 * statistics state, and the user's place in the recent-user lists of stored statistics (the counts
 * stay: they hold no one). Resumable like a termination (the shared job skeleton). Administrator
 * action logs carry no end-user id (they name cloud accounts) and keep to their own deadline.
 */
export async function eraseUser(request: ErasureRequest, deps: EraseDeps): Promise<ErasureOutcome> {
  const tenant = await deps.tenants.get(request.tenantId);
  if (!tenant)
    throw new PoisonMessage(`erasure request for tenant ${request.tenantId}, which does not exist`);
  const job =
    (await deps.jobs.job(request.tenantId, request.erasureId)) ??
    // The request delivered twice at once: the first to record its job wins, the other leases that one.
    (await deps.jobs.create({
      tenantId: request.tenantId,
      erasureId: request.erasureId,
      subject: subjectOf(request.tenantId, request.userId),
      status: 'running',
      requestedAt: request.requestedAt,
      erased: {},
      checkpoint: { pass: 1 },
    }));
  if (job.status === 'completed') return 'already-completed';
  const now = deps.now();
  if (!(await deps.jobs.lease(job, now, new Date(now.getTime() + deps.remainingMs())))) return 'busy';
  try {
    return await carryOut(job, request, now, deps);
  } catch (error) {
    // This run outlived its lease and another has taken the job over: it stops, writing nothing more.
    if (error instanceof LeaseLost) return 'busy';
    throw error;
  }
}

/** Erases in order (records, exports, the user's state), then completes; throws `LeaseLost` once another run holds the job. */
async function carryOut(
  current: ErasureJob,
  request: ErasureRequest,
  now: Date,
  deps: EraseDeps,
): Promise<'completed' | 'continue'> {
  const save = () => deps.jobs.save(current);
  const walk = { data: deps.data, save, remainingMs: deps.remainingMs };
  current.checkpoint ??= { pass: 1 };
  await finishPending(current, walk);
  // What a legal hold covers is left, counted, and erased when the hold is released.
  const held = heldBy(await deps.holds.list(request.tenantId, now));
  const keep = (category: string) => {
    if (!isHeld(held, category)) return false;
    current.held ??= {};
    current.held[category] = (current.held[category] ?? 0) + 1;
    return true;
  };
  const statisticsHeld = isHeld(held, 'statistical-data');

  if (current.checkpoint?.pass === 1) {
    const stats = statsPartition(request.tenantId);
    const partitions: Partition[] = [
      ...(await deps.data.partitions(request.tenantId, 'ciam')).filter((p) => p.holds === 'records'),
      { pk: stats, holds: 'module' },
    ];
    const act = async (items: Item[], partition: Partition): Promise<ItemKey[]> => {
      if (partition.pk === stats) {
        if (!statisticsHeld) await scrubStatistics(items, request.userId, deps.data);
        return [];
      }
      const carrying = items.filter(
        (item) =>
          (item.data as { userId?: unknown } | undefined)?.userId === request.userId &&
          !keep(String(item.category)),
      );
      for (const item of carrying)
        current.erased[String(item.category)] = (current.erased[String(item.category)] ?? 0) + 1;
      return carrying.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
    };
    if (
      (await walkPass(current as ErasureJob & { checkpoint: object }, partitions, act, walk)) === 'continue'
    ) {
      await handOver(current, save);
      return 'continue';
    }
  }
  if (current.checkpoint?.pass === 2) {
    // After the user's records are gone, so an export started from now on cannot copy them; one
    // running now finds its job removed when it finishes, and removes its own file (exportLogs).
    const decided = userExports(await deps.exports.list(request.tenantId), current.subject, held);
    if (decided.remove.length > 0)
      current.erased['log-export'] = (current.erased['log-export'] ?? 0) + decided.remove.length;
    if (decided.held > 0) current.held = { ...current.held, 'log-export': decided.held };
    current.exportsPending = decided.remove.map(refOf);
    current.checkpoint = { pass: 3 };
    await save();
  }
  await finishExports(current, deps.exportFiles, save);
  // The user's own entry: the statistics' per-user state.
  if (!statisticsHeld) {
    current.pending = [userStatKey(request.tenantId, request.userId)];
    await save();
    await finishPending(current, walk);
  } else {
    // Kept with the user's place in the recent-user lists, counted so that a release erases them.
    current.held = { ...current.held, 'statistical-data': 1 };
  }
  if (heldByErasure(current).length > 0) current.heldUserId = request.userId;
  else delete current.heldUserId;
  // Saved before the holds are read again: a release after that read finds what was held counted
  // here and re-opens the job, taking this run's lease (it stops at the save of its completion).
  await save();
  const released = await heldNoLonger(
    heldByErasure(current),
    current.held?.['log-export'] ?? 0,
    await deps.holds.list(request.tenantId, deps.now()),
    async (held) => userExports(await deps.exports.list(request.tenantId), current.subject, held).held,
  );
  if (released) {
    // A hold released while this run was under way: what it kept for that hold is erased now.
    await deps.jobs.reopen(current);
    return 'continue';
  }
  await complete(current, deps);
  return 'completed';
}

async function complete(job: ErasureJob, deps: EraseDeps): Promise<void> {
  // Saved (lease checked) right before the receipt: a run whose job was re-opened or taken over
  // stops here and writes no receipt over the one of the run that completes it.
  await deps.jobs.save(job);
  const completedAt = deps.now().toISOString();
  const receiptKey = erasureReceiptKey(job.tenantId, job.erasureId);
  await deps.objects.putReceipt(
    job.tenantId,
    receiptKey,
    {
      kind: 'erasure-receipt',
      tenantId: job.tenantId,
      erasureId: job.erasureId,
      subject: job.subject,
      policyVersion: POLICY_VERSION,
      requestedAt: job.requestedAt,
      completedAt,
      erasedRecords: job.erased,
      ...(job.held ? { heldByLegalHold: job.held } : {}),
      ...(job.held?.['statistical-data']
        ? {}
        : { erasedAlso: ['statistical-data (per-user state, recent-user lists)'] }),
      keptByDesign: {
        'admin-action-log': 'names cloud accounts, not end users; kept to its own deadline from each record',
      },
    },
    new Date(completedAt),
  );
  Object.assign(job, { status: 'completed', completedAt, receiptKey });
  delete job.checkpoint;
  delete job.leaseUntil;
  await deps.jobs.save(job);
}

/** Removes the user from the recent-user lists of stored rollups and snapshots (idempotent). */
async function scrubStatistics(items: Item[], userId: string, data: TenantData): Promise<void> {
  for (const item of items) {
    const holder = (item.rollup ?? item.snapshot) as
      | { recentLogins?: Array<{ userId: string }>; recentRegistrations?: Array<{ userId: string }> }
      | undefined;
    if (!holder) continue;
    const mentions = [holder.recentLogins, holder.recentRegistrations].some((list) =>
      list?.some((u) => u.userId === userId),
    );
    if (!mentions) continue;
    for (const list of ['recentLogins', 'recentRegistrations'] as const)
      holder[list] = holder[list]?.filter((u) => u.userId !== userId);
    await data.replace(item);
  }
}
