import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../../scripts/ci/audit.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CI audit step with an `npm` on PATH that prints `report` as `npm audit --json` would. */
function auditWith(report: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  writeFileSync(join(dir, 'npm'), `#!/bin/sh\ncat "${join(dir, 'report.json')}"\nexit 1\n`);
  chmodSync(join(dir, 'npm'), 0o755);
  return spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
  });
}

const counts = (high: number, critical: number) => ({
  metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high, critical, total: 3 + high + critical } },
  vulnerabilities: high ? { 'some-lib': { severity: 'high', range: '<1.2.3' } } : {},
});

describe('the CI audit step', () => {
  it('fails on a high or a critical advisory of a production dependency', () => {
    expect(auditWith(counts(1, 0)).status).toBe(1);
    expect(auditWith(counts(0, 1)).status).toBe(1);
    expect(auditWith(counts(1, 0)).stderr).toContain('some-lib');
  });

  it('passes with only low and moderate advisories', () => {
    expect(auditWith(counts(0, 0)).status).toBe(0);
  });

  it('warns, without passing silently, when the audit endpoint cannot be reached', () => {
    const run = auditWith({ message: '405 Method Not Allowed - POST …/advisories/bulk', statusCode: 405 });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('NOT audited');
  });
});
