import { describe, expect, it } from 'vitest';
import { POLICY, POLICY_VERSION, policyVersionOf } from '#policy/index';

describe('the policy version', () => {
  it('is a short content hash of the declarations', () => {
    expect(POLICY_VERSION).toMatch(/^p-[0-9a-f]{16}$/);
    expect(policyVersionOf(structuredClone(POLICY))).toBe(POLICY_VERSION);
  });

  it('does not depend on the order keys were written in', () => {
    const reordered = Object.fromEntries(Object.entries(POLICY).reverse()) as unknown as typeof POLICY;
    expect(policyVersionOf(reordered)).toBe(POLICY_VERSION);
  });

  it('changes when any declaration changes', () => {
    const longer = structuredClone(POLICY) as unknown as {
      categories: Record<string, { rule: { days?: number } }>;
    };
    const adminLog = longer.categories['admin-action-log'];
    if (!adminLog) throw new Error('admin-action-log missing');
    adminLog.rule = { ...adminLog.rule, days: 181 };
    expect(policyVersionOf(longer as never)).not.toBe(POLICY_VERSION);

    const moreFields = structuredClone(POLICY) as unknown as {
      categories: Record<string, { fields: string[] }>;
    };
    moreFields.categories['api-invocation-log']?.fields.push('userAgent');
    expect(policyVersionOf(moreFields as never)).not.toBe(POLICY_VERSION);
  });
});
