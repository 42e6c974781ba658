/**
 * Tags the policy refused lately, per config repo, for `/status`. In memory, per replica: a refusal
 * changes nothing in GitHub, so there is nothing there to read it back from (and it is only a hint).
 */
export interface Refusal {
  readonly app: string;
  readonly tag: string;
  readonly reason: string;
}

export class RecentRefusals {
  readonly #byRepo = new Map<string, Refusal[]>();
  readonly #limit: number;

  constructor(limit = 10) {
    this.#limit = limit;
  }

  add(repo: string, refusal: Refusal): void {
    const list = (this.#byRepo.get(repo) ?? []).filter(
      (seen) => seen.app !== refusal.app || seen.tag !== refusal.tag,
    );
    list.unshift(refusal);
    this.#byRepo.set(repo, list.slice(0, this.#limit));
  }

  /** Newest first. */
  list(repo: string): readonly Refusal[] {
    return this.#byRepo.get(repo) ?? [];
  }
}
