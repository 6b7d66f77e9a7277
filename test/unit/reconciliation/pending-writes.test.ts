import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayBucketKey, type ItemKey } from '#store/keys';
import type { ReconciliationJob } from '#store/policy-state';
import type { DayBucket } from '#store/ports';
import type { ReconcileStores } from '../../../functions/sweepExpired/reconcile-stores.ts';
import type { BucketWrite, Pending } from '../../../functions/sweepExpired/reconcile-types.ts';
import { PendingWrites, pendingOf } from '../../../functions/sweepExpired/reconcile-writes.ts';

// The reconciliation's write-ahead list over a store that records what it is asked: whatever the
// decisions and however long each batch takes, every write is saved in the job before it is
// applied, no batch names a bucket twice or holds more than 200 writes, the job never holds more
// than three batches' worth, and the buckets end as the decisions, taken one after another, leave them.

type Buckets = Extract<Pending, { kind: 'buckets' }>;
const CATEGORY = 'admin-action-log';
const keyOf = ({ pk, sk }: ItemKey) => `${pk}\n${sk}`;
const bucketKey = (tenantId: string, day: string) => keyOf(dayBucketKey(tenantId, CATEGORY, day));

const newJob = (): ReconciliationJob => ({
  to: 'next',
  from: ['before'],
  status: 'running',
  changes: [],
  pass: 1,
  startedAt: '2031-01-01T00:00:00.000Z',
  passStartedAt: '2031-01-01T00:00:00.000Z',
  passOneStartedAt: '2031-01-01T00:00:00.000Z',
  tenants: { total: 3, done: 0 },
  cursor: {},
  counts: {},
  lateCounts: {},
  readUnits: 0,
});

/** What each saved job and each BatchWriteItem call held, and the buckets as the store has them. */
function recordingStores(latency: () => Promise<void>, refuse = () => false) {
  const buckets = new Map<string, string>();
  const saved: Array<Map<string, string | null>> = [];
  /** How many writes each saved job held (a bucket in two of its batches counts twice). */
  const savedSizes: number[] = [];
  const calls: Array<{ keys: string[]; lastSaved: Map<string, string | null> | undefined }> = [];
  const written = (list: Pending[]) => {
    const writes = new Map<string, string | null>();
    for (const p of list as Buckets[]) {
      for (const w of p.puts) writes.set(bucketKey(w.tenantId, w.day), w.due);
      for (const k of p.removals) writes.set(keyOf(k), null);
    }
    return writes;
  };
  const stores = {
    state: {
      save: async (job: ReconciliationJob) => {
        const list = structuredClone(pendingOf(job)) as Buckets[];
        saved.push(written(list));
        savedSizes.push(list.reduce((n, p) => n + p.puts.length + p.removals.length, 0));
      },
    },
    index: {
      writeBuckets: async (puts: readonly DayBucket[], removals: readonly ItemKey[]) => {
        const keys = [...puts.map((b) => bucketKey(b.tenantId, b.day)), ...removals.map(keyOf)];
        calls.push({ keys, lastSaved: saved.at(-1) });
        await latency();
        if (refuse()) throw new Error('refused (injected)');
        for (const b of puts) buckets.set(bucketKey(b.tenantId, b.day), b.due?.toISOString() ?? 'unfiled');
        for (const k of removals) buckets.delete(keyOf(k));
      },
    },
  } as unknown as ReconcileStores;
  return { stores, buckets, saved, savedSizes, calls, written };
}

/** Decisions over 3 tenants × 100 days: each a set of distinct buckets, put (with a due date) or removed. */
const decisions = fc.array(
  fc
    .uniqueArray(
      fc.record({
        tenant: fc.integer({ min: 0, max: 2 }),
        day: fc.integer({ min: 1, max: 100 }),
        due: fc.option(fc.integer({ min: 1, max: 28 }), { nil: null }),
      }),
      { minLength: 1, maxLength: 200, size: 'max', selector: (w) => `${w.tenant}/${w.day}` },
    )
    .map(
      (writes): Buckets => ({
        kind: 'buckets',
        puts: writes
          .filter((w) => w.due !== null)
          .map(
            (w): BucketWrite => ({
              tenantId: `t${w.tenant}`,
              day: `2031-01-${String(w.day).padStart(3, '0')}`,
              category: CATEGORY,
              due: `2031-03-${String(w.due).padStart(2, '0')}T00:00:00.000Z`,
            }),
          ),
        removals: writes
          .filter((w) => w.due === null)
          .map((w) => dayBucketKey(`t${w.tenant}`, CATEGORY, `2031-01-${String(w.day).padStart(3, '0')}`)),
      }),
    ),
  { minLength: 1, maxLength: 12 },
);

describe("the reconciliation's write-ahead list", () => {
  it('saves every write before applying it, never names a bucket twice in a batch, bounds batches and the job, and ends as the decisions in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        decisions,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
        async (list, waits) => {
          let i = 0;
          const latency = () => new Promise<void>((done) => setTimeout(done, waits[i++ % waits.length]));
          const { stores, buckets, savedSizes, calls, written } = recordingStores(latency);
          const job = newJob();
          const writes = new PendingWrites(job, stores);
          const expected = new Map<string, string>();
          for (const decision of list) {
            for (const [key, due] of written([decision]))
              due === null ? expected.delete(key) : expected.set(key, due);
            await writes.gather(structuredClone(decision));
          }
          await writes.drain();

          expect(job.pending).toBeUndefined();
          expect(new Map([...buckets].sort())).toEqual(new Map([...expected].sort()));
          for (const call of calls) {
            expect(new Set(call.keys).size).toBe(call.keys.length);
            expect(call.keys.length).toBeLessThanOrEqual(200);
            // Write-ahead: the job saved last before the batch started held every write of it.
            for (const key of call.keys) expect(call.lastSaved?.has(key)).toBe(true);
          }
          // The batch in flight, the gathered one, and the decision that starts the next.
          for (const size of savedSizes) expect(size).toBeLessThanOrEqual(600);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the later of two merged writes of one bucket', async () => {
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    // The first batch is held until the test lets it land; the others land at once.
    const latencies = [held];
    const { stores, buckets, calls } = recordingStores(() => latencies.shift() ?? Promise.resolve());
    const writes = new PendingWrites(newJob(), stores);
    const put = (day: string, due: string): BucketWrite => ({ tenantId: 't1', day, category: CATEGORY, due });
    const key = (day: string) => dayBucketKey('t1', CATEGORY, day);
    const gather = (puts: BucketWrite[], removals: ItemKey[] = []) =>
      writes.gather({ kind: 'buckets', puts, removals });
    expect(await gather([put('2031-01-01', '2031-03-01T00:00:00.000Z')])).toBe(true);
    // Gathered behind the batch in flight: a re-filed bucket, then removed and another re-filed.
    expect(await gather([put('2031-01-02', '2031-03-02T00:00:00.000Z')])).toBe(false);
    expect(await gather([put('2031-01-03', '2031-03-03T00:00:00.000Z')], [key('2031-01-02')])).toBe(false);
    expect(await gather([put('2031-01-03', '2031-03-09T00:00:00.000Z')])).toBe(false);
    release();
    await writes.drain();
    expect(calls.map((c) => c.keys.length)).toEqual([1, 2]);
    expect([...buckets].sort()).toEqual([
      [bucketKey('t1', '2031-01-01'), '2031-03-01T00:00:00.000Z'],
      [bucketKey('t1', '2031-01-03'), '2031-03-09T00:00:00.000Z'],
    ]);
  });

  it('starts the next batch with a decision that would take the gathered one past 200 writes, whether or not a batch is in flight', async () => {
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    const latencies: Array<Promise<void>> = [held];
    const { stores, calls } = recordingStores(() => latencies.shift() ?? Promise.resolve());
    const writes = new PendingWrites(newJob(), stores);
    const days = (from: number, count: number): Buckets => ({
      kind: 'buckets',
      puts: Array.from({ length: count }, (_, i) => ({
        tenantId: 't1',
        day: `2031-01-${String(from + i).padStart(3, '0')}`,
        category: CATEGORY,
        due: '2031-03-01T00:00:00.000Z',
      })),
      removals: [],
    });
    expect(await writes.gather(days(1, 10))).toBe(true); // in flight, held
    expect(await writes.gather(days(11, 150))).toBe(false); // gathered
    // Past 200 while the batch in flight is held: saved, and waits for it to land.
    const third = writes.gather(days(161, 150));
    release();
    expect(await third).toBe(true);
    expect(calls.map((c) => c.keys.length)).toEqual([10, 150]);
    // That batch has landed too (nothing is being applied); the third decision gathers, and 60
    // more would take it past 200: it starts alone, and they gather the next batch.
    await new Promise((done) => setTimeout(done, 5));
    expect(await writes.gather(days(311, 60))).toBe(true);
    expect(calls.map((c) => c.keys.length)).toEqual([10, 150, 150]);
    await writes.drain();
    expect(calls.map((c) => c.keys.length)).toEqual([10, 150, 150, 60]);
  });

  it('settles a batch in flight without failing: one that landed leaves the list, one refused stays to be replayed', async () => {
    for (const refused of [false, true]) {
      const { stores } = recordingStores(
        () => new Promise((done) => setTimeout(done, 20)),
        () => refused,
      );
      const job = newJob();
      const writes = new PendingWrites(job, stores);
      const decision: Buckets = {
        kind: 'buckets',
        puts: [{ tenantId: 't1', day: '2031-01-01', category: CATEGORY, due: '2031-03-01T00:00:00.000Z' }],
        removals: [],
      };
      await writes.gather(structuredClone(decision));
      expect(pendingOf(job)).toHaveLength(1);
      await writes.settle();
      expect(pendingOf(job)).toEqual(refused ? [decision] : []);
    }
  });
});
