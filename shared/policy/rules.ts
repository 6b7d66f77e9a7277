// Spelling of the retention rules in the declarations (SPEC §1). Kept internal: the numbers belong
// to the declarations that use them, these only give each rule kind its shape.

/** Delete `days` days after the record's own time, whether or not the tenant terminated. */
export const fixed = (days: number) => ({ kind: 'fixed', days }) as const;

/** Keep while the tenant uses the feature; delete when it terminates. */
export const untilTermination = { kind: 'untilTermination' } as const;

/** Keep until the customer deletes the object or the tenant terminates, whichever is first. */
export const untilDeletedOrTermination = { kind: 'untilDeletedOrTermination' } as const;

/** Keep while in use; at termination archive, delete at max(terminatedAt + grace, recordTime + min). */
export const archiveOnTermination = (minDays: number, graceDays: number) =>
  ({ kind: 'archiveOnTermination', minDays, graceDays }) as const;
