/** A record type that no declaration names. */
export class UnknownRecordTypeError extends Error {
  override name = 'UnknownRecordTypeError';
  constructor(readonly recordType: string) {
    super(`Unknown record type "${recordType}"`);
  }
}

/** A category (or operational record) that no declaration names. */
export class UnknownCategoryError extends Error {
  override name = 'UnknownCategoryError';
  constructor(readonly category: string) {
    super(`Unknown data category "${category}"`);
  }
}

/** A module asked for in a region where the policy does not offer it. */
export class ModuleUnavailableError extends Error {
  override name = 'ModuleUnavailableError';
  constructor(
    readonly module: string,
    readonly region: string,
  ) {
    super(`The ${module} module is not available in region ${region}`);
  }
}

/** A retention calculation asked of a rule that does not support it. */
export class RuleMismatchError extends Error {
  override name = 'RuleMismatchError';
}
