import { describe, expect, it } from 'vitest';
import {
  categoryOf,
  isAvailable,
  POLICY,
  recordTypes,
  terminationPlan,
  UnknownRecordTypeError,
} from '#policy/index';

describe('record types', () => {
  it.each([
    ['user.login', 'user-operation-log', 'success'],
    ['user.login_failed', 'user-operation-log', 'failure'],
    ['user.registered', 'user-operation-log', 'success'],
    ['user.registration_failed', 'user-operation-log', 'failure'],
    ['user.deleted', 'user-operation-log', undefined],
    ['message.sms_sent', 'user-operation-log', undefined],
    ['message.email_sent', 'user-operation-log', undefined],
    ['admin.action', 'admin-action-log', undefined],
    ['api.invocation', 'api-invocation-log', undefined],
    ['app.created', 'application-data', undefined],
    ['app.deleted', 'application-data', undefined],
  ])('files %s under %s (implied result %s)', (type, category, result) => {
    const found = categoryOf(type);
    expect(found.id).toBe(category);
    expect(found.impliedResult).toBe(result);
  });

  it.each([
    ['security.asset', 'asset-management-data'],
    ['security.container_event', 'container-security-data'],
    ['security.business_report', 'business-operation-data'],
    ['security.product_config', 'product-configuration-data'],
    ['security.version', 'version-management-data'],
  ])('files %s under %s, with no implied result', (type, category) => {
    const found = categoryOf(type);
    expect(found.id).toBe(category);
    expect(found.module).toBe('container-security');
    expect(found.impliedResult).toBeUndefined();
  });

  it('gives every Container Security category a record type', () => {
    const covered = new Set(recordTypes().map((t) => categoryOf(t).id));
    for (const id of Object.keys(POLICY.categories)) {
      if (POLICY.categories[id as keyof typeof POLICY.categories].module === 'container-security') {
        expect(covered).toContain(id);
      }
    }
  });

  it('refuses a type no declaration names, with an error that names it', () => {
    expect(() => categoryOf('user.teleported')).toThrow(UnknownRecordTypeError);
    expect(() => categoryOf('user.teleported')).toThrow(/user\.teleported/);
    expect(() => categoryOf('__proto__')).toThrow(UnknownRecordTypeError);
    expect(() => categoryOf('toString')).toThrow(UnknownRecordTypeError);
  });
});

describe('availability', () => {
  it('offers CIAM everywhere, Russia included', () => {
    expect(isAvailable('ciam', 'RU')).toBe(true);
    expect(isAvailable('ciam', 'ru')).toBe(true);
  });

  it('does not offer Container Security in Russia, whatever the case of the code', () => {
    for (const region of ['RU', 'ru', 'Ru']) expect(isAvailable('container-security', region)).toBe(false);
  });

  it('offers Container Security elsewhere', () => {
    for (const region of ['DE', 'SG', 'US', 'BR', 'UA'])
      expect(isAvailable('container-security', region)).toBe(true);
  });
});

describe('termination plans', () => {
  it('deletes CIAM operation data and keeps admin action logs to their own date', () => {
    expect(terminationPlan('ciam')).toEqual([
      { category: 'admin-action-log', action: 'keepUntilDeadline' },
      { category: 'api-invocation-log', action: 'delete' },
      { category: 'statistical-data', action: 'delete' },
      { category: 'user-operation-log', action: 'delete' },
      { category: 'user-attributes', action: 'delete' },
      { category: 'application-data', action: 'delete' },
    ]);
  });

  it('archives Container Security data and keeps configuration and version data to their date', () => {
    expect(terminationPlan('container-security')).toEqual([
      { category: 'asset-management-data', action: 'archive' },
      { category: 'container-security-data', action: 'archive' },
      { category: 'business-operation-data', action: 'archive' },
      { category: 'product-configuration-data', action: 'keepUntilDeadline' },
      { category: 'version-management-data', action: 'keepUntilDeadline' },
    ]);
  });
});
