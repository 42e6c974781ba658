import type { RepoId } from "../github/port.js";
import type { Clock, Timer } from "./clock.js";
import type { GateOutcome } from "./gate.js";
import type { Log } from "./log.js";

/**
 * When the gate runs: one evaluation at a time per pull request (events that arrive meanwhile collapse
 * into one more run), and a timer per pull request for the instant its verdict may change with no event
 * (a soak served, a freeze starting or ending). Timers live in memory; `evaluateAll` at start-up reads
 * every open PR again, which sets them again, so a restart loses none.
 */

export interface PullKey {
  readonly installationId: number;
  readonly repo: RepoId;
  readonly number: number;
}

export interface GateSchedulerDeps {
  readonly clock: Clock;
  readonly log: Log;
  /** One evaluation of one pull request (the wiring builds the ports for its installation). */
  readonly evaluate: (key: PullKey) => Promise<GateOutcome>;
  /** Runs background work (timers) so that shutdown and tests can wait for it. */
  readonly track: (work: () => Promise<void>) => Promise<void>;
  /** After a failed timed evaluation, try again this much later (default one minute). */
  readonly retryMs?: number;
}

interface Running {
  again: boolean;
  readonly done: Promise<void>;
}

export function pullKeyId(key: PullKey): string {
  return `${key.installationId}:${key.repo.owner}/${key.repo.name}#${key.number}`.toLowerCase();
}

export class GateScheduler {
  readonly #deps: GateSchedulerDeps;
  readonly #running = new Map<string, Running>();
  readonly #timers = new Map<string, { readonly at: number; readonly timer: Timer }>();

  constructor(deps: GateSchedulerDeps) {
    this.#deps = deps;
  }

  /** Evaluates now; if an evaluation of this PR is running, once more after it. Rejects when it fails. */
  evaluate(key: PullKey): Promise<void> {
    const id = pullKeyId(key);
    const running = this.#running.get(id);
    if (running !== undefined) {
      running.again = true;
      return running.done;
    }
    const state: { again: boolean; done: Promise<void> } = { again: false, done: Promise.resolve() };
    // Read through a function: the flag changes while `#once` awaits.
    const again = (): boolean => state.again;
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.#once(key);
        } while (again());
      } finally {
        this.#running.delete(id);
      }
    })();
    this.#running.set(id, state);
    return state.done;
  }

  /** Evaluates many PRs, at most `concurrency` at a time; failures are logged, not thrown. */
  async evaluateAll(keys: readonly PullKey[], concurrency = 4): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < keys.length; index = next++) {
        const key = keys[index];
        if (key === undefined) continue;
        try {
          await this.evaluate(key);
        } catch (error) {
          this.#deps.log.error({ err: error, pull: pullKeyId(key) }, "gate evaluation failed");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  }

  /** The PR closed: nothing changes any more. */
  cancel(key: PullKey): void {
    const id = pullKeyId(key);
    this.#timers.get(id)?.timer.cancel();
    this.#timers.delete(id);
  }

  /** When the PR is evaluated next without an event, if ever (for tests and logs). */
  nextTimer(key: PullKey): number | undefined {
    return this.#timers.get(pullKeyId(key))?.at;
  }

  get timers(): number {
    return this.#timers.size;
  }

  async #once(key: PullKey): Promise<void> {
    let outcome: GateOutcome;
    try {
      outcome = await this.#deps.evaluate(key);
    } catch (error) {
      // A timed evaluation must not be lost to a passing GitHub error: nothing else would wake it.
      this.#schedule(key, this.#deps.clock.now() + (this.#deps.retryMs ?? 60_000));
      throw error;
    }
    if (outcome.kind === "skipped" || outcome.nextEvaluationAt === undefined) this.cancel(key);
    else this.#schedule(key, outcome.nextEvaluationAt);
  }

  #schedule(key: PullKey, at: number): void {
    const id = pullKeyId(key);
    const existing = this.#timers.get(id);
    if (existing?.at === at) return;
    existing?.timer.cancel();
    const timer = this.#deps.clock.setTimer(at, () => {
      this.#timers.delete(id);
      void this.#deps.track(async () => {
        try {
          await this.evaluate(key);
        } catch (error) {
          this.#deps.log.error({ err: error, pull: id }, "timed gate evaluation failed; retrying later");
        }
      });
    });
    this.#timers.set(id, { at, timer });
  }
}
