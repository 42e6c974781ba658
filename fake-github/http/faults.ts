/**
 * Seeded fault injection. A rule picks requests by route (`"PATCH /repos/{owner}/{repo}/git/refs/{ref}"`,
 * with `*` wildcards, or a RegExp tested against `METHOD /template` and `METHOD /path`), fires with a
 * probability (drawn from a seeded generator, so a seed replays the same faults for the same request
 * sequence) and/or a number of times.
 */

export type FaultKind =
  /** 502 or 503, like a GitHub hiccup. */
  | "server-error"
  /** 403 with `retry-after: 1` and GitHub's secondary rate limit message. */
  | "secondary-rate-limit"
  /** 422 (or 405 for a merge) as if another writer moved the ref first; nothing changes. */
  | "ref-conflict"
  /** The socket is destroyed without an answer. */
  | "drop-connection";

export interface FaultRule {
  readonly kind: FaultKind;
  readonly route?: string | RegExp;
  /** 0..1, default 1. */
  readonly probability?: number;
  /** At most this many times, default unlimited. */
  readonly count?: number;
  /** For `server-error`: 502 (default) or 503. */
  readonly status?: 502 | 503;
}

export interface InjectedFault {
  readonly kind: FaultKind;
  readonly request: string;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly pattern: RegExp | undefined;
  remaining: number;
}

/** mulberry32: small, fast, good enough to spread faults. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toPattern(route: string | RegExp | undefined): RegExp | undefined {
  if (route === undefined || route instanceof RegExp) return route;
  const source = route
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

export class Faults {
  readonly #rules: ActiveRule[] = [];
  readonly #injected: InjectedFault[] = [];
  #random: () => number;

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  /** Restarts the generator: the same requests will meet the same faults again. */
  reseed(seed: number): void {
    this.#random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.#rules.push({
      rule,
      pattern: toPattern(rule.route),
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
    });
  }

  clear(): void {
    this.#rules.length = 0;
  }

  injected(): readonly InjectedFault[] {
    return [...this.#injected];
  }

  /** The fault this request meets, if any. */
  pick(routeKey: string, method: string, path: string): FaultRule | undefined {
    for (const active of this.#rules) {
      if (active.remaining <= 0) continue;
      const subject = [routeKey, `${method} ${path}`];
      if (active.pattern !== undefined && !subject.some((s) => active.pattern?.test(s) === true)) continue;
      const probability = active.rule.probability ?? 1;
      if (probability < 1 && this.#random() >= probability) continue;
      active.remaining--;
      this.#injected.push({ kind: active.rule.kind, request: `${method} ${path}` });
      return active.rule;
    }
    return undefined;
  }
}
