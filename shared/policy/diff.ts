import { type Enforcer, type StoredDataImpact, storedDataImpact } from './impact.ts';
import type { PolicyDeclarations, RetentionRule } from './types.ts';
import { ruleName } from './words.ts';

// What changes between two sets of declarations (the policy at a git ref and the working one),
// section by section and property by property, and what the deploy would do to stored data, in
// words. Pure: `npm run policy -- diff <ref>` loads both and prints `diffReport`.

export type Section = 'categories' | 'recordTypes' | 'modules' | 'operational' | 'enforcement';

/** One change: a declaration added or removed, or one of its properties changed. */
export interface PolicyChange {
  readonly section: Section;
  /** The declaration's key; for `enforcement`, the number's name. */
  readonly id: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** The property that changed (`changed` only, not for `enforcement`). */
  readonly property?: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const SECTIONS: readonly Section[] = ['categories', 'recordTypes', 'modules', 'operational', 'enforcement'];
const TITLE: Record<Section, string> = {
  categories: 'Category',
  recordTypes: 'Record type',
  modules: 'Module',
  operational: 'Operational record',
  enforcement: 'Enforcement',
};

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const entries = (p: PolicyDeclarations, s: Section) => (p[s] ?? {}) as Record<string, unknown>;

/** Every change from `before` to `after`, in section order, declarations in their written order. */
export function diffPolicies(before: PolicyDeclarations, after: PolicyDeclarations): PolicyChange[] {
  const changes: PolicyChange[] = [];
  for (const section of SECTIONS) {
    const was = entries(before, section);
    const is = entries(after, section);
    for (const id of [...new Set([...Object.keys(was), ...Object.keys(is)])]) {
      const [b, a] = [was[id], is[id]];
      if (same(b, a)) continue;
      if (b === undefined) changes.push({ section, id, change: 'added', after: a });
      else if (a === undefined) changes.push({ section, id, change: 'removed', before: b });
      else if (section === 'enforcement')
        changes.push({ section, id, change: 'changed', before: b, after: a });
      else {
        const [bo, ao] = [b as Record<string, unknown>, a as Record<string, unknown>];
        for (const property of [...new Set([...Object.keys(bo), ...Object.keys(ao)])])
          if (!same(bo[property], ao[property]))
            changes.push({
              section,
              id,
              change: 'changed',
              property,
              before: bo[property],
              after: ao[property],
            });
      }
    }
  }
  return changes;
}

const isRule = (v: unknown): v is RetentionRule => typeof (v as { kind?: unknown })?.kind === 'string';
const show = (v: unknown): string => {
  if (v === undefined) return '(none)';
  if (isRule(v)) return ruleName(v);
  if (typeof v === 'string') return `"${v}"`;
  return JSON.stringify(v);
};

/** One change in words. */
export function changeInWords(c: PolicyChange): string {
  if (c.section === 'enforcement') return `${c.id}: ${show(c.before)} → ${show(c.after)}`;
  if (c.change !== 'changed') {
    const { name, rule, category } = (c.after ?? c.before) as {
      name?: string;
      rule?: unknown;
      category?: string;
    };
    return [c.change, ...[name, rule, category].filter((v) => v !== undefined).map(show)].join(' ');
  }
  const list = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);
  const [was, is] = [list(c.before), list(c.after)];
  if (was && is) {
    const added = is.filter((x) => !was.includes(x)).map((x) => `+ ${show(x)}`);
    const removed = was.filter((x) => !is.includes(x)).map((x) => `− ${show(x)}`);
    const moved = !added.length && !removed.length ? ['same items, new order'] : [];
    return `${c.property}: ${[...added, ...removed, ...moved].join(', ')}`;
  }
  return `${c.property}: ${show(c.before)} → ${show(c.after)}`;
}

const ENFORCED_BY: Record<string, Enforcer> = { logs: 'logs', sqs: 'queue' };
type Declared = { rule?: RetentionRule; stored?: boolean; storage?: string; fields?: string[] };

/** What the changes do to stored data: one impact per changed rule of something this backend stores. */
export function storedDataImpacts(before: PolicyDeclarations, after: PolicyDeclarations): StoredDataImpact[] {
  return diffPolicies(before, after).flatMap((c) => {
    if (c.change !== 'changed' || c.property !== 'rule') return [];
    if (c.section !== 'categories' && c.section !== 'operational') return [];
    const declared = entries(after, c.section)[c.id] as Declared;
    if (declared.stored === false) return [];
    const enforcer = c.section === 'operational' ? (ENFORCED_BY[declared.storage ?? ''] ?? 'sweep') : 'sweep';
    return [storedDataImpact(c.id, c.before as RetentionRule, c.after as RetentionRule, enforcer)];
  });
}

/** The words for stored data a change implies besides rule changes (which `storedDataImpacts` gives). */
function sideEffects(c: PolicyChange, after: PolicyDeclarations): string[] {
  if (c.section !== 'categories') return [];
  const declared = entries(after, 'categories')[c.id] as Declared | undefined;
  if (c.change === 'removed' && (c.before as Declared).stored !== false)
    return [
      `stored records of ${c.id} lose their declared purpose: they are no longer read, and are deleted at the first sweep after deploy (what a legal hold covers, at the first sweep after its release)`,
    ];
  if (c.change === 'changed' && c.property === 'rule' && declared?.stored === false)
    return [`this backend stores none of ${c.id}: no stored data changes`];
  if (c.change !== 'changed' || declared?.stored === false) return [];
  if (c.property === 'stored')
    return c.after === false
      ? [`${c.id} is no longer stored: records already stored stay governed by its rule`]
      : [];
  if (c.property === 'fields' && Array.isArray(c.before) && Array.isArray(c.after)) {
    const dropped = c.before.filter((f) => !(c.after as unknown[]).includes(f));
    return dropped.length
      ? [
          `capture refuses ${dropped.join(', ')} of ${c.id} from the deploy; records already stored keep these fields until their deadline`,
        ]
      : [];
  }
  return [];
}

/** One side of a preview: where the declarations come from, their version, the declarations. */
export interface PolicySide {
  readonly label: string;
  readonly version: string;
  readonly declarations: PolicyDeclarations;
}

/** The preview `npm run policy -- diff` prints: changes grouped by declaration, then their effect on stored data. */
export function diffReport(before: PolicySide, after: PolicySide): string {
  const changes = diffPolicies(before.declarations, after.declarations);
  const lines = [`Policy ${before.version} (${before.label}) → ${after.version} (${after.label})`];
  if (!changes.length) return `${lines[0]}\n\nNo change.\n`;
  const impacts = new Map(storedDataImpacts(before.declarations, after.declarations).map((i) => [i.id, i]));
  const groups = new Map<string, PolicyChange[]>();
  for (const c of changes) {
    const key = c.section === 'enforcement' ? c.section : `${c.section} ${c.id}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    const { section, id } = group[0] as PolicyChange;
    lines.push('', section === 'enforcement' ? TITLE[section] : `${TITLE[section]} ${id}`);
    for (const c of group) lines.push(`  - ${changeInWords(c)}`);
    const effects = [
      ...(section === 'enforcement' ? [] : (impacts.get(id)?.words ?? [])),
      ...group.flatMap((c) => sideEffects(c, after.declarations)),
    ];
    if (effects.length)
      lines.push('  What the deploy does to stored data:', ...effects.map((w) => `  - ${w}`));
  }
  return `${lines.join('\n')}\n`;
}
