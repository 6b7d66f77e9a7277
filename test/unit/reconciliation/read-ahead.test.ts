import { describe, expect, it } from 'vitest';
import type { PlannedChange } from '#store/policy-state';
import type { Tenant } from '#store/ports';
import { READ_AHEAD, ReadAhead } from '../../../functions/sweepExpired/reconcile-ahead.ts';
import type { ReconcileStores } from '../../../functions/sweepExpired/reconcile-stores.ts';

// The owners a reconciliation walk reads ahead, over stores that record what they are asked:
// each owner is read once, its first decision taken ahead only when that step only reads and
// writes day buckets, a failed read fails only the walk that takes it, and what is dropped still
// counts its reads.

const CATEGORY = 'admin-action-log';
const refile: PlannedChange = {
  id: CATEGORY,
  before: ['fixed(365)'],
  after: 'fixed(180)',
  work: ['refile-buckets'],
};
const objects: PlannedChange = {
  id: 'deletion-receipt',
  before: ['fixed(1095)'],
  after: 'fixed(365)',
  work: ['refile-objects'],
};

const tenant = (id: string): Tenant => ({
  id,
  name: id,
  modules: ['ciam'],
  maxUsers: 10,
  region: 'DE',
  openedAt: '2031-01-01T00:00:00.000Z',
  createdAt: '2031-01-01T00:00:00.000Z',
  status: 'active',
  terminations: {},
});

function recordingStores(failFor?: string) {
  const asked = { tenants: [] as string[], buckets: [] as string[] };
  const stores = {
    tenants: {
      get: async (id: string) => {
        asked.tenants.push(id);
        return id === 'gone' ? undefined : tenant(id);
      },
    },
    index: {
      buckets: async (tenantId: string) => {
        asked.buckets.push(tenantId);
        if (tenantId === failFor) throw new Error('refused (injected)');
        return { items: [], readUnits: 3 };
      },
    },
  } as unknown as ReconcileStores;
  return { stores, asked };
}

const ctx = { cutoff: new Date('2031-06-01T00:00:00.000Z') };

describe("the reconciliation walk's read-ahead", () => {
  it('reads the next owners once each, their first bucket step decided, and hands them over without reading again', async () => {
    const { stores, asked } = recordingStores();
    const ahead = new ReadAhead([refile], ctx, stores);
    const owners = ['t1', 't2', 't3', 't4', 't5'];
    ahead.prepare(owners);
    ahead.prepare(owners);
    expect(asked.tenants).toEqual(owners.slice(0, READ_AHEAD));
    const first = await ahead.take('t1', true);
    expect(first.tenant?.id).toBe('t1');
    expect(first.steps).toEqual([[refile, 'refile-buckets']]);
    expect(first.first?.decided.readUnits).toBe(3);
    expect(asked.buckets).toEqual(owners.slice(0, READ_AHEAD));
    // The one after: read now, as it was not read ahead.
    const fourth = await ahead.take('t4', true);
    expect(fourth.first?.decided.readUnits).toBe(3);
    expect(asked.tenants).toEqual([...owners.slice(0, READ_AHEAD), 't4']);
  });

  it('reads only the record and steps of an owner the walk resumes part-way, and decides nothing ahead for a first step that is not bucket work', async () => {
    const { stores, asked } = recordingStores();
    const resumed = await new ReadAhead([refile], ctx, stores).take('t1', false);
    expect(resumed.first).toBeUndefined();
    expect(resumed.steps).toHaveLength(1);
    const other = new ReadAhead([objects, refile], ctx, stores);
    other.prepare(['t2']);
    const taken = await other.take('t2', true);
    expect(taken.steps.map(([, work]) => work)).toEqual(['refile-objects', 'refile-buckets']);
    expect(taken.first).toBeUndefined();
    expect(asked.buckets).toEqual([]);
    // A tenant no longer stored has no steps.
    expect(await other.take('gone', true)).toEqual({ tenant: undefined, steps: [] });
  });

  it('fails a read ahead only where the walk takes it, and drops the rest counting their reads', async () => {
    const { stores } = recordingStores('t2');
    const ahead = new ReadAhead([refile], ctx, stores);
    ahead.prepare(['t1', 't2', 't3']);
    await expect(ahead.take('t2', true)).rejects.toThrow('injected');
    // t1 and t3 were read ahead and not taken: their reads are counted as they are dropped.
    expect(await ahead.drop()).toBe(6);
    expect(await ahead.drop()).toBe(0);
    const failing = new ReadAhead([refile], ctx, stores);
    failing.prepare(['t2']);
    expect(await failing.drop()).toBe(0);
  });
});
