import { IdConflict, InvalidInput } from '#shared/errors';
import type { IgnoredEvent, SourceMapping } from '#shared/sources/index';
import type { Tenant } from '#store/ports';
import { type CaptureDeps, type CaptureResult, captureRecords } from './capture.ts';
import { MAX_RECORDS_PER_REQUEST, parseSourceRecords } from './validate.ts';

// Capture of what a vendor source sent (SPEC §9): the mapper's records go through the same
// validation and the same use case as POST /v1/events, so the policy checks, the idempotency by
// id and the field minimisation are those of capture itself.

export interface SourceCaptureResult extends CaptureResult {
  ignored: IgnoredEvent[];
}

/**
 * Captures a mapped vendor payload for a tenant. A payload with any problem stores nothing (400,
 * each problem named by its pointer into the vendor payload); ignored events are reported back.
 */
export async function captureFromSource(
  input: { tenant: Tenant; mapping: SourceMapping },
  deps: CaptureDeps,
): Promise<SourceCaptureResult> {
  const { tenant, mapping } = input;
  if (mapping.records.length + mapping.ignored.length + mapping.problems.length === 0) {
    throw new InvalidInput('The payload holds no event; nothing was stored.', [
      { pointer: '', detail: 'an empty payload' },
    ]);
  }
  if (mapping.problems.length > 0) {
    throw new InvalidInput(
      `${mapping.problems.length} problem(s) in the vendor payload; nothing was stored.`,
      mapping.problems.map((problem) => ({ pointer: problem.pointer, detail: problem.detail })),
    );
  }
  const records = parseSourceRecords(mapping.records);
  const results: CaptureResult['results'] = [];
  // Capture's own bound per call; each slice is idempotent, so a failure part-way is healed by the
  // vendor's retry of the whole payload (the slices already stored come back as duplicates).
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_REQUEST) {
    const slice = records.slice(i, i + MAX_RECORDS_PER_REQUEST);
    results.push(...(await captureRecords({ tenant, records: slice }, deps)).results);
  }
  return { results, ignored: mapping.ignored };
}

/**
 * Captures the records of one Cognito trigger event. Their ids are derived from the user pool, the
 * user and (for sign-ins) the minute, while their time is the invocation's: an id already stored
 * with another time is the same sign-up or sign-in delivered again (a retry), hence a duplicate.
 */
export async function captureDerived(
  input: { tenant: Tenant; records: readonly unknown[] },
  deps: CaptureDeps,
): Promise<CaptureResult> {
  const records = parseSourceRecords(input.records);
  try {
    return await captureRecords({ tenant: input.tenant, records }, deps);
  } catch (error) {
    if (!(error instanceof IdConflict)) throw error;
    const conflicting = new Set(error.issues.map((issue) => issue.id));
    const rest = records.filter((record) => !conflicting.has(record.id));
    const stored =
      rest.length > 0 ? (await captureRecords({ tenant: input.tenant, records: rest }, deps)).results : [];
    return {
      results: records.map(
        (record) => stored.find((r) => r.id === record.id) ?? { id: record.id, outcome: 'duplicate' },
      ),
    };
  }
}
