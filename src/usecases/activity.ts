/**
 * Counts work in progress (webhook handlers, registry requests, timers), so a shutdown, or a test,
 * can wait until the app is idle: Probot answers a slow delivery with 202 and keeps working after it.
 */
export class Activity {
  #running = 0;
  #waiters: (() => void)[] = [];

  get running(): number {
    return this.#running;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#running++;
    try {
      return await work();
    } finally {
      this.#running--;
      if (this.#running === 0) {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  /** Resolves when nothing is running (at once if nothing is). */
  idle(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
