import { parse, type Pair, type Scalar, type YAMLMap } from "yaml";
import { scalarSource, type YamlSource } from "./source.js";

/** Replace `text.slice(start, end)` with `insert`. Offsets are into the original text. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

/** Applies non-overlapping splices to the original text; every other byte stays as it was. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = "";
  let cursor = 0;
  for (const splice of ordered) {
    if (splice.start < cursor) {
      throw new Error(`overlapping edits at offset ${splice.start}`);
    }
    result += text.slice(cursor, splice.start) + splice.insert;
    cursor = splice.end;
  }
  return result + text.slice(cursor);
}

/**
 * Would YAML (1.2, or 1.1 as read by Kubernetes' go-yaml) read this plain text as something other than
 * the same string? Then it must be quoted: `1.10` is a float, `on` a boolean, `a #b` loses its comment.
 */
export function needsQuotes(value: string): boolean {
  if (value === "" || value.trim() !== value || /[\n\r\t]/.test(value)) return true;
  for (const version of ["1.1", "1.2"] as const) {
    let read: unknown;
    try {
      read = parse(value, { version });
    } catch {
      return true;
    }
    if (read !== value) return true;
  }
  return false;
}

function doubleQuoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export type ScalarEdit =
  { readonly ok: true; readonly splice: Splice } | { readonly ok: false; readonly reason: string };

/**
 * The splice that gives `node` the new string value in the style it was written in: quotes stay the
 * quotes they were, a plain value stays plain unless YAML would then read it as a number or boolean.
 * Only the scalar's own characters change.
 */
export function replaceScalar(source: YamlSource, node: Scalar, value: string): ScalarEdit {
  const [start, end] = node.range ?? [0, 0];
  const written = scalarSource(source, node);
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    return { ok: false, reason: "the value is a block scalar; edit it by hand" };
  }
  if (/[\r\n]/.test(written)) {
    return { ok: false, reason: "the value spans several lines; edit it by hand" };
  }
  switch (node.type) {
    case "PLAIN":
      return { ok: true, splice: { start, end, insert: needsQuotes(value) ? doubleQuoted(value) : value } };
    case "QUOTE_DOUBLE":
      return { ok: true, splice: { start, end, insert: doubleQuoted(value) } };
    case "QUOTE_SINGLE":
      return { ok: true, splice: { start, end, insert: singleQuoted(value) } };
    default:
      return { ok: false, reason: "the value is a block scalar; edit it by hand" };
  }
}

/** The line ending the file already uses (CRLF if its first line ends so). */
export function lineEnding(text: string): string {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}

/**
 * Inserts `key: value` into a map right after `after`: on its own line with the same indentation in a
 * block map, or `, key: value` in a flow map. Nothing else moves.
 */
export function insertPairAfter(
  source: YamlSource,
  map: YAMLMap,
  after: Pair,
  key: string,
  value: string,
): ScalarEdit {
  const rendered = needsQuotes(value) ? doubleQuoted(value) : value;
  const keyNode = after.key as Scalar;
  const valueNode = after.value as Scalar;
  const valueEnd = valueNode.range?.[1];
  const keyStart = keyNode.range?.[0];
  if (valueEnd === undefined || keyStart === undefined)
    return { ok: false, reason: "cannot locate the entry to extend" };
  if (map.flow === true) {
    return { ok: true, splice: { start: valueEnd, end: valueEnd, insert: `, ${key}: ${rendered}` } };
  }
  const text = source.text;
  const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  // A key that shares its line with a sequence dash (`- name: x`) is indented past the dash.
  const indentation = indent.replace(/[^\s]/g, " ");
  let lineEnd = text.indexOf("\n", valueEnd);
  if (lineEnd === -1) lineEnd = text.length;
  else if (text[lineEnd - 1] === "\r") lineEnd -= 1;
  return {
    ok: true,
    splice: { start: lineEnd, end: lineEnd, insert: `${lineEnding(text)}${indentation}${key}: ${rendered}` },
  };
}
