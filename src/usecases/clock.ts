/**
 * Time for the imperative shell: what time it is, and "call me at this instant". Production uses the
 * system clock; tests move a clock forward instead of waiting, and every due timer fires at once.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fire` once `now()` reaches `at` (at once when `at` has passed). */
  setTimer(at: number, fire: () => void): Timer;
}

interface Pending {
  readonly at: number;
  readonly fire: () => void;
}

/** Node's setTimeout holds at most ~24.8 days; a later timer re-arms on the way. */
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

/**
 * Timers on a time source: the system clock by default, or any `() => number` (a test's, which may jump).
 * One Node timer is armed for the earliest pending instant and unref'd, so pending timers never keep a
 * process alive. After the source jumps (a test moved it), `wake()` fires whatever is now due.
 */
export class TimerClock implements Clock {
  readonly #source: () => number;
  readonly #pending = new Set<Pending>();
  #armed: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(source: () => number = Date.now) {
    this.#source = source;
  }

  now(): number {
    return this.#source();
  }

  setTimer(at: number, fire: () => void): Timer {
    const entry: Pending = { at, fire };
    if (this.#stopped) return { cancel: () => undefined };
    this.#pending.add(entry);
    this.#arm();
    return {
      cancel: () => {
        if (this.#pending.delete(entry)) this.#arm();
      },
    };
  }

  /** How many timers are waiting (for tests and shutdown logs). */
  get pending(): number {
    return this.#pending.size;
  }

  /** Fires every timer that is due now; call after the time source jumped. */
  wake(): void {
    const now = this.now();
    const due = [...this.#pending].filter((entry) => entry.at <= now).sort((a, b) => a.at - b.at);
    for (const entry of due) this.#pending.delete(entry);
    this.#arm();
    // One failing callback must not swallow the others that are due.
    const errors: unknown[] = [];
    for (const entry of due) {
      try {
        entry.fire();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  /** Cancels every timer and refuses new ones (the replica is shutting down). */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
    this.#arm();
  }

  #arm(): void {
    if (this.#armed !== undefined) clearTimeout(this.#armed);
    this.#armed = undefined;
    if (this.#pending.size === 0) return;
    const earliest = Math.min(...[...this.#pending].map((entry) => entry.at));
    const delay = Math.min(Math.max(0, earliest - this.now()), MAX_DELAY_MS);
    this.#armed = setTimeout(() => {
      this.wake();
    }, delay);
    this.#armed.unref();
  }
}
