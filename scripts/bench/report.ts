import { readFile, writeFile } from 'node:fs/promises';
import { fmt } from './measure.ts';

export interface ResultRow {
  figure: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  goal: string;
  met: boolean | null;
  note: string;
}

export interface Results {
  date: string;
  mode: 'quick' | 'full';
  seconds: number;
  machine: { cpus: number; cpu: string; memoryGiB: number; node: string; platform: string };
  figures: ResultRow[];
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** The results as a Markdown table with the date and machine. */
export function markdown(results: Results): string {
  const m = results.machine;
  const lines = [
    `Last full run: **${results.date.slice(0, 16).replace('T', ' ')} UTC**, ${results.seconds} s, on ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (shared with other jobs).`,
    '',
    '| figure | median | min | max | unit | goal | met |',
    '|---|---:|---:|---:|---|---|---|',
    ...results.figures.map(
      (r) =>
        `| ${r.figure} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.unit} | ${r.goal.replace('<=', '≤').replace('>=', '≥')} | ${r.met === null ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return lines.join('\n');
}

/** Replaces the results block of bench/README.md with these results (full runs only). */
export async function updateReadme(path: string, results: Results): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (!text?.includes(START) || !text.includes(END)) return;
  const before = text.slice(0, text.indexOf(START) + START.length);
  const after = text.slice(text.indexOf(END));
  await writeFile(path, `${before}\n${markdown(results)}\n${after}`);
}
