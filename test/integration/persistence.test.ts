import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { localClients } from '#local/cloud';
import { startEmulators } from '#local/emulators';

describe('the local cloud with --persist', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps tables and objects on disk across a restart', async () => {
    const first = await startEmulators({ dataDir });
    const a = localClients(first);
    await a.dynamodb.send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await a.dynamodb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'tenant-1' } } }));
    await a.s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await a.s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'receipt.json', Body: '{"ok":true}' }));
    await first.stop();
    for (const client of Object.values(a)) client.destroy();

    const second = await startEmulators({ dataDir });
    const b = localClients(second);
    try {
      const { Item } = await b.dynamodb.send(
        new GetItemCommand({ TableName: 'kept', Key: { pk: { S: 'tenant-1' } } }),
      );
      expect(Item).toEqual({ pk: { S: 'tenant-1' } });
      const object = await b.s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'receipt.json' }));
      expect(await object.Body?.transformToString()).toBe('{"ok":true}');
    } finally {
      for (const client of Object.values(b)) client.destroy();
      await second.stop();
    }
  });
});
