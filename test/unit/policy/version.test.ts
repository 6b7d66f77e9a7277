import { describe, expect, it } from 'vitest';
import { POLICY, POLICY_VERSION, type PolicyDeclarations, policyVersionOf } from '#policy/index';

// A deep, writable copy of the declarations, to change one thing and hash again.
type Writable = {
  modules: Record<string, { unavailableRegions: string[] }>;
  categories: Record<string, { rule: { kind: string; days?: number }; fields: string[] }>;
  recordTypes: Record<string, { category: string }>;
  operational: Record<string, { rule: { days?: number } }>;
};
const copy = () => structuredClone(POLICY) as unknown as Writable;
const versionOf = (declarations: Writable) => policyVersionOf(declarations as unknown as PolicyDeclarations);
const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('declaration missing');
  return value;
};

describe('the policy version', () => {
  it('is a short content hash of the declarations', () => {
    expect(POLICY_VERSION).toMatch(/^p-[0-9a-f]{16}$/);
  });

  it('is the same for the same declarations', () => {
    expect(policyVersionOf(POLICY)).toBe(POLICY_VERSION);
    expect(versionOf(copy())).toBe(POLICY_VERSION);
  });

  it('does not depend on the order keys were written in', () => {
    const reordered = Object.fromEntries(Object.entries(POLICY).reverse()) as unknown as PolicyDeclarations;
    expect(policyVersionOf(reordered)).toBe(POLICY_VERSION);
  });

  it('changes when a retention rule changes', () => {
    const longer = copy();
    must(longer.categories['admin-action-log']).rule.days = 181;
    expect(versionOf(longer)).not.toBe(POLICY_VERSION);

    const kind = copy();
    must(kind.categories['statistical-data']).rule.kind = 'untilDeletedOrTermination';
    expect(versionOf(kind)).not.toBe(POLICY_VERSION);
  });

  it('changes when a category may store another field', () => {
    const moreFields = copy();
    must(moreFields.categories['api-invocation-log']).fields.push('userAgent');
    expect(versionOf(moreFields)).not.toBe(POLICY_VERSION);
  });

  it('changes when a module becomes unavailable somewhere, or a record type is added', () => {
    const region = copy();
    must(region.modules.ciam).unavailableRegions.push('KP');
    expect(versionOf(region)).not.toBe(POLICY_VERSION);

    const type = copy();
    type.recordTypes['user.password_reset'] = { category: 'user-operation-log' };
    expect(versionOf(type)).not.toBe(POLICY_VERSION);
  });

  it('changes when an operational record is kept for another time', () => {
    const receipts = copy();
    must(receipts.operational['deletion-receipt']).rule.days = 365;
    expect(versionOf(receipts)).not.toBe(POLICY_VERSION);
  });
});
