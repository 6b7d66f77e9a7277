import type { RetentionRule } from './types.ts';

// Retention rules in words, for what has no seed wording of its own (operational records) and for
// the impact preview of a policy change. The seeds' own wording stays in the declarations.

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** A rule in the spelling of SPEC §1: `fixed(180)`, `archiveOnTermination(180, 30)`, … */
export function ruleName(rule: RetentionRule): string {
  switch (rule.kind) {
    case 'fixed':
      return `fixed(${rule.days})`;
    case 'archiveOnTermination':
      return `archiveOnTermination(${rule.minDays}, ${rule.graceDays})`;
    default:
      return rule.kind;
  }
}

/** What a rule does to a record, as one sentence. */
export function ruleInWords(rule: RetentionRule): string {
  switch (rule.kind) {
    case 'fixed':
      return `Deleted ${days(rule.days)} after its own time.`;
    case 'untilTermination':
      return 'Kept while the tenant uses the feature; deleted when that use is terminated.';
    case 'untilDeletedOrTermination':
      return 'Kept until the customer deletes it; otherwise deleted when the account is deleted or the use of the feature is terminated.';
    case 'archiveOnTermination':
      return `Kept at least ${days(rule.minDays)}; when the use of the feature is terminated, moved to object storage and deleted ${days(rule.graceDays)} later or ${days(rule.minDays)} after its own time, whichever is later.`;
  }
}
