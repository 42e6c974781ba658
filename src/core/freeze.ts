import { DAYS, type DatedFreeze, type FreezeWindow, type RecurringFreeze } from "../config/schema.js";

/**
 * Freeze windows from the config and `/freeze` holds, evaluated at an instant. Time-zone arithmetic uses
 * Intl only; a wall-clock time is the first instant at which the zone's clock shows it, which settles
 * DST gaps (02:30 on a spring-forward night means 03:00) and overlaps (the earlier 02:30) the same way
 * for both ends of a window.
 */

/** A `/freeze` still in force, as the wiring found it (PR metadata or a comment). */
export interface Hold {
  readonly env: string;
  readonly by: string;
  readonly reason?: string;
  /** When the `/freeze` was issued (ms since the epoch). */
  readonly since: number;
}

export type FreezeState =
  | {
      readonly frozen: false;
      /** When the next window starts, if one starts within the look-ahead. */
      readonly nextStart?: number;
      /** The time zone of that next window, for display. */
      readonly timeZone?: string;
    }
  | {
      readonly frozen: true;
      /** End of the whole frozen stretch (merged windows); absent for a hold (until `/unfreeze`) or a stretch with no end in sight. */
      readonly until?: number;
      readonly reason: string;
      /** The time zone of the window that ends the stretch, for display. */
      readonly timeZone?: string;
      /** The holds in force, when the freeze comes from `/freeze`. */
      readonly holds?: readonly Hold[];
    };

/** One occurrence of a window: frozen from `start` (inclusive) to `end` (exclusive). */
export interface FreezeInterval {
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  readonly timeZone: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A recurring window may have started up to a day (plus a DST hour) before the instant we look at. */
const LOOK_BEHIND = 2 * DAY;
/** Every recurring window occurs within a week, so eight days always finds the next start. */
const LOOK_AHEAD = 8 * DAY;
/** A stretch still frozen this far ahead is reported without an end (e.g. every day 00:00–23:59). */
const MAX_LOOK_AHEAD = 400 * DAY;

// ---------------------------------------------------------------------------------------------------------
// Wall clocks

export interface LocalDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
}

export interface WallTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

// Creating a DateTimeFormat is costly; a memo of immutable formatters keeps the functions pure.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What the clock in `timeZone` shows at `instant`. */
export function wallClock(instant: number, timeZone: string): WallTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields["year"] ?? 0,
    month: fields["month"] ?? 1,
    day: fields["day"] ?? 1,
    // Some ICU versions print midnight as 24 even with h23.
    hour: (fields["hour"] ?? 0) % 24,
    minute: fields["minute"] ?? 0,
    second: fields["second"] ?? 0,
    // Zone offsets are whole seconds, so the milliseconds are those of the instant.
    millisecond: ((instant % 1000) + 1000) % 1000,
  };
}

/** The wall time read as if it were UTC: a number that orders wall times and does day arithmetic. */
function wallValue(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallValue(wallClock(instant, timeZone)) - instant;
}

/**
 * The first instant at which the clock in `timeZone` shows `wall` or later: the earlier one when the
 * time occurs twice (DST ends), the moment the clock jumps past it when it does not occur (DST starts).
 */
export function zonedInstant(wall: WallTime, timeZone: string): number {
  const target = wallValue(wall);
  // At most one offset change lies within a day either side of any wall time in real zones.
  const offsets = [offsetAt(target - DAY, timeZone), offsetAt(target + DAY, timeZone)];
  const candidates = offsets.map((offset) => target - offset);
  const exact = candidates.filter((instant) => offsetAt(instant, timeZone) === target - instant);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: the clock jumps from before `wall` to after it somewhere between the two candidates.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallValue(wallClock(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  return high;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function weekday(date: LocalDate): (typeof DAYS)[number] {
  // getUTCDay counts from Sunday; DAYS starts on Monday.
  const index = (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
  return DAYS[index] ?? "mon";
}

function at(date: LocalDate, hour: number, minute: number, second = 0, millisecond = 0): WallTime {
  return { ...date, hour, minute, second, millisecond };
}

/** One past the last millisecond of the local day: the exclusive end of a window that runs to 23:59. */
function endOfDay(date: LocalDate, timeZone: string): number {
  return zonedInstant(at(date, 23, 59, 59, 999), timeZone) + 1;
}

function parseClock(text: string): { hour: number; minute: number } {
  const [hour = 0, minute = 0] = text.split(":").map(Number);
  return { hour, minute };
}

// ---------------------------------------------------------------------------------------------------------
// Windows

const DATED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/;

interface DatedPoint {
  readonly date: LocalDate;
  readonly time?: { hour: number; minute: number; second: number };
  /** Minutes east of UTC, when the text carries an offset. */
  readonly offsetMinutes?: number;
}

function parseDatedPoint(text: string): DatedPoint | undefined {
  const match = DATED.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, offset] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (check.getUTCMonth() + 1 !== date.month || check.getUTCDate() !== date.day) return undefined;
  if (hour === undefined || minute === undefined) return { date };
  const time = { hour: Number(hour), minute: Number(minute), second: Number(second ?? 0) };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return undefined;
  if (offset === undefined) return { date, time };
  const offsetMinutes =
    offset === "Z"
      ? 0
      : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
  return { date, time, offsetMinutes };
}

function datedInstant(point: DatedPoint, timeZone: string, edge: "start" | "end"): number {
  const { date, time, offsetMinutes } = point;
  // A bare date is the whole day: the start of it for `start`, the end of it for `end`.
  if (time === undefined)
    return edge === "start" ? zonedInstant(at(date, 0, 0), timeZone) : endOfDay(date, timeZone);
  const wall = at(date, time.hour, time.minute, time.second);
  if (offsetMinutes === undefined) return zonedInstant(wall, timeZone);
  return wallValue(wall) - offsetMinutes * MINUTE;
}

/** A reason the window cannot be evaluated (an impossible date, end before start), or `undefined`. */
export function freezeWindowProblem(window: FreezeWindow): string | undefined {
  if (!("start" in window)) return undefined;
  const start = parseDatedPoint(window.start);
  const end = parseDatedPoint(window.end);
  if (start === undefined) return `start "${window.start}" is not a real date or time`;
  if (end === undefined) return `end "${window.end}" is not a real date or time`;
  if (datedInstant(end, window.timezone, "end") <= datedInstant(start, window.timezone, "start")) {
    return "end is not after start";
  }
  return undefined;
}

function describeRecurring(window: RecurringFreeze): string {
  return (
    window.reason ?? `freeze window ${window.days.join(", ")} ${window.from}–${window.to} ${window.timezone}`
  );
}

function describeDated(window: DatedFreeze): string {
  return window.reason ?? `freeze window ${window.start} – ${window.end} ${window.timezone}`;
}

function recurringIntervals(window: RecurringFreeze, from: number, to: number): FreezeInterval[] {
  const zone = window.timezone;
  const start = parseClock(window.from);
  const end = parseClock(window.to);
  const toEndOfDay = window.to === "23:59";
  const startMinute = start.hour * 60 + start.minute;
  const endMinute = end.hour * 60 + end.minute + (toEndOfDay ? 1 : 0);
  // `to` at or before `from` means the window runs past midnight (equal: a full day).
  const overnight = endMinute <= startMinute;
  const reason = describeRecurring(window);

  const intervals: FreezeInterval[] = [];
  const first = addDays(wallClock(from, zone), -2);
  const last = wallClock(to, zone);
  for (let date = first; wallValue(at(date, 0, 0)) <= wallValue(last); date = addDays(date, 1)) {
    if (!window.days.includes(weekday(date))) continue;
    const endDate = overnight ? addDays(date, 1) : date;
    const interval = {
      start: zonedInstant(at(date, start.hour, start.minute), zone),
      end: toEndOfDay ? endOfDay(endDate, zone) : zonedInstant(at(endDate, end.hour, end.minute), zone),
      reason,
      timeZone: zone,
    };
    if (interval.end > from && interval.start < to) intervals.push(interval);
  }
  return intervals;
}

function datedInterval(window: DatedFreeze): FreezeInterval {
  const start = parseDatedPoint(window.start);
  const end = parseDatedPoint(window.end);
  if (start === undefined || end === undefined) {
    // The schema's pattern admits 2026-02-30; `freezeWindowProblem` reports it when the config loads.
    throw new RangeError(
      `freeze window ${window.start} – ${window.end}: ${freezeWindowProblem(window) ?? ""}`,
    );
  }
  return {
    start: datedInstant(start, window.timezone, "start"),
    end: datedInstant(end, window.timezone, "end"),
    reason: describeDated(window),
    timeZone: window.timezone,
  };
}

/** Every occurrence of the windows that overlaps [from, to), sorted by start. */
export function freezeIntervals(
  windows: readonly FreezeWindow[],
  from: number,
  to: number,
): FreezeInterval[] {
  const intervals = windows.flatMap((window) =>
    "start" in window ? [datedInterval(window)] : recurringIntervals(window, from, to),
  );
  return intervals
    .filter((interval) => interval.end > from && interval.start < to && interval.end > interval.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Whether the environment is frozen at `now`, by a hold (until `/unfreeze`) or by windows. Overlapping and
 * back-to-back windows are one stretch: `until` is the end of the whole stretch.
 */
export function freezeState(
  windows: readonly FreezeWindow[],
  holds: readonly Hold[],
  now: number,
): FreezeState {
  if (holds.length > 0) {
    const reason = holds.map(
      (hold) => `frozen by ${hold.by}${hold.reason === undefined ? "" : `: ${hold.reason}`}`,
    );
    return { frozen: true, reason: [...new Set(reason)].join("; "), holds };
  }
  for (let ahead = LOOK_AHEAD; ; ahead *= 2) {
    const horizon = now + Math.min(ahead, MAX_LOOK_AHEAD);
    const intervals = freezeIntervals(windows, now - LOOK_BEHIND, horizon);
    const current = intervals.filter((interval) => interval.start <= now && now < interval.end);
    if (current.length === 0) {
      // Dated windows beyond the horizon still give the caller a timer.
      const dated = windows.flatMap((window) => ("start" in window ? [datedInterval(window)] : []));
      const next = [...intervals, ...dated]
        .filter((interval) => interval.start > now)
        .reduce<FreezeInterval | undefined>(
          (a, b) => (a === undefined || b.start < a.start ? b : a),
          undefined,
        );
      return next === undefined
        ? { frozen: false }
        : { frozen: false, nextStart: next.start, timeZone: next.timeZone };
    }
    let last = current.reduce((a, b) => (b.end > a.end ? b : a));
    // Sorted by start, so one pass follows every window that overlaps or begins where the stretch ends.
    for (const interval of intervals) {
      if (interval.start <= last.end && interval.end > last.end) last = interval;
    }
    const reason = [...new Set(current.map((interval) => interval.reason))].join("; ");
    // Every occurrence starting before the horizon is known; only a stretch reaching it may go on.
    if (last.end < horizon) return { frozen: true, until: last.end, reason, timeZone: last.timeZone };
    if (ahead >= MAX_LOOK_AHEAD) return { frozen: true, reason, timeZone: last.timeZone };
  }
}

/**
 * The next instant after `now` at which `freezeState` flips (frozen ↔ not frozen), so the caller can set a
 * timer; `undefined` when only an event (such as `/unfreeze`) can change it.
 */
export function nextTransition(
  windows: readonly FreezeWindow[],
  holds: readonly Hold[],
  now: number,
): number | undefined {
  const state = freezeState(windows, holds, now);
  return state.frozen ? state.until : state.nextStart;
}
