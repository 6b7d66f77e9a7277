import {
  fixedDays,
  POLICY,
  s3ExpirationBackstopDays,
  storedCategories,
  sweepEveryMinutes,
  sweepOverdueAlarmSeconds,
} from '../../shared/policy/index.ts';
import { s3PrefixOf } from '../../shared/store/keys.ts';

// Everything serverless.yml needs from the policy module, in CloudFormation's own shapes.
// The policy module stays free of infrastructure; this file only translates.

const SECONDS_PER_DAY = 86_400;

export { s3PrefixOf };

// Every category whose objects S3 holds for a bounded time: archived categories, and the project's
// own S3 records (receipts). Incomplete uploads and noncurrent versions have rules of their own.
const s3Categories = [
  ...storedCategories()
    .filter((c) => c.rule.kind === 'archiveOnTermination' || c.storage === 's3')
    .map((c) => c.id),
  ...Object.entries(POLICY.operational)
    .filter(([id, d]) => d.storage === 's3' && id !== 's3-leftovers')
    .map(([id]) => id),
];

export const policyVars = {
  s3LifecycleRules: [
    ...s3Categories.map((id) => ({
      Id: `expire-${id}`,
      Status: 'Enabled',
      Prefix: s3PrefixOf(id),
      ExpirationInDays: s3ExpirationBackstopDays(id),
    })),
    {
      Id: 'abort-incomplete-multipart-uploads',
      Status: 'Enabled',
      Prefix: '',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: fixedDays('s3-leftovers') },
    },
    {
      Id: 'expire-noncurrent-versions',
      Status: 'Enabled',
      Prefix: '',
      NoncurrentVersionExpiration: { NoncurrentDays: fixedDays('s3-leftovers') },
    },
  ],
  functionLogRetentionDays: fixedDays('function-logs'),
  deadLetterRetentionSeconds: fixedDays('dead-letters') * SECONDS_PER_DAY,
  queuedCaptureRetentionSeconds: fixedDays('queued-capture') * SECONDS_PER_DAY,
  sweepSchedule: `rate(${sweepEveryMinutes()} minutes)`,
  sweepIntervalSeconds: sweepEveryMinutes() * 60,
  // "Older than two sweep intervals" (issue 6): the alarm's threshold on the oldest overdue record.
  sweepOverdueAlarmSeconds: sweepOverdueAlarmSeconds(),
};
