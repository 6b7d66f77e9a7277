import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators';
import { readRunningFile } from '#local/running';
import { resolveService } from '#local/template';
import type { PolicyDeclarations } from '#policy/index';
import { DynamoDueIndex } from '#store/due-index';
import { S3ObjectArchive } from '#store/objects';
import { DynamoPolicyState } from '#store/policy-state';
import { DynamoReconcileIndex } from '#store/reconcile-index';
import { DynamoTenantStore } from '#store/tenants';
import {
  previewReconciliation,
  type ReconciliationPreview,
} from '../../functions/sweepExpired/reconcile-preview.ts';

// The dry run behind `npm run policy -- diff <ref> --stage <stage>`: the reconciliation's own walk
// over a running stage (the local cloud of `npm start`, or a deployed one through the default AWS
// credentials), through the same stores and SDK code, counting and writing nothing.

/** A stage that cannot be reached (the local cloud is not running). */
export class StageError extends Error {
  override name = 'StageError';
}

/** Counts what reconciling `stage` to the working policy would touch. */
export async function stagePreview(
  stage: string,
  fallback: { version: string; declarations: PolicyDeclarations },
): Promise<ReconciliationPreview> {
  const service = await resolveService(stage);
  const names = service.custom.names as Record<string, string>;
  let config: ConstructorParameters<typeof DynamoDBClient>[0] = { region: service.region };
  let s3Config: ConstructorParameters<typeof S3Client>[0] = { region: service.region };
  if (stage === 'local') {
    const cloud = await readRunningFile();
    if (!cloud) throw new StageError('the local cloud is not running; start it with `npm start`');
    const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    config = { ...base, endpoint: cloud.dynamodbEndpoint };
    s3Config = { ...base, endpoint: cloud.awsEndpoint, forcePathStyle: true };
  }
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const records = names.recordsTable as string;
  const tenants = names.tenantsTable as string;
  return previewReconciliation(
    {
      index: new DynamoReconcileIndex(db, records),
      due: new DynamoDueIndex(db, records),
      archive: new S3ObjectArchive(db, records, new S3Client(s3Config), names.dataBucket as string),
      state: new DynamoPolicyState(db, tenants),
      tenants: new DynamoTenantStore(db, tenants),
    },
    new Date(),
    fallback,
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The dry run in words, change by change. */
export function previewInWords(stage: string, preview: ReconciliationPreview): string {
  const lines = [
    '',
    `Dry run on stage ${stage}: its data is under ${preview.from}${preview.alsoUnder.length ? ` (some of it perhaps under ${preview.alsoUnder.join(', ')}: a reconciliation to it was cut short)` : ''}; reconciling it to ${preview.to} would, across ${plural(preview.tenants, 'tenant')}:`,
  ];
  if (!preview.changes.length) lines.push('  - change nothing stored');
  for (const change of preview.changes) {
    const c = preview.counts[change.id];
    if (change.unenforceable) {
      lines.push(`  - ${change.id}: NOT be brought under the new rule (${change.unenforceable})`);
      continue;
    }
    const parts = c
      ? [
          c.bucketsRefiled && `re-file ${plural(c.bucketsRefiled, 'day bucket')}`,
          c.bucketsCreated && `file ${plural(c.bucketsCreated, 'day')} of records that had no deadline`,
          c.bucketsRemoved &&
            `take ${plural(c.bucketsRemoved, 'day bucket')} out of the due index (no deadline now)`,
          c.entriesRefiled && `re-file ${plural(c.entriesRefiled, 'object or hold', 'objects or holds')}`,
          c.archivesRegrouped &&
            `rewrite ${plural(c.archivesRegrouped, 'archive')} whose records now fall due apart`,
          c.dueAtOnce &&
            `leave ${plural(c.dueAtOnce, 'record')} past the new deadline: deleted at the first sweep after deploy`,
        ].filter(Boolean)
      : [];
    lines.push(`  - ${change.id}: ${parts.length ? parts.join('; ') : 'touch nothing stored'}`);
  }
  lines.push(`  (read ${preview.readUnits} read units; nothing was written)`);
  return `${lines.join('\n')}\n`;
}
