import type { RecordType } from '#policy/index';

// What every vendor mapper returns. A mapper never throws on vendor input: whatever it cannot
// use is either `ignored` (a well-formed event this product deliberately does not collect, with
// the reason) or a `problem` (the payload is not the vendor's documented shape), and only
// `records` reach capture, where the usual validation of POST /v1/events runs on them again.

/** One record exactly as `POST /v1/events` accepts it: `{id, type, occurredAt, ...fields}`. */
export type CaptureRecord = {
  id: string;
  type: RecordType;
  occurredAt: string;
} & Record<string, unknown>;

/** A vendor event that was understood and deliberately not turned into a record. */
export interface IgnoredEvent {
  /** the event's position in the vendor payload (0 for a single event) */
  index: number;
  reason: string;
}

/** Something in the vendor payload that is not the vendor's shape; the detail never echoes a value. */
export interface SourceProblem {
  /** RFC 6901 pointer into the vendor payload */
  pointer: string;
  detail: string;
}

export interface SourceMapping {
  records: CaptureRecord[];
  ignored: IgnoredEvent[];
  problems: SourceProblem[];
}

/** An empty mapping to fill. */
export function emptyMapping(): SourceMapping {
  return { records: [], ignored: [], problems: [] };
}

/** Appends `part` to `into` (records, ignored and problems keep their order). */
export function appendMapping(into: SourceMapping, part: SourceMapping): SourceMapping {
  into.records.push(...part.records);
  into.ignored.push(...part.ignored);
  into.problems.push(...part.problems);
  return into;
}

/** RFC 6901 escaping of one reference token. */
export function token(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A pointer made of `base` and the further tokens. */
export function pointerOf(base: string, ...keys: ReadonlyArray<string | number>): string {
  return keys.reduce<string>((at, key) => `${at}/${token(key)}`, base);
}

/** A record of `type` with only the fields that have a value (an absent field is left out, never null). */
export function captureRecord(
  type: RecordType,
  id: string,
  occurredAt: Date,
  fields: Record<string, unknown>,
): CaptureRecord {
  const record: CaptureRecord = { id, type, occurredAt: occurredAt.toISOString() };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) record[key] = value;
  return record;
}
