import { afterEach, describe, expect, it } from "vitest";
import { TimerClock } from "../../src/usecases/clock.js";

let clock: TimerClock | undefined;

afterEach(() => {
  clock?.stop();
  clock = undefined;
});

describe("TimerClock", () => {
  it("fires a timer when a jump of its time source makes it due, in order, and only once", () => {
    let time = 1_000;
    clock = new TimerClock(() => time);
    const fired: string[] = [];
    clock.setTimer(5_000, () => fired.push("b"));
    clock.setTimer(3_000, () => fired.push("a"));
    clock.setTimer(9_000, () => fired.push("c"));
    time = 6_000;
    clock.wake();
    expect(fired).toEqual(["a", "b"]);
    clock.wake();
    expect(fired).toEqual(["a", "b"]);
    expect(clock.pending).toBe(1);
  });

  it("a cancelled timer never fires; stop() cancels all and refuses new ones", () => {
    let time = 0;
    clock = new TimerClock(() => time);
    const fired: string[] = [];
    clock.setTimer(10, () => fired.push("cancelled")).cancel();
    clock.setTimer(20, () => fired.push("stopped"));
    clock.stop();
    clock.setTimer(30, () => fired.push("after stop"));
    time = 100;
    clock.wake();
    expect(fired).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it("fires on real time too, without a wake()", async () => {
    clock = new TimerClock();
    const fired = new Promise<number>((resolve) => {
      clock?.setTimer(Date.now() + 20, () => {
        resolve(Date.now());
      });
    });
    const started = Date.now();
    expect((await fired) - started).toBeGreaterThanOrEqual(15);
  });

  it("a timer already due fires at once", async () => {
    clock = new TimerClock();
    await new Promise<void>((resolve) => clock?.setTimer(0, resolve));
    expect(clock.pending).toBe(0);
  });
});

describe("TimerClock: a failing timer", () => {
  it("does not keep the other due timers from firing", () => {
    let time = 0;
    const failing = new TimerClock(() => time);
    const fired: string[] = [];
    failing.setTimer(1, () => {
      throw new Error("boom");
    });
    failing.setTimer(2, () => fired.push("second"));
    time = 10;
    expect(() => {
      failing.wake();
    }).toThrow("boom");
    expect(fired).toEqual(["second"]);
    failing.stop();
  });
});
