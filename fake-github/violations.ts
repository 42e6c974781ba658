/**
 * Things a real GitHub would reject or that the fake cannot answer faithfully. In strict mode a test
 * fails when any is recorded: the app must only make requests GitHub accepts, with the permissions it
 * declares, and the fake must not be asked for behaviour it does not implement.
 */

export type ViolationKind =
  | "unimplemented-route"
  | "invalid-request"
  | "unknown-query-parameter"
  | "permission-denied"
  | "wrong-credentials"
  | "graphql-invalid"
  | "graphql-unimplemented"
  | "webhook-delivery-failed"
  | "internal-error";

export interface Violation {
  readonly kind: ViolationKind;
  /** `GET /repos/acme/config/releases`, `graphql`, or `webhook pull_request.opened`. */
  readonly request: string;
  readonly message: string;
}

export class Violations {
  readonly #list: Violation[] = [];

  record(violation: Violation): void {
    this.#list.push(violation);
  }

  list(): readonly Violation[] {
    return [...this.#list];
  }

  clear(): void {
    this.#list.length = 0;
  }

  /** Throws, listing every violation, unless none (outside `allow`) was recorded. */
  assertNone(options: { allow?: readonly ViolationKind[] } = {}): void {
    const allowed = new Set(options.allow ?? []);
    const remaining = this.#list.filter((violation) => !allowed.has(violation.kind));
    if (remaining.length === 0) return;
    const lines = remaining.map((v) => `  - [${v.kind}] ${v.request}: ${v.message}`);
    throw new Error(`fake GitHub recorded ${remaining.length} violation(s):\n${lines.join("\n")}`);
  }
}
