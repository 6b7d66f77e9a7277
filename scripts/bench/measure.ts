import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One figure's repetitions summarised: the median and the spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  reps: number[];
}

/** Median, min and max of repetitions. */
export function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, reps: values };
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Milliseconds taken by `work`. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Capacity units DynamoDB reported, split into reads and writes. */
export interface Capacity {
  read: number;
  write: number;
}

const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

/**
 * Asks DynamoDB for ConsumedCapacity on every call of a client and adds it up. A middleware on the
 * client itself, so the project's stores run unchanged on top of it.
 */
export function meterCapacity(client: DynamoDBClient): { total: Capacity; reset(): Capacity } {
  const total: Capacity = { read: 0, write: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const asked = input.ReturnConsumedCapacity === undefined;
      const out = await next(
        asked ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args,
      );
      const output = out.output as {
        ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
      };
      const consumed = [output.ConsumedCapacity ?? []]
        .flat()
        .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const kind = WRITES.test(context.commandName ?? '') ? 'write' : 'read';
      total[kind] += consumed;
      return out;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return {
    total,
    reset() {
      const seen = { ...total };
      total.read = 0;
      total.write = 0;
      return seen;
    },
  };
}

/** Formats a number for the table: integers plain, others to three significant places. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

/** Repetition by repetition, `a[i] / b[i]`: the ratio of two sides measured in the same repetition. */
export const ratios = (a: number[], b: number[]) => a.map((x, i) => x / (b[i] as number));

/** A goal the median must not exceed. */
export const atMost = (limit: number) => ({ text: `<= ${limit}`, met: (m: number) => m <= limit });

/** A goal the median must reach. */
export const atLeast = (limit: number) => ({ text: `>= ${limit}`, met: (m: number) => m >= limit });
