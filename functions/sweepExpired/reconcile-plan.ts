import type { RetentionRule, RuleChange } from '#policy/index';
import { ruleName } from '#policy/words';
import type { PlannedChange } from '#store/policy-state';

// Where the items of each declared category or operational record are stored, and so what the
// reconciliation does when its rule changes. The policy module says what changed; this table says
// where to look. A declaration this table does not know is refused (a test keeps it complete).

/** How a kind of item is stored. */
export type Shape =
  /** Captured records: found by day (byDay), filed for the sweep as day buckets. */
  | 'records'
  /** Applications' deletion markers: in the directory, filed as day buckets. */
  | 'markers'
  /** S3 objects registered in a tenant's object partition (deletion receipts). */
  | 'objects'
  /** S3 objects of the project itself (reconciliation receipts). */
  | 'ops-objects'
  /** Released legal holds, filed under their deadline. */
  | 'holds'
  /** Audit records of log reads, each filed under its deadline in its tenant's partition. */
  | 'log-reads'
  /** State without a time of its own (a user's statistics, an application, the statistics). */
  | 'state'
  /** Keys of application events, found by id only. */
  | 'keys'
  /** Purged by their own job, which asks the policy at every run. */
  | 'self'
  /** Set on the store by the deploy (log retention, queue retention, S3 lifecycle). */
  | 'deploy';

const OPERATIONAL: Readonly<Record<string, Shape>> = {
  'deletion-receipt': 'objects',
  // Export files are object entries; their jobs (T#<tenant>#EXPORTS) are not re-filed yet.
  'log-export': 'objects',
  'reconciliation-receipt': 'ops-objects',
  'legal-hold': 'holds',
  'log-read': 'log-reads',
  'directory-deletion-marker': 'markers',
  'idempotency-key': 'keys',
  'sweep-status': 'self',
  'reconciliation-status': 'self',
  'function-logs': 'deploy',
  'dead-letters': 'deploy',
  'queued-capture': 'deploy',
  's3-leftovers': 'deploy',
};
const STATE: readonly string[] = ['user-attributes', 'application-data', 'statistical-data'];

/** Where the items of `id` are stored; undefined for an id no store knows. */
export function shapeOf(change: Pick<RuleChange, 'id' | 'section' | 'captured'>): Shape | undefined {
  if (change.section === 'operational') return OPERATIONAL[change.id];
  if (change.captured) return 'records';
  return STATE.includes(change.id) ? 'state' : undefined;
}

const isUntil = (rule: RetentionRule) =>
  rule.kind === 'untilTermination' || rule.kind === 'untilDeletedOrTermination';

/** Why items of this shape cannot be kept under `rule` (`null` removes the declaration); undefined when they can. */
export function unenforceable(shape: Shape | undefined, rule: RetentionRule | null): string | undefined {
  if (!shape) return 'no store knows where its items are';
  if (rule === null)
    return shape === 'records'
      ? undefined
      : 'the code keeps these items: a policy that no longer declares them cannot be deployed';
  switch (shape) {
    case 'records':
      return undefined;
    case 'markers':
      return rule.kind === 'archiveOnTermination' ? 'deletion markers are not archived' : undefined;
    case 'state':
    case 'keys':
      return isUntil(rule)
        ? undefined
        : 'kept as state without a time of its own: only a rule that keeps it until deletion or termination can govern it';
    default:
      return rule.kind === 'fixed' ? undefined : 'kept for a fixed time from its own creation only';
  }
}

/** The work a change takes, in the order it is done for each tenant. */
export function workFor(change: RuleChange, shape: Shape): string[] {
  const { before, after } = change;
  const hadNoDeadline = before.some((rule) => rule.kind !== 'fixed');
  const needsBuckets = after === null || after.kind === 'fixed';
  switch (shape) {
    case 'records':
      return [
        'refile-buckets',
        ...(hadNoDeadline && needsBuckets ? ['create-buckets'] : []),
        ...(before.some((rule) => rule.kind === 'archiveOnTermination') ? ['regroup-archives'] : []),
      ];
    case 'markers':
      return ['refile-buckets', ...(hadNoDeadline && needsBuckets ? ['create-marker-buckets'] : [])];
    case 'objects':
    case 'holds':
    case 'log-reads':
    case 'ops-objects':
      return [`refile-${shape}`];
    default:
      return [];
  }
}

/** The job's plan: every changed rule with its work, or why the stores cannot follow it. */
export function planOf(changes: readonly RuleChange[]): PlannedChange[] {
  return changes.map((change) => {
    const shape = shapeOf(change);
    const refused = unenforceable(shape, change.after);
    return {
      id: change.id,
      before: change.before.map(ruleName),
      after: change.after ? ruleName(change.after) : null,
      work: refused || !shape ? [] : workFor(change, shape),
      ...(refused ? { unenforceable: refused } : {}),
    };
  });
}
