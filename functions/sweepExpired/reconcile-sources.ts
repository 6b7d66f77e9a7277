import { declarationsFrom, POLICY_VERSION, type PolicyDeclarations } from '#policy/index';
import type { PolicyInForce, PolicyState, ReconciliationJob } from '#store/policy-state';

// The policies stored data may be under when a reconciliation to this code's policy opens: the one
// in force, and those of reconciliations to other policies that may have left items under theirs.

export const isUnfinished = (job: ReconciliationJob) => job.status === 'running' || job.status === 'waiting';

/**
 * The reconciliations to another policy than this code's that may have left items under their
 * own: unfinished ones opened since the policy in force came in (a newer deploy, or this one again,
 * cut them short), and completed ones whose policy never came into force (the run ended before
 * setting it, and this deploy followed). One opened before the policy in force came in is not
 * among them: a reconciliation that completed since brought everything under the policy in force
 * (its status may still read `running` if a run of older code saved it after it was superseded).
 */
export function cutShort(jobs: readonly ReconciliationJob[], inForce: PolicyInForce): ReconciliationJob[] {
  return jobs.filter(
    (j) =>
      j.to !== POLICY_VERSION &&
      ((isUnfinished(j) && j.startedAt >= inForce.since) ||
        (j.status === 'completed' && String(j.endedAt) >= inForce.since)),
  );
}

/** The versions stored data may be under: the one in force, the cut-short ones and what they came from, each once. */
export function sourceVersions(jobs: readonly ReconciliationJob[], inForce: PolicyInForce): string[] {
  return [...new Set([inForce.version, ...cutShort(jobs, inForce).flatMap((j) => [j.to, ...j.from])])];
}

/** The declarations of those versions, as the stage keeps them. */
export function sourceDeclarations(
  state: Pick<PolicyState, 'declarations'>,
  versions: readonly string[],
): Promise<PolicyDeclarations[]> {
  return Promise.all(
    versions.map(async (version) => {
      const stored = await state.declarations(version);
      if (!stored) throw new Error(`the declarations of policy ${version} are not stored`);
      return declarationsFrom(stored).declarations;
    }),
  );
}
