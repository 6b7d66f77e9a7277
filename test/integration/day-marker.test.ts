import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { POLICY_VERSION } from '#policy/index';
import { dayMarkerKey } from '#store/record-keys';
import { type CapturedRecord, DynamoRecordStore } from '#store/records';
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
    policyVersion: POLICY_VERSION,
    deadline: null,
    capturedAt: occurredAt,
  };
}

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
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => store.capture(loginOf(tenantId, `r-${i}`), undefined)),
    );
    expect(markerWrites).toEqual(['2026-11-20']);
    expect((await marker('2026-11-20')).Item).toMatchObject({ tenantId, day: '2026-11-20' });
  });

  it('is written again for each new day', async () => {
    tenantId = `t-${++tenants}`;
    const { store, markerWrites } = observedStore(cloud);
    await store.capture(loginOf(tenantId, 'a'), undefined);
    await store.capture(loginOf(tenantId, 'b', new Date('2026-11-21T01:00:00Z')), undefined);
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('is not written again by a container that finds it already there', async () => {
    tenantId = `t-${++tenants}`;
    await observedStore(cloud).store.capture(loginOf(tenantId, 'first'), undefined);
    const { store, markerWrites } = observedStore(cloud); // another container
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => store.capture(loginOf(tenantId, `r-${i}`), undefined)),
    );
    expect(markerWrites).toEqual([]);
  });

  it('is not remembered when its write failed, so the next record of that day writes it', async () => {
    tenantId = `t-${++tenants}`;
    const { store, markerWrites } = observedStore(cloud, 1);
    await expect(store.capture(loginOf(tenantId, 'a'), undefined)).rejects.toThrow('throttled');
    expect((await marker('2026-11-20')).Item).toBeUndefined();
    await store.capture(loginOf(tenantId, 'b'), undefined);
    await store.capture(loginOf(tenantId, 'c'), undefined);
    expect(markerWrites).toEqual(['2026-11-20', '2026-11-20']);
    expect((await marker('2026-11-20')).Item).toMatchObject({ tenantId, day: '2026-11-20' });
  });
});
