import { describe, expect, it } from 'vitest';
import { allowedFields, categoriesOf, listCategories, POLICY, secretFields } from '#policy/index';

// SPEC §1, restated as the test's own table: a category missing from the policy module, or one
// with a different rule, fails here.
const SPEC_CATEGORIES = {
  'admin-action-log': { module: 'ciam', rule: { kind: 'fixed', days: 180 } },
  'api-invocation-log': { module: 'ciam', rule: { kind: 'untilTermination' } },
  'statistical-data': { module: 'ciam', rule: { kind: 'untilTermination' } },
  'user-operation-log': { module: 'ciam', rule: { kind: 'untilTermination' } },
  'user-attributes': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
  'application-data': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
  'asset-management-data': {
    module: 'container-security',
    rule: { kind: 'archiveOnTermination', minDays: 180, graceDays: 30 },
  },
  'container-security-data': {
    module: 'container-security',
    rule: { kind: 'archiveOnTermination', minDays: 180, graceDays: 30 },
  },
  'business-operation-data': {
    module: 'container-security',
    rule: { kind: 'archiveOnTermination', minDays: 180, graceDays: 30 },
  },
  'product-configuration-data': { module: 'container-security', rule: { kind: 'fixed', days: 180 } },
  'version-management-data': { module: 'container-security', rule: { kind: 'fixed', days: 180 } },
} as const;

describe('the policy module against SPEC §1', () => {
  it.each(Object.entries(SPEC_CATEGORIES))('declares %s with the rule the spec gives it', (id, expected) => {
    const declared = listCategories().find((c) => c.id === id);
    expect(declared).toBeDefined();
    expect(declared?.module).toBe(expected.module);
    expect(declared?.rule).toEqual(expected.rule);
    expect(declared?.legalBasis).toBe('contract');
    expect(declared?.purposes.length).toBeGreaterThan(0);
  });

  it('declares no personal-data category beyond the spec', () => {
    expect(
      listCategories()
        .map((c) => c.id)
        .sort(),
    ).toEqual(Object.keys(SPEC_CATEGORIES).sort());
  });

  it('splits the categories between the two modules of the seeds', () => {
    expect(categoriesOf('ciam')).toHaveLength(6);
    expect(categoriesOf('container-security')).toHaveLength(5);
    expect(Object.keys(POLICY.modules).sort()).toEqual(['ciam', 'container-security']);
  });

  it('lets the admin action log store exactly the fields the policy lists, with the q-token secret', () => {
    expect(allowedFields('admin-action-log')).toEqual([
      'region',
      'apiVersion',
      'appId',
      'uin',
      'subAccountUin',
      'clientIp',
      'requestSource',
      'camContext.clientIp',
      'camContext.qToken',
      'logRegion',
      'requestId',
    ]);
    expect(secretFields('admin-action-log')).toEqual(['camContext.qToken']);
  });

  it('keeps user operations, API invocations and applications to the spec fields', () => {
    expect(allowedFields('user-operation-log')).toEqual(['userId', 'clientIp', 'country', 'result']);
    expect(allowedFields('api-invocation-log')).toEqual(['requestIp']);
    expect(allowedFields('application-data')).toEqual(['appId', 'appType', 'createdAt']);
  });

  it('stores no e-mail address, phone number or name in any category', () => {
    const everyField = listCategories().flatMap((c) => c.fields.map((f) => f.toLowerCase()));
    for (const forbidden of [
      'email',
      'mail',
      'phone',
      'mobile',
      'name',
      'firstname',
      'lastname',
      'username',
    ]) {
      expect(everyField).not.toContain(forbidden);
    }
    expect(everyField.filter((f) => /e-?mail|phone|(^|\.)(first|last|user)?name$/.test(f))).toEqual([]);
  });

  it('declares every secret field among the fields it allows', () => {
    for (const c of listCategories()) {
      for (const secret of c.secretFields) expect(c.fields).toContain(secret);
    }
  });

  it('names the twelve security report kinds of the Container Security policy', () => {
    const kinds = listCategories().find((c) => c.id === 'business-operation-data')?.values?.reportType;
    expect(kinds).toHaveLength(12);
    expect(kinds).toEqual(expect.arrayContaining(['container-escape', 'reverse-shell', 'high-risk-syscall']));
  });
});
