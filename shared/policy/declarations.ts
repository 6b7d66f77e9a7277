import { ciam } from './ciam.ts';
import { containerSecurity } from './container-security.ts';
import { enforcement } from './enforcement.ts';
import { operational } from './operational.ts';
import type { PolicyDeclarations } from './types.ts';

export type {
  CategoryDeclaration,
  EnforcementDeclaration,
  HostingServiceDeclaration,
  ModuleDeclaration,
  ModulePolicy,
  OperationalRecordDeclaration,
  PolicyDeclarations,
  RecordTypeDeclaration,
  RetentionRule,
  SourceDocument,
  TerminationTriggerDeclaration,
} from './types.ts';

// The policy, as data: SPEC §1 and §7, taken from the privacy-policy modules and the data
// processing agreement of the seeds (000/001: CIAM, 002: Container Security), in their words. Adding a category or a module is adding a declaration
// (a new module is one more file like ciam.ts, listed here); the functions in this folder and
// everything that calls them follow without code changes. Its content hash is POLICY_VERSION.
export const POLICY = {
  modules: {
    ciam: ciam.module,
    'container-security': containerSecurity.module,
  },
  categories: { ...ciam.categories, ...containerSecurity.categories },
  recordTypes: { ...ciam.recordTypes, ...containerSecurity.recordTypes },
  operational,
  enforcement,
} as const satisfies PolicyDeclarations;
