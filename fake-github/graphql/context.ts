import { GraphQLError } from "graphql";
import { hasAnyPermission } from "../http/permissions.js";
import type { Caller, Permission } from "../http/route.js";
import { HttpError } from "../errors.js";
import type { State } from "../state.js";

/** What every resolver gets: the state, the caller, and GitHub-style errors. */
export interface GraphqlContext {
  readonly state: State;
  readonly caller: Caller;
}

/** A resolved object: its fields are values or resolver functions `(args, context) => value`. */
export type GqlObject = Readonly<Record<string, unknown>>;

export type GithubErrorType = "FORBIDDEN" | "NOT_FOUND" | "UNPROCESSABLE" | "INTERNAL";

export function githubError(type: GithubErrorType, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

/** Like REST, an installation needs one of `permissions`; GraphQL answers FORBIDDEN instead of 403. */
export function need(context: GraphqlContext, field: string, permissions: readonly Permission[]): void {
  if (hasAnyPermission(context.caller, permissions)) return;
  context.state.violations.record({
    kind: "permission-denied",
    request: `graphql ${field}`,
    message: `needs ${permissions.join(" or ")}`,
  });
  throw githubError("FORBIDDEN", "Resource not accessible by integration");
}

/** Runs domain code and turns its HTTP errors into GraphQL errors. */
export function asGraphql<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HttpError) {
      throw githubError(
        error.status === 404 ? "NOT_FOUND" : error.status === 403 ? "FORBIDDEN" : "UNPROCESSABLE",
        error.message,
      );
    }
    throw error;
  }
}
