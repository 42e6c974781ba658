interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Slot<T> {
  pending?: { value: T; waiters: Waiter[] };
  running: boolean;
  timer?: NodeJS.Timeout;
}

export interface CoalescerOptions<T> {
  /** How long to gather a burst before the first run for a key. */
  readonly delayMs: number;
  /** Of two values for one key, the one worth running (the newer version). */
  readonly prefer: (current: T, incoming: T) => T;
  readonly run: (key: string, value: T) => Promise<void>;
}

/**
 * Runs at most one job per key at a time, and folds everything that arrives for a key while it waits or
 * runs into a single next run with the preferred value. Twenty versions of one app in a second become
 * one or two commits at the newest version, not twenty. A caller's promise settles when a run that
 * covered its value has finished (rejecting if that run failed), so webhook deliveries report truthfully.
 */
export class Coalescer<T> {
  readonly #options: CoalescerOptions<T>;
  readonly #slots = new Map<string, Slot<T>>();

  constructor(options: CoalescerOptions<T>) {
    this.#options = options;
  }

  submit(key: string, value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const slot = this.#slots.get(key) ?? { running: false };
      this.#slots.set(key, slot);
      if (slot.pending === undefined) {
        slot.pending = { value, waiters: [{ resolve, reject }] };
      } else {
        slot.pending.value = this.#options.prefer(slot.pending.value, value);
        slot.pending.waiters.push({ resolve, reject });
      }
      if (!slot.running && slot.timer === undefined) {
        slot.timer = setTimeout(() => {
          this.#flush(key);
        }, this.#options.delayMs);
      }
    });
  }

  /** Keys with work queued or running (for shutdown and tests). */
  get busy(): number {
    return this.#slots.size;
  }

  #flush(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    delete slot.timer;
    const batch = slot.pending;
    if (batch === undefined) {
      if (!slot.running) this.#slots.delete(key);
      return;
    }
    delete slot.pending;
    slot.running = true;
    this.#options
      .run(key, batch.value)
      .then(
        () => {
          for (const waiter of batch.waiters) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of batch.waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        slot.running = false;
        if (slot.pending !== undefined) this.#flush(key);
        else this.#slots.delete(key);
      });
  }
}
