import { describe, expect, it } from 'vitest';
import { changeInWords, diffPolicies, diffReport, storedDataImpacts } from '#policy/diff';
import { POLICY, type PolicyDeclarations } from '#policy/index';

// A writable copy of the declarations, to change one thing at a time.
type Writable = {
  modules: Record<string, any>;
  categories: Record<string, any>;
  recordTypes: Record<string, any>;
  operational: Record<string, any>;
  enforcement: Record<string, number>;
};
const copy = () => structuredClone(POLICY) as unknown as Writable;
const asPolicy = (w: Writable) => w as unknown as PolicyDeclarations;
const edit = (change: (w: Writable) => void) => {
  const after = copy();
  change(after);
  return asPolicy(after);
};
const diffTo = (change: (w: Writable) => void) => diffPolicies(POLICY, edit(change));
const report = (change: (w: Writable) => void) =>
  diffReport(
    { label: 'before', version: 'p-0', declarations: POLICY },
    { label: 'after', version: 'p-1', declarations: edit(change) },
  );

describe('the difference between two policies', () => {
  it('finds nothing between a policy and itself', () => {
    expect(diffPolicies(POLICY, asPolicy(copy()))).toEqual([]);
    expect(report(() => undefined)).toContain('No change.');
  });

  it('finds a changed rule', () => {
    expect(diffTo((w) => (w.categories['admin-action-log'].rule = { kind: 'fixed', days: 90 }))).toEqual([
      {
        section: 'categories',
        id: 'admin-action-log',
        change: 'changed',
        property: 'rule',
        before: { kind: 'fixed', days: 180 },
        after: { kind: 'fixed', days: 90 },
      },
    ]);
  });

  it('names the fields added and removed', () => {
    const [change] = diffTo((w) => {
      w.categories['user-operation-log'].fields = ['userId', 'clientIp', 'country', 'userAgent'];
    });
    expect(change && changeInWords(change)).toBe('fields: + "userAgent", − "result"');
  });

  it('names the purposes and the wording that changed', () => {
    const changes = diffTo((w) => {
      w.categories['statistical-data'].purposes = ['billing'];
      w.categories['statistical-data'].retentionText = 'Kept for a while.';
    });
    expect(changes.map(changeInWords)).toEqual([
      'purposes: + "billing", − "to provide you with statistics on management and monthly consumption"',
      expect.stringMatching(/^retentionText: "We retain such data .*" → "Kept for a while\."$/),
    ]);
  });

  it('finds categories added and removed', () => {
    const changes = diffTo((w) => {
      w.categories['device-data'] = { ...w.categories['api-invocation-log'], name: 'Device Data' };
      delete w.categories['version-management-data'];
    });
    expect(changes.map((c) => [c.id, c.change])).toEqual([
      ['version-management-data', 'removed'],
      ['device-data', 'added'],
    ]);
    expect(changes[1] && changeInWords(changes[1])).toBe('added "Device Data" untilTermination');
  });

  it('finds record types re-filed, modules changed, operational records and enforcement numbers', () => {
    const changes = diffTo((w) => {
      w.recordTypes['api.invocation'].category = 'admin-action-log';
      w.modules.ciam.unavailableRegions = ['KP'];
      w.operational['sweep-status'].rule = { kind: 'fixed', days: 30 };
      w.enforcement.sweepEveryMinutes = 10;
    });
    expect(changes.map(changeInWords)).toEqual([
      'category: "api-invocation-log" → "admin-action-log"',
      'unavailableRegions: + "KP"',
      'rule: fixed(90) → fixed(30)',
      'sweepEveryMinutes: 15 → 10',
    ]);
    expect(changes.map((c) => c.section)).toEqual(['recordTypes', 'modules', 'operational', 'enforcement']);
  });

  it('compares declarations whatever order their keys were written in', () => {
    const reordered = copy();
    const rule = reordered.categories['asset-management-data'].rule;
    reordered.categories['asset-management-data'].rule = Object.fromEntries(Object.entries(rule).reverse());
    expect(diffPolicies(POLICY, asPolicy(reordered))).toEqual([]);
  });
});

describe('the preview of what a deploy does to stored data', () => {
  it('deletes at the first sweep what a shortened fixed retention has made due', () => {
    expect(report((w) => (w.categories['admin-action-log'].rule = { kind: 'fixed', days: 90 }))).toContain(
      '  - records of admin-action-log older than 90 days will be deleted at the first sweep after deploy; the rest 90 days after their own time instead of 180 days',
    );
  });

  it('gives records kept until termination a deadline, and deletes those already past it', () => {
    expect(report((w) => (w.categories['api-invocation-log'].rule = { kind: 'fixed', days: 30 }))).toContain(
      '  - records of api-invocation-log, kept until termination, will get a 30-day deadline: those older than 30 days will be deleted at the first sweep after deploy',
    );
  });

  it('writes a lengthened retention before any earlier deadline', () => {
    const [impact] = storedDataImpacts(
      POLICY,
      edit((w) => (w.categories['product-configuration-data'].rule = { kind: 'fixed', days: 365 })),
    );
    expect(impact).toMatchObject({ deletesAtFirstSweep: false, lengthens: true });
    expect(impact?.words).toEqual([
      'records of product-configuration-data will be kept 365 days instead of 180 days: a lengthened retention is written before any earlier deadline, so nothing is deleted early',
    ]);
  });

  it('deletes nothing when a category this backend does not store changes its rule', () => {
    const changed = edit((w) => (w.categories['personalization-data'].rule = { kind: 'fixed', days: 30 }));
    expect(storedDataImpacts(POLICY, changed)).toEqual([]);
    expect(
      report((w) => (w.categories['personalization-data'].rule = { kind: 'fixed', days: 30 })),
    ).toContain('this backend stores none of personalization-data: no stored data changes');
  });

  it('says that the records of a removed stored category are deleted at the first sweep, held ones after release', () => {
    expect(report((w) => delete w.categories['version-management-data'])).toContain(
      'stored records of version-management-data lose their declared purpose: they are no longer read, and are deleted at the first sweep after deploy (what a legal hold covers, at the first sweep after its release)',
    );
  });

  it('says that fields dropped from capture stay on stored records until their deadline', () => {
    expect(report((w) => (w.categories['api-invocation-log'].fields = []))).toContain(
      'capture refuses requestIp of api-invocation-log from the deploy; records already stored keep these fields until their deadline',
    );
  });

  it('names who deletes what an operational record’s shorter retention has made due', () => {
    const text = report((w) => {
      w.operational['sweep-status'].rule = { kind: 'fixed', days: 30 };
      w.operational['function-logs'].rule = { kind: 'fixed', days: 7 };
    });
    expect(text).toContain(
      'records of sweep-status older than 30 days will be deleted at the first sweep after deploy',
    );
    expect(text).toContain('records of function-logs older than 7 days will be deleted by CloudWatch Logs');
  });

  it('prints the changes declaration by declaration, under a heading with both versions', () => {
    const text = report((w) => {
      w.categories['admin-action-log'].rule = { kind: 'fixed', days: 90 };
      w.enforcement.maxLatenessMinutes = 30;
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Policy p-0 (before) → p-1 (after)',
      '',
      'Category admin-action-log',
      '  - rule: fixed(180) → fixed(90)',
    ]);
    expect(text).toContain('\nEnforcement\n  - maxLatenessMinutes: 60 → 30\n');
  });
});
