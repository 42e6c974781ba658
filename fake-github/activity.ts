/**
 * Counts work in flight (API requests being answered, webhooks queued or being delivered) so tests
 * can wait until the app and the fake have stopped talking (`settle()`).
 */
export class Activity {
  readonly #work = new Map<number, string>();
  readonly #waiters = new Set<() => void>();
  #next = 0;

  /** Registers work described by `label`; call the returned function when it is done. */
  begin(label: string): () => void {
    const id = this.#next++;
    this.#work.set(id, label);
    return () => {
      if (!this.#work.delete(id)) return;
      if (this.#work.size === 0) for (const wake of [...this.#waiters]) wake();
    };
  }

  isBusy(): boolean {
    return this.#work.size > 0;
  }

  pending(): string[] {
    return [...this.#work.values()];
  }

  /** Resolves when quiet, or after `ms`. */
  async quiet(ms: number): Promise<void> {
    if (!this.isBusy()) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  /**
   * Resolves once nothing has been in flight across two turns of the event loop (a handler that
   * just finished may start the next request right away); throws after `timeoutMs` listing the work.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `fake GitHub did not settle within ${timeoutMs} ms; still pending:\n  - ${this.pending().join("\n  - ")}`,
        );
      }
      if (this.isBusy()) {
        await this.quiet(left);
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (!this.isBusy()) return;
    }
  }
}
