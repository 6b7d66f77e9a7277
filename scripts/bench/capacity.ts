import { sweepEveryMinutes } from '#policy/index';
import { RECORD_SHARDS } from '#store/keys';
import { DEFAULT_SWEEP_LIMITS } from '../../functions/sweepExpired/sweep.ts';

// The capacity model of docs/capacity.md: every derived number is a formula over a figure the bench
// measured (its median, by name) and a cited AWS limit or price. `npm run capacity` writes the
// figures it used to docs/capacity-inputs.json and the numbers into docs/capacity.md; a unit test
// recomputes them from that file, so the document cannot drift from its formulas.

/** AWS limits and prices the model cites (us-east-1, on-demand; read on `read`). */
export const AWS = {
  read: '2026-12-02',
  /** Per partition, per second (DynamoDB developer guide, "warm throughput" / partitions). */
  partitionWcu: 1_000,
  partitionRcu: 3_000,
  /** On-demand, per million request units; storage per GB-month (Standard table class). */
  writePerMillion: 0.625,
  readPerMillion: 0.125,
  storagePerGbMonth: 0.25,
  /** Lambda x86: per GB-second and per request. */
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerRequest: 0.2 / 1_000_000,
  /** SQS event source (standard queue): starts at 5 concurrent batches, adds up to 300 a minute, at most 1,000. */
  sqsStartConcurrency: 5,
  sqsAddPerMinute: 300,
  sqsMaxConcurrency: 1_000,
  /** The byDay index entry's overhead on top of the projected item (DynamoDB item-size rules). */
  indexEntryOverheadBytes: 100,
} as const;

/** What is deployed: shard count, sweep limits and cadence read from the code; memory and the sweep's timeout are serverless.yml's (a unit test compares them). */
export const DEPLOYED = {
  recordShards: RECORD_SHARDS,
  sweepMaxItems: DEFAULT_SWEEP_LIMITS.maxItems,
  sweepReserveSeconds: DEFAULT_SWEEP_LIMITS.reserveMs / 1000,
  sweepEveryMinutes: sweepEveryMinutes(),
  /** serverless.yml: provider memorySize and the sweep's timeout. */
  memoryGb: 0.5,
  sweepTimeoutSeconds: 600,
  loginsPerUserPerDay: 10,
  /** Utilisation a partition is planned at (headroom for uneven hashing and bursts). */
  plannedUtilisation: 0.8,
} as const;

/** The bench figures the model reads (medians), by name. */
export const INPUTS = [
  'capture cost: user.login',
  'capture cost: user.registered',
  'capture cost: admin.action',
  'whole day: capture writes per event',
  'whole day: aggregation writes per active user',
  'stored login: item size',
  'aggregation: read units, 1× history',
  'aggregation: one day, 1× history',
  'sweep: write units per deleted record',
  'sweep: read units per deleted record',
  'sweep rate',
  'batch capture p50 of a 100-record request',
  'busy tenant: busiest / mean record shard',
  'sweep backlog: 200000 records drained',
  'fan-out: 2000 tenant-days/s',
] as const;
export type Inputs = Record<(typeof INPUTS)[number], number>;

/** Records of the measured aggregation day (scripts/bench/sizes.ts FULL.dayRecords). */
export const AGGREGATION_DAY_RECORDS = 1_000;

const perMillion = (units: number, price: number) => units * price;

/** Every headline number of docs/capacity.md, from the measured inputs. */
export function capacityModel(m: Inputs) {
  const deleteWrites = m['sweep: write units per deleted record'];
  const deleteReads = m['sweep: read units per deleted record'];
  const lifecycle = (captureWcu: number) =>
    perMillion(captureWcu + deleteWrites, AWS.writePerMillion) + perMillion(deleteReads, AWS.readPerMillion);
  const aggregationWritesPerEvent =
    m['whole day: aggregation writes per active user'] / DEPLOYED.loginsPerUserPerDay;
  const aggregationReadsPerEvent = m['aggregation: read units, 1× history'] / AGGREGATION_DAY_RECORDS;
  // A stored record and its byDay copy, kept a month.
  const storedBytes = 2 * m['stored login: item size'] + AWS.indexEntryOverheadBytes;
  const storagePerMillionMonth = ((storedBytes * 1_000_000) / 1e9) * AWS.storagePerGbMonth;
  const lambdaGbSecondsPerEvent =
    (m['batch capture p50 of a 100-record request'] / 1000 / 100) * DEPLOYED.memoryGb;
  const lambdaPerMillion =
    lambdaGbSecondsPerEvent * 1_000_000 * AWS.lambdaPerGbSecond + (1_000_000 / 100) * AWS.lambdaPerRequest;
  const mixWrites = m['whole day: capture writes per event'] + aggregationWritesPerEvent + deleteWrites;
  const mixReads = aggregationReadsPerEvent + deleteReads;
  const mix = {
    writesPerEvent: mixWrites,
    readsPerEvent: mixReads,
    dynamodbPerMillion: perMillion(mixWrites, AWS.writePerMillion) + perMillion(mixReads, AWS.readPerMillion),
    storagePerMillionMonth,
    lambdaPerMillion,
  };
  // Keycloak-style: one row per event, no id guard, no day index; expiry deletes it by query
  // (one write to store, one to delete, the delete's query reading it once, eventually consistent).
  const keycloakBytes = m['stored login: item size'];
  const keycloak = {
    writesPerEvent: 2,
    readsPerEvent: Math.ceil(keycloakBytes / 4096) * 0.5,
    dynamodbPerMillion: perMillion(2, AWS.writePerMillion) + perMillion(0.5, AWS.readPerMillion),
    storagePerMillionMonth: ((keycloakBytes * 1_000_000) / 1e9) * AWS.storagePerGbMonth,
  };
  // One busy tenant: a login writes one item to one of the tenant's record shards and one index
  // entry to one of its day shards (both hashed from the id), so each shard set takes an even share.
  // The busiest shard takes the measured share above the mean (the hash is not perfectly even), so
  // it reaches a partition's limit first.
  const skew = m['busy tenant: busiest / mean record shard'];
  const writesPerLoginPerShardSet = m['capture cost: user.login'] / 2;
  const tenantMaxLoginsPerSecond =
    (DEPLOYED.recordShards * AWS.partitionWcu * DEPLOYED.plannedUtilisation) /
    (writesPerLoginPerShardSet * skew);
  const shardsFor = (perSecond: number) => {
    const needed = Math.ceil(
      (perSecond * writesPerLoginPerShardSet * skew) / (AWS.partitionWcu * DEPLOYED.plannedUtilisation),
    );
    return 2 ** Math.ceil(Math.log2(needed));
  };
  // Daily aggregation: one job per tenant; local time per job as the unit of work (an upper bound,
  // DynamoDB Local on a shared 2-core machine is slower than DynamoDB).
  const jobSeconds = m['aggregation: one day, 1× history'] / 1000;
  const tenants = 10_000;
  const concurrencyForHour = Math.ceil((tenants * jobSeconds) / 3600);
  const minutesToReach = (c: number) =>
    c <= AWS.sqsStartConcurrency ? 0 : Math.ceil((c - AWS.sqsStartConcurrency) / AWS.sqsAddPerMinute);
  const aggregationReadsPerDay = tenants * m['aggregation: read units, 1× history'];
  // The whole fan-out as measured locally (enqueue, 16 workers draining, small tenant-days).
  const fanOutMinutesAt16 = tenants / m['fan-out: 2000 tenant-days/s'] / 60;
  // Sweep backlog: each run deletes at most maxItems; a run can delete at most rate × its time.
  const backlog = 100_000_000;
  const perRunAtLimit = DEPLOYED.sweepMaxItems;
  const perRunByTime = m['sweep rate'] * (DEPLOYED.sweepTimeoutSeconds - DEPLOYED.sweepReserveSeconds);
  const perRun = Math.min(perRunAtLimit, perRunByTime);
  const runs = Math.ceil(backlog / perRun);
  const drainHours = (runs * DEPLOYED.sweepEveryMinutes) / 60;
  const runsAtTimeLimit = Math.ceil(backlog / perRunByTime);
  // The same at the rate measured draining a many-tenant backlog across runs (not one tenant-day).
  const backlogRate = m['sweep backlog: 200000 records drained'];
  const perRunMeasured = Math.min(
    perRunAtLimit,
    backlogRate * (DEPLOYED.sweepTimeoutSeconds - DEPLOYED.sweepReserveSeconds),
  );
  const runsMeasured = Math.ceil(backlog / perRunMeasured);
  return {
    perMillionByType: {
      'user.login': lifecycle(m['capture cost: user.login']),
      'user.registered': lifecycle(m['capture cost: user.registered']),
      'admin.action': lifecycle(m['capture cost: admin.action']),
    },
    mix,
    keycloak,
    busyTenant: {
      maxLoginsPerSecond: tenantMaxLoginsPerSecond,
      shardsFor10k: shardsFor(10_000),
      skew,
    },
    aggregation10k: {
      jobSeconds,
      concurrencyForHour,
      minutesToReachConcurrency: minutesToReach(concurrencyForHour),
      readUnitsPerDay: aggregationReadsPerDay,
      readCostPerDay: perMillion(aggregationReadsPerDay / 1_000_000, AWS.readPerMillion),
      fanOutMinutesAt16,
    },
    sweep100m: {
      perRun,
      limitedBy: perRunAtLimit <= perRunByTime ? 'SWEEP_MAX_ITEMS' : 'the sweep timeout',
      runs,
      drainHours,
      runsAtTimeLimit,
      drainHoursAtTimeLimit: (runsAtTimeLimit * DEPLOYED.sweepEveryMinutes) / 60,
      runsAtBacklogRate: runsMeasured,
      drainHoursAtBacklogRate: (runsMeasured * DEPLOYED.sweepEveryMinutes) / 60,
      deleteCost: perMillion((backlog * (deleteWrites + 0)) / 1_000_000, AWS.writePerMillion),
    },
  };
}

export type Capacity = ReturnType<typeof capacityModel>;

const money = (n: number) => `$${n < 1 ? n.toFixed(3) : n.toFixed(2)}`;
const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The generated block of docs/capacity.md: the headline numbers, each with its formula's inputs. */
export function headlines(c: Capacity, m: Inputs): string {
  const rows = [
    [
      'cost per million `user.login` (writes, deletion, deletion reads)',
      money(c.perMillionByType['user.login']),
    ],
    ['cost per million `user.registered`', money(c.perMillionByType['user.registered'])],
    ['cost per million `admin.action`', money(c.perMillionByType['admin.action'])],
    ['realistic mix: write units per event (capture + aggregation + deletion)', num(c.mix.writesPerEvent, 3)],
    ['realistic mix: read units per event (aggregation + deletion)', num(c.mix.readsPerEvent, 3)],
    ['realistic mix: DynamoDB requests per million events', money(c.mix.dynamodbPerMillion)],
    ['realistic mix: storage per million events kept a month', money(c.mix.storagePerMillionMonth)],
    ['realistic mix: Lambda per million events (100-record requests)', money(c.mix.lambdaPerMillion)],
    [
      'Keycloak-style (one row, query expiry): DynamoDB requests per million',
      money(c.keycloak.dynamodbPerMillion),
    ],
    ['Keycloak-style: storage per million events kept a month', money(c.keycloak.storagePerMillionMonth)],
    [
      `one tenant, ${DEPLOYED.recordShards} shards: highest sustained logins/s`,
      num(c.busyTenant.maxLoginsPerSecond),
    ],
    ['… busiest shard / mean, as measured (the formula plans for it)', num(c.busyTenant.skew, 3)],
    ['shards per tenant for 10,000 logins/s', num(c.busyTenant.shardsFor10k)],
    ['10,000 tenants in one hour: aggregation concurrency needed', num(c.aggregation10k.concurrencyForHour)],
    ['… minutes for SQS to scale to it', num(c.aggregation10k.minutesToReachConcurrency)],
    ['… read units per day', num(c.aggregation10k.readUnitsPerDay)],
    ['… read cost per day', money(c.aggregation10k.readCostPerDay)],
    [
      '… minutes at the fan-out rate measured locally with 16 workers',
      num(c.aggregation10k.fanOutMinutesAt16, 1),
    ],
    [
      `100 million due records: records per sweep run (limited by ${c.sweep100m.limitedBy})`,
      num(c.sweep100m.perRun),
    ],
    ['… runs, and hours to drain', `${num(c.sweep100m.runs)} runs, ${num(c.sweep100m.drainHours, 1)} h`],
    [
      '… with SWEEP_MAX_ITEMS raised to what one run can delete',
      `${num(c.sweep100m.runsAtTimeLimit)} runs, ${num(c.sweep100m.drainHoursAtTimeLimit, 1)} h`,
    ],
    [
      '… at the rate measured draining 200,000 records of 20 tenants across runs',
      `${num(c.sweep100m.runsAtBacklogRate)} runs, ${num(c.sweep100m.drainHoursAtBacklogRate, 1)} h`,
    ],
    ['… deletion write cost', money(c.sweep100m.deleteCost)],
  ];
  return [
    '| headline | value |',
    '|---|---:|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    'From these measured medians (`docs/capacity-inputs.json`):',
    '',
    '| bench figure | median |',
    '|---|---:|',
    ...INPUTS.map((name) => `| ${name} | ${num(m[name], 3)} |`),
  ].join('\n');
}

export const START = '<!-- capacity:start -->';
export const END = '<!-- capacity:end -->';

/** The document with its generated block replaced. */
export function withHeadlines(document: string, block: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/capacity.md has no ${START} … ${END} block`);
  return `${document.slice(0, start + START.length)}\n${block}\n${document.slice(end)}`;
}

/** The inputs from a bench results file (every figure the model reads must be in it). */
export function inputsFrom(results: { figures: Array<{ figure: string; median: number }> }): Inputs {
  const byName = new Map(results.figures.map((f) => [f.figure, f.median]));
  const missing = INPUTS.filter((name) => !byName.has(name));
  if (missing.length)
    throw new Error(`the bench results lack ${missing.join(', ')}: run a full npm run bench`);
  return Object.fromEntries(INPUTS.map((name) => [name, byName.get(name) as number])) as Inputs;
}
