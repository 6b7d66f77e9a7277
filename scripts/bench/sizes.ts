import type { Summary } from './measure.ts';

/** How much work each figure does: the full run, or the one-minute smoke run CI executes. */
export interface Sizes {
  reps: number;
  costEvents: number;
  overheadRequests: number;
  batchRequests: number;
  /** Records of one day of one tenant (aggregation), and days of history of the smaller tenant. */
  dayRecords: number;
  historyDays: number;
  historyDayRecords: number;
  /** Due records per sweep repetition, and unexpired records of the smaller table. */
  sweepDue: number;
  sweepUnexpired: number;
  /** Records of one tenant removed per termination repetition. */
  terminationRecords: number;
  /** Tenants and days of admin-action buckets a policy reconciliation re-files. */
  reconcileTenants: number;
  reconcileDays: number;
  /** User operations of the smaller tenant of the log-page figure (the other has 10×), and of one export. */
  logPageRecords: number;
  exportRecords: number;
  /** Tenants of the daily fan-out figure. */
  fanOutTenants: number;
  /** Due records of the sweep-backlog figure, and 100-event requests per step of the busy tenant. */
  backlogRecords: number;
  busyRequests: number;
  coldInitRuns: number;
  memoryRequests: number;
}

export const FULL: Sizes = {
  reps: 5,
  costEvents: 500,
  overheadRequests: 1_000,
  batchRequests: 30,
  dayRecords: 1_000,
  historyDays: 30,
  historyDayRecords: 10,
  sweepDue: 4_000,
  sweepUnexpired: 2_000,
  terminationRecords: 5_000,
  reconcileTenants: 10,
  reconcileDays: 150,
  logPageRecords: 2_000,
  exportRecords: 20_000,
  fanOutTenants: 2_000,
  backlogRecords: 200_000,
  busyRequests: 40,
  coldInitRuns: 10,
  memoryRequests: 3_000,
};

export const QUICK: Sizes = {
  reps: 3,
  costEvents: 60,
  overheadRequests: 150,
  batchRequests: 4,
  dayRecords: 100,
  historyDays: 3,
  historyDayRecords: 5,
  sweepDue: 200,
  sweepUnexpired: 100,
  terminationRecords: 300,
  reconcileTenants: 2,
  reconcileDays: 10,
  logPageRecords: 200,
  exportRecords: 1_000,
  fanOutTenants: 60,
  backlogRecords: 2_000,
  busyRequests: 4,
  coldInitRuns: 3,
  memoryRequests: 200,
};

/** One line of the table: a figure's median of repetitions with min/max, and its goal if it has one. */
export interface Figure {
  figure: string;
  unit: string;
  value: Summary;
  goal?: { text: string; met: (median: number) => boolean };
  note?: string;
}
