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
// applied, no batch names a bucket twice or holds more than 200 writes, no two batches in flight at
// once name one bucket, the job never holds 600 writes, and the buckets end as the decisions, taken
// one after another, leave them.

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
/** The buckets a resume leaves: what has landed, then the pending writes applied in order. */
function replayed(list: Pending[], landed: ReadonlyMap<string, string>): Map<string, string> {
  const buckets = new Map(landed);
  for (const p of list as Buckets[]) {
    for (const w of p.puts) buckets.set(bucketKey(w.tenantId, w.day), w.due);
    for (const k of p.removals) buckets.delete(keyOf(k));
  }
  return buckets;
}

const sorted = (m: ReadonlyMap<string, string>) => new Map([...m].sort());

function recordingStores(latency: () => Promise<void>, refuse = () => false) {
  const buckets = new Map<string, string>();
  const saved: Array<Map<string, string | null>> = [];
  /** How many writes each saved job held (a bucket in two of its batches counts twice). */
  const savedSizes: number[] = [];
  const calls: Array<{ keys: string[]; lastSaved: Map<string, string | null> | undefined }> = [];
  /** The keys of the batches being applied, and every key a batch named while another named it too. */
  const applying = new Set<string[]>();
  const overlaps: string[] = [];
  const written = (list: Pending[]) => {
    const writes = new Map<string, string | null>();
    for (const p of list as Buckets[]) {
      for (const w of p.puts) writes.set(bucketKey(w.tenantId, w.day), w.due);
      for (const k of p.removals) writes.set(keyOf(k), null);
    }
    return writes;
  };
  /** What the decisions so far leave, as the test says; and at each save, that beside what a resume would leave. */
  let expected = new Map<string, string>();
  const snapshots: Array<{ resumed: Map<string, string>; expected: Map<string, string> }> = [];
  const stores = {
    state: {
      save: async (job: ReconciliationJob) => {
        const list = structuredClone(pendingOf(job)) as Buckets[];
        snapshots.push({ resumed: replayed(list, buckets), expected: new Map(expected) });
        saved.push(written(list));
        savedSizes.push(list.reduce((n, p) => n + p.puts.length + p.removals.length, 0));
      },
    },
    index: {
      writeBuckets: async (puts: readonly DayBucket[], removals: readonly ItemKey[]) => {
        const keys = [...puts.map((b) => bucketKey(b.tenantId, b.day)), ...removals.map(keyOf)];
        calls.push({ keys, lastSaved: saved.at(-1) });
        for (const other of applying) overlaps.push(...other.filter((k) => keys.includes(k)));
        applying.add(keys);
        try {
          await latency();
        } finally {
          applying.delete(keys);
        }
        if (refuse()) throw new Error('refused (injected)');
        for (const b of puts) buckets.set(bucketKey(b.tenantId, b.day), b.due?.toISOString() ?? 'unfiled');
        for (const k of removals) buckets.delete(keyOf(k));
      },
    },
  } as unknown as ReconcileStores;
  const expecting = (now: Map<string, string>) => {
    expected = new Map(now);
  };
  return { stores, buckets, saved, savedSizes, calls, overlaps, written, snapshots, expecting };
}

/** A decision's bucket writes: each day of `writes` put (with a due date) or removed, for one tenant or each its own. */
const bucketsOf = (writes: ReadonlyArray<{ tenant: number; day: number; due: number | null }>): Buckets => ({
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
});
const write = (tenants: fc.Arbitrary<number>, days: number) =>
  fc.record({
    tenant: tenants,
    day: fc.integer({ min: 1, max: days }),
    due: fc.option(fc.integer({ min: 1, max: 28 }), { nil: null }),
  });

/** Decisions over 3 tenants × 100 days, so that they often name the same buckets. */
const decisions = fc.array(
  fc
    .uniqueArray(write(fc.integer({ min: 0, max: 2 }), 100), {
      minLength: 1,
      maxLength: 200,
      size: 'max',
      selector: (w) => `${w.tenant}/${w.day}`,
    })
    .map(bucketsOf),
  { minLength: 1, maxLength: 12 },
);
/**
 * Decisions of one tenant each (as the walk decides them), of 40–200 writes, so that batches pile
 * up in flight and later ones gather behind them.
 */
const piling = fc
  .array(
    fc.uniqueArray(write(fc.constant(0), 300), {
      minLength: 40,
      maxLength: 200,
      size: 'max',
      selector: (w) => w.day,
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((list) => list.map((writes, i) => bucketsOf(writes.map((w) => ({ ...w, tenant: i })))));

const put = (day: string, due: string): BucketWrite => ({ tenantId: 't1', day, category: CATEGORY, due });
const days = (from: number, count: number): Buckets => ({
  kind: 'buckets',
  puts: Array.from({ length: count }, (_, i) =>
    put(`2031-01-${String(from + i).padStart(3, '0')}`, '2031-03-01T00:00:00.000Z'),
  ),
  removals: [],
});

/** Each store call waits until the test releases it, by the order the calls came in. */
function heldCalls() {
  const gates: Array<() => void> = [];
  const released = new Set<number>();
  let all = false;
  return {
    latency: () =>
      new Promise<void>((done) => {
        const i = gates.push(done) - 1;
        if (all || released.has(i)) done();
      }),
    release: (i: number) => {
      released.add(i);
      gates[i]?.();
    },
    releaseAll: () => {
      all = true;
      for (const done of gates) done();
    },
  };
}

/** A promise, and whether it has settled yet. */
function settledFlag<T>(promise: Promise<T>) {
  const flag = { promise, settled: false };
  promise.then(
    () => {
      flag.settled = true;
    },
    () => {
      flag.settled = true;
    },
  );
  return flag;
}

const ticks = () => new Promise((done) => setTimeout(done, 5));

describe("the reconciliation's write-ahead list", () => {
  it('saves every write before applying it, never names a bucket twice in a batch, bounds batches and the job, and ends as the decisions in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        decisions,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
        async (list, waits) => {
          let i = 0;
          const latency = () => new Promise<void>((done) => setTimeout(done, waits[i++ % waits.length]));
          const { stores, buckets, savedSizes, calls, overlaps, written } = recordingStores(latency);
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
          expect(overlaps).toEqual([]);
          // Fewer than 400 writes in flight, and the gathered batch (at most 200).
          for (const size of savedSizes) expect(size).toBeLessThan(600);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps every decided write landed or in each saved job, also when batches are refused, so a resume replays to the decisions in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        piling,
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1 }),
        async (list, waits, draws) => {
          let i = 0;
          let r = 0;
          const latency = () => new Promise<void>((done) => setTimeout(done, waits[i++ % waits.length]));
          // About one BatchWriteItem in ten refused.
          const refuse = () => draws[r++ % draws.length] === 0;
          const { stores, buckets, snapshots, expecting, savedSizes } = recordingStores(latency, refuse);
          const job = newJob();
          const writes = new PendingWrites(job, stores);
          const expected = new Map<string, string>();
          let failed = false;
          try {
            for (const decision of list) {
              for (const p of decision.puts) expected.set(bucketKey(p.tenantId, p.day), p.due);
              for (const k of decision.removals) expected.delete(keyOf(k));
              expecting(expected);
              await writes.gather(structuredClone(decision));
            }
            await writes.drain();
          } catch {
            failed = true;
            await writes.settle();
          }
          // Whenever the job was saved, a crash then would have resumed to the decisions so far.
          for (const { resumed, expected: then } of snapshots) expect(sorted(resumed)).toEqual(sorted(then));
          // And after the run, refused or not.
          expect(sorted(replayed(pendingOf(job), buckets))).toEqual(sorted(expected));
          // Fewer than 600 writes in flight, and the gathered batch (at most 200).
          for (const size of savedSizes) expect(size).toBeLessThan(800);
          if (!failed) expect(job.pending).toBeUndefined();
        },
      ),
      { numRuns: 80 },
    );
  });

  it('keeps the later of two merged writes of one bucket', async () => {
    const gates = heldCalls();
    const { stores, buckets, calls } = recordingStores(gates.latency);
    const writes = new PendingWrites(newJob(), stores);
    const key = (day: string) => dayBucketKey('t1', CATEGORY, day);
    const gather = (puts: BucketWrite[], removals: ItemKey[] = []) =>
      writes.gather({ kind: 'buckets', puts, removals });
    // 400 writes in flight, held: what follows gathers behind them.
    expect(await gather(days(101, 200).puts)).toBe(true);
    expect(await gather(days(301, 200).puts)).toBe(true);
    // Gathered: a re-filed bucket, then removed and another re-filed, then that one re-filed again.
    expect(await gather([put('2031-01-002', '2031-03-02T00:00:00.000Z')])).toBe(false);
    expect(await gather([put('2031-01-003', '2031-03-03T00:00:00.000Z')], [key('2031-01-002')])).toBe(false);
    expect(await gather([put('2031-01-003', '2031-03-09T00:00:00.000Z')])).toBe(false);
    gates.releaseAll();
    await writes.drain();
    expect(calls.map((c) => c.keys.length)).toEqual([200, 200, 2]);
    expect(buckets.get(bucketKey('t1', '2031-01-003'))).toBe('2031-03-09T00:00:00.000Z');
    expect(buckets.has(bucketKey('t1', '2031-01-002'))).toBe(false);
    expect(buckets.size).toBe(401);
  });

  it('starts a batch beside those in flight while fewer than 400 writes are, and waits below that once they are', async () => {
    const gates = heldCalls();
    const { stores, calls } = recordingStores(gates.latency);
    const writes = new PendingWrites(newJob(), stores);
    const sizes = () => calls.map((c) => c.keys.length);
    expect(await writes.gather(days(1, 10))).toBe(true);
    expect(await writes.gather(days(11, 150))).toBe(true); // 10 in flight: starts beside it
    expect(await writes.gather(days(161, 200))).toBe(true); // 160 in flight
    expect(await writes.gather(days(361, 50))).toBe(true); // 360 in flight
    expect(sizes()).toEqual([10, 150, 200, 50]);
    expect(await writes.gather(days(411, 100))).toBe(false); // 410 in flight: gathered
    // 100 + 120 would pass 200: the gathered 100 start, once fewer than 400 writes are in flight.
    const sixth = settledFlag(writes.gather(days(511, 120)));
    await ticks();
    expect(sixth.settled).toBe(false);
    gates.release(0); // 400 in flight: still waiting
    await ticks();
    expect(sixth.settled).toBe(false);
    expect(sizes()).toEqual([10, 150, 200, 50]);
    gates.release(1); // 250 in flight: the 100 start, and with 350 in flight the 120 start too
    expect(await sixth.promise).toBe(true);
    expect(sizes()).toEqual([10, 150, 200, 50, 100, 120]);
    gates.releaseAll();
    await writes.drain();
    expect(sizes()).toEqual([10, 150, 200, 50, 100, 120]);
  });

  it('starts a batch that names a bucket of one in flight only once that one has landed', async () => {
    const gates = heldCalls();
    const { stores, buckets, calls } = recordingStores(gates.latency);
    const writes = new PendingWrites(newJob(), stores);
    const gather = (due: string) =>
      writes.gather({ kind: 'buckets', puts: [put('2031-01-001', due)], removals: [] });
    expect(await gather('2031-03-01T00:00:00.000Z')).toBe(true);
    const second = settledFlag(gather('2031-03-09T00:00:00.000Z'));
    await ticks();
    expect(second.settled).toBe(false);
    expect(calls).toHaveLength(1);
    gates.release(0);
    expect(await second.promise).toBe(true);
    expect(calls).toHaveLength(2);
    gates.releaseAll();
    await writes.drain();
    expect(buckets.get(bucketKey('t1', '2031-01-001'))).toBe('2031-03-09T00:00:00.000Z');
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
