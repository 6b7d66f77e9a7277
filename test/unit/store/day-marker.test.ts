import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { POLICY_VERSION } from '#policy/index';
import { type CapturedRecord, DynamoRecordStore } from '#store/records';

/**
 * A document client that answers Gets from the marker writes it has seen (nothing else exists) and
 * counts the day-marker writes.
 */
function fakeDb(options: { failMarkerWrites?: number; existing?: string[] } = {}) {
  let failures = options.failMarkerWrites ?? 0;
  const markerWrites: string[] = [];
  const stored = new Set(options.existing ?? []);
  const db = {
    async send(command: { input: Record<string, any> }) {
      await new Promise((r) => setTimeout(r, 1));
      const key = command.input.Key as { pk?: string; sk?: string } | undefined;
      if (key && !command.input.UpdateExpression) {
        return key.pk?.endsWith('#DAYS') && stored.has(String(key.sk)) ? { Item: { pk: key.pk } } : {};
      }
      const item = command.input.Item as { pk?: string; sk?: string } | undefined;
      if (item?.pk?.endsWith('#DAYS')) {
        markerWrites.push(String(item.sk));
        if (failures > 0) {
          failures -= 1;
          throw new Error('throttled');
        }
        stored.add(String(item.sk));
      }
      return {};
    },
  };
  return { db: db as unknown as DynamoDBDocumentClient, markerWrites };
}

function login(id: string, occurredAt = new Date('2026-11-20T10:00:00Z')): CapturedRecord {
  return {
    tenantId: 't-1',
    id,
    type: 'user.login',
    category: 'user-operation-log',
    module: 'ciam',
    occurredAt,
    fields: { userId: 'u-1' },
    policyVersion: POLICY_VERSION,
    deadline: null,
    capturedAt: occurredAt,
  };
}

describe('the day marker of the records store', () => {
  it('is written once for many concurrent records of a new day', async () => {
    const { db, markerWrites } = fakeDb();
    const store = new DynamoRecordStore(db, 'records');
    await Promise.all(Array.from({ length: 16 }, (_, i) => store.capture(login(`r-${i}`), undefined)));
    expect(markerWrites).toEqual(['2026-11-20']);
  });

  it('is written again for each new day', async () => {
    const { db, markerWrites } = fakeDb();
    const store = new DynamoRecordStore(db, 'records');
    await store.capture(login('a'), undefined);
    await store.capture(login('b', new Date('2026-11-21T01:00:00Z')), undefined);
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('is not written when another container already wrote it', async () => {
    const { db, markerWrites } = fakeDb({ existing: ['2026-11-20'] });
    const store = new DynamoRecordStore(db, 'records');
    await Promise.all(Array.from({ length: 4 }, (_, i) => store.capture(login(`r-${i}`), undefined)));
    expect(markerWrites).toEqual([]);
  });

  it('is not remembered when its write failed, so the next record of that day writes it', async () => {
    const { db, markerWrites } = fakeDb({ failMarkerWrites: 1 });
    const store = new DynamoRecordStore(db, 'records');
    await expect(store.capture(login('a'), undefined)).rejects.toThrow('throttled');
    await store.capture(login('b'), undefined);
    await store.capture(login('c'), undefined);
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-20']);
  });
});
