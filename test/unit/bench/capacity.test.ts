import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  capacityModel,
  DEPLOYED,
  END,
  headlines,
  INPUTS,
  type Inputs,
  inputsFrom,
  START,
  withHeadlines,
} from '../../../scripts/bench/capacity.ts';

const root = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

/** A round set of inputs whose results can be worked out by hand. */
const round: Inputs = {
  'capture cost: user.login': 2,
  'capture cost: user.registered': 2,
  'capture cost: admin.action': 2,
  'whole day: capture writes per event': 2,
  'whole day: aggregation writes per active user': 1,
  'stored login: item size': 400,
  'aggregation: read units, 1× history': 700,
  'aggregation: one day, 1× history': 360,
  'sweep: write units per deleted record': 2,
  'sweep: read units per deleted record': 0.05,
  'sweep rate': 4_000,
  'batch capture p50 of a 100-record request': 1_000,
  'busy tenant: busiest / mean record shard': 1,
  'sweep backlog: 200000 records drained': 2_000,
  'fan-out: 2000 tenant-days/s': 50,
};

describe('the capacity model', () => {
  it('is what docs/capacity.md says, computed from docs/capacity-inputs.json', () => {
    const { inputs } = JSON.parse(read('docs/capacity-inputs.json')) as { inputs: Inputs };
    expect(Object.keys(inputs).sort()).toEqual([...INPUTS].sort());
    const doc = read('docs/capacity.md');
    const block = doc.slice(doc.indexOf(START) + START.length, doc.indexOf(END)).trim();
    expect(block).toBe(headlines(capacityModel(inputs), inputs));
    expect(withHeadlines(doc, block)).toBe(doc);
  });

  it('works out by hand on round inputs', () => {
    const c = capacityModel(round);
    // 2 WCU to store + 2 to delete at $0.625/M, 0.05 RCU to find it at $0.125/M.
    expect(c.perMillionByType['user.login']).toBeCloseTo(4 * 0.625 + 0.05 * 0.125, 10);
    // Capture 2 + aggregation 1/10 + deletion 2 writes; 700/1000 + 0.05 reads.
    expect(c.mix.writesPerEvent).toBeCloseTo(4.1, 10);
    expect(c.mix.readsPerEvent).toBeCloseTo(0.75, 10);
    // (2 × 400 + 100) bytes × 1e6 = 0.9 GB at $0.25.
    expect(c.mix.storagePerMillionMonth).toBeCloseTo(0.225, 10);
    // 10 ms of 0.5 GB per record = 5,000 GB-s per million, plus 10,000 requests.
    expect(c.mix.lambdaPerMillion).toBeCloseTo(5_000 * 0.0000166667 + 10_000 * 0.0000002, 10);
    // Each login puts 1 WCU on a record shard and 1 on a day shard: 8 × 1,000 × 0.8.
    expect(c.busyTenant.maxLoginsPerSecond).toBe(6_400);
    // 10,000 / 800 → 13 shards, rounded up to a power of two.
    expect(c.busyTenant.shardsFor10k).toBe(16);
    // 10,000 × 0.36 s over an hour.
    expect(c.aggregation10k.concurrencyForHour).toBe(1);
    expect(c.aggregation10k.readUnitsPerDay).toBe(7_000_000);
    // 4,000/s × 570 s = 2.28 M per run > 200,000: the item limit decides; 500 runs every 15 min.
    expect(c.sweep100m).toMatchObject({ perRun: 200_000, limitedBy: 'SWEEP_MAX_ITEMS', runs: 500 });
    expect(c.sweep100m.drainHours).toBe(125);
    expect(c.sweep100m.runsAtTimeLimit).toBe(44);
    // 2,000/s × 570 s = 1.14 M per run, still above the item limit: the same 500 runs.
    expect(c.sweep100m.runsAtBacklogRate).toBe(500);
    // 10,000 tenants at 50 a second: 200 s.
    expect(c.aggregation10k.fanOutMinutesAt16).toBeCloseTo(200 / 60, 10);
  });

  it('plans a busy tenant for its busiest shard, not the mean', () => {
    const skewed = capacityModel({ ...round, 'busy tenant: busiest / mean record shard': 1.25 });
    // 6,400 / 1.25; and 10,000 logins/s need 10,000 × 1.25 / 800 → 16 shards.
    expect(skewed.busyTenant.maxLoginsPerSecond).toBeCloseTo(5_120, 10);
    expect(skewed.busyTenant.shardsFor10k).toBe(16);
  });

  it('says which limit drains a backlog when the sweep is slower than its item limit', () => {
    const slow = capacityModel({ ...round, 'sweep rate': 100 });
    expect(slow.sweep100m).toMatchObject({ perRun: 57_000, limitedBy: 'the sweep timeout' });
  });

  it('refuses results without a figure it reads', () => {
    expect(() => inputsFrom({ figures: [{ figure: 'sweep rate', median: 1 }] })).toThrow(
      /the bench results lack capture cost: user\.login/,
    );
  });

  it('assumes the memory and the sweep timeout serverless.yml deploys', () => {
    const yml = read('serverless.yml');
    expect(yml).toMatch(new RegExp(`\\n  memorySize: ${DEPLOYED.memoryGb * 1024}\\n`));
    expect(yml).toMatch(new RegExp(`\\n  sweepTimeout: ${DEPLOYED.sweepTimeoutSeconds}\\n`));
  });
});
