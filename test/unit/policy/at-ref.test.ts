import { describe, expect, it } from 'vitest';
import { PolicyRefError, policyAt } from '../../../scripts/policy/at-ref.ts';

describe('the policy committed at a git ref', () => {
  it('loads the declarations and the version of that commit', async () => {
    const { declarations, version } = await policyAt('HEAD');
    expect(version).toMatch(/^p-[0-9a-f]{16}$/);
    expect(Object.keys(declarations.modules)).toContain('ciam');
    expect(Object.keys(declarations.categories)).toContain('admin-action-log');
  });

  it('refuses a ref that names no commit, saying which', async () => {
    await expect(policyAt('no-such-ref-anywhere')).rejects.toThrow(PolicyRefError);
    await expect(policyAt('no-such-ref-anywhere')).rejects.toThrow(/no-such-ref-anywhere names no commit/);
  });
});
