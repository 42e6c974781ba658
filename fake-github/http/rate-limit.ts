/**
 * GitHub's primary rate limit, per installation (or app) and resource: every answered request
 * counts except a 304, as on GitHub. The headers are the ones Octokit's throttling plugin reads.
 */

export type RateResource = "core" | "graphql";

interface Window {
  used: number;
  resetAt: number;
}

export class RateLimits {
  readonly #windows = new Map<string, Window>();
  readonly limit: number;

  constructor(limit = 5000) {
    this.limit = limit;
  }

  #window(key: string): Window {
    const now = Date.now();
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { used: 0, resetAt: now + 60 * 60 * 1000 };
      this.#windows.set(key, window);
    }
    return window;
  }

  exhausted(key: string): boolean {
    return this.#window(key).used >= this.limit;
  }

  count(key: string, cost = 1): void {
    this.#window(key).used += cost;
  }

  remaining(key: string): number {
    return Math.max(0, this.limit - this.#window(key).used);
  }

  headers(key: string, resource: RateResource): Record<string, string> {
    const window = this.#window(key);
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.limit - window.used)),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-reset": String(Math.floor(window.resetAt / 1000)),
      "x-ratelimit-resource": resource,
    };
  }

  reset(): void {
    this.#windows.clear();
  }
}
