import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { POLICY_VERSION } from '#policy/index';
import { dayMarkerKey } from '#store/keys';
import type { CapturedRecord } from '#store/ports';
import { DynamoRecordStore } from '#store/records';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { documentClient } from '#test/sweep';

/**
 * A records store on DynamoDB Local whose client notes every day-marker write (an SDK middleware
 * that only watches), and refuses the first `failMarkerWrites` of them (fault injection).
 */
function observedStore(cloud: IsolatedCloud, failMarkerWrites = 0) {
  const client = localClients(cloud.endpoints).dynamodb;
  const markerWrites: string[] = [];
  let failures = failMarkerWrites;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: Record<string, { S?: string }> }).Item;
      if (context.commandName === 'PutItemCommand' && item?.pk?.S?.endsWith('#DAYS')) {
        markerWrites.push(String(item.sk?.S));
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        }
      }
      return next(args);
    },
    { step: 'serialize', name: 'observeDayMarkers' },
  );
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { store: new DynamoRecordStore(db, cloud.tables.RecordsTable as string), markerWrites };
}

let tenants = 0;
function loginOf(
  tenantId: string,
  id: string,
  occurredAt = new Date('2026-11-20T10:00:00Z'),
): CapturedRecord {
  return {
    tenantId,
    id,
    type: 'user.login',
    category: 'user-operation-log',
    module: 'ciam',
    occurredAt,
    fields: { userId: 'u-1' },
    fingerprint: `fp-${id}`,
    policyVersion: POLICY_VERSION,
    capturedAt: occurredAt,
  };
}

/** Stores one record as capture does: with the registry entry of its day. */
const store1 = (store: DynamoRecordStore, record: CapturedRecord) =>
  store.storeAll(
    [record],
    [
      {
        tenantId: record.tenantId,
        day: record.occurredAt.toISOString().slice(0, 10),
        due: null,
        policyVersion: POLICY_VERSION,
      },
    ],
  );

// The records store writes a tenant's day marker (the registry termination enumerates) once per
// tenant-day, not once per record: that is half of capture's write cost otherwise.
describe('the day marker of the records store', () => {
  let cloud: IsolatedCloud;
  let tenantId: string;
  const marker = (day: string) =>
    documentClient(cloud).send(
      new GetCommand({ TableName: cloud.tables.RecordsTable, Key: dayMarkerKey(tenantId, day) }),
    );
  beforeAll(async () => {
    cloud = await isolatedCloud();
  });
  afterAll(() => cloud.destroy());

  it('is written once for many concurrent records of a new day', async () => {
    tenantId = `t-${++tenants}`;
    const { store, markerWrites } = observedStore(cloud);
    await Promise.all(Array.from({ length: 16 }, (_, i) => store1(store, loginOf(tenantId, `r-${i}`))));
    expect(markerWrites).toEqual(['2026-11-20']);
    expect((await marker('2026-11-20')).Item).toMatchObject({ tenantId, day: '2026-11-20' });
  });

  it('is written again for each new day', async () => {
    tenantId = `t-${++tenants}`;
    const { store, markerWrites } = observedStore(cloud);
    await store1(store, loginOf(tenantId, 'a'));
    await store1(store, loginOf(tenantId, 'b', new Date('2026-11-21T01:00:00Z')));
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('is not written again by a container that finds it already there', async () => {
    tenantId = `t-${++tenants}`;
    await store1(observedStore(cloud).store, loginOf(tenantId, 'first'));
    const { store, markerWrites } = observedStore(cloud); // another container
    await Promise.all(Array.from({ length: 4 }, (_, i) => store1(store, loginOf(tenantId, `r-${i}`))));
    expect(markerWrites).toEqual([]);
  });

  it('is not remembered when its write failed, so the next record of that day writes it', async () => {
    tenantId = `t-${++tenants}`;
    const { store, markerWrites } = observedStore(cloud, 1);
    await expect(store1(store, loginOf(tenantId, 'a'))).rejects.toThrow('throttled');
    expect((await marker('2026-11-20')).Item).toBeUndefined();
    await store1(store, loginOf(tenantId, 'b'));
    await store1(store, loginOf(tenantId, 'c'));
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-20']);
    expect((await marker('2026-11-20')).Item).toMatchObject({ tenantId, day: '2026-11-20' });
  });
});
