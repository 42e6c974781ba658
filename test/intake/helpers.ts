import { readFileSync } from "node:fs";

/** A fixture as parsed JSON (a fresh copy each time). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as unknown;
}

/** The raw bytes of a fixture, as a registry would send them. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * A copy of `value` with fields replaced by dotted path (`"push_data.tag"`, `"resources.0.tag"`);
 * `undefined` deletes the field.
 */
export function patched(value: unknown, changes: Record<string, unknown>): unknown {
  const copy = structuredClone(value);
  for (const [path, replacement] of Object.entries(changes)) {
    const keys = path.split(".");
    const last = keys.pop() ?? "";
    let target: unknown = copy;
    for (const key of keys) {
      if (!isRecord(target)) throw new Error(`fixture has no ${path}`);
      target = target[key];
    }
    if (!isRecord(target)) throw new Error(`fixture has no ${path}`);
    if (replacement === undefined) Reflect.deleteProperty(target, last);
    else Reflect.set(target, last, replacement);
  }
  return copy;
}

/** The reason a parser gave for ignoring a payload; fails the test if it returned events instead. */
export function ignoredReason(result: { readonly events: unknown[] } | { readonly ignored: string }): string {
  if ("ignored" in result) return result.ignored;
  throw new Error(`expected the payload to be ignored, got ${JSON.stringify(result.events)}`);
}
