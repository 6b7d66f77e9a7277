// The shapes of the policy's declarations. The declarations themselves live in one file per module
// (ciam.ts, container-security.ts) and in operational.ts; declarations.ts puts them together.

/** How long a category's records are kept. */
export type RetentionRule =
  | { readonly kind: 'fixed'; readonly days: number }
  | { readonly kind: 'untilTermination' }
  | { readonly kind: 'untilDeletedOrTermination' }
  | { readonly kind: 'archiveOnTermination'; readonly minDays: number; readonly graceDays: number };

/** A hosting service a module can only be used with. */
export interface HostingServiceDeclaration {
  readonly id: string;
  readonly name: string;
}

/** An event outside this backend that ends a tenant's use of a module, as the seed states it. */
export interface TerminationTriggerDeclaration {
  /** `hostingEnded`: the tenant's last subscription to a hosting service the module requires ends. */
  readonly when: 'hostingEnded';
  /** The seed's words. */
  readonly text: string;
}

/** A source document (a seed) the declarations are taken from, and what it says beyond its tables. */
export interface SourceDocument {
  /** The seed's number: `000`, `001`, `002`. */
  readonly id: string;
  readonly title: string;
  readonly kind: 'privacy-policy' | 'data-processing-agreement';
  readonly lastUpdated?: string;
  /** The document's sections that only refer elsewhere or set conditions, by topic, verbatim. */
  readonly statements: Readonly<Record<string, string>>;
}

export interface ModuleDeclaration {
  readonly name: string;
  /** The seed documents (privacy-policy modules, processing agreement) the declarations are taken from. */
  readonly sources: readonly SourceDocument[];
  /** The seed's availability statement. */
  readonly availabilityText: string;
  /** ISO 3166-1 alpha-2 regions (upper case) where the module is not offered. */
  readonly unavailableRegions: readonly string[];
  /** Hosting services one of which a tenant must subscribe to for the module to be available. */
  readonly requiresHosting?: readonly HostingServiceDeclaration[];
  /** The seed's statement of that requirement. */
  readonly hostingRequirementText?: string;
  /** Events besides a termination request that end the tenant's use of the module. */
  readonly terminationTriggers?: readonly TerminationTriggerDeclaration[];
}

/** What the seed says of a category, in its own words (published as is). */
interface CategoryWording {
  /** Key of the module that declares the category (a key of `POLICY.modules`). */
  readonly module: string;
  /** The seed document the category is taken from (`000`, `001`, `002`). */
  readonly source: string;
  /** The seed's name of the category. */
  readonly name: string;
  /** The personal information the seed lists under the category, item by item, in its words. */
  readonly listedFields: readonly string[];
  /** The seed's "Use" sentence. */
  readonly useText: string;
  /** Each purpose the use sentence names, in its words. */
  readonly purposes: readonly string[];
  readonly legalBasis: 'contract';
  /** The seed's "Legal Basis" sentence; absent where the seed has no such column (the DPSA). */
  readonly legalBasisText?: string;
  /** The seed's note on where the provider of the feature integrates and stores the data. */
  readonly storageText: string;
  /** The seed's "Retention Policy" sentence, next to the rule it gives. */
  readonly retentionText: string;
  readonly rule: RetentionRule;
}

/** A category this backend stores. */
interface StoredCategory {
  readonly stored: true;
  /** Where live records are kept; `archiveOnTermination` records move to `s3` at termination. */
  readonly storage: 'dynamodb' | 's3';
  /** Fields a record may store (dotted paths for nested objects); anything else is refused. */
  readonly fields: readonly string[];
  /** Fields that are secrets: stored only as a keyed hash, never raw. */
  readonly secretFields: readonly string[];
  /** Closed sets of values some fields must take. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /** Why only these of the listed fields are stored, where they are fewer. */
  readonly storedScope?: string;
}

/** A category of the agreement this backend never receives: declared so the policy is whole. */
interface UnstoredCategory {
  readonly stored: false;
  readonly notStoredReason: string;
  readonly storage?: undefined;
  /** Always empty: nothing of it may be stored. */
  readonly fields: readonly string[];
  readonly secretFields: readonly string[];
  readonly values?: undefined;
  readonly storedScope?: undefined;
}

export type CategoryDeclaration = CategoryWording & (StoredCategory | UnstoredCategory);

export interface RecordTypeDeclaration {
  /** Key of the category the capture type is filed under (always a stored one). */
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
