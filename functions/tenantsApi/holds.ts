import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { categoriesOf } from '#policy/index';
import { InvalidInput, NotFound } from '#shared/errors';
import { heldByTermination } from '#shared/jobs/reopen';
import type { ErasureRequest, TerminationHook } from '#shared/messages';
import { issuesOf } from '#shared/validation';
import type { ErasureJobs, Hold, HoldStore, MessageQueue, Tenant, TerminationJobs } from '#store/ports';

export interface HoldDeps {
  holds: HoldStore;
  terminations: TerminationJobs;
  erasures: ErasureJobs;
  hooks: MessageQueue;
  erasureRequests: MessageQueue;
}

const noControl = (s: string) => [...s].every((c) => (c.codePointAt(0) ?? 0) >= 0x20);
const text = (name: string, max: number) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.trim(),
    v.minLength(1, `${name} must not be empty`),
    v.maxLength(max, `${name} is at most ${max} characters`),
    v.check(noControl, `${name} must not contain control characters`),
  );

/** The body of a new hold: its categories (all when omitted), a case reference and who places it. */
function newHold(body: unknown, tenant: Tenant) {
  const held = tenant.modules.flatMap((m) => categoriesOf(m).map((c) => c.id as string));
  const schema = v.strictObject({
    categories: v.optional(
      v.pipe(
        v.array(v.picklist(held, `categories may only contain the tenant's categories: ${held.join(', ')}`)),
        v.minLength(1, 'categories must name at least one category (or be left out to hold all)'),
      ),
    ),
    reason: text('reason', 200),
    placedBy: text('placedBy', 100),
  });
  const parsed = v.safeParse(schema, body);
  if (!parsed.success)
    throw new InvalidInput('The hold is invalid; nothing was held.', issuesOf(parsed.issues));
  return parsed.output;
}

/** Places a legal hold on a tenant's data: from now on nothing it covers is deleted, by any path. */
export async function placeHold(
  tenant: Tenant,
  body: unknown,
  deps: Pick<HoldDeps, 'holds'>,
  now: Date,
): Promise<Hold> {
  const input = newHold(body, tenant);
  const hold: Hold = {
    tenantId: tenant.id,
    holdId: randomUUID(),
    categories: input.categories ? [...new Set(input.categories)].sort() : ['*'],
    reason: input.reason,
    placedBy: input.placedBy,
    placedAt: now.toISOString(),
  };
  await deps.holds.place(hold);
  return hold;
}

/**
 * Releases a hold. The sweep applies deadlines again at its next run; terminations and erasures it
 * held back are carried out again (each re-run respects any other hold still standing).
 */
export async function releaseHold(
  tenant: Tenant,
  holdId: string,
  body: unknown,
  deps: HoldDeps,
  now: Date,
): Promise<Hold> {
  const parsed = v.safeParse(v.strictObject({ releasedBy: text('releasedBy', 100) }), body ?? {});
  if (!parsed.success)
    throw new InvalidInput('The release is invalid; the hold stands.', issuesOf(parsed.issues));
  const hold = await deps.holds.release(tenant.id, holdId, now, parsed.output.releasedBy);
  if (!hold) throw new NotFound(`Tenant ${tenant.id} has no hold ${holdId}.`);
  await resumeHeldWork(tenant.id, deps);
  return hold;
}

/** Re-opens the terminations and erasures a hold kept from finishing, and sends them again. */
async function resumeHeldWork(tenantId: string, deps: HoldDeps): Promise<void> {
  const hooks: TerminationHook[] = [];
  // A run still under way loses its lease: it stops at its next save, and the hook sent here
  // walks again with the holds as they stand now.
  for (const job of await deps.terminations.jobs(tenantId)) {
    if (heldByTermination(job).length === 0) continue;
    await deps.terminations.reopen(job);
    hooks.push({ tenantId, module: job.module, requestedAt: job.requestedAt });
  }
  const requests: ErasureRequest[] = [];
  for (const job of await deps.erasures.jobs(tenantId)) {
    if (!job.heldUserId) continue;
    const userId = job.heldUserId;
    await deps.erasures.reopen(job);
    requests.push({
      kind: 'erasure',
      erasureId: job.erasureId,
      tenantId,
      userId,
      requestedAt: job.requestedAt,
    });
  }
  if (hooks.length) await deps.hooks.sendAll(hooks);
  if (requests.length) await deps.erasureRequests.sendAll(requests);
}
