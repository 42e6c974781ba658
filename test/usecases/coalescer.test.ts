import { describe, expect, it } from "vitest";
import { Coalescer } from "../../src/usecases/coalescer.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("Coalescer", () => {
  it("folds a burst for one key into one run with the preferred value", async () => {
    const runs: [string, number][] = [];
    const coalescer = new Coalescer<number>({
      delayMs: 20,
      prefer: (a, b) => Math.max(a, b),
      run: (key, value) => {
        runs.push([key, value]);
        return Promise.resolve();
      },
    });
    await Promise.all([3, 9, 1, 7].map((value) => coalescer.submit("api", value)));
    expect(runs).toEqual([["api", 9]]);
  });

  it("runs different keys independently", async () => {
    const runs: string[] = [];
    const coalescer = new Coalescer<string>({
      delayMs: 5,
      prefer: (_a, b) => b,
      run: (key, value) => {
        runs.push(`${key}=${value}`);
        return Promise.resolve();
      },
    });
    await Promise.all([coalescer.submit("api", "1"), coalescer.submit("web", "2")]);
    expect(runs.sort()).toEqual(["api=1", "web=2"]);
  });

  it("never runs one key twice at once, and runs once more for what arrived meanwhile", async () => {
    const gate = deferred();
    let running = 0;
    let overlap = false;
    const runs: number[] = [];
    const coalescer = new Coalescer<number>({
      delayMs: 0,
      prefer: (a, b) => Math.max(a, b),
      run: async (_key, value) => {
        running++;
        if (running > 1) overlap = true;
        runs.push(value);
        if (value === 1) await gate.promise;
        running--;
      },
    });
    const first = coalescer.submit("api", 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = [coalescer.submit("api", 4), coalescer.submit("api", 2)];
    gate.resolve();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([1, 4]);
    expect(overlap).toBe(false);
    expect(coalescer.busy).toBe(0);
  });

  it("rejects every caller covered by a failed run and recovers for the next", async () => {
    let fail = true;
    const coalescer = new Coalescer<number>({
      delayMs: 5,
      prefer: (_a, b) => b,
      run: () => (fail ? Promise.reject(new Error("GitHub is down")) : Promise.resolve()),
    });
    const results = await Promise.allSettled([coalescer.submit("api", 1), coalescer.submit("api", 2)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(coalescer.submit("api", 3)).resolves.toBeUndefined();
  });
});
