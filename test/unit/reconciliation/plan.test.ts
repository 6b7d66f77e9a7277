import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  dayDueWindow,
  declarationsFrom,
  latestDueRecordTime,
  listCategories,
  POLICY,
  POLICY_VERSION,
  type PolicyDeclarations,
  recordDeadline,
  ruleChanges,
  storedForm,
} from '#policy/index';
import { planOf, shapeOf, unenforceable } from '../../../functions/sweepExpired/reconcile-plan.ts';

type Writable = { -readonly [K in keyof PolicyDeclarations]: Record<string, Record<string, unknown>> };
/** The policy with one edit: a declaration set another deploy could carry. */
const edited = (change: (p: Writable) => void): PolicyDeclarations => {
  const copy = structuredClone(POLICY) as unknown as Writable;
  change(copy);
  return copy as unknown as PolicyDeclarations;
};
const day = '2026-03-10';
const dayStart = new Date(`${day}T00:00:00.000Z`);
const plus = (time: Date, days: number) => new Date(time.getTime() + days * DAY_MS);

describe('what changed between the policies stored data may be under and the deployed one', () => {
  it('finds nothing when the data is under the deployed policy', () => {
    expect(ruleChanges([POLICY])).toEqual([]);
  });

  it('names each changed rule with every earlier rule stored data may still be under', () => {
    const shorter = edited(
      (p) => ((p.categories['admin-action-log'] as { rule: unknown }).rule = { kind: 'fixed', days: 90 }),
    );
    const longer = edited(
      (p) => ((p.categories['admin-action-log'] as { rule: unknown }).rule = { kind: 'fixed', days: 365 }),
    );
    expect(ruleChanges([shorter, longer])).toEqual([
      {
        id: 'admin-action-log',
        section: 'categories',
        before: [
          { kind: 'fixed', days: 90 },
          { kind: 'fixed', days: 365 },
        ],
        after: { kind: 'fixed', days: 180 },
        captured: true,
      },
    ]);
  });

  it('counts a declaration the deployed policy dropped as changed to none, and one never stored as nothing', () => {
    const withExtra = edited((p) => {
      p.categories['retired-log'] = { ...p.categories['admin-action-log'] };
      p.recordTypes['retired.event'] = { category: 'retired-log' };
      p.categories['never-stored'] = { ...p.categories['personalization-data'] };
    });
    expect(ruleChanges([withExtra])).toEqual([
      {
        id: 'retired-log',
        section: 'categories',
        before: [{ kind: 'fixed', days: 180 }],
        after: null,
        captured: true,
      },
    ]);
  });

  it('reads declarations back from their stored form, with the version they hash to', () => {
    expect(declarationsFrom(storedForm())).toEqual({
      version: POLICY_VERSION,
      declarations: JSON.parse(storedForm()),
    });
  });
});

describe('deadlines under any rule and module state', () => {
  const terminatedAt = new Date('2026-06-01T00:00:00.000Z');
  const terminated = { status: 'terminated', terminatedAt } as const;

  it('gives what the policy no longer declares a deadline that has passed, and makes all of it due', () => {
    expect(recordDeadline('retired-log', dayStart)).toEqual(new Date(0));
    expect(dayDueWindow('retired-log', day)).toEqual({ from: new Date(0), to: new Date(0) });
    expect(latestDueRecordTime('retired-log', dayStart)?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('makes records kept until termination due at the termination, and none before it', () => {
    expect(dayDueWindow('user-operation-log', day)).toBeNull();
    expect(dayDueWindow('user-operation-log', day, terminated)).toEqual({
      from: terminatedAt,
      to: terminatedAt,
    });
    expect(latestDueRecordTime('user-operation-log', plus(terminatedAt, -1), terminated)).toBeNull();
    expect(latestDueRecordTime('user-operation-log', terminatedAt, terminated)?.getUTCFullYear()).toBe(9999);
  });

  it('makes archived records due after the grace, each at its own minimum', () => {
    const cutoff = plus(terminatedAt, 30);
    expect(latestDueRecordTime('asset-management-data', plus(cutoff, -1), terminated)).toBeNull();
    expect(latestDueRecordTime('asset-management-data', cutoff, terminated)).toEqual(plus(cutoff, -180));
    expect(dayDueWindow('asset-management-data', day, terminated)).toEqual({
      from: plus(dayStart, 180),
      to: plus(dayStart, 181),
    });
  });

  it('counts a fixed rule from the record’s own time, whatever the module’s state', () => {
    expect(latestDueRecordTime('admin-action-log', dayStart, terminated)).toEqual(plus(dayStart, -180));
    expect(dayDueWindow('admin-action-log', day, terminated)).toEqual(dayDueWindow('admin-action-log', day));
  });
});

describe('what the stores do for a changed rule', () => {
  const change = (
    id: string,
    before: unknown[],
    after: unknown,
    section: 'categories' | 'operational' = 'categories',
    captured = true,
  ) => ({ id, section, before, after, captured }) as Parameters<typeof planOf>[0][number];

  it('re-files buckets for a changed fixed rule, and creates them for records that had no deadline', () => {
    expect(
      planOf([change('admin-action-log', [{ kind: 'fixed', days: 180 }], { kind: 'fixed', days: 90 })]),
    ).toEqual([
      { id: 'admin-action-log', before: ['fixed(180)'], after: 'fixed(90)', work: ['refile-buckets'] },
    ]);
    expect(
      planOf([change('user-operation-log', [{ kind: 'untilTermination' }], { kind: 'fixed', days: 30 })])[0]
        ?.work,
    ).toEqual(['refile-buckets', 'create-buckets']);
  });

  it('regroups archives when records were archived under the old rule, and deletes a dropped category through buckets', () => {
    const archived = { kind: 'archiveOnTermination', minDays: 180, graceDays: 30 };
    expect(
      planOf([change('asset-management-data', [archived], { ...archived, graceDays: 60 })])[0]?.work,
    ).toEqual(['refile-buckets', 'regroup-archives']);
    expect(planOf([change('asset-management-data', [archived], null)])[0]?.work).toEqual([
      'refile-buckets',
      'create-buckets',
      'regroup-archives',
    ]);
  });

  it('re-files receipts and released holds, and leaves to their own jobs what they purge by the policy', () => {
    const fixed = (days: number) => ({ kind: 'fixed', days });
    expect(
      planOf([change('deletion-receipt', [fixed(1095)], fixed(365), 'operational', false)])[0]?.work,
    ).toEqual(['refile-objects']);
    expect(planOf([change('legal-hold', [fixed(1095)], fixed(2000), 'operational', false)])[0]?.work).toEqual(
      ['refile-holds'],
    );
    expect(planOf([change('sweep-status', [fixed(90)], fixed(30), 'operational', false)])[0]?.work).toEqual(
      [],
    );
  });

  it('refuses a rule the stores cannot apply, and says why', () => {
    const [refused] = planOf([
      change(
        'user-attributes',
        [{ kind: 'untilDeletedOrTermination' }],
        { kind: 'fixed', days: 30 },
        'categories',
        false,
      ),
    ]);
    expect(refused).toMatchObject({ work: [], unenforceable: expect.stringMatching(/kept as state/) });
    expect(
      unenforceable(shapeOf({ id: 'idempotency-key', section: 'operational', captured: false }), null),
    ).toMatch(/the code keeps these items/);
  });

  it('knows where every declared item is stored, and can keep each under the rule declared now', () => {
    for (const category of listCategories().filter((c) => c.stored)) {
      const captured = Object.values(POLICY.recordTypes).some((t) => t.category === category.id);
      const shape = shapeOf({ id: category.id, section: 'categories', captured });
      expect([category.id, unenforceable(shape, category.rule)]).toEqual([category.id, undefined]);
    }
    for (const [id, declared] of Object.entries(POLICY.operational)) {
      const shape = shapeOf({ id, section: 'operational', captured: false });
      expect([id, unenforceable(shape, declared.rule)]).toEqual([id, undefined]);
    }
  });
});
