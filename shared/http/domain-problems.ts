import {
  DomainError,
  IdConflict,
  InvalidInput,
  ModuleTerminated,
  NotFound,
  PolicyRefusal,
  TooLarge,
  TryLater,
  Unauthenticated,
} from '#shared/errors';
import { HttpProblem } from './problem.ts';

/** The HTTP answer to each domain refusal: status, problem type slug and title. */
const ANSWERS: ReadonlyArray<[new (...args: never[]) => DomainError, number, string, string]> = [
  [InvalidInput, 400, 'invalid-request', 'The request is invalid'],
  [Unauthenticated, 401, 'unauthorized', 'Missing or unknown credentials'],
  [NotFound, 404, 'not-found', 'No such resource'],
  [IdConflict, 409, 'id-conflict', 'The id was used before for other content'],
  [ModuleTerminated, 410, 'tenant-terminated', 'The tenant has terminated the feature'],
  [TooLarge, 413, 'payload-too-large', 'The request is too large'],
  [PolicyRefusal, 422, 'unprocessable-record', 'The request cannot be accepted under the policy'],
  [TryLater, 503, 'try-later', 'The work cannot be done now; retry later'],
];

/** The problem+json answer to a domain error; undefined for anything that is not one. */
export function problemOf(error: unknown): HttpProblem | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const answer = ANSWERS.find(([type]) => error instanceof type);
  if (!answer) return undefined;
  const [, status, slug, title] = answer;
  return new HttpProblem(
    status,
    slug,
    title,
    error.message,
    {
      ...(error.issues.length ? { issues: error.issues } : {}),
      ...(error instanceof TryLater ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    },
    { cause: error },
  );
}
