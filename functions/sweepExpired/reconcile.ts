import { oldestKeptRecordTime, POLICY_VERSION, ruleChanges, storedForm, sweepCutoff } from '#policy/index';
import { LeaseLost } from '#store/jobs';
import { reconciliationReceiptKey } from '#store/keys';
import type { ChangeCounts, PlannedChange, PolicyInForce, ReconciliationJob } from '#store/policy-state';
import { READ_AHEAD, ReadAhead } from './reconcile-ahead.ts';
import { addCounts, BUCKET_WORK, decideCounted, OPS_OWNER, zero } from './reconcile-owners.ts';
import { planOf } from './reconcile-plan.ts';
import { cutShort, isUnfinished, sourceDeclarations, sourceVersions } from './reconcile-sources.ts';
import { apply } from './reconcile-steps.ts';
import type { ReconcileStores } from './reconcile-stores.ts';
import { PendingWrites, pendingOf } from './reconcile-writes.ts';

// Brings the stored data under the policy this code was built with, when it differs from the one
// the data was last brought under: every changed rule's items get the new deadline, by key, tenant
// by tenant (the sweep that runs next deletes what is now due). Two passes: the second, once every
// capture that may still run the old code has ended, catches what they wrote. Resumable at every
// step, one run at a time (a lease), with a status and a receipt.

export interface ReconcileDeps extends ReconcileStores {
  now: () => Date;
  /** Milliseconds this invocation may still use for the reconciliation. */
  remainingMs: () => number;
  /** How long a capture started before the deploy may still write (the functions' longest timeout). */
  lateWriterMs: number;
  /** The run takes no new page with less time than this left. */
  reserveMs: number;
}

export type ReconcileOutcome =
  | { status: 'baseline' | 'in-force' | 'busy' }
  | { status: 'continue' | 'waiting' | 'completed'; job: ReconciliationJob };

/** A saved checkpoint at least every this many owners, even when nothing changed for them. */
const SAVE_EVERY_OWNERS = 25;
/** Tenant ids listed per query of the registry. */
const TENANT_PAGE = 100;

/** One reconciliation step: bring stored data under the deployed policy, as far as time allows. */
export async function reconcilePolicy(deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const now = deps.now();
  const [inForce, jobs] = await Promise.all([deps.state.inForce(), purgeStatuses(deps, now)]);
  if (!inForce) {
    // The first deploy: what is stored was written under this policy.
    await deps.state.putDeclarations(POLICY_VERSION, storedForm());
    await deps.state.setInForce({ version: POLICY_VERSION, since: now.toISOString() });
    return { status: 'baseline' };
  }
  // In force, unless this deploy is the policy in force again (a rollback) while a reconciliation
  // away from it may have brought items under another policy, or its own reconciliation back runs.
  if (
    inForce.version === POLICY_VERSION &&
    cutShort(jobs, inForce).length === 0 &&
    !jobs.some((j) => j.to === POLICY_VERSION && isUnfinished(j))
  )
    return { status: 'in-force' };
  let job = await deps.state.job(POLICY_VERSION);
  if (job?.status === 'completed' && inForce.version !== job.to && String(job.endedAt) >= inForce.since) {
    // Completed, but the policy in force was not yet set when the run ended.
    await deps.state.setInForce({ version: job.to, since: String(job.endedAt) });
    return { status: 'completed', job };
  }
  // None yet; or an earlier one to this version that another policy followed (a rollback), or that
  // a newer deploy cut short: this deploy brings the data under the version again.
  if (!job || job.status === 'completed' || job.status === 'superseded')
    job = await open(inForce, jobs, deps, now, job);
  if (!(await deps.state.lease(job, now, new Date(now.getTime() + deps.remainingMs()))))
    return { status: 'busy' };
  try {
    return await run(job, deps);
  } catch (error) {
    // Another run took the job over once this one's lease ran out: it carries on from its own saves.
    if (error instanceof LeaseLost) return { status: 'busy' };
    throw error;
  } finally {
    await deps.state.release(job);
  }
}

/** Opens the job: the changes from every policy stored data may be under (given the jobs stored), planned. */
async function open(
  inForce: PolicyInForce,
  jobs: readonly ReconciliationJob[],
  deps: ReconcileDeps,
  now: Date,
  replacing?: ReconciliationJob,
): Promise<ReconciliationJob> {
  const [, tenants] = await Promise.all([
    deps.state.putDeclarations(POLICY_VERSION, storedForm()),
    deps.tenants.countTenants(),
  ]);
  // A reconciliation a newer deploy (or this one again) cut short may have left items under its own policy.
  const versions = sourceVersions(jobs, inForce);
  const sources = await sourceDeclarations(deps.state, versions);
  const unfinished = jobs.filter((j) => j.to !== POLICY_VERSION && isUnfinished(j));
  const at = now.toISOString();
  const job = await deps.state.open(
    {
      to: POLICY_VERSION,
      from: versions,
      status: 'running',
      changes: planOf(ruleChanges(sources)),
      pass: 1,
      startedAt: at,
      passStartedAt: at,
      passOneStartedAt: at,
      tenants: { total: tenants, done: 0 },
      cursor: {},
      counts: {},
      lateCounts: {},
      readUnits: 0,
    },
    replacing,
  );
  // Superseded, its lease gone: a run still going on it stops at its next save.
  for (const cut of unfinished) {
    const { leaseUntil: _lease, ...rest } = cut;
    await deps.state.save({ ...rest, status: 'superseded', endedAt: at });
  }
  return job;
}

/** Runs the job's passes from its checkpoint until it completes, waits for late writers, or time runs short. */
async function run(job: ReconciliationJob, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  if (job.pending !== undefined) {
    for (const pending of pendingOf(job)) await apply(pending, deps);
    delete job.pending;
    await deps.state.save(job);
  }
  for (;;) {
    if (job.status === 'waiting') {
      const now = deps.now();
      if (!lateWritersEnded(job, deps, now)) return { status: 'waiting', job };
      Object.assign(job, { status: 'running', pass: 2, passStartedAt: now.toISOString(), cursor: {} });
      job.tenants = { total: await deps.tenants.countTenants(), done: 0 };
      await deps.state.save(job);
    }
    if ((await walk(job, deps)) === 'continue') return { status: 'continue', job };
    if (job.pass === 1) {
      job.status = 'waiting';
      // Saved as waiting only when it waits: walk has saved the finished pass.
      if (!lateWritersEnded(job, deps)) await deps.state.save(job);
      continue;
    }
    await complete(job, deps);
    return { status: 'completed', job };
  }
}

/** Whether every capture that may still run the code from before the first pass has ended. */
const lateWritersEnded = (job: ReconciliationJob, deps: ReconcileDeps, now = deps.now()) =>
  now.getTime() >= new Date(job.passOneStartedAt).getTime() + deps.lateWriterMs;

/** One pass over every owner, from the checkpoint. */
async function walk(job: ReconciliationJob, deps: ReconcileDeps): Promise<'done' | 'continue'> {
  const ctx = { cutoff: sweepCutoff(deps.now()) };
  const writes = new PendingWrites(job, deps);
  const ahead = new ReadAhead(job.changes, ctx, deps);
  try {
    const result = await walkFrom(job, deps, writes, ahead, ctx);
    job.readUnits += await ahead.drop();
    await writes.drain();
    await deps.state.save(job);
    return result;
  } catch (error) {
    job.readUnits += await ahead.drop();
    // No batch goes on being applied once the run has ended (and its lease is let go).
    await writes.settle();
    throw error;
  }
}

async function walkFrom(
  job: ReconciliationJob,
  deps: ReconcileDeps,
  writes: PendingWrites,
  ahead: ReadAhead,
  ctx: { cutoff: Date },
): Promise<'done' | 'continue'> {
  /** The tenants after the one being walked, as far as they are listed. */
  const upcoming: string[] = [];
  let listedAll = false;
  const listAfter = async (owner: string | undefined) => {
    if (listedAll || upcoming.length >= READ_AHEAD) return;
    const ids = await deps.tenants.tenantIdsAfter(upcoming.at(-1) ?? owner, TENANT_PAGE);
    if (ids.length < TENANT_PAGE) listedAll = true;
    upcoming.push(...ids);
  };
  let unsaved = 0;
  for (;;) {
    if (deps.remainingMs() < deps.reserveMs) return 'continue';
    if (job.cursor.tenantId === undefined) {
      const { afterTenant } = job.cursor;
      if (afterTenant !== undefined) await listAfter(afterTenant);
      const next = afterTenant === undefined ? OPS_OWNER : upcoming.shift();
      if (next === undefined) return 'done';
      job.cursor = { afterTenant, tenantId: next, step: 0 };
    }
    const owner = job.cursor.tenantId as string;
    const fresh = (job.cursor.step ?? 0) === 0 && job.cursor.page === undefined;
    await listAfter(owner);
    ahead.prepare(upcoming);
    const { tenant, steps, first } = await ahead.take(owner, fresh);
    let readAhead = first;
    while ((job.cursor.step ?? 0) < steps.length) {
      if (deps.remainingMs() < deps.reserveMs) {
        // A decision read ahead and not taken: its reads were made all the same.
        job.readUnits += readAhead?.decided.readUnits ?? 0;
        return 'continue';
      }
      const step = steps[job.cursor.step ?? 0] as [PlannedChange, string];
      const [change, work] = step;
      const buckets = BUCKET_WORK.has(work);
      if (!buckets) await writes.drain();
      const { decided, counts } =
        readAhead ??
        (await decideCounted(step, { ...ctx, ...(tenant ? { tenant } : {}) }, job.cursor.page, deps));
      readAhead = undefined;
      addCounts(countsOf(job, change.id), counts);
      job.readUnits += decided.readUnits;
      job.cursor = {
        afterTenant: job.cursor.afterTenant,
        tenantId: owner,
        step: (job.cursor.step ?? 0) + (decided.next ? 0 : 1),
        ...(decided.next ? { page: decided.next } : {}),
      };
      const { pending } = decided;
      if (!pending) continue;
      // The decision and its counts are saved before anything is written: a crash replays them.
      if (buckets && pending.kind === 'buckets') {
        if (await writes.gather(pending)) unsaved = 0;
      } else {
        await writes.now(pending);
        unsaved = 0;
      }
    }
    if (owner !== OPS_OWNER) job.tenants.done += 1;
    job.cursor = { afterTenant: owner };
    if (++unsaved >= SAVE_EVERY_OWNERS) {
      await deps.state.save(job);
      unsaved = 0;
    }
  }
}

function countsOf(job: ReconciliationJob, id: string): ChangeCounts {
  const counts = job.pass === 1 ? job.counts : job.lateCounts;
  counts[id] ??= zero();
  return counts[id];
}

/** The receipt (versions, changes, counts; no ids, no personal data), then the policy is in force. */
async function complete(job: ReconciliationJob, deps: ReconcileDeps): Promise<void> {
  const endedAt = deps.now().toISOString();
  const key = reconciliationReceiptKey(job.to, job.startedAt);
  await deps.archive.putPolicyReceipt(key, receiptOf({ ...job, endedAt }), new Date(endedAt));
  Object.assign(job, { status: 'completed', endedAt, receiptKey: key });
  await deps.state.save(job);
  await deps.state.setInForce({ version: job.to, since: endedAt });
}

/** The counts of a pass, per change in plan order, each in one field order (a receipt reads the same however often the job was saved). */
function inPlanOrder(job: ReconciliationJob, counts: Record<string, ChangeCounts>) {
  return Object.fromEntries(job.changes.map((c) => [c.id, { ...zero(), ...counts[c.id] }]));
}

/** What the receipt says. */
export function receiptOf(job: ReconciliationJob) {
  return {
    kind: 'policy-reconciliation',
    from: job.from,
    to: job.to,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    tenants: job.tenants.total,
    changes: job.changes.map(({ id, before, after, work, unenforceable }) => ({
      id,
      before,
      after,
      work,
      ...(unenforceable ? { unenforceable } : {}),
    })),
    counts: inPlanOrder(job, job.counts),
    lateCounts: inPlanOrder(job, job.lateCounts),
  };
}

/** Removes the status of reconciliations past their own retention; returns the others. */
async function purgeStatuses(deps: ReconcileDeps, now: Date): Promise<ReconciliationJob[]> {
  const oldest = oldestKeptRecordTime('reconciliation-status', now).toISOString();
  const kept: ReconciliationJob[] = [];
  for (const job of await deps.state.jobs())
    if (job.endedAt && job.endedAt < oldest && !isUnfinished(job)) await deps.state.remove(job);
    else kept.push(job);
  return kept;
}
