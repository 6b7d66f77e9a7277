import {
  fixedDays,
  listCategories,
  s3ExpirationBackstopDays,
  sweepEveryMinutes,
} from '../../shared/policy/index.ts';

// Everything serverless.yml needs from the policy module, in CloudFormation's own shapes.
// The policy module stays free of infrastructure; this file only translates.

const SECONDS_PER_DAY = 86_400;

/** S3 prefix under which a category's objects live; the sweep and the termination use the same. */
export function s3PrefixOf(categoryId: string): string {
  return categoryId === 'deletion-receipt' ? 'receipts/' : `archives/${categoryId}/`;
}

const s3Categories = [
  ...listCategories()
    .filter((c) => c.rule.kind === 'archiveOnTermination')
    .map((c) => c.id),
  'deletion-receipt',
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
  sweepSchedule: `rate(${sweepEveryMinutes()} minutes)`,
  sweepIntervalSeconds: sweepEveryMinutes() * 60,
  // "Older than two sweep intervals" (issue 6): the alarm's threshold on the oldest overdue record.
  sweepOverdueAlarmSeconds: 2 * sweepEveryMinutes() * 60,
};
