import {
  category as categoryDeclaration,
  dayDueWindow,
  latestDueRecordTime,
  POLICY_VERSION,
  stateOf,
  type TenantModuleState,
} from '#policy/index';
import { pool } from '#shared/pool';
import type { ItemKey } from '#store/keys';
import type { PlannedChange } from '#store/policy-state';
import type { Tenant } from '#store/ports';
import type { StoredBucket } from '#store/reconcile-index';
import type { ReconcileStores } from './reconcile-stores.ts';
import type { BucketWrite, Decided, StepContext } from './reconcile-types.ts';

// The day buckets of a changed category: each gets the deadline the new rule gives its day's
// records (or goes, when the rule gives them none), and days whose records had no deadline before
// get one, found through the tenant's day registry.

const moduleOf = (id: string, stored?: string) => {
  try {
    return categoryDeclaration(id).module as string;
  } catch {
    return stored;
  }
};

/** The state of a tenant's module, as the policy needs it for a deadline. */
function moduleState(tenant: Tenant | undefined, module: string | undefined): TenantModuleState {
  const at = module ? (tenant?.terminations as Record<string, string | undefined>)?.[module] : undefined;
  return stateOf(at);
}

/** The bucket a day of `id` needs under the policy now; null when its records have no deadline. */
function bucketFor(tenant: Tenant, id: string, day: string, module?: string): BucketWrite | null {
  const owner = moduleOf(id, module);
  const state = moduleState(tenant, owner);
  const window = dayDueWindow(id, day, state);
  if (!window) return null;
  return {
    tenantId: tenant.id,
    day,
    category: id,
    ...(owner ? { module: owner } : {}),
    due: window.from.toISOString(),
    ...(state.status === 'terminated' ? { terminatedAt: state.terminatedAt.toISOString() } : {}),
  };
}

const isCurrent = (bucket: StoredBucket, target: BucketWrite) =>
  bucket.policyVersion === POLICY_VERSION &&
  bucket.due === target.due &&
  (bucket.terminatedAt ?? '') === (target.terminatedAt ?? '');

/** Counts the records of a day the new rule finds past their deadline (the sweep deletes them next). */
async function countDueAtOnce(
  stores: ReconcileStores,
  ctx: StepContext,
  writes: readonly BucketWrite[],
): Promise<number> {
  let readUnits = 0;
  const due = writes.filter((w) => new Date(w.due) <= ctx.cutoff);
  await pool(due.length, 8, async (i) => {
    const write = due[i] as BucketWrite;
    const upTo = latestDueRecordTime(write.category, ctx.cutoff, stateOf(write.terminatedAt));
    if (!upTo) return;
    const counted = await stores.index.countUpTo(write.tenantId, write.day, write.category, upTo);
    ctx.counts.dueAtOnce += counted.count;
    readUnits += counted.readUnits;
  });
  return readUnits;
}

/** Every existing bucket of the changed category gets the new rule's deadline (or goes, when there is none). */
export async function refileBuckets(
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const found = await stores.index.buckets(tenant.id, change.id, page);
  const puts: BucketWrite[] = [];
  const removals: ItemKey[] = [];
  for (const bucket of found.items) {
    const target = bucketFor(tenant, change.id, bucket.day, bucket.module);
    if (!target) {
      removals.push({ pk: bucket.pk, sk: bucket.sk });
      ctx.counts.bucketsRemoved += 1;
    } else if (!isCurrent(bucket, target)) {
      puts.push(target);
      ctx.counts.bucketsRefiled += 1;
    }
  }
  const readUnits =
    found.readUnits +
    (change.id === 'directory-deletion-marker' ? 0 : await countDueAtOnce(stores, ctx, puts));
  return decided(puts, removals, found.next, readUnits);
}

/** Days with records of the category and no bucket yet (their rule gave them no deadline before) get one. */
export async function createBuckets(
  change: PlannedChange,
  ctx: StepContext,
  page: string | undefined,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const days = await stores.index.days(tenant.id, page, 50);
  const have = await stores.index.daysWithBucket(tenant.id, change.id, days.items);
  const puts: BucketWrite[] = [];
  let readUnits = days.readUnits;
  await pool(days.items.length, 8, async (i) => {
    const day = days.items[i] as string;
    const target = have.has(day) ? null : bucketFor(tenant, change.id, day);
    if (!target) return;
    const records = await stores.index.hasRecords(tenant.id, day, change.id);
    readUnits += records.readUnits;
    if (records.found) puts.push(target);
  });
  ctx.counts.bucketsCreated += puts.length;
  readUnits += await countDueAtOnce(stores, ctx, puts);
  return decided(puts, [], days.next, readUnits);
}

/** Days on which applications were deleted get a bucket for their markers. */
export async function createMarkerBuckets(
  change: PlannedChange,
  ctx: StepContext,
  stores: ReconcileStores,
): Promise<Decided> {
  const tenant = ctx.tenant as Tenant;
  const { markers, cost } = await stores.due.markers(tenant.id);
  const days = [...new Set(markers.map((m) => m.deletedAt.toISOString().slice(0, 10)))];
  const have = await stores.index.daysWithBucket(tenant.id, change.id, days);
  const puts = days.flatMap((day) => {
    const target = have.has(day) ? null : bucketFor(tenant, change.id, day, moduleOf('application-data'));
    return target ? [target] : [];
  });
  ctx.counts.bucketsCreated += puts.length;
  return decided(puts, [], undefined, cost.readUnits);
}

function decided(
  puts: BucketWrite[],
  removals: ItemKey[],
  next: string | undefined,
  readUnits: number,
): Decided {
  return {
    ...(puts.length || removals.length ? { pending: { kind: 'buckets', puts, removals } } : {}),
    ...(next ? { next } : {}),
    readUnits,
  };
}
