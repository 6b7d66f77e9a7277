import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslsEnv, resolveService } from '#local/template';
import { listCategories, POLICY, s3ExpirationBackstopDays, sweepEveryMinutes } from '#policy/index';

interface Resource {
  Type: string;
  Properties: Record<string, any>;
}
type Template = { Resources: Record<string, Resource> };

const root = resolve(import.meta.dirname, '../..');
let dir: string;
let template: Template;
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

// `osls package` with no credentials and no network: the same artefact `osls deploy` would upload.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-package-'));
  const env = oslsEnv({ AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[name];
  execFileSync(
    process.execPath,
    ['node_modules/osls/bin/serverless.js', 'package', '--stage', 'ci', '--package', dir],
    {
      cwd: root,
      env,
      stdio: 'pipe',
    },
  );
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packaged CloudFormation template', () => {
  it('runs every function on nodejs22.x / arm64 from its own bundle', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      const artifact = fn.Properties.Code.S3Key.split('/').pop();
      expect(statSync(join(dir, artifact)).size).toBeGreaterThan(0);
    }
  });

  it("waits, in termination's second pass, at least as long as any function that writes tenant data can run", () => {
    const functions = Object.fromEntries(
      ofType('AWS::Lambda::Function').map(([id, fn]) => [id, fn.Properties]),
    ) as Record<string, { Timeout: number; Environment?: { Variables?: Record<string, string> } }>;
    const lateOf = (id: string) => Number(functions[id]?.Environment?.Variables?.LATE_WRITER_SECONDS);
    const late = lateOf('TerminateAccountLambdaFunction');
    // Every function whose role may write the records table, but the two that remove data for good
    // (termination itself, and the sweep, which never writes a tenant's data back).
    const writes = /dynamodb:(PutItem|UpdateItem|BatchWriteItem)/;
    // A grant limited to the tenants' legal holds (LeadingKeys T#*#HOLDS) writes no tenant data.
    const writesTenantData = (statement: { Action?: unknown; Resource?: unknown; Condition?: unknown }) =>
      writes.test(JSON.stringify(statement.Action)) &&
      JSON.stringify(statement.Resource).includes('RecordsTable') &&
      !JSON.stringify(statement.Condition ?? {}).includes('#HOLDS');
    const writers = ofType('AWS::Lambda::Function')
      .filter(([, fn]) => {
        const role = template.Resources[fn.Properties.Role?.['Fn::GetAtt']?.[0]];
        const policies = (role?.Properties?.Policies ?? []) as Array<{
          PolicyDocument: { Statement: Array<Record<string, unknown>> };
        }>;
        return policies.some((p) => p.PolicyDocument.Statement.some(writesTenantData));
      })
      .map(([id]) => id)
      .filter((id) => !/^(TerminateAccount|SweepExpired)/.test(id));
    expect(writers.sort()).toEqual([
      'AggregateTenantDayLambdaFunction',
      'CaptureEventsLambdaFunction',
      'CaptureQueuedLambdaFunction',
      'CognitoTriggerLambdaFunction',
      'EraseUserLambdaFunction',
      // Export jobs and export object entries (the sweep's due entries): their timeouts count too.
      'ExportLogsLambdaFunction',
      'LogsApiLambdaFunction',
      'SourcesApiLambdaFunction',
    ]);
    for (const id of writers) expect(late, id).toBeGreaterThanOrEqual(functions[id]?.Timeout as number);
    // The reconciliation's second pass outwaits the same writers, termination, and a sweep of the
    // old code (which re-files buckets under the old rule).
    const reconciliation = lateOf('SweepExpiredLambdaFunction');
    for (const id of [...writers, 'TerminateAccountLambdaFunction', 'SweepExpiredLambdaFunction'])
      expect(reconciliation, id).toBeGreaterThanOrEqual(functions[id]?.Timeout as number);
  });

  it('gives each function a role of its own', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, fn]) => JSON.stringify(fn.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it("has no role that no function assumes (the framework's shared default role is dropped)", () => {
    const assumed = new Set(
      ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.Role?.['Fn::GetAtt']?.[0]),
    );
    const roles = ofType('AWS::IAM::Role').map(([id]) => id);
    expect(roles.length).toBeGreaterThan(0);
    expect(roles).not.toContain('IamRoleLambdaExecution');
    for (const role of roles) expect(assumed, role).toContain(role);
  });

  it('grants no wildcard action or resource in any IAM policy', () => {
    const statements = ofType('AWS::IAM::Role').flatMap(([, role]) =>
      (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toMatch(/^\*$|:\*$/);
      for (const resource of [statement.Resource].flat()) expect(resource).not.toBe('*');
    }
  });

  it('declares both tables on demand, without TTL (the policy decides every deletion), with point-in-time recovery and encryption', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual(['RecordsTable', 'TenantsTable']);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
      // DynamoDB TTL deletes at a date stamped at write time: a lengthened rule would be broken by it.
      expect(table.Properties).not.toHaveProperty('TimeToLiveSpecification');
    }
  });

  it('blocks public access to the data bucket, encrypts it and refuses plain HTTP', () => {
    const bucket = template.Resources.DataBucket;
    expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket?.Properties.BucketEncryption).toBeDefined();
    const policy = template.Resources.DataBucketPolicy;
    expect(policy?.Properties.Bucket).toEqual({ Ref: 'DataBucket' });
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('has lifecycle rules for archives, receipts, noncurrent versions and incomplete uploads', () => {
    const bucket = template.Resources.DataBucket;
    const rules: any[] = bucket?.Properties.LifecycleConfiguration.Rules ?? [];
    const s3Categories = listCategories()
      .filter((c) => c.rule.kind === 'archiveOnTermination')
      .map((c) => c.id);
    for (const id of [...s3Categories, 'deletion-receipt']) {
      expect(rules).toContainEqual(
        expect.objectContaining({
          Id: `expire-${id}`,
          Status: 'Enabled',
          ExpirationInDays: s3ExpirationBackstopDays(id),
        }),
      );
    }
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: expect.any(Object) }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: expect.any(Object) }),
    );
  });

  it('expires no S3-stored category before its minimum retention, under the prefix its objects use', () => {
    // Where each operational S3 object lives, as the README's data layout says (not read from keys.ts).
    const PREFIXES: Record<string, string> = {
      'reconciliation-receipt': 'policy-receipts/',
      'log-export': 'exports/',
    };
    const rules: any[] = template.Resources.DataBucket?.Properties.LifecycleConfiguration.Rules ?? [];
    // Taken from the declarations here, not from the generator, so a category the generator
    // forgets fails this test.
    const stored = [
      ...listCategories()
        .filter((c) => c.rule.kind === 'archiveOnTermination' || c.storage === 's3')
        .map((c) => ({ id: c.id, rule: c.rule, prefix: `archives/${c.id}/` })),
      ...Object.entries(POLICY.operational)
        .filter(([id, d]) => d.storage === 's3' && id !== 's3-leftovers')
        // Reconciliation receipts are the project's own, kept apart from tenants' deletion receipts.
        .map(([id, d]) => ({
          id,
          rule: d.rule,
          prefix: PREFIXES[id] ?? 'receipts/',
        })),
    ];
    expect(stored.map((s) => s.id)).toContain('deletion-receipt');
    expect(stored.map((s) => s.id)).toContain('reconciliation-receipt');
    for (const { id, rule, prefix } of stored) {
      const minimum =
        rule.kind === 'fixed'
          ? rule.days
          : rule.kind === 'archiveOnTermination'
            ? Math.max(rule.minDays, rule.graceDays)
            : Number.POSITIVE_INFINITY;
      const lifecycle = rules.find((r) => r.Id === `expire-${id}`);
      expect(lifecycle, id).toBeDefined();
      expect(lifecycle.Prefix).toBe(prefix);
      expect(lifecycle.ExpirationInDays).toBeGreaterThanOrEqual(minimum);
    }
  });

  it('schedules the sweep from the policy, and alarms when a record is overdue by two intervals', () => {
    const sweep = ofType('AWS::Lambda::Function').find(([id]) => id === 'SweepExpiredLambdaFunction')?.[1];
    expect(sweep).toBeDefined();
    const rule = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('SweepExpiredLambdaFunction'),
    )?.[1];
    expect(rule?.Properties.ScheduleExpression).toBe(`rate(${sweepEveryMinutes()} minutes)`);
    expect(sweepEveryMinutes()).toBeLessThanOrEqual(60);

    const env = sweep?.Properties.Environment.Variables;
    const alarm = template.Resources.SweepOverdueAlarm?.Properties;
    expect(alarm).toMatchObject({
      MetricName: 'OldestOverdueSeconds',
      Namespace: env.POWERTOOLS_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Maximum',
      Period: sweepEveryMinutes() * 60,
      Threshold: 2 * sweepEveryMinutes() * 60,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('sends poison termination hooks to a DLQ, with a visibility timeout of at least 6x the consumer timeout', async () => {
    const queue = template.Resources.TerminationQueue?.Properties;
    expect(queue?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['TerminationDLQ', 'Arn'] },
      maxReceiveCount: expect.any(Number),
    });
    const consumers = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties.FunctionName);
    const timeouts = consumers.map(
      (ref: any) => template.Resources[ref['Fn::GetAtt'][0]]?.Properties.Timeout,
    );
    // Also hold the queue to the consumer timeout reserved in serverless.yml (custom.terminationConsumerTimeout).
    const { custom } = await resolveService('ci');
    const reserved = Number(custom.terminationConsumerTimeout);
    expect(reserved).toBeGreaterThan(0);
    for (const timeout of [...timeouts, reserved])
      expect(queue?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });
});
