import { isAlias, isMap, isPair, isScalar, isSeq } from "yaml";
import type { KeyPath, YamlSource } from "./source.js";

/** A value an edit meant to set: in document `document`, at `path`, the string `value`. */
export interface IntendedChange {
  readonly document: number;
  readonly path: KeyPath;
  readonly value: string;
}

interface ObservedChange {
  readonly document: number;
  readonly path: KeyPath;
  /** The new scalar value as a string, or undefined when the change is not a plain scalar change. */
  readonly value: string | undefined;
  readonly what: string;
}

/**
 * Compares two parses of a file node by node (aliases compared by name, never expanded) and returns why
 * the edit is not exactly the intended one, or `undefined` when it is: every intended value changed to
 * what was meant, and nothing else changed in any document.
 */
export function verifyEdit(
  before: YamlSource,
  after: YamlSource,
  intended: readonly IntendedChange[],
): string | undefined {
  if (before.documents.length !== after.documents.length) {
    return `the file had ${before.documents.length} documents and now has ${after.documents.length}`;
  }
  const observed: ObservedChange[] = [];
  before.documents.forEach((document, index) => {
    diff(document.contents, after.documents[index]?.contents, [], index, observed);
  });
  const key = (document: number, path: KeyPath): string => `${document}:${JSON.stringify(path)}`;
  const wanted = new Map(intended.map((change) => [key(change.document, change.path), change]));
  for (const change of observed) {
    const meant = wanted.get(key(change.document, change.path));
    if (meant === undefined)
      return `${change.what} at ${formatPath(change.path)}, which was not meant to change`;
    if (change.value !== meant.value) {
      return `${formatPath(change.path)} became ${JSON.stringify(change.value)} instead of ${JSON.stringify(meant.value)}`;
    }
    wanted.delete(key(change.document, change.path));
  }
  const missed = [...wanted.values()][0];
  if (missed !== undefined)
    return `${formatPath(missed.path)} did not change to ${JSON.stringify(missed.value)}`;
  return undefined;
}

function formatPath(path: KeyPath): string {
  return path.length === 0
    ? "the document root"
    : path
        .map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`))
        .join("")
        .replace(/^\./, "");
}

function diff(a: unknown, b: unknown, path: KeyPath, document: number, out: ObservedChange[]): void {
  if (isScalar(a) && isScalar(b)) {
    if (a.value !== b.value || a.anchor !== b.anchor || a.tag !== b.tag) {
      out.push({
        document,
        path,
        value: typeof b.value === "string" ? b.value : undefined,
        what: "a value changed",
      });
    }
    return;
  }
  if (isAlias(a) && isAlias(b)) {
    if (a.source !== b.source) out.push({ document, path, value: undefined, what: "an alias changed" });
    return;
  }
  if (isMap(a) && isMap(b)) {
    const keysOf = (map: typeof a): Map<string, unknown> =>
      new Map(
        map.items
          .filter(isPair)
          .map((pair) => [
            isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key),
            pair.value,
          ]),
      );
    const left = keysOf(a);
    const right = keysOf(b);
    if (a.anchor !== b.anchor) out.push({ document, path, value: undefined, what: "an anchor changed" });
    for (const [name, value] of left) {
      if (!right.has(name))
        out.push({ document, path: [...path, name], value: undefined, what: "a key was removed" });
      else diff(value, right.get(name), [...path, name], document, out);
    }
    for (const [name, value] of right) {
      if (!left.has(name)) {
        out.push({
          document,
          path: [...path, name],
          value: isScalar(value) && typeof value.value === "string" ? value.value : undefined,
          what: "a key was added",
        });
      }
    }
    return;
  }
  if (isSeq(a) && isSeq(b)) {
    if (a.items.length !== b.items.length) {
      out.push({ document, path, value: undefined, what: "a list changed length" });
      return;
    }
    a.items.forEach((item, index) => {
      diff(item, b.items[index], [...path, index], document, out);
    });
    return;
  }
  if ((a === null || a === undefined) && (b === null || b === undefined)) return;
  out.push({ document, path, value: undefined, what: "the structure changed" });
}

/**
 * Where two plain data values (from `Document.toJS`) first differ, as a path and a sentence, or
 * undefined when they are equal. Map key order does not count; list order does.
 */
export function dataDifference(actual: unknown, expected: unknown, path: KeyPath = []): string | undefined {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length)
      return `${formatPath(path)} has ${actual.length} items instead of ${expected.length}`;
    for (const [index, item] of actual.entries()) {
      const found = dataDifference(item, expected[index], [...path, index]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlainObject(actual) && isPlainObject(expected)) {
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key)) return `${formatPath([...path, key])} is missing`;
    }
    for (const [key, value] of Object.entries(actual)) {
      if (!Object.hasOwn(expected, key)) return `${formatPath([...path, key])} was not meant to be there`;
      const found = dataDifference(value, expected[key], [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (actual === expected || Object.is(actual, expected)) return undefined;
  return `${formatPath(path)} is ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks an edited file against the data every document was meant to hold afterwards (aliases
 * expanded, with the parser's alias limit), so any change besides the intended ones is caught.
 */
export function verifyData(after: YamlSource, expected: readonly unknown[]): string | undefined {
  if (after.documents.length !== expected.length) {
    return `the file had ${expected.length} documents and now has ${after.documents.length}`;
  }
  for (const [index, document] of after.documents.entries()) {
    const found = dataDifference(document.toJS({ maxAliasCount: 100 }), expected[index]);
    if (found !== undefined) return after.documents.length > 1 ? `document ${index + 1}: ${found}` : found;
  }
  return undefined;
}
