import { describe, expect, it } from 'vitest';
import { ciam } from '#policy/ciam';
import { containerSecurity } from '#policy/container-security';
import {
  allowedFields,
  categoriesOf,
  listCategories,
  POLICY,
  secretFields,
  storedCategories,
} from '#policy/index';

// SPEC §1, restated as the test's own table: a category missing from the policy module, or one
// with a different rule, fails here. SPEC §7 adds the agreement's categories this backend does not
// store (NOT_STORED).
const NOT_STORED = {
  'user-management-configuration-data': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
  'data-synchronization-settings-data': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
  'certification-management-data': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
  'personalization-data': { module: 'ciam', rule: { kind: 'untilDeletedOrTermination' } },
} as const;
const STORED = {
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
const SPEC_CATEGORIES = { ...STORED, ...NOT_STORED };

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

  it('stores exactly the categories of SPEC §1, and declares the rest of the agreement as not stored', () => {
    expect(
      storedCategories()
        .map((c) => c.id)
        .sort(),
    ).toEqual(Object.keys(STORED).sort());
    for (const c of listCategories()) expect(c.stored, c.id).toBe(Object.hasOwn(STORED, c.id));
  });

  it('splits the categories between the two modules of the seeds', () => {
    expect(categoriesOf('ciam')).toHaveLength(10);
    expect(storedCategories('ciam')).toHaveLength(6);
    expect(categoriesOf('container-security')).toHaveLength(5);
    expect(storedCategories('container-security')).toHaveLength(5);
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

  it('keeps Container Security to APPID, UIN, basic server data and the report figures it names', () => {
    expect(allowedFields('asset-management-data')).toEqual(
      expect.arrayContaining(['appId', 'uin', 'serverId']),
    );
    expect(allowedFields('business-operation-data')).toEqual([
      'reportType',
      'count',
      'purchasedResources',
      'imageLicences',
      'logStorageGb',
    ]);
  });

  it('flags the q-token as the only secret: it may be stored only as a keyed hash', () => {
    for (const c of listCategories())
      expect(secretFields(c.id)).toEqual(c.id === 'admin-action-log' ? ['camContext.qToken'] : []);
  });

  it('keeps every stored category in DynamoDB while in use, on a contract basis', () => {
    for (const c of storedCategories()) {
      expect(c.storage).toBe('dynamodb');
      expect(c.legalBasis).toBe('contract');
    }
  });

  it('gives a category it does not store no storage, no field, no record type, and a reason', () => {
    const unstored = listCategories().filter((c) => !c.stored);
    expect(unstored.map((c) => c.id).sort()).toEqual(Object.keys(NOT_STORED).sort());
    const filed = new Set(Object.values(POLICY.recordTypes).map((t) => t.category as string));
    for (const c of unstored) {
      expect(c.storage, c.id).toBeUndefined();
      expect(c.fields, c.id).toEqual([]);
      expect(c.secretFields, c.id).toEqual([]);
      expect(filed.has(c.id), c.id).toBe(false);
      expect(c.stored ? '' : c.notStoredReason, c.id).toMatch(/never receives/);
      expect(c.legalBasis, c.id).toBe('contract');
    }
  });

  it('names the twelve security report kinds of the Container Security policy', () => {
    const kinds = listCategories().find((c) => c.id === 'business-operation-data')?.values?.reportType;
    expect(kinds).toHaveLength(12);
    expect(kinds).toEqual(expect.arrayContaining(['container-escape', 'reverse-shell', 'high-risk-syscall']));
  });
});

describe('the declarations hold together', () => {
  it('files every record type under a declared category', () => {
    for (const [type, { category }] of Object.entries(POLICY.recordTypes))
      expect(Object.keys(POLICY.categories), type).toContain(category);
  });

  it('declares the module of every category', () => {
    for (const c of listCategories()) expect(Object.keys(POLICY.modules), c.id).toContain(c.module);
  });

  it('loses no declaration when the modules are put together (no id declared twice)', () => {
    const modules = [ciam, containerSecurity];
    const categoryIds = modules.flatMap((m) => Object.keys(m.categories));
    const types = modules.flatMap((m) => Object.keys(m.recordTypes));
    expect(new Set(categoryIds).size).toBe(categoryIds.length);
    expect(new Set(types).size).toBe(types.length);
    expect(Object.keys(POLICY.categories)).toHaveLength(categoryIds.length);
    expect(Object.keys(POLICY.recordTypes)).toHaveLength(types.length);
    for (const id of Object.keys(POLICY.operational)) expect(categoryIds).not.toContain(id);
  });

  it('gives every operational record a reason and a fixed time, but the idempotency keys of live data', () => {
    // An idempotency key stands for an event of live data (an application's creation or deletion):
    // it must refuse a resent id for as long as the data may be in use, so it is kept until termination.
    const untilTermination = ['idempotency-key'];
    for (const [id, d] of Object.entries(POLICY.operational)) {
      expect(d.reason.length, id).toBeGreaterThan(0);
      expect(d.rule.kind, id).toBe(untilTermination.includes(id) ? 'untilTermination' : 'fixed');
    }
    expect(POLICY.operational['deletion-receipt']).toMatchObject({
      storage: 's3',
      rule: { kind: 'fixed', days: 1095 },
    });
  });
});
