import {
  type CategoryId,
  categoryOf,
  listCategories,
  type ModuleId,
  recordTypes,
  type TerminationAction,
  terminationPlan,
  terminationTriggers,
} from './catalog.ts';
import { type ModuleDeclaration, POLICY, type RetentionRule, type SourceDocument } from './declarations.ts';
import { requiredHostingServices } from './lifecycle.ts';
import { worstCaseLatenessMinutes } from './retention.ts';
import { POLICY_VERSION } from './version.ts';
import { ruleInWords, ruleName } from './words.ts';

// The policy in force as one document, built from the declarations: what GET /v1/policy answers,
// what docs/policy.md and the record of processing are generated from.

/** A retention rule as published: the machine rule, its name and its meaning in words. */
export interface PublishedRule {
  readonly rule: RetentionRule;
  readonly name: string;
  readonly inWords: string;
}

const published = (rule: RetentionRule): PublishedRule => ({
  rule,
  name: ruleName(rule),
  inWords: ruleInWords(rule),
});

const moduleIds = Object.keys(POLICY.modules) as ModuleId[];
const actions = new Map<string, TerminationAction>(
  moduleIds.flatMap((m) => terminationPlan(m).map((p) => [p.category as string, p.action] as const)),
);
const typesOf = (id: CategoryId) => recordTypes().filter((t) => categoryOf(t).id === id);

function moduleEntry(id: ModuleId) {
  const declared: ModuleDeclaration = POLICY.modules[id];
  const hosting = requiredHostingServices(id);
  return {
    id,
    name: declared.name,
    sources: declared.sources.map((s) => s.id),
    availability: { text: declared.availabilityText, unavailableRegions: declared.unavailableRegions },
    hosting: hosting.length ? { required: hosting, text: declared.hostingRequirementText ?? null } : null,
    terminationTriggers: terminationTriggers(id),
  };
}

function categoryEntry(c: ReturnType<typeof listCategories>[number]) {
  return {
    id: c.id,
    module: c.module,
    source: c.source,
    name: c.name,
    listedFields: c.listedFields,
    use: c.useText,
    purposes: c.purposes,
    legalBasis: { basis: c.legalBasis, text: c.legalBasisText ?? null },
    storage: c.stored
      ? {
          stored: true as const,
          where: c.storage,
          fields: c.fields,
          secretFields: c.secretFields,
          values: c.values ?? {},
          scope: c.storedScope ?? null,
          recordTypes: typesOf(c.id),
          sourceNote: c.storageText,
        }
      : { stored: false as const, reason: c.notStoredReason, sourceNote: c.storageText },
    retention: { text: c.retentionText, ...published(c.rule), atTermination: actions.get(c.id) ?? null },
  };
}

/** The policy in force, as published: version, sources, modules, categories, operational records, bounds. */
export function publishedPolicy() {
  return {
    version: POLICY_VERSION,
    sources: moduleIds.flatMap((m) =>
      POLICY.modules[m].sources.map((s: SourceDocument) => ({ ...s, module: m })),
    ),
    modules: moduleIds.map(moduleEntry),
    categories: listCategories().map(categoryEntry),
    operationalRecords: Object.entries(POLICY.operational).map(([id, d]) => ({
      id,
      name: d.name,
      reason: d.reason,
      storage: d.storage,
      retention: published(d.rule),
    })),
    enforcement: {
      ...POLICY.enforcement,
      worstCaseLatenessMinutes: {
        dynamodb: worstCaseLatenessMinutes('dynamodb'),
        s3: worstCaseLatenessMinutes('s3'),
      },
    },
  };
}

export type PublishedPolicy = ReturnType<typeof publishedPolicy>;
