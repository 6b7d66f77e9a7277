import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { type ModuleId, maxClockSkewMs, POLICY } from '#policy/index';
import { isTenantId, isUserId } from './ids.ts';
import { isCalendarDate } from './time.ts';
import { parseTimestamp } from './timestamp.ts';

// The messages that cross queues: their types and their parsers, used by every sender and by the
// consumer, so no function folder imports another's. A message that does not parse is poison.

/** A termination hook `{tenantId, module, requestedAt}`: any system may send one. */
export interface TerminationHook {
  tenantId: string;
  module: ModuleId;
  requestedAt: string;
}

/** One request to erase one user's personal data; `erasureId` names the request (its own job and receipt). */
export interface ErasureRequest {
  kind: 'erasure';
  erasureId: string;
  tenantId: string;
  userId: string;
  requestedAt: string;
}

/** One statistics job: one tenant, one UTC day. */
export interface StatsJob {
  tenantId: string;
  date: string;
}

/** A message that can never be processed: it goes to the dead-letter queue without writing anything. */
export class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

const moduleIds = Object.keys(POLICY.modules) as [ModuleId, ...ModuleId[]];
const tenantId = v.custom<string>(isTenantId, 'tenantId must be a tenant id as the API issues them (a UUID)');
const instant = (name: string, now: Date) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.check((s) => parseTimestamp(s) !== undefined, `${name} must be an ISO-8601 timestamp with a zone`),
    v.check(
      (s) => (parseTimestamp(s) as Date).getTime() <= now.getTime() + maxClockSkewMs(),
      `${name} must not lie in the future (beyond the allowed clock skew)`,
    ),
  );

const Hook = (now: Date) =>
  v.strictObject({
    tenantId,
    module: v.picklist(moduleIds, `module must be one of ${moduleIds.join(', ')}`),
    requestedAt: instant('requestedAt', now),
  });

const Erasure = (now: Date) =>
  v.strictObject({
    kind: v.literal('erasure'),
    erasureId: v.pipe(
      v.string(),
      v.regex(/^[A-Za-z0-9-]{1,64}$/, 'erasureId must be 1-64 letters, digits or -'),
    ),
    tenantId,
    userId: v.custom<string>(isUserId, 'userId must be 1 to 128 characters without control characters'),
    requestedAt: instant('requestedAt', now),
  });

const Job = v.strictObject({
  tenantId,
  date: v.custom<string>(isCalendarDate, 'date must be a calendar date YYYY-MM-DD that exists'),
});

function parseWith<T>(schema: v.GenericSchema<unknown, T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PoisonMessage(`the message is not JSON, so it is not ${what}`);
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const at = issue.path?.map((p) => String(p.key)).join('.');
    throw new PoisonMessage(`the message is not ${what}: ${at ? `${at}: ` : ''}${issue.message}`);
  }
  return parsed.output;
}

/** Parses a termination hook; PoisonMessage names what is wrong. */
export const parseTerminationHook = (body: string, now: Date): TerminationHook =>
  parseWith(Hook(now), body, 'a termination hook {tenantId, module, requestedAt}');

/** Parses an erasure request; PoisonMessage names what is wrong. */
export const parseErasureRequest = (body: string, now: Date): ErasureRequest =>
  parseWith(Erasure(now), body, 'an erasure request');

/** Parses a statistics job; PoisonMessage names what is wrong. */
export const parseStatsJob = (body: string): StatsJob =>
  parseWith(Job, body, 'a statistics job {tenantId, date}');

/** How a user is named in jobs and receipts: a hash of tenant and user id, never the id itself. */
export const subjectOf = (tenant: string, userId: string) =>
  createHash('sha256').update(`${tenant}\u0000${userId}`).digest('hex').slice(0, 32);

/** A capture the Cognito trigger could not complete within its time bound: stored later, once. */
export interface QueuedCapture {
  kind: 'capture';
  tenantId: string;
  /** the records as the source mapper produced them (field-minimised; validated again on receipt) */
  records: Array<Record<string, unknown>>;
  queuedAt: string;
}

const Queued = (now: Date) =>
  v.strictObject({
    kind: v.literal('capture'),
    tenantId,
    records: v.pipe(
      v.array(v.record(v.string(), v.unknown()), 'records must be an array of records'),
      v.minLength(1, 'records must not be empty'),
      v.maxLength(100, 'records must hold at most 100 records'),
    ),
    queuedAt: instant('queuedAt', now),
  });

/** Parses a queued capture; PoisonMessage names what is wrong. */
export const parseQueuedCapture = (body: string, now: Date): QueuedCapture =>
  parseWith(Queued(now), body, 'a queued capture {kind: capture, tenantId, records, queuedAt}');
