import type * as v from 'valibot';
import type { Issue } from './errors.ts';

/** valibot's issues as the API reports them: a JSON pointer into the input and the message. */
export function issuesOf(issues: readonly v.BaseIssue<unknown>[], root = ''): Issue[] {
  return issues.map((issue) => ({
    pointer:
      `${root}/${(issue.path ?? []).map((p) => String(p.key).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`.replace(
        /\/$/,
        '',
      ),
    detail: issue.message,
  }));
}
