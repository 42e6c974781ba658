import { describe, expect, it } from "vitest";
import { TimerClock } from "../../src/usecases/clock.js";
import type { GateOutcome } from "../../src/usecases/gate.js";
import { GateScheduler, type PullKey } from "../../src/usecases/gate-scheduler.js";

/** When the gate runs: one evaluation per PR at a time, timers from the verdict, retries after failures. */

const KEY: PullKey = { installationId: 1, repo: { owner: "acme", name: "config" }, number: 5 };
const OTHER: PullKey = { ...KEY, number: 6 };
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const outcome = (next?: number): GateOutcome => ({
  kind: "unchanged",
  conclusion: "failure",
  headSha: "a".repeat(40),
  headRef: "change",
  ...(next !== undefined && { nextEvaluationAt: next }),
});

function setup(evaluate: (key: PullKey) => Promise<GateOutcome>) {
  let time = 1_000_000;
  const clock = new TimerClock(() => time);
  const background: Promise<void>[] = [];
  const scheduler = new GateScheduler({
    clock,
    log: silent,
    evaluate,
    track: (work) => {
      const running = work();
      background.push(running);
      return running;
    },
    retryMs: 60_000,
  });
  return {
    scheduler,
    clock,
    advance: async (ms: number) => {
      time += ms;
      clock.wake();
      await Promise.all(background);
    },
    now: () => time,
  };
}

describe("GateScheduler", () => {
  it("runs one evaluation per PR at a time; events meanwhile collapse into one more run", async () => {
    const runs: number[] = [];
    let release: () => void = () => undefined;
    const { scheduler } = setup(async (key) => {
      runs.push(key.number);
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return outcome();
    });
    const first = scheduler.evaluate(KEY);
    const second = scheduler.evaluate(KEY);
    const third = scheduler.evaluate(KEY);
    const other = scheduler.evaluate(OTHER);
    await other;
    release();
    await Promise.all([first, second, third]);
    expect(runs).toEqual([5, 6, 5]);
  });

  it("sets a timer at nextEvaluationAt, moves it when the verdict moves it, and drops it when there is none", async () => {
    let next: number | undefined = 2_000_000;
    const { scheduler, clock } = setup(() => Promise.resolve(outcome(next)));
    await scheduler.evaluate(KEY);
    expect(scheduler.nextTimer(KEY)).toBe(2_000_000);
    next = 3_000_000;
    await scheduler.evaluate(KEY);
    expect(scheduler.nextTimer(KEY)).toBe(3_000_000);
    expect(clock.pending).toBe(1);
    next = undefined;
    await scheduler.evaluate(KEY);
    expect(scheduler.nextTimer(KEY)).toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it("a timer evaluates the PR when its time comes, with no event", async () => {
    let evaluations = 0;
    const { scheduler, advance, now } = setup(() => {
      evaluations++;
      return Promise.resolve(outcome(evaluations === 1 ? now() + 7_200_000 : undefined));
    });
    await scheduler.evaluate(KEY);
    await advance(3_600_000);
    expect(evaluations).toBe(1);
    await advance(3_600_000);
    expect(evaluations).toBe(2);
    expect(scheduler.timers).toBe(0);
  });

  it("a closed PR's timer is cancelled", async () => {
    const { scheduler, clock } = setup(() => Promise.resolve(outcome(2_000_000)));
    await scheduler.evaluate(KEY);
    scheduler.cancel(KEY);
    expect(clock.pending).toBe(0);
  });

  it("a failed evaluation rejects, and is tried again a minute later", async () => {
    let calls = 0;
    const { scheduler, advance } = setup(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error("GitHub is down")) : Promise.resolve(outcome());
    });
    await expect(scheduler.evaluate(KEY)).rejects.toThrow("GitHub is down");
    await advance(60_000);
    expect(calls).toBe(2);
  });

  it("evaluateAll keeps at most `concurrency` evaluations in flight and logs failures instead of throwing", async () => {
    let inFlight = 0;
    let most = 0;
    const { scheduler } = setup(async (key) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      if (key.number === 3) throw new Error("boom");
      return outcome();
    });
    const keys = Array.from({ length: 10 }, (_, index) => ({ ...KEY, number: index }));
    await scheduler.evaluateAll(keys, 3);
    expect(most).toBe(3);
  });
});
