import { createHash } from 'node:crypto';
import { POLICY_VERSION } from '#policy/index';
import { dayPartitions, directoryKey, userStatKey } from '#store/record-keys';
import { type Item, type ItemKey, type TenantDataStore, tenantPartitions } from '#store/tenant-data';
import type { DynamoTerminationStore, ErasureJob } from '#store/terminations';

export interface EraseDeps {
  terminations: DynamoTerminationStore;
  data: TenantDataStore;
  now: () => Date;
  remainingMs: () => number;
}

const SAFETY_MS = 15_000;

/** How a user is named in jobs and receipts: a hash, never the id itself. */
export const subjectOf = (tenantId: string, userId: string) =>
  createHash('sha256').update(`${tenantId}\u0000${userId}`).digest('hex').slice(0, 32);

/**
 * Erases one user of a tenant: every record carrying the user id, the user's directory entry and
 * statistics state, and the user's place in the recent-user lists of stored statistics (the counts
 * stay: they hold no one). Checkpointed like a termination; admin action logs carry no user id
 * (they name cloud accounts) and keep their own 180 days.
 */
export async function eraseUser(
  hook: { tenantId: string; userId: string; requestedAt: string },
  deps: EraseDeps,
): Promise<'completed' | 'already-completed' | 'continue'> {
  const subject = subjectOf(hook.tenantId, hook.userId);
  const job: ErasureJob = (await deps.terminations.erasure(hook.tenantId, subject)) ?? {
    tenantId: hook.tenantId,
    subject,
    status: 'running',
    requestedAt: hook.requestedAt,
    erased: {},
  };
  if (job.status === 'completed') return 'already-completed';
  if (job.pending?.length) await finish(job, deps);

  const partitions = tenantPartitions(hook.tenantId);
  const steps = [
    ...(await days(hook.tenantId, deps.data)).flatMap((day) => dayPartitions(hook.tenantId, day)),
    partitions.stats,
  ];
  const at = job.checkpoint?.pk ? steps.indexOf(job.checkpoint.pk) : -1;
  for (let index = at < 0 ? 0 : job.checkpoint?.done ? at + 1 : at; index < steps.length; index++) {
    const pk = steps[index] as string;
    let after = job.checkpoint?.pk === pk && !job.checkpoint.done ? job.checkpoint.after : undefined;
    do {
      if (deps.remainingMs() < SAFETY_MS) {
        await deps.terminations.saveErasure(job);
        return 'continue';
      }
      const page = await deps.data.page(pk, after);
      const mine = page.items.filter(
        (item) => (item.data as { userId?: unknown } | undefined)?.userId === hook.userId,
      );
      for (const item of mine)
        job.erased[String(item.category)] = (job.erased[String(item.category)] ?? 0) + 1;
      if (pk === partitions.stats) await scrubStatistics(page.items, hook.userId, deps.data);
      after = page.next;
      job.checkpoint = { pk, ...(after ? { after } : { done: true }) };
      job.pending = mine.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
      await deps.terminations.saveErasure(job);
      await finish(job, deps);
    } while (after);
  }
  // The user's own entries: directory (or its deletion marker) and statistics state.
  job.pending = [directoryKey(hook.tenantId, 'user', hook.userId), userStatKey(hook.tenantId, hook.userId)];
  await deps.terminations.saveErasure(job);
  await finish(job, deps);

  const completedAt = deps.now().toISOString();
  const receiptKey = `receipts/${hook.tenantId}/erasure-${subject}.json`;
  await deps.data.putReceipt(
    hook.tenantId,
    receiptKey,
    {
      kind: 'erasure-receipt',
      tenantId: hook.tenantId,
      subject,
      policyVersion: POLICY_VERSION,
      requestedAt: job.requestedAt,
      completedAt,
      erasedRecords: job.erased,
      erasedAlso: ['user-attributes', 'statistical-data (per-user state, recent-user lists)'],
      keptByDesign: {
        'admin-action-log': 'names cloud accounts, not end users; kept 180 days from each record',
      },
    },
    new Date(completedAt),
  );
  Object.assign(job, { status: 'completed', completedAt, receiptKey });
  delete job.checkpoint;
  await deps.terminations.saveErasure(job);
  return 'completed';
}

async function finish(job: ErasureJob, deps: EraseDeps): Promise<void> {
  await deps.data.deleteAll(job.pending ?? []);
  delete job.pending;
  await deps.terminations.saveErasure(job);
}

async function days(tenantId: string, data: TenantDataStore): Promise<string[]> {
  const found: string[] = [];
  let after: ItemKey | undefined;
  do {
    const page = await data.page(tenantPartitions(tenantId).days, after, 1000);
    found.push(...page.items.map((i) => String(i.sk)));
    after = page.next;
  } while (after);
  return found.sort();
}

/** Removes the user from the recent-user lists of stored rollups and snapshots (idempotent). */
async function scrubStatistics(items: Item[], userId: string, data: TenantDataStore): Promise<void> {
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
