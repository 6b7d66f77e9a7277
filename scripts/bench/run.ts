import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { aggregationScale } from './aggregation.ts';
import { backlogFigures } from './backlog.ts';
import { bundleFigures } from './bundles.ts';
import { busyTenantFigures } from './busy-tenant.ts';
import { batchCapture, captureCost, captureOverhead } from './capture.ts';
import { type BenchCloud, functionEnv, startBenchCloud } from './cloud.ts';
import { wholeDayCost } from './day-cost.ts';
import { logFigures } from './logs.ts';
import { fmt } from './measure.ts';
import { reconciliationFigures } from './reconciliation.ts';
import { type Results, updateReadme } from './report.ts';
import { fanOutFigures } from './scale.ts';
import { type Figure, FULL, QUICK, type Sizes } from './sizes.ts';
import { sourceOverhead } from './sources.ts';
import { sweepFigures } from './sweep.ts';
import { terminationRate } from './termination.ts';

/**
 * npm run bench [-- --quick] [-- --only capture,sweep]: every figure of issue 7, each a median of
 * repetitions with min/max, measured side by side with its raw-SDK baseline on one local cloud.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const sizes: Sizes = quick ? QUICK : FULL;
const root = resolve(import.meta.dirname, '../..');

type Group = (bench: BenchCloud, sizes: Sizes) => Promise<Figure[]>;
const groups: Record<string, Group> = {
  capture: async (bench, s) => [
    ...(await captureCost(bench, s)),
    ...(await captureOverhead(bench, s)),
    ...(await batchCapture(bench, s)),
    ...(await wholeDayCost(bench, s)),
  ],
  sources: sourceOverhead,
  aggregation: aggregationScale,
  sweep: sweepFigures,
  termination: terminationRate,
  reconciliation: reconciliationFigures,
  logs: logFigures,
  scale: async (bench, s) => [
    ...(await fanOutFigures(bench, s)),
    ...(await backlogFigures(bench, s)),
    ...(await busyTenantFigures(bench, s)),
  ],
  bundles: (bench, s) => bundleFigures(bench, s),
};

const started = Date.now();
const bench = await startBenchCloud();
// The functions read their configuration once at import; the bench wires its stores itself, but
// some modules still read the environment (log level, metrics), so it points at a first copy.
Object.assign(process.env, functionEnv(await bench.copy()));
const figures: Figure[] = [];
try {
  for (const [name, group] of Object.entries(groups)) {
    if (only && !only.includes(name)) continue;
    const t = Date.now();
    process.stderr.write(`bench: ${name}…`);
    figures.push(...(await group(bench, sizes)));
    process.stderr.write(` ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  }
} finally {
  await bench.stop();
}

const rows = figures.map((f) => ({
  figure: f.figure,
  median: f.value.median,
  min: f.value.min,
  max: f.value.max,
  unit: f.unit,
  goal: f.goal?.text ?? '',
  met: f.goal ? f.goal.met(f.value.median) : null,
  reps: f.value.reps,
  note: f.note ?? '',
}));
printTable(rows);
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  seconds: Math.round((Date.now() - started) / 1000),
  machine,
  sizes,
  figures: rows,
};
await mkdir(join(root, 'bench'), { recursive: true });
await writeFile(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
// A full run of every figure is what bench/README.md shows; a quick or partial run leaves it alone.
if (!quick && !only) await updateReadme(join(root, 'bench/README.md'), results as Results);
console.log(
  `\n${results.mode} run, ${results.seconds} s, ${machine.cpus} × ${machine.cpu}, Node ${machine.node}; bench/results.json written`,
);
process.exit(rows.some((r) => Number.isNaN(r.median)) ? 1 : 0);

function printTable(table: typeof rows): void {
  const head = ['figure', 'median', 'min', 'max', 'unit', 'goal', 'met'];
  const cells = table.map((r) => [
    r.figure,
    fmt(r.median),
    fmt(r.min),
    fmt(r.max),
    r.unit,
    r.goal,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    `| ${c.map((x, i) => (i === 0 || i >= 4 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}
