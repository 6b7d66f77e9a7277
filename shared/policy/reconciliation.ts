import { POLICY } from './declarations.ts';
import type { PolicyDeclarations, RetentionRule } from './types.ts';
import { policyVersionOf } from './version.ts';
import { ruleName } from './words.ts';

// When the deployed policy differs from the one the stored data was brought under, the stored data
// is reconciled: every item of a category or operational record whose rule changed gets the new
// rule's deadline. What changed is computed here, from declarations alone; where the items are and
// how they are re-filed is the stores' and the reconciliation job's (functions/sweepExpired).

/** One declaration whose rule differs between a policy stored data may be under and the current one. */
export interface RuleChange {
  readonly id: string;
  /** A personal-data category (one whose records capture stores) or an operational record. */
  readonly section: 'categories' | 'operational';
  /** Every rule stored data may still be under (one per earlier policy that declared `id` and stored it). */
  readonly before: readonly RetentionRule[];
  /** The rule now; `null` once the policy no longer declares `id` (its stored items are past due). */
  readonly after: RetentionRule | null;
  /** Whether some record of it is a captured record (a capture type files it): found by day. */
  readonly captured: boolean;
}

type Declared = { rule: RetentionRule; stored?: boolean };

const capturedCategories = (p: PolicyDeclarations) =>
  new Set(Object.values(p.recordTypes).map((t) => t.category));

function declared(p: PolicyDeclarations, section: RuleChange['section'], id: string): Declared | undefined {
  const entries = p[section] as Readonly<Record<string, Declared>>;
  return Object.hasOwn(entries, id) ? entries[id] : undefined;
}

/**
 * The rules that changed between the policies stored data may be under (`sources`: the one it was
 * last brought under, and any whose reconciliation a newer deploy cut short) and `current`. Only
 * what some source stored counts: a category that was never stored has no data to reconcile.
 */
export function ruleChanges(
  sources: readonly PolicyDeclarations[],
  current: PolicyDeclarations = POLICY,
): RuleChange[] {
  const changes: RuleChange[] = [];
  for (const section of ['categories', 'operational'] as const) {
    const ids = new Set(sources.flatMap((s) => Object.keys(s[section])));
    for (const id of ids) {
      const now = declared(current, section, id);
      const before = new Map<string, RetentionRule>();
      for (const source of sources) {
        const was = declared(source, section, id);
        if (was && was.stored !== false) before.set(ruleName(was.rule), was.rule);
      }
      const after = now?.rule ?? null;
      const same = after !== null && before.size === 1 && before.has(ruleName(after));
      if (before.size === 0 || same) continue;
      const captured = [...sources, current].some((p) => capturedCategories(p).has(id));
      changes.push({ id, section, before: [...before.values()], after, captured });
    }
  }
  return changes;
}

/** The declarations as stored beside the data (canonical JSON); read back with `declarationsFrom`. */
export function storedForm(declarations: PolicyDeclarations = POLICY): string {
  return JSON.stringify(declarations);
}

/** Declarations read back from their stored form, with the version they hash to. */
export function declarationsFrom(stored: string): { version: string; declarations: PolicyDeclarations } {
  const declarations = JSON.parse(stored) as PolicyDeclarations;
  return { version: policyVersionOf(declarations), declarations };
}
