/** Every request the fake answered, for assertions ("the bump cost 6 requests") and the bench. */

export interface LoggedRequest {
  readonly method: string;
  /** The route template (`GET /repos/{owner}/{repo}/pulls`), or the raw path when no route matched. */
  readonly route: string;
  readonly path: string;
  /** 0 when the connection was dropped. */
  readonly status: number;
  readonly installationId: number | undefined;
  readonly ms: number;
  /** The fault injected, if any. */
  readonly fault: string | undefined;
  /** For `POST /graphql`: the operation's name, when the query names one. */
  readonly operation: string | undefined;
}

export class RequestLog {
  readonly #entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
  }

  list(): readonly LoggedRequest[] {
    return [...this.#entries];
  }

  get total(): number {
    return this.#entries.length;
  }

  /** `{ "GET /repos/{owner}/{repo}/pulls": 3, … }`, optionally for a subset of requests. */
  countsByRoute(filter: (entry: LoggedRequest) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.#entries.filter(filter)) counts[entry.route] = (counts[entry.route] ?? 0) + 1;
    return counts;
  }

  /** Like countsByRoute, but GraphQL requests are counted per operation (`POST /graphql StagecoachHead`). */
  countsByOperation(filter: (entry: LoggedRequest) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.#entries.filter(filter)) {
      const key = entry.operation === undefined ? entry.route : `${entry.route} ${entry.operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  reset(): void {
    this.#entries.length = 0;
  }
}
