// Domain errors: what a use case says when it refuses or cannot act. Only the edges (HTTP
// middleware, queue consumers) turn them into status codes or batch outcomes.

/** One thing wrong with an input, pointing into it (an RFC 6901 JSON pointer, `?name` for a query parameter). */
export interface Issue {
  pointer: string;
  detail: string;
  /** For batches: the position of the record the issue is about, and its id when valid. */
  index?: number;
  id?: string;
}

/** Base class: a refusal the caller can act on, with the issues that explain it. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly issues: Issue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The input is malformed: a field is missing, of the wrong type, or out of its range. */
export class InvalidInput extends DomainError {
  override name = 'InvalidInput';
}

/** The input is well-formed but asks for more than is accepted at once. */
export class TooLarge extends DomainError {
  override name = 'TooLarge';
}

/** The input is well-formed but the policy does not allow it (module, region, deadline, time). */
export class PolicyRefusal extends DomainError {
  override name = 'PolicyRefusal';
}

/** An id was used before with other content (an idempotency key reused for something else). */
export class IdConflict extends DomainError {
  override name = 'IdConflict';
}

/** The tenant terminated the module the input belongs to: nothing of it is accepted or served. */
export class ModuleTerminated extends DomainError {
  override name = 'ModuleTerminated';
}

/** The thing asked for does not exist (or no longer does, or is not the caller's). */
export class NotFound extends DomainError {
  override name = 'NotFound';
}

/** The caller is not who it must be (no key, an unknown key, the wrong kind of key). */
export class Unauthenticated extends DomainError {
  override name = 'Unauthenticated';
}

/** Work that another run holds, or that cannot run yet: try again later. */
export class TryLater extends DomainError {
  override name = 'TryLater';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
