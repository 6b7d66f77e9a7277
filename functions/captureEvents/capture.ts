import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateTenant } from '#http/auth';
import { readJsonBody } from '#http/body';
import { badRequest, gone, type ProblemIssue, payloadTooLarge, unprocessable } from '#http/problem';
import { captureDeadline, isAvailable, isPastDeadline, POLICY_VERSION } from '#policy/index';
import { keyedHash } from '#shared/auth/api-keys';
import type { CapturedRecord, RecordStore, StoreOutcome } from '#store/records';
import type { Tenant, TenantStore } from '#store/tenants';
import { directoryChangeOf } from './directory.ts';
import { MAX_RECORDS_PER_REQUEST, parseBatch, type ValidRecord } from './validate.ts';

/** How far ahead of the server clock a record's time may be (clients' clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface CaptureDeps {
  tenants: TenantStore;
  records: RecordStore;
  qTokenHashKey: () => Promise<string>;
  now: () => Date;
}

export interface CaptureResult {
  tenantId: string;
  results: Array<{ id: string; outcome: StoreOutcome }>;
}

/**
 * Captures one request: the tenant from its key, every record validated and checked against the
 * policy before anything is written (a request with one bad record stores nothing), then each
 * record stored exactly once.
 */
export async function captureEvents(
  event: APIGatewayProxyEventV2,
  deps: CaptureDeps,
): Promise<CaptureResult> {
  const tenant = await authenticateTenant(event, deps.tenants);
  const parsed = parseBatch(readJsonBody(event));
  if (parsed.kind === 'tooMany') {
    throw payloadTooLarge(
      `The request has ${parsed.count} records; at most ${MAX_RECORDS_PER_REQUEST} are accepted.`,
    );
  }
  if (parsed.kind === 'invalid') {
    throw badRequest(`${parsed.issues.length} problem(s) in the request; nothing was stored.`, {
      issues: parsed.issues,
    });
  }
  const now = deps.now();
  refuseUnderPolicy(parsed.records, tenant, now);

  const hashKey = parsed.records.some((r) => hasQToken(r)) ? await deps.qTokenHashKey() : undefined;
  const prepared = parsed.records.map((record) => toCaptured(record, tenant.id, now, hashKey));
  const outcomes = await deps.records.captureAll(
    prepared.map((record) => ({ record, directory: directoryChangeOf(record) })),
  );
  const results = prepared.map((record, i) => ({ id: record.id, outcome: outcomes[i] as StoreOutcome }));
  return { tenantId: tenant.id, results };
}

/** 410 when a record's module was terminated; 422 for what the policy does not allow. */
function refuseUnderPolicy(records: ValidRecord[], tenant: Tenant, now: Date): void {
  const issues: ProblemIssue[] = [];
  records.forEach((record, index) => {
    const at = (detail: string, pointer = '') => issues.push({ index, id: record.id, pointer, detail });
    if (tenant.terminations[record.module]) {
      throw gone(`Tenant ${tenant.id} terminated the ${record.module} module; no data is accepted for it.`);
    }
    if (!isAvailable(record.module, tenant.region)) {
      at(`The ${record.module} module is not available in the tenant's region ${tenant.region}.`, '/type');
    } else if (!tenant.modules.includes(record.module)) {
      at(
        `The tenant does not use the ${record.module} module, so ${record.type} records are not accepted.`,
        '/type',
      );
    }
    if (record.occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      at(
        `occurredAt ${record.occurredAt.toISOString()} is more than 5 minutes in the future.`,
        '/occurredAt',
      );
    } else if (isPastDeadline(record.category, record.occurredAt, { status: 'active' }, now)) {
      at(
        `The record is already past its retention deadline for ${record.category}; it may not be stored.`,
        '/occurredAt',
      );
    }
  });
  if (issues.length > 0) {
    throw unprocessable(
      `${issues.length} record(s) cannot be accepted under the policy; nothing was stored.`,
      { issues },
    );
  }
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
    policyVersion: POLICY_VERSION,
    deadline: captureDeadline(record.category, record.occurredAt),
    capturedAt: now,
  };
}
