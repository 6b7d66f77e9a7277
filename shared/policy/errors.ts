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

/** A retention calculation asked of a rule that does not support it. */
export class RuleMismatchError extends Error {
  override name = 'RuleMismatchError';
}
