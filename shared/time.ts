// Calendar arithmetic on UTC days (yyyy-mm-dd), shared by every part that buckets time by day.

/** One day in milliseconds: retention and statistics count exact 24-hour UTC days. */
export const DAY_MS = 86_400_000;

/** The UTC day (yyyy-mm-dd) of an instant. */
export const utcDay = (time: Date): string => time.toISOString().slice(0, 10);

/** The first instant of a UTC day. */
export const startOfDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** The UTC day `days` after (or, negative, before) `day`. */
export const addDays = (day: string, days: number): string =>
  utcDay(new Date(startOfDay(day).getTime() + days * DAY_MS));

/** `n` consecutive UTC days ending with `day`, oldest first. */
export function daysEnding(day: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => addDays(day, i - (n - 1)));
}

/** Every UTC day from `from` to `to`, both included (empty when `from` is after `to`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a calendar date yyyy-mm-dd that exists (2026-02-30 does not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const start = startOfDay(value);
  return !Number.isNaN(start.getTime()) && utcDay(start) === value;
}
