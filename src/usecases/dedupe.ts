import { LRUCache } from "lru-cache";

/**
 * Remembers recently handled keys (delivery ids, image+tag+digest) so a redelivered or repeated event
 * does nothing the second time on this replica. Across replicas, idempotent planning does the same job:
 * this only saves the requests.
 */
export class RecentKeys {
  readonly #seen: LRUCache<string, true>;

  constructor(options: { readonly max?: number; readonly ttlMs?: number } = {}) {
    this.#seen = new LRUCache<string, true>({
      max: options.max ?? 10_000,
      ttl: options.ttlMs ?? 60 * 60 * 1000,
    });
  }

  /** True when any key was seen before; otherwise records them all and returns false. */
  seen(...keys: readonly string[]): boolean {
    if (keys.some((key) => this.#seen.has(key))) return true;
    for (const key of keys) this.#seen.set(key, true);
    return false;
  }

  forget(...keys: readonly string[]): void {
    for (const key of keys) this.#seen.delete(key);
  }
}
