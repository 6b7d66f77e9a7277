import {
  type CategoryDeclaration,
  type ModuleDeclaration,
  type OperationalRecordDeclaration,
  POLICY,
  type RetentionRule,
  type TerminationTriggerDeclaration,
} from './declarations.ts';
import { UnknownCategoryError, UnknownRecordTypeError } from './errors.ts';

export type ModuleId = keyof typeof POLICY.modules;
export type CategoryId = keyof typeof POLICY.categories;
export type RecordType = keyof typeof POLICY.recordTypes;
export type Category = CategoryDeclaration & { readonly id: CategoryId };
/** A category this backend stores (the only kind a record can belong to). */
export type StoredCategory = Category & { readonly stored: true };

const categories: readonly Category[] = Object.entries(POLICY.categories).map(([id, declaration]) => ({
  ...declaration,
  id: id as CategoryId,
}));

/** Every personal-data category of every module, stored by this backend or not. */
export function listCategories(): readonly Category[] {
  return categories;
}

/** The categories one module declares, stored by this backend or not. */
export function categoriesOf(module: ModuleId): readonly Category[] {
  return categories.filter((c) => c.module === module);
}

const stored = categories.filter((c): c is StoredCategory => c.stored);

/** The categories this backend stores (of one module, if given): the only ones with records. */
export function storedCategories(module?: ModuleId): readonly StoredCategory[] {
  return module === undefined ? stored : stored.filter((c) => c.module === module);
}

/** A category by id; throws UnknownCategoryError for anything undeclared. */
export function category(id: string): Category {
  const found = categories.find((c) => c.id === id);
  if (!found) throw new UnknownCategoryError(id);
  return found;
}

/** The category a capture `type` belongs to, with the operation result the type implies. */
export function categoryOf(type: string): Category & { readonly impliedResult?: 'success' | 'failure' } {
  const types: Record<string, { category: string; result?: 'success' | 'failure' }> = POLICY.recordTypes;
  // Own keys only: a type such as "__proto__" or "toString" must not reach Object.prototype.
  const declared = Object.hasOwn(types, type) ? types[type] : undefined;
  if (!declared) throw new UnknownRecordTypeError(type);
  return { ...category(declared.category), ...(declared.result ? { impliedResult: declared.result } : {}) };
}

/** Every capture type the policy accepts. */
export function recordTypes(): readonly RecordType[] {
  return Object.keys(POLICY.recordTypes) as RecordType[];
}

/** A category or an operational record the project keeps; throws UnknownCategoryError otherwise. */
export function declarationOf(id: string): CategoryDeclaration | OperationalRecordDeclaration {
  const operational: Record<string, OperationalRecordDeclaration> = POLICY.operational;
  // Own keys only, as in categoryOf: "constructor" is no declaration.
  return Object.hasOwn(operational, id) ? (operational[id] as OperationalRecordDeclaration) : category(id);
}

/** The rule of a category or of an operational record the project keeps. */
export function ruleOf(id: string): RetentionRule {
  return declarationOf(id).rule;
}

/** Fields a category may store (dotted paths for nested fields). */
export function allowedFields(id: string): readonly string[] {
  return category(id).fields;
}

/** Fields a category may only store as a keyed hash. */
export function secretFields(id: string): readonly string[] {
  return category(id).secretFields;
}

/** Whether a module is offered in a region (ISO 3166-1 alpha-2, any case). */
export function isAvailable(module: ModuleId, region: string): boolean {
  const unavailable: readonly string[] = POLICY.modules[module].unavailableRegions;
  return !unavailable.includes(region.toUpperCase());
}

/** Events besides a termination request that end a tenant's use of `module`. */
export function terminationTriggers(module: ModuleId): readonly TerminationTriggerDeclaration[] {
  const declared: ModuleDeclaration = POLICY.modules[module];
  return declared.terminationTriggers ?? [];
}

export type TerminationAction = 'delete' | 'archive' | 'keepUntilDeadline';

/** What a termination of `module` does to each of its stored categories (the others hold nothing here). */
export function terminationPlan(
  module: ModuleId,
): ReadonlyArray<{ category: CategoryId; action: TerminationAction }> {
  return storedCategories(module).map((c) => ({ category: c.id, action: terminationActionOf(c.rule) }));
}

/** What a termination does to the data a rule governs. */
export function terminationActionOf(rule: RetentionRule): TerminationAction {
  switch (rule.kind) {
    case 'untilTermination':
    case 'untilDeletedOrTermination':
      return 'delete';
    case 'archiveOnTermination':
      return 'archive';
    case 'fixed':
      return 'keepUntilDeadline';
  }
}
