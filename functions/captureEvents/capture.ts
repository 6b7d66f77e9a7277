import { createHash } from 'node:crypto';
import {
  dayDueWindow,
  isAvailable,
  isPastDeadline,
  maxClockSkewMs,
  POLICY_VERSION,
  requiredHostingServices,
} from '#policy/index';
import { keyedHash } from '#shared/auth/api-keys';
import { IdConflict, type Issue, ModuleTerminated, PolicyRefusal } from '#shared/errors';
import { utcDay } from '#shared/time';
import type {
  ApplicationChange,
  ApplicationStore,
  CapturedRecord,
  DayBucket,
  RecordStore,
  Tenant,
} from '#store/ports';
import type { ValidRecord } from './validate.ts';

export interface CaptureDeps {
  records: RecordStore;
  applications: ApplicationStore;
  qTokenHashKey: () => Promise<string>;
  now: () => Date;
}

export type CaptureOutcome = 'stored' | 'duplicate';
export interface CaptureResult {
  results: Array<{ id: string; outcome: CaptureOutcome }>;
}

/** The record types that create or delete an application: kept as the application, the event only by its id. */
const APPLICATION_EVENTS: Readonly<Record<string, ApplicationChange['kind']>> = {
  'app.created': 'created',
  'app.deleted': 'deleted',
};

/**
 * Captures a tenant's validated records: every record checked against the policy before anything
 * is written (one refused record refuses the request), then each stored once under its id. An id
 * sent again with the same content is a duplicate; with other content it is a conflict (409).
 */
export async function captureRecords(
  input: { tenant: Tenant; records: readonly ValidRecord[] },
  deps: CaptureDeps,
): Promise<CaptureResult> {
  const { tenant, records } = input;
  const now = deps.now();
  refuseUnderPolicy(records, tenant, now);
  const hashKey = records.some(hasQToken) ? await deps.qTokenHashKey() : undefined;
  const prepared = records.map((record) => toCaptured(record, tenant.id, now, hashKey));

  const before = await deps.records.fingerprints(
    tenant.id,
    prepared.map((r) => r.id),
  );
  refuseConflicts(prepared.filter((r) => before.has(r.id) && before.get(r.id) !== r.fingerprint));
  const fresh = prepared.filter((r) => !before.has(r.id));
  const outcomes = await deps.records.storeAll(fresh, bucketsOf(fresh, now));
  // Another request stored the same id meanwhile: the same content is a duplicate, other content a conflict.
  refuseConflicts(
    fresh.filter((r, i) => {
      const outcome = outcomes[i];
      return outcome && !outcome.stored && outcome.fingerprint !== r.fingerprint;
    }),
  );
  // An application event takes effect on its application, after its id is taken; a resend applies
  // it again (idempotent), so a crash between the two writes is healed by the client's retry.
  for (const record of prepared) {
    const change = applicationChangeOf(record);
    if (change) await deps.applications.apply(change);
  }
  const storedNow = new Set(fresh.filter((_, i) => outcomes[i]?.stored).map((r) => r.id));
  return {
    results: prepared.map((r) => ({ id: r.id, outcome: storedNow.has(r.id) ? 'stored' : 'duplicate' })),
  };
}

function refuseConflicts(conflicting: CapturedRecord[]): void {
  if (conflicting.length === 0) return;
  throw new IdConflict(
    `${conflicting.length} id(s) were stored before with other content; an id is the idempotency key of one record and is never reused.`,
    conflicting.map((r) => ({
      pointer: '/id',
      id: r.id,
      detail: `id ${r.id} was stored before with another type, time or fields; send it again unchanged, or use a new id`,
    })),
  );
}

/** 410 when a record's module was terminated; 422 for what the policy does not allow. */
function refuseUnderPolicy(records: readonly ValidRecord[], tenant: Tenant, now: Date): void {
  const issues: Issue[] = [];
  const openedAt = new Date(tenant.openedAt);
  const skewMs = maxClockSkewMs();
  records.forEach((record, index) => {
    const at = (detail: string, pointer: string) => issues.push({ index, id: record.id, pointer, detail });
    if (tenant.terminations[record.module]) {
      throw new ModuleTerminated(
        `Tenant ${tenant.id} terminated the ${record.module} module; no data is accepted for it.`,
      );
    }
    if (!isAvailable(record.module, tenant.region)) {
      at(`The ${record.module} module is not available in the tenant's region ${tenant.region}.`, '/type');
    } else if (!tenant.modules.includes(record.module)) {
      at(
        `The tenant does not use the ${record.module} module, so ${record.type} records are not accepted.`,
        '/type',
      );
    } else if (!hasRequiredHosting(tenant, record.module)) {
      at(
        `The ${record.module} module is only available with a subscription to one of: ${requiredHostingServices(
          record.module,
        )
          .map((h) => h.name)
          .join(', ')}; the tenant has none.`,
        '/type',
      );
    }
    if (record.occurredAt.getTime() > now.getTime() + skewMs) {
      at(
        `occurredAt ${record.occurredAt.toISOString()} is more than ${skewMs / 60_000} minutes in the future.`,
        '/occurredAt',
      );
    } else if (isPastDeadline(record.category, record.occurredAt, { status: 'active' }, now)) {
      at(
        `The record is already past its retention deadline for ${record.category}; it may not be stored.`,
        '/occurredAt',
      );
    } else if (record.occurredAt < openedAt) {
      at(
        `occurredAt ${record.occurredAt.toISOString()} is before the tenant's service opened (${tenant.openedAt}); nothing can have happened before then.`,
        '/occurredAt',
      );
    }
  });
  if (issues.length > 0) {
    throw new PolicyRefusal(
      `${issues.length} record(s) cannot be accepted under the policy; nothing was stored.`,
      issues,
    );
  }
}

function hasRequiredHosting(tenant: Tenant, module: string): boolean {
  const required = requiredHostingServices(module);
  return required.length === 0 || required.some((h) => tenant.hostingServices?.includes(h.id));
}

function hasQToken(record: ValidRecord): boolean {
  return typeof (record.fields.camContext as { qToken?: unknown } | undefined)?.qToken === 'string';
}

function toCaptured(
  record: ValidRecord,
  tenantId: string,
  now: Date,
  hashKey: string | undefined,
): CapturedRecord {
  let fields = record.fields;
  // The q-token is a secret: only its keyed hash is ever stored.
  if (hasQToken(record) && hashKey) {
    const cam = record.fields.camContext as Record<string, unknown>;
    fields = { ...fields, camContext: { ...cam, qToken: keyedHash(String(cam.qToken), hashKey) } };
  }
  return {
    tenantId,
    id: record.id,
    type: record.type,
    category: record.category,
    module: record.module,
    occurredAt: record.occurredAt,
    fields,
    fingerprint: fingerprintOf(record.type, record.occurredAt, fields),
    policyVersion: POLICY_VERSION,
    capturedAt: now,
    ...(record.type in APPLICATION_EVENTS ? { keyOnly: true } : {}),
  };
}

/** What "the same content" means: type, instant (however it was written) and fields, key order aside. */
export function fingerprintOf(type: string, occurredAt: Date, fields: Record<string, unknown>): string {
  const canonical = (value: unknown): string =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);
  const text = canonical({ type, occurredAt: occurredAt.toISOString(), fields });
  return `sha256:${createHash('sha256').update(text).digest('base64url')}`;
}

/**
 * The registry entries new records need: their day, and for a category whose rule gives records a
 * deadline, its day's bucket filed under the first deadline of that day (what the sweep looks up).
 * An application's deletion is registered under the marker it leaves.
 */
function bucketsOf(records: readonly CapturedRecord[], now: Date): DayBucket[] {
  const buckets = new Map<string, DayBucket>();
  const add = (bucket: DayBucket) => buckets.set(`${bucket.day}#${bucket.category ?? ''}`, bucket);
  for (const record of records) {
    const day = utcDay(record.occurredAt);
    const change = APPLICATION_EVENTS[record.type];
    const category =
      change === 'deleted' ? 'directory-deletion-marker' : change ? undefined : record.category;
    if (!change) add({ tenantId: record.tenantId, day, due: null, policyVersion: POLICY_VERSION });
    const window = category ? dayDueWindow(category, day) : null;
    if (category && window) {
      add({
        tenantId: record.tenantId,
        day,
        category,
        module: record.module,
        due: window.from,
        policyVersion: POLICY_VERSION,
        // A record that arrives while its day is already falling due (very late): the sweep may have
        // filed the bucket past this record's deadline, so it is filed earlier again.
        ...(window.from <= now ? { rearm: true } : {}),
      });
    }
  }
  return [...buckets.values()];
}

function applicationChangeOf(record: CapturedRecord): ApplicationChange | undefined {
  const kind = APPLICATION_EVENTS[record.type];
  if (!kind) return undefined;
  const appType = record.fields.appType;
  return {
    tenantId: record.tenantId,
    appId: String(record.fields.appId),
    kind,
    ...(kind === 'created' && typeof appType === 'string' ? { appType } : {}),
    at: record.occurredAt,
    order: `${record.occurredAt.toISOString()}#${record.id}`,
  };
}
