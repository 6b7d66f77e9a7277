import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { capacityModel, headlines, inputsFrom, withHeadlines } from './capacity.ts';

// `npm run capacity [-- <results.json>]`: after a full `npm run bench`, takes the figures the
// capacity model reads from bench/results.json, keeps them in docs/capacity-inputs.json and
// rewrites the generated numbers in docs/capacity.md.

const root = resolve(import.meta.dirname, '../..');
const source = resolve(root, process.argv[2] ?? 'bench/results.json');
const results = JSON.parse(readFileSync(source, 'utf8')) as {
  date: string;
  mode: string;
  machine: unknown;
  figures: Array<{ figure: string; median: number }>;
};
if (results.mode !== 'full') {
  process.stderr.write(`${source} is from a ${results.mode} run; the model needs a full npm run bench\n`);
  process.exit(2);
}
const inputs = inputsFrom(results);
writeFileSync(
  resolve(root, 'docs/capacity-inputs.json'),
  `${JSON.stringify({ date: results.date, machine: results.machine, inputs }, null, 2)}\n`,
);
const doc = resolve(root, 'docs/capacity.md');
writeFileSync(doc, withHeadlines(readFileSync(doc, 'utf8'), headlines(capacityModel(inputs), inputs)));
process.stdout.write(
  `docs/capacity.md and docs/capacity-inputs.json written from the run of ${results.date}\n`,
);
