// The shapes of the policy's declarations. The declarations themselves live in one file per module
// (ciam.ts, container-security.ts) and in operational.ts; declarations.ts puts them together.

/** How long a category's records are kept. */
export type RetentionRule =
  | { readonly kind: 'fixed'; readonly days: number }
  | { readonly kind: 'untilTermination' }
  | { readonly kind: 'untilDeletedOrTermination' }
  | { readonly kind: 'archiveOnTermination'; readonly minDays: number; readonly graceDays: number };

export interface ModuleDeclaration {
  readonly name: string;
  /** The seed documents (privacy-policy modules) the declarations are taken from. */
  readonly sources: readonly string[];
  /** ISO 3166-1 alpha-2 regions (upper case) where the module is not offered. */
  readonly unavailableRegions: readonly string[];
  /** Hosting services one of which a tenant must subscribe to for the module to be available. */
  readonly requiresHosting?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

export interface CategoryDeclaration {
  /** Key of the module that declares the category (a key of `POLICY.modules`). */
  readonly module: string;
  readonly name: string;
  readonly purposes: readonly string[];
  readonly legalBasis: 'contract';
  /** Where live records are kept; `archiveOnTermination` records move to `s3` at termination. */
  readonly storage: 'dynamodb' | 's3';
  /** Fields a record may store (dotted paths for nested objects); anything else is dropped. */
  readonly fields: readonly string[];
  /** Fields that are secrets: stored only as a keyed hash, never raw. */
  readonly secretFields: readonly string[];
  /** Closed sets of values some fields must take. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  readonly rule: RetentionRule;
}

export interface RecordTypeDeclaration {
  /** Key of the category the capture type is filed under. */
  readonly category: string;
  /** The operation result the type implies; a record's own `result`, if given, must agree. */
  readonly result?: 'success' | 'failure';
}

/** A record the project keeps to run and to prove what it did; never personal data. */
export interface OperationalRecordDeclaration {
  readonly name: string;
  /** Why it is kept, and for that long. */
  readonly reason: string;
  readonly storage: 'dynamodb' | 's3' | 'logs' | 'sqs';
  readonly rule: RetentionRule;
}

/** Everything one module (one privacy-policy module of the seeds) declares. */
export interface ModulePolicy {
  readonly module: ModuleDeclaration;
  readonly categories: Readonly<Record<string, CategoryDeclaration>>;
  readonly recordTypes: Readonly<Record<string, RecordTypeDeclaration>>;
}

/** How late, at most, a deletion may come after a deadline, and the sweep cadence that keeps it so. */
export interface EnforcementDeclaration {
  readonly maxLatenessMinutes: number;
  readonly sweepEveryMinutes: number;
  readonly clockSkewMarginMinutes: number;
  readonly archiveWindowMinutes: number;
}

export interface PolicyDeclarations {
  readonly modules: Readonly<Record<string, ModuleDeclaration>>;
  readonly categories: Readonly<Record<string, CategoryDeclaration>>;
  readonly recordTypes: Readonly<Record<string, RecordTypeDeclaration>>;
  readonly operational: Readonly<Record<string, OperationalRecordDeclaration>>;
  readonly enforcement: EnforcementDeclaration;
}
