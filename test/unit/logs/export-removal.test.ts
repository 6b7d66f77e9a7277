import { describe, expect, it } from 'vitest';
import type { LogExport } from '#store/ports';
import { moduleExports, userExports } from '../../../functions/exportLogs/removal.ts';

const job = (exportId: string, categories: string[] | undefined, userSubject?: string): LogExport => ({
  tenantId: 't',
  exportId,
  log: 'user-operations',
  format: 'ndjson',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-02T00:00:00.000Z',
  filterNames: [],
  status: 'completed',
  requestedAt: '2026-11-02T00:00:00.000Z',
  ...(categories ? { categories } : {}),
  ...(userSubject ? { userSubject } : {}),
});
const ids = (decision: { remove: LogExport[] }) => decision.remove.map((j) => j.exportId);
const none = new Set<string>();

describe('which exports termination and erasure remove', () => {
  const jobs = [
    job('ops', ['user-operation-log']),
    job('admin', ['admin-action-log']),
    job('security', ['container-security-data', 'asset-management-data']),
    job('mine', ['user-operation-log'], 'subject-a'),
    job('theirs', ['user-operation-log'], 'subject-b'),
  ];

  it("removes the exports of the terminated module's categories only", () => {
    expect(ids(moduleExports(jobs, 'ciam', none))).toEqual(['ops', 'admin', 'mine', 'theirs']);
    expect(ids(moduleExports(jobs, 'container-security', none))).toEqual(['security']);
  });

  it('removes for an erasure the exports of categories with a user id, unless filtered to another user', () => {
    expect(ids(userExports(jobs, 'subject-a', none))).toEqual(['ops', 'mine']);
  });

  it('keeps what a hold on a copied category covers, and counts it', () => {
    const decision = moduleExports(jobs, 'ciam', new Set(['admin-action-log']));
    expect(ids(decision)).toEqual(['ops', 'mine', 'theirs']);
    expect(decision.held).toBe(1);
    expect(moduleExports(jobs, 'container-security', 'all')).toEqual({ remove: [], held: 1 });
  });

  it('treats a job that cannot say what it copies as copying anything', () => {
    const unknown = [job('old', undefined), job('gone', ['no-longer-declared'])];
    expect(ids(moduleExports(unknown, 'container-security', none))).toEqual(['old', 'gone']);
    expect(ids(userExports(unknown, 'subject-a', none))).toEqual(['old', 'gone']);
    expect(moduleExports(unknown, 'ciam', new Set(['statistical-data']))).toEqual({ remove: [], held: 2 });
  });
});
