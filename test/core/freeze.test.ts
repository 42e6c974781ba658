import { describe, expect, it } from "vitest";
import type { FreezeWindow } from "../../src/config/schema.js";
import {
  freezeState,
  freezeWindowProblem,
  nextTransition,
  zonedInstant,
  type FreezeState,
  type Hold,
} from "../../src/core/freeze.js";

const t = (text: string): number => Date.parse(text);

type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

function recurring(days: Day[], from: string, to: string, timezone: string, reason?: string): FreezeWindow {
  return { days, from, to, timezone, ...(reason === undefined ? {} : { reason }) };
}

function dated(start: string, end: string, timezone: string): FreezeWindow {
  return { start, end, timezone };
}

const WEEKDAYS: Day[] = ["mon", "tue", "wed", "thu", "fri"];
const EVERY_DAY: Day[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// 2026: Europe/Berlin springs forward on Sun 29 March (01:00Z) and falls back on Sun 25 October (01:00Z);
// America/New_York on Sun 8 March (07:00Z) and Sun 1 November (06:00Z). 27 March 2026 is a Friday.
const cases: {
  name: string;
  windows: FreezeWindow[];
  now: string;
  expected: { frozen: true; until?: string } | { frozen: false; nextStart?: string };
}[] = [
  {
    name: "a UTC window is frozen inside its hours until its end",
    windows: [recurring(WEEKDAYS, "09:00", "17:00", "UTC")],
    now: "2026-03-25T12:00:00Z",
    expected: { frozen: true, until: "2026-03-25T17:00:00Z" },
  },
  {
    name: "a UTC window's start is inclusive",
    windows: [recurring(WEEKDAYS, "09:00", "17:00", "UTC")],
    now: "2026-03-25T09:00:00Z",
    expected: { frozen: true, until: "2026-03-25T17:00:00Z" },
  },
  {
    name: "a UTC window's end is exclusive and the next start is the next listed day",
    windows: [recurring(WEEKDAYS, "09:00", "17:00", "UTC")],
    now: "2026-03-27T17:00:00Z",
    expected: { frozen: false, nextStart: "2026-03-30T09:00:00Z" },
  },
  {
    name: "to 23:59 ends at local midnight (Berlin, CET)",
    windows: [recurring(["fri", "sat", "sun"], "16:00", "23:59", "Europe/Berlin")],
    now: "2026-03-27T15:00:00Z",
    expected: { frozen: true, until: "2026-03-27T23:00:00Z" },
  },
  {
    name: "one millisecond before a Berlin window it is not frozen and says when it starts",
    windows: [recurring(["fri"], "16:00", "23:59", "Europe/Berlin")],
    now: "2026-03-27T14:59:59.999Z",
    expected: { frozen: false, nextStart: "2026-03-27T15:00:00Z" },
  },
  {
    name: "an overnight Berlin window over the spring-forward night lasts 7 hours",
    windows: [recurring(["sat"], "22:00", "06:00", "Europe/Berlin")],
    now: "2026-03-28T21:00:00Z",
    expected: { frozen: true, until: "2026-03-29T04:00:00Z" },
  },
  {
    name: "an overnight Berlin window over the fall-back night lasts 9 hours",
    windows: [recurring(["sat"], "22:00", "06:00", "Europe/Berlin")],
    now: "2026-10-24T20:00:00Z",
    expected: { frozen: true, until: "2026-10-25T05:00:00Z" },
  },
  {
    name: "a Berlin window starting in the spring-forward gap starts when the clock jumps past it",
    windows: [recurring(["sun"], "02:30", "04:00", "Europe/Berlin")],
    now: "2026-03-29T00:00:00Z",
    expected: { frozen: false, nextStart: "2026-03-29T01:00:00Z" },
  },
  {
    name: "a Berlin window starting at a time that occurs twice starts at the first occurrence",
    windows: [recurring(["sun"], "02:30", "05:00", "Europe/Berlin")],
    now: "2026-10-25T00:00:00Z",
    expected: { frozen: false, nextStart: "2026-10-25T00:30:00Z" },
  },
  {
    name: "a Berlin window over the fall-back hour ends at the wall time after the change",
    windows: [recurring(["sun"], "02:30", "05:00", "Europe/Berlin")],
    now: "2026-10-25T01:30:00Z",
    expected: { frozen: true, until: "2026-10-25T04:00:00Z" },
  },
  {
    name: "a New York overnight window over the spring-forward night (EST to EDT)",
    windows: [recurring(["sat"], "20:00", "09:00", "America/New_York")],
    now: "2026-03-08T01:00:00Z",
    expected: { frozen: true, until: "2026-03-08T13:00:00Z" },
  },
  {
    name: "a New York overnight window over the fall-back night (EDT to EST)",
    windows: [recurring(["sat"], "20:00", "09:00", "America/New_York")],
    now: "2026-11-01T00:00:00Z",
    expected: { frozen: true, until: "2026-11-01T14:00:00Z" },
  },
  {
    name: "Asia/Kolkata's half-hour offset",
    windows: [recurring(WEEKDAYS, "18:30", "20:00", "Asia/Kolkata")],
    now: "2026-03-27T13:15:00Z",
    expected: { frozen: true, until: "2026-03-27T14:30:00Z" },
  },
  {
    name: "Asia/Kolkata: before the window the next start is 13:00Z",
    windows: [recurring(WEEKDAYS, "18:30", "20:00", "Asia/Kolkata")],
    now: "2026-03-27T12:59:00Z",
    expected: { frozen: false, nextStart: "2026-03-27T13:00:00Z" },
  },
  {
    name: "chained windows are one stretch, across the DST change inside it",
    windows: [
      recurring(["fri"], "16:00", "23:59", "Europe/Berlin"),
      recurring(["sat", "sun"], "00:00", "23:59", "Europe/Berlin"),
    ],
    now: "2026-03-27T16:00:00Z",
    // Monday 00:00 CEST, after the clocks went forward on Sunday.
    expected: { frozen: true, until: "2026-03-29T22:00:00Z" },
  },
  {
    name: "overlapping windows in different zones merge to the later end",
    windows: [
      recurring(["wed"], "09:00", "12:00", "UTC"),
      recurring(["wed"], "12:30", "16:00", "Europe/Berlin"),
    ],
    now: "2026-03-25T10:00:00Z",
    expected: { frozen: true, until: "2026-03-25T15:00:00Z" },
  },
  {
    name: "to equal to from is a full day",
    windows: [recurring(["mon"], "10:00", "10:00", "UTC")],
    now: "2026-03-23T20:00:00Z",
    expected: { frozen: true, until: "2026-03-24T10:00:00Z" },
  },
  {
    name: "a window that started the evening before still holds after midnight",
    windows: [recurring(["tue"], "22:00", "02:00", "UTC")],
    now: "2026-03-25T01:00:00Z",
    expected: { frozen: true, until: "2026-03-25T02:00:00Z" },
  },
  {
    name: "dated windows of whole days run from the start of the first to the end of the last day, in the zone",
    windows: [dated("2026-12-20", "2027-01-04", "Europe/Berlin")],
    now: "2026-12-19T23:00:00Z",
    expected: { frozen: true, until: "2027-01-04T23:00:00Z" },
  },
  {
    name: "a dated window is not frozen just before its local start",
    windows: [dated("2026-12-20", "2027-01-04", "Europe/Berlin")],
    now: "2026-12-19T22:59:59Z",
    expected: { frozen: false, nextStart: "2026-12-19T23:00:00Z" },
  },
  {
    name: "dated date-times are local to the zone",
    windows: [dated("2026-07-01T08:00", "2026-07-01 17:30", "Europe/Berlin")],
    now: "2026-07-01T06:00:00Z",
    expected: { frozen: true, until: "2026-07-01T15:30:00Z" },
  },
  {
    name: "dated date-times with an offset ignore the zone",
    windows: [dated("2026-12-20T18:00+05:30", "2026-12-20T20:00Z", "Europe/Berlin")],
    now: "2026-12-20T12:30:00Z",
    expected: { frozen: true, until: "2026-12-20T20:00:00Z" },
  },
  {
    name: "a dated window months ahead is still reported as the next start",
    windows: [dated("2026-12-20", "2027-01-04", "UTC")],
    now: "2026-03-25T12:00:00Z",
    expected: { frozen: false, nextStart: "2026-12-20T00:00:00Z" },
  },
  {
    name: "a dated window chains into a recurring one",
    windows: [dated("2026-03-25", "2026-03-26", "UTC"), recurring(["fri"], "00:00", "12:00", "UTC")],
    now: "2026-03-26T12:00:00Z",
    expected: { frozen: true, until: "2026-03-27T12:00:00Z" },
  },
  {
    name: "windows every day all day have no end in sight",
    windows: [recurring(EVERY_DAY, "00:00", "23:59", "UTC")],
    now: "2026-03-25T12:00:00Z",
    expected: { frozen: true },
  },
  {
    name: "no windows: never frozen, nothing ahead",
    windows: [],
    now: "2026-03-25T12:00:00Z",
    expected: { frozen: false },
  },
];

function expectedState(expected: (typeof cases)[number]["expected"]): Partial<FreezeState> {
  if (expected.frozen) {
    return expected.until === undefined ? { frozen: true } : { frozen: true, until: t(expected.until) };
  }
  return expected.nextStart === undefined
    ? { frozen: false }
    : { frozen: false, nextStart: t(expected.nextStart) };
}

describe("freezeState", () => {
  it.each(cases)("$name", ({ windows, now, expected }) => {
    const state = freezeState(windows, [], t(now));
    expect(state).toMatchObject(expectedState(expected));
    // `toMatchObject` ignores absent keys; say so explicitly where no end or next start is expected.
    if (state.frozen && expected.frozen && expected.until === undefined) expect(state.until).toBeUndefined();
    if (!state.frozen && !expected.frozen && expected.nextStart === undefined) {
      expect(state.nextStart).toBeUndefined();
    }
  });

  it("names the window by its reason, else by its schedule, and keeps its time zone", () => {
    const windows = [
      recurring(["wed"], "09:00", "12:00", "Europe/Berlin", "quarter close"),
      recurring(["wed"], "13:00", "16:00", "Asia/Kolkata"),
    ];
    expect(freezeState(windows, [], t("2026-03-25T08:00:00Z"))).toEqual({
      frozen: true,
      until: t("2026-03-25T11:00:00Z"),
      reason: "freeze window wed 13:00–16:00 Asia/Kolkata; quarter close",
      timeZone: "Europe/Berlin",
    });
  });

  it("a hold freezes with no end, whatever the windows say", () => {
    const holds: Hold[] = [
      { env: "prod", by: "bob", reason: "incident 42", since: t("2026-03-25T10:00:00Z") },
    ];
    const state = freezeState(
      [recurring(["wed"], "09:00", "12:00", "UTC")],
      holds,
      t("2026-03-25T11:00:00Z"),
    );
    expect(state).toEqual({ frozen: true, reason: "frozen by bob: incident 42", holds });
  });
});

describe("nextTransition", () => {
  const windows = [recurring(WEEKDAYS, "09:00", "17:00", "UTC")];
  it.each([
    { name: "inside a window: its end", now: "2026-03-25T12:00:00Z", expected: t("2026-03-25T17:00:00Z") },
    { name: "outside: the next start", now: "2026-03-28T12:00:00Z", expected: t("2026-03-30T09:00:00Z") },
  ])("$name", ({ now, expected }) => {
    expect(nextTransition(windows, [], t(now))).toBe(expected);
  });

  it("under a hold only /unfreeze changes the answer", () => {
    const holds: Hold[] = [{ env: "prod", by: "bob", since: 0 }];
    expect(nextTransition(windows, holds, t("2026-03-25T12:00:00Z"))).toBeUndefined();
  });
});

describe("zonedInstant", () => {
  it.each([
    { wall: [2026, 3, 29, 2, 30], zone: "Europe/Berlin", expected: "2026-03-29T01:00:00Z" },
    { wall: [2026, 3, 29, 3, 0], zone: "Europe/Berlin", expected: "2026-03-29T01:00:00Z" },
    { wall: [2026, 10, 25, 2, 30], zone: "Europe/Berlin", expected: "2026-10-25T00:30:00Z" },
    { wall: [2026, 3, 8, 2, 15], zone: "America/New_York", expected: "2026-03-08T07:00:00Z" },
    { wall: [2026, 1, 1, 0, 0], zone: "Asia/Kolkata", expected: "2025-12-31T18:30:00Z" },
  ])("$zone $wall → $expected", ({ wall, zone, expected }) => {
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = wall;
    expect(zonedInstant({ year, month, day, hour, minute, second: 0, millisecond: 0 }, zone)).toBe(
      t(expected),
    );
  });
});

describe("freezeWindowProblem", () => {
  it.each([
    {
      name: "an impossible date",
      window: dated("2026-02-30", "2026-03-02", "UTC"),
      problem: /not a real date/,
    },
    {
      name: "an end before the start once offsets apply",
      window: dated("2026-12-20T18:00Z", "2026-12-20T19:30+02:00", "UTC"),
      problem: /end is not after start/,
    },
    { name: "a sound dated window", window: dated("2026-12-20", "2026-12-20", "UTC"), problem: undefined },
    {
      name: "a recurring window",
      window: recurring(["fri"], "16:00", "23:59", "UTC"),
      problem: undefined,
    },
  ])("$name", ({ window, problem }) => {
    const found = freezeWindowProblem(window);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
