import * as v from 'valibot';
import { type CategoryId, categoryOf, type ModuleId, POLICY, type RecordType } from '#policy/index';
import { InvalidInput, type Issue, TooLarge } from '#shared/errors';
import { parseTimestamp } from '#shared/timestamp';
import { describe, isObjectField, SHAPES, type Shape, SOURCE_SHAPES, shorten } from './record-shapes.ts';

export { schemaFields } from './record-shapes.ts';

// Validation of a capture request body (SPEC §2). Pure: no clock, no I/O. Every record is checked
// on its own and every issue of every record is reported, with a JSON pointer into the request body.
// Only fields declared here reach `ValidRecord.fields`, and every field declared here is one the
// policy allows for the record's category (checked when this module loads, and by the unit tests).

export const MAX_RECORDS_PER_REQUEST = 100;

export interface ValidRecord {
  id: string;
  type: RecordType;
  category: CategoryId;
  module: ModuleId;
  occurredAt: Date;
  /** only fields the category allows, nested objects kept nested (camContext: {clientIp, qToken}); secrets still raw here (the caller hashes them) */
  fields: Record<string, unknown>;
}

/** An issue with one record of a batch: always has the record's index. */
export type RecordIssue = Issue & { index: number };

export type BatchParse =
  | { kind: 'ok'; records: ValidRecord[] }
  | { kind: 'invalid'; issues: RecordIssue[] }
  | { kind: 'tooMany'; count: number };

// ---------------------------------------------------------------------------------------------
// Common fields.

const COMMON = ['id', 'type', 'occurredAt'] as const;
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
const KNOWN_TYPES = Object.keys(POLICY.recordTypes) as RecordType[];
const RECORD_TYPES: Readonly<Record<string, unknown>> = POLICY.recordTypes;

const TIMESTAMP_HINT = 'occurredAt must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T10:00:00Z';

// ---------------------------------------------------------------------------------------------
// Walking the body.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping of one reference token. */
function token(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

type Report = (pointer: string, detail: string) => void;

/** Validates the fields of `shape` in `input`; returns the clean copy, or undefined when any issue was reported. */
function validateShape(
  input: Record<string, unknown>,
  shape: Shape,
  pointer: string,
  path: string,
  unknownKey: (key: string) => string,
  report: Report,
): Record<string, unknown> | undefined {
  let ok = true;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const name = `${path}${key}`;
    const at = `${pointer}/${token(key)}`;
    if (!Object.hasOwn(input, key)) {
      if (!field.optional) {
        report(at, `${name} is required`);
        ok = false;
      }
      continue;
    }
    const value = input[key];
    if (isObjectField(field)) {
      if (!isPlainObject(value)) {
        report(at, `${name} must be an object, not ${describe(value)}`);
        ok = false;
        continue;
      }
      const nested = validateShape(
        value,
        field.shape,
        at,
        `${name}.`,
        (k) =>
          `field ${name}.${shorten(k)} is not accepted; ${name} may only carry ${Object.keys(field.shape).join(', ')}`,
        report,
      );
      if (nested) out[key] = nested;
      else ok = false;
      continue;
    }
    const parsed = v.safeParse(field.schema, value, { abortPipeEarly: true });
    if (parsed.success) {
      out[key] = parsed.output;
    } else {
      report(at, `${name} ${parsed.issues[0].message}`);
      ok = false;
    }
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(shape, key) && !(path === '' && (COMMON as readonly string[]).includes(key))) {
      report(`${pointer}/${token(key)}`, unknownKey(key));
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function validateRecord(
  input: unknown,
  pointer: string,
  report: Report,
  shapes: Readonly<Record<RecordType, Shape>> = SHAPES,
): ValidRecord | undefined {
  if (!isPlainObject(input)) {
    report(pointer, `A record must be a JSON object, not ${describe(input)}`);
    return undefined;
  }
  let ok = true;
  const fail = (at: string, detail: string) => {
    report(at, detail);
    ok = false;
  };

  const id = input.id;
  if (!Object.hasOwn(input, 'id')) fail(`${pointer}/id`, 'id is required');
  else if (typeof id !== 'string') fail(`${pointer}/id`, `id must be a string, not ${describe(id)}`);
  else if (id.length < 1 || id.length > 128) fail(`${pointer}/id`, 'id must be 1 to 128 characters long');
  else if (!ID_PATTERN.test(id)) {
    fail(`${pointer}/id`, 'id may only contain letters A-Z and a-z, digits, and the characters . _ : -');
  }

  const occurredAtRaw = input.occurredAt;
  let occurredAt: Date | undefined;
  if (!Object.hasOwn(input, 'occurredAt')) fail(`${pointer}/occurredAt`, 'occurredAt is required');
  else if (typeof occurredAtRaw !== 'string') {
    fail(`${pointer}/occurredAt`, `${TIMESTAMP_HINT}; got ${describe(occurredAtRaw)}`);
  } else {
    occurredAt = parseTimestamp(occurredAtRaw);
    if (!occurredAt)
      fail(`${pointer}/occurredAt`, `${TIMESTAMP_HINT}; got ${shorten(JSON.stringify(occurredAtRaw))}`);
  }

  const type = input.type;
  if (!Object.hasOwn(input, 'type')) {
    fail(`${pointer}/type`, `type is required; known types: ${KNOWN_TYPES.join(', ')}`);
    return undefined;
  }
  if (typeof type !== 'string') {
    fail(`${pointer}/type`, `type must be a string naming a record type, not ${describe(type)}`);
    return undefined;
  }
  if (!Object.hasOwn(RECORD_TYPES, type)) {
    fail(`${pointer}/type`, `type ${shorten(type)} is unknown; known types: ${KNOWN_TYPES.join(', ')}`);
    return undefined;
  }

  const recordType = type as RecordType;
  const category = categoryOf(recordType);
  const allowed = category.fields;
  const fields = validateShape(
    input,
    shapes[recordType],
    pointer,
    '',
    (key) =>
      allowed.includes(key)
        ? `field ${key} is not accepted for type ${recordType}`
        : `field ${shorten(key)} is not collected for category ${category.id}`,
    report,
  );
  if (!fields) ok = false;

  if (fields) {
    // Closed sets the policy declares for the category.
    const values: Readonly<Record<string, readonly string[]>> = category.values ?? {};
    for (const [key, options] of Object.entries(values)) {
      const value = fields[key];
      if (typeof value === 'string' && !options.includes(value)) {
        fail(
          `${pointer}/${token(key)}`,
          `${key} ${shorten(JSON.stringify(value))} is not one of: ${options.join(', ')}`,
        );
      }
    }
    if (category.impliedResult && fields.result !== undefined && fields.result !== category.impliedResult) {
      fail(`${pointer}/result`, `result ${String(fields.result)} contradicts type ${recordType}`);
    }
  }

  if (!ok || !fields || !occurredAt || typeof id !== 'string') return undefined;
  return {
    id,
    type: recordType,
    category: category.id as CategoryId,
    module: category.module as ModuleId,
    occurredAt,
    fields,
  };
}

/** Validates a parsed JSON body: one record, or { events: [...] } with 1..100 records. */
export function parseBatch(body: unknown): BatchParse {
  const issues: RecordIssue[] = [];
  const envelope = (pointer: string, detail: string) => issues.push({ index: 0, pointer, detail });
  if (!isPlainObject(body)) {
    envelope(
      '',
      `The request body must be a JSON object (one record, or {"events": [...]}), not ${describe(body)}`,
    );
    return { kind: 'invalid', issues };
  }

  if (!Object.hasOwn(body, 'events')) {
    const record = validateRecord(body, '', (pointer, detail) =>
      issues.push(withId({ index: 0, pointer, detail }, body)),
    );
    return record && issues.length === 0 ? { kind: 'ok', records: [record] } : { kind: 'invalid', issues };
  }

  const events = body.events;
  for (const key of Object.keys(body)) {
    if (key !== 'events') {
      envelope(
        `/${token(key)}`,
        `field ${shorten(key)} is not allowed beside events; a batch body carries only {"events": [...]}`,
      );
    }
  }
  if (!Array.isArray(events)) {
    envelope('/events', `events must be an array of records, not ${describe(events)}`);
    return { kind: 'invalid', issues };
  }
  if (events.length > MAX_RECORDS_PER_REQUEST) return { kind: 'tooMany', count: events.length };
  if (events.length === 0)
    envelope('/events', `events must hold 1 to ${MAX_RECORDS_PER_REQUEST} records, not none`);
  if (issues.length > 0) return { kind: 'invalid', issues };

  const records: ValidRecord[] = [];
  const firstIndexOfId = new Map<string, number>();
  events.forEach((event: unknown, index) => {
    const pointer = `/events/${index}`;
    const report: Report = (at, detail) => issues.push(withId({ index, pointer: at, detail }, event));
    const record = validateRecord(event, pointer, report);
    const id = isPlainObject(event) ? event.id : undefined;
    if (typeof id === 'string' && ID_PATTERN.test(id) && id.length <= 128) {
      const first = firstIndexOfId.get(id);
      if (first === undefined) firstIndexOfId.set(id, index);
      else report(`${pointer}/id`, `id ${id} appears twice in this request (first at /events/${first})`);
    }
    if (record) records.push(record);
  });
  return issues.length === 0 ? { kind: 'ok', records } : { kind: 'invalid', issues };
}

/** Names the record in its issue when its id is a valid one (never echoes an invalid id). */
function withId(issue: RecordIssue, record: unknown): RecordIssue {
  const id = isPlainObject(record) ? record.id : undefined;
  return typeof id === 'string' && id.length <= 128 && ID_PATTERN.test(id) ? { ...issue, id } : issue;
}

/** The records of a capture body, or the domain error that says why not (400, 413). */
export function parseCaptureBody(body: unknown): ValidRecord[] {
  const parsed = parseBatch(body);
  if (parsed.kind === 'tooMany') {
    throw new TooLarge(
      `The request has ${parsed.count} records; at most ${MAX_RECORDS_PER_REQUEST} are accepted.`,
      [{ pointer: '/events', detail: `at most ${MAX_RECORDS_PER_REQUEST} records` }],
    );
  }
  if (parsed.kind === 'invalid')
    throw new InvalidInput(
      `${parsed.issues.length} problem(s) in the request; nothing was stored.`,
      parsed.issues,
    );
  return parsed.records;
}

/**
 * The records a vendor mapper produced, validated as capture validates a request (SOURCE_SHAPES:
 * a user operation's location may be absent); the domain error names each record by its index.
 */
export function parseSourceRecords(records: readonly unknown[]): ValidRecord[] {
  const issues: RecordIssue[] = [];
  const valid: ValidRecord[] = [];
  records.forEach((record, index) => {
    const parsed = validateRecord(
      record,
      `/records/${index}`,
      (pointer, detail) => issues.push(withId({ index, pointer, detail }, record)),
      SOURCE_SHAPES,
    );
    if (parsed) valid.push(parsed);
  });
  if (issues.length > 0)
    throw new InvalidInput(`${issues.length} problem(s) in the mapped records; nothing was stored.`, issues);
  return valid;
}
