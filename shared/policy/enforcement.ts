import type { EnforcementDeclaration } from './types.ts';

// How the deadlines are made hard (SPEC §5). DynamoDB TTL and S3 lifecycle act "typically within
// two days"; the sweep deletes what is due on a fixed cadence, and reads hide what is past its
// deadline in between. Every number that bounds how late a deletion may be lives here.
export const enforcement = {
  // The promise: nothing is stored longer than this past its deadline (SPEC §5's "one interval").
  maxLatenessMinutes: 60,
  // The sweep's schedule (serverless.yml takes it from here).
  sweepEveryMinutes: 15,
  // The clock skew allowed for everywhere: the sweep deletes only what was due at least this long
  // ago (so a sweep whose clock runs this much ahead never deletes early), capture accepts records
  // up to this far in the future, and a termination hook's request time may lie this far ahead.
  clockSkewMarginMinutes: 5,
  // Archived records go to S3 grouped by category and window of deletion dates; an object is
  // deleted at the latest deadline of its window, so its earliest record waits at most this long.
  archiveWindowMinutes: 30,
} as const satisfies EnforcementDeclaration;
