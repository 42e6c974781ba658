/**
 * The fake's clock for data timestamps (commit dates, merged_at, created_at…). Tests move it forward
 * to make soak times pass. Authentication (JWT `exp`, token expiry) uses the real clock, like the
 * app's own clock does.
 */
export class Clock {
  #offsetMs = 0;
  #frozenAt: number | undefined;

  now(): Date {
    return new Date((this.#frozenAt ?? Date.now()) + this.#offsetMs);
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  /** Stops the clock at `date` (it still moves with `advance`). */
  freeze(date: Date): void {
    this.#frozenAt = date.getTime();
    this.#offsetMs = 0;
  }
}
