import { describe, expect, it } from 'vitest';
import {
  categoriesOf,
  category,
  categoryOf,
  POLICY,
  recordTypes,
  requiredHostingServices,
  storedCategories,
  terminationPlan,
  terminationTriggers,
} from '#policy/index';

describe('the whole CIAM agreement', () => {
  it('declares all six categories of the data processing agreement, from seed 001', () => {
    expect(
      categoriesOf('ciam')
        .filter((c) => c.source === '001')
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      'Application Management Data',
      'Built In User Attributes Data',
      'Certification Management Data',
      'Data Synchronization Settings Data',
      'Personalization Data',
      'User Management Configuration Data',
    ]);
  });

  it('keeps what it does not store until deleted or terminated, as the agreement says', () => {
    for (const id of ['user-management-configuration-data', 'personalization-data']) {
      expect(category(id)).toMatchObject({ stored: false, rule: { kind: 'untilDeletedOrTermination' } });
      expect(category(id).listedFields.length).toBeGreaterThan(0);
    }
  });

  it('lists only stored categories among the stored ones', () => {
    expect(storedCategories().every((c) => c.stored)).toBe(true);
    expect(storedCategories('ciam').map((c) => c.id)).not.toContain('certification-management-data');
  });

  it('files no capture type under a category this backend does not store', () => {
    for (const type of recordTypes()) expect(categoryOf(type).stored, type).toBe(true);
  });

  it('plans no termination action for a category this backend does not store', () => {
    const planned = terminationPlan('ciam').map((p) => p.category as string);
    for (const c of categoriesOf('ciam')) expect(planned.includes(c.id), c.id).toBe(c.stored);
  });
});

describe('the hosting services Container Security requires', () => {
  it('names the four hosting services of seed 002', () => {
    expect(requiredHostingServices('container-security')).toEqual([
      { id: 'cvm', name: 'Cloud Virtual Machine (CVM)' },
      { id: 'ecm', name: 'Edge Computing Machine (ECM)' },
      { id: 'lighthouse', name: 'Tencent Cloud Lighthouse' },
      { id: 'blackrock', name: 'Blackrock Physical Server' },
    ]);
  });

  it('requires no hosting service for CIAM', () => {
    expect(requiredHostingServices('ciam')).toEqual([]);
    expect(POLICY.modules.ciam).not.toHaveProperty('hostingRequirementText');
  });

  it('ends the use of Container Security when the last hosting subscription ends', () => {
    expect(terminationTriggers('container-security').map((t) => t.when)).toEqual(['hostingEnded']);
    expect(terminationTriggers('ciam')).toEqual([]);
  });
});
