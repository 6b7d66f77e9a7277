import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PolicyDeclarations } from '../../shared/policy/declarations.ts';
import { policyVersionOf } from '../../shared/policy/version.ts';

const root = resolve(import.meta.dirname, '../..');
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });

/** A ref that names no commit, or a commit without a policy module. */
export class PolicyRefError extends Error {
  override name = 'PolicyRefError';
}

/**
 * The policy declarations committed at `ref`: that commit's `shared/` and `package.json` (the
 * policy files may import anything under `shared/` through the package's `#` imports) are written
 * to a temporary directory and imported from there, so nothing of the working tree leaks in.
 */
export async function policyAt(ref: string): Promise<{ declarations: PolicyDeclarations; version: string }> {
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).toString().trim();
  } catch {
    throw new PolicyRefError(`${ref} names no commit of this repository`);
  }
  const files = git('ls-tree', '-r', '--name-only', commit, '--', 'package.json', 'shared')
    .toString()
    .split('\n')
    .filter(Boolean);
  if (!files.includes('shared/policy/declarations.ts'))
    throw new PolicyRefError(`${ref} (${commit.slice(0, 12)}) has no shared/policy/declarations.ts`);
  const dir = mkdtempSync(join(tmpdir(), 'policy-at-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), git('show', `${commit}:${file}`));
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const { POLICY } = (await import(pathToFileURL(join(dir, 'shared/policy/declarations.ts')).href)) as {
      POLICY: PolicyDeclarations;
    };
    // The version that commit stamps on records, by its own hash function when it has one.
    const versionFile = join(dir, 'shared/policy/version.ts');
    const version = existsSync(versionFile)
      ? ((await import(pathToFileURL(versionFile).href)) as { POLICY_VERSION: string }).POLICY_VERSION
      : policyVersionOf(POLICY);
    return { declarations: POLICY, version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
